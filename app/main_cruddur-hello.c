/* main_cruddur-hello.c - the smallest libfcgi worker that answers JSON.
 *
 * It exists as a yardstick: scripts/bench runs it behind the same lighttpd
 * configuration as the real worker, so the real worker's throughput can be
 * quoted as a fraction of what FastCGI itself allows on this machine. */
#include <fcgiapp.h>

int
main(void)
{
    static const char reply[] =
        "Status: 200 OK\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        "\r\n"
        "{\"success\":true,\"ver\":1}";
    FCGX_Request req;

    if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0)
        return 1;
    while (FCGX_Accept_r(&req) >= 0) {
        FCGX_PutStr(reply, (int)sizeof(reply) - 1, req.out);
        FCGX_Finish_r(&req);
    }
    return 0;
}
