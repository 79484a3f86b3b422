/* main_cruddur-hello.c - the smallest libfcgi worker that answers JSON.
 *
 * It exists as a yardstick: scripts/bench runs it behind the same lighttpd
 * configuration as the real worker, so the real worker's throughput can be
 * quoted as a fraction of what FastCGI itself allows on this machine. It
 * accepts and finishes requests exactly as the real worker does, so the
 * difference between the two is the work of answering.
 *
 * A request header "X-Hello-Bytes: N" pads the answer to N bytes (at most
 * HELLO_MAX_BYTES): a route that answers 40 KB pays for writing 40 KB
 * through FastCGI and lighttpd, so its yardstick must write as much. */
#include <stdlib.h>
#include <string.h>

#include "app/http/fcgi.h"

#define HELLO_MAX_BYTES (1024 * 1024)

static const char hello_head[] =
    "Status: 200 OK\r\n"
    "Content-Type: application/json; charset=utf-8\r\n"
    "\r\n";
static const char hello_short[] = "{\"success\":true,\"ver\":1}";
static const char hello_pad_open[] = "{\"success\":true,\"pad\":\"";
static const char hello_pad_close[] = "\"}";

static size_t
hello_wanted_bytes(FCGX_Request *req)
{
    const char *v = FCGX_GetParam("HTTP_X_HELLO_BYTES", req->envp);
    long n = v ? strtol(v, NULL, 10) : 0;

    if (n <= 0)
        return 0;
    return n > HELLO_MAX_BYTES ? HELLO_MAX_BYTES : (size_t)n;
}

static void
hello_answer(FCGX_Request *req, const char *pad)
{
    size_t want = hello_wanted_bytes(req);
    size_t frame = sizeof(hello_pad_open) - 1 + sizeof(hello_pad_close) - 1;

    FCGX_PutStr(hello_head, (int)sizeof(hello_head) - 1, req->out);
    if (want <= frame) {
        FCGX_PutStr(hello_short, (int)sizeof(hello_short) - 1, req->out);
        return;
    }
    FCGX_PutStr(hello_pad_open, (int)sizeof(hello_pad_open) - 1, req->out);
    FCGX_PutStr(pad, (int)(want - frame), req->out);
    FCGX_PutStr(hello_pad_close, (int)sizeof(hello_pad_close) - 1, req->out);
}

int
main(void)
{
    FCGX_Request req;
    int unix_listener = fcgi_listener_is_unix();
    char *pad = malloc(HELLO_MAX_BYTES);

    if (pad == NULL || FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0)
        return 1;
    memset(pad, 'x', HELLO_MAX_BYTES);
    while (FCGX_Accept_r(&req) >= 0) {
        hello_answer(&req, pad);
        fcgi_request_finish(&req, unix_listener);
    }
    free(pad);
    return 0;
}
