/* main_cruddur-hello.c - the smallest libfcgi worker that answers JSON.
 *
 * It exists as a yardstick: scripts/bench runs it behind the same lighttpd
 * configuration as the real worker, so the real worker's throughput can be
 * quoted as a fraction of what FastCGI itself allows on this machine. It
 * accepts and finishes requests exactly as the real worker does, so the
 * difference between the two is the work of answering. */
#include "app/http/fcgi.h"

int
main(void)
{
    static const char reply[] =
        "Status: 200 OK\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        "\r\n"
        "{\"success\":true,\"ver\":1}";
    FCGX_Request req;
    int unix_listener = fcgi_listener_is_unix();

    if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0)
        return 1;
    while (FCGX_Accept_r(&req) >= 0) {
        FCGX_PutStr(reply, (int)sizeof(reply) - 1, req.out);
        fcgi_request_finish(&req, unix_listener);
    }
    return 0;
}
