/* fcgi.h - a FastCGI request in, a response out (libfcgi's FCGX API). */
#ifndef CRUDDUR_FCGI_H
#define CRUDDUR_FCGI_H

#include <fcgiapp.h>

#include "app/core/err.h"
#include "app/http/http.h"

/* Fills req from the FastCGI parameters and reads the body. When the
 * request cannot be served (too large, truncated, bad target) sets the
 * error on res and returns CR_INVALID. */
cr_code fcgi_request_read(FCGX_Request *fr, struct http_request *req,
                          struct http_response *res);

/* Writes the status line, headers and body; with cors non-zero, the CORS
 * headers letting req's Origin in (the caller decides whether it may). */
void fcgi_response_write(FCGX_Request *fr, int cors,
                         const struct http_request *req,
                         const struct http_response *res);

/* Whether the socket the workers accept on (fd 0) is a Unix socket. */
int fcgi_listener_is_unix(void);

/* What the workers of one fastcgi.server have in common: the path of the
 * Unix socket they accept on, without the "-N" lighttpd appends for each
 * worker ("/state/fcgi.sock-2" -> "/state/fcgi.sock", the path configured).
 * CR_NOT_FOUND when fd 0 is not a named Unix socket (run by hand, TCP). */
cr_code fcgi_listener_scope(char *out, size_t size);

/* Ends the request and its connection (FCGX_Finish_r), closing at once
 * rather than lingering when that is safe. Past FCGI_DRAIN_MAX unread
 * bytes of body it leaves the draining to libfcgi. */
#define FCGI_DRAIN_MAX (64L * 1024)
void fcgi_request_finish(FCGX_Request *fr, int listener_is_unix);

#endif
