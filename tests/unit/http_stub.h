/* http_stub.h - a tiny HTTP/1.1 server on 127.0.0.1 for unit tests.
 *
 * It answers each connection with the next of its canned replies (the last
 * one repeats) and keeps a copy of the last request, so a test can see what
 * our client really sent. One connection at a time, "Connection: close".
 * Header-only (static inline) so each test that needs it includes it. */
#ifndef CRUDDUR_TEST_HTTP_STUB_H
#define CRUDDUR_TEST_HTTP_STUB_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define STUB_MAX_REPLIES 8
#define STUB_REQ_SIZE    65536

struct stub_reply {
    int status;
    const char *body;
};

struct stub {
    int fd;
    int port;
    pthread_t thread;
    struct stub_reply replies[STUB_MAX_REPLIES];
    int nreplies;
    pthread_mutex_t lock;
    int served;                    /* requests answered so far */
    char request[STUB_REQ_SIZE];   /* the last request, headers and body */
    size_t request_len;
};

/* Reads one request (headers, then Content-Length bytes of body). */
static inline size_t
stub_read_request(int c, char *buf, size_t size)
{
    size_t len = 0, want = 0;
    char *end, *cl;
    ssize_t n;

    while (len < size - 1) {
        n = read(c, buf + len, size - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
        if (end == NULL)
            continue;
        if (want == 0) {
            cl = strcasestr(buf, "\r\nContent-Length:");
            want = (size_t)(end + 4 - buf) +
                   (cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0);
        }
        if (len >= want)
            break;
    }
    buf[len] = '\0';
    return len;
}

static inline void *
stub_main(void *arg)
{
    struct stub *s = arg;
    char head[256], req[STUB_REQ_SIZE];
    struct stub_reply r;
    size_t len;
    int c, h;

    while ((c = accept(s->fd, NULL, NULL)) >= 0) {
        len = stub_read_request(c, req, sizeof(req));
        pthread_mutex_lock(&s->lock);
        memcpy(s->request, req, len + 1);
        s->request_len = len;
        r = s->replies[s->served < s->nreplies ? s->served : s->nreplies - 1];
        s->served++;
        pthread_mutex_unlock(&s->lock);
        h = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     r.status, strlen(r.body));
        if (write(c, head, (size_t)h) < 0 ||
            write(c, r.body, strlen(r.body)) < 0) {
            /* the client went away; nothing to do */
        }
        close(c);
    }
    return NULL;
}

/* Starts the server with replies (n of them). 0 on success. */
static inline int
stub_start(struct stub *s, const struct stub_reply *replies, int n)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);

    memset(s, 0, sizeof(*s));
    memcpy(s->replies, replies, (size_t)n * sizeof(*replies));
    s->nreplies = n;
    pthread_mutex_init(&s->lock, NULL);
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof(a)) ||
        listen(s->fd, 16) ||
        getsockname(s->fd, (struct sockaddr *)&a, &alen))
        return -1;
    s->port = ntohs(a.sin_port);
    return pthread_create(&s->thread, NULL, stub_main, s) ? -1 : 0;
}

static inline void
stub_stop(struct stub *s)
{
    shutdown(s->fd, SHUT_RDWR);   /* wakes the accept() */
    pthread_join(s->thread, NULL);
    close(s->fd);
    pthread_mutex_destroy(&s->lock);
}

static inline int
stub_served(struct stub *s)
{
    int n;

    pthread_mutex_lock(&s->lock);
    n = s->served;
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* The value of header name in the last request, copied to out ("" when
 * absent). */
static inline void
stub_header(struct stub *s, const char *name, char *out, size_t size)
{
    char *p = s->request, *eol;
    size_t n = strlen(name);

    out[0] = '\0';
    pthread_mutex_lock(&s->lock);
    while ((p = strstr(p, "\r\n")) != NULL) {
        p += 2;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            p += n + 1;
            while (*p == ' ')
                p++;
            eol = strstr(p, "\r\n");
            snprintf(out, size, "%.*s", eol ? (int)(eol - p) : (int)strlen(p), p);
            break;
        }
    }
    pthread_mutex_unlock(&s->lock);
}

/* The body of the last request. */
static inline const char *
stub_body(struct stub *s)
{
    char *p = strstr(s->request, "\r\n\r\n");

    return p ? p + 4 : "";
}

#endif
