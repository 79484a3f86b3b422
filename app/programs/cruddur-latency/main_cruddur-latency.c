/* main_cruddur-latency.c - a TCP proxy that adds network latency, for
 * scripts/bench-sizing.
 *
 * On the local stack DynamoDB Local and PostgreSQL answer in a fraction of
 * a millisecond; the real services answer in a few milliseconds and about
 * one. A worker answers one request at a time and idles while it waits,
 * so how many workers a host needs depends on that wait. This proxy sits
 * in front of a backend and holds every chunk of data, in each direction,
 * for a fixed delay plus a uniform jitter before passing it on, in order
 * (latq.h). One thread, epoll and a timerfd: any number of connections.
 *
 *   cruddur-latency -l PORT -t PORT [-u US[,JITTER]] [-d US[,JITTER]] [-s SEED]
 *
 *   -l  port to listen on (127.0.0.1)
 *   -t  the backend's port on 127.0.0.1
 *   -u  delay of data towards the backend, microseconds     0
 *   -d  delay of data back from the backend, microseconds   0
 *   -s  seed of the jitter                                  1
 *
 * A round trip gains about u + d. Connecting is not delayed (clients here
 * keep their connections). Runs until killed. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "app/programs/cruddur-latency/lat_timers.h"
#include "app/programs/cruddur-latency/latq.h"

/* Past this many queued bytes a side is not read until the queue drains:
 * a slow reader cannot make the proxy hold unbounded memory. */
#define LAT_QUEUE_CAP (4u << 20)
#define LAT_READ_MAX 65536
/* epoll tags of the two fixed descriptors; a connection's tag is
 * (slot << 1 | side) + 2. */
#define LAT_TAG_LISTEN 0
#define LAT_TAG_TIMER 1

/* One proxied connection. Side 0 is the client, side 1 the backend;
 * q[s] holds what side s sent, to be written to side 1 - s. */
struct lat_conn {
    int fd[2];
    struct latq q[2];
    bool rd_eof[2];             /* side s sent its end of stream */
    bool blocked[2];            /* writing to side s would block */
    uint32_t ev[2];             /* the epoll events registered for side s
                                 * (0: not in the epoll set) */
    uint32_t gen;
    bool used;
};

struct lat_proxy {
    int ep, lfd, tfd;
    struct sockaddr_in target;
    struct latq_delay delay[2]; /* [0] towards the backend, [1] back */
    uint64_t rng;
    struct lat_conn *conns;     /* slots; a closed one is reused */
    size_t nconns;
    struct lat_timers timers;
    int64_t armed_us;           /* what the timerfd is set to, -1 none */
};

static int64_t
lat_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint64_t
lat_tag(size_t slot, int side)
{
    return ((uint64_t)slot << 1 | (uint64_t)side) + 2;
}

/* What side s of c waits for now: reading while its end is open and its
 * queue has room, writing while a due chunk for it could not be written. */
static void
lat_watch(struct lat_proxy *p, size_t slot, int s)
{
    struct lat_conn *c = &p->conns[slot];
    uint32_t want = 0;
    struct epoll_event ev;

    if (!c->rd_eof[s] && c->q[s].bytes < LAT_QUEUE_CAP)
        want |= EPOLLIN;
    if (c->blocked[s])
        want |= EPOLLOUT;
    if (want == c->ev[s])
        return;
    ev.events = want;
    ev.data.u64 = lat_tag(slot, s);
    /* Nothing to wait for: out of the set, or a hung-up side would wake
     * us for ever (epoll reports a hang-up whatever the events). */
    if (!want)
        epoll_ctl(p->ep, EPOLL_CTL_DEL, c->fd[s], NULL);
    else
        epoll_ctl(p->ep, c->ev[s] ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd[s], &ev);
    c->ev[s] = want;
}

static void
lat_close(struct lat_proxy *p, size_t slot)
{
    struct lat_conn *c = &p->conns[slot];

    for (int s = 0; s < 2; s++) {
        close(c->fd[s]);
        latq_clear(&c->q[s]);
    }
    c->used = false;
    c->gen++;                   /* its timers still queued are skipped */
}

/* Writes to side 1 - dir every chunk of q[dir] that is due. Returns false
 * when the connection was closed (an error, or both ends delivered). */
static bool
lat_flush(struct lat_proxy *p, size_t slot, int dir, int64_t now)
{
    struct lat_conn *c = &p->conns[slot];
    int to = 1 - dir;
    const void *data;
    size_t len;
    bool eof;

    c->blocked[to] = false;
    while (latq_ready(&c->q[dir], now, &data, &len, &eof)) {
        if (eof) {
            shutdown(c->fd[to], SHUT_WR);
            latq_consume(&c->q[dir], 0);
            continue;
        }
        ssize_t n = send(c->fd[to], data, len, MSG_NOSIGNAL);

        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            c->blocked[to] = true;
            break;
        }
        if (n < 0) {
            lat_close(p, slot);
            return false;
        }
        latq_consume(&c->q[dir], (size_t)n);
    }
    if (c->rd_eof[0] && c->rd_eof[1] && !c->q[0].head && !c->q[1].head) {
        lat_close(p, slot);
        return false;
    }
    lat_watch(p, slot, to);
    lat_watch(p, slot, dir);
    return true;
}

/* Reads what side s has sent and queues it, each read a chunk with its own
 * due time. Returns false when the connection was closed. */
static bool
lat_read(struct lat_proxy *p, size_t slot, int s)
{
    struct lat_conn *c = &p->conns[slot];
    static unsigned char buf[LAT_READ_MAX];
    ssize_t n = recv(c->fd[s], buf, sizeof(buf), 0);
    int64_t due;

    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return true;
    if (n < 0) {
        lat_close(p, slot);
        return false;
    }
    due = latq_due(&c->q[s], &p->delay[s], lat_now_us(), &p->rng);
    if (latq_push(&c->q[s], due, buf, (size_t)n) != CR_OK ||
        lat_timers_push(&p->timers, (struct lat_timer){ due, (uint32_t)slot, c->gen, s }) != CR_OK) {
        fprintf(stderr, "cruddur-latency: out of memory: connection dropped\n");
        lat_close(p, slot);
        return false;
    }
    if (n == 0)
        c->rd_eof[s] = true;
    lat_watch(p, slot, s);
    return true;
}

/* A free slot (growing the table), or -1. */
static long
lat_slot(struct lat_proxy *p)
{
    size_t old = p->nconns, n = old ? 2 * old : 64;
    struct lat_conn *v;

    for (size_t i = 0; i < old; i++)
        if (!p->conns[i].used)
            return (long)i;
    v = realloc(p->conns, n * sizeof(*v));
    if (!v)
        return -1;
    memset(v + old, 0, (n - old) * sizeof(*v));
    p->conns = v;
    p->nconns = n;
    return (long)old;
}

/* Connects a client just accepted to the backend. The connect blocks (on
 * loopback it completes at once) and is not delayed. */
static void
lat_accept_one(struct lat_proxy *p, int cfd)
{
    int one = 1, bfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    long slot = -1;
    struct lat_conn *c;

    if (bfd < 0 || connect(bfd, (struct sockaddr *)&p->target, sizeof(p->target)) != 0 ||
        fcntl(bfd, F_SETFL, O_NONBLOCK) != 0) {
        fprintf(stderr, "cruddur-latency: backend port %d: %s\n", ntohs(p->target.sin_port),
                strerror(errno));
        goto fail;
    }
    slot = lat_slot(p);
    if (slot < 0)
        goto fail;
    c = &p->conns[slot];
    c->fd[0] = cfd;
    c->fd[1] = bfd;
    c->used = true;
    for (int s = 0; s < 2; s++) {
        struct epoll_event ev = { .events = EPOLLIN, .data.u64 = lat_tag((size_t)slot, s) };

        /* Small writes leave at once: the delay is ours to add, not Nagle's. */
        setsockopt(c->fd[s], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        c->rd_eof[s] = c->blocked[s] = false;
        c->ev[s] = EPOLLIN;
        epoll_ctl(p->ep, EPOLL_CTL_ADD, c->fd[s], &ev);
    }
    return;
fail:
    close(cfd);
    if (bfd >= 0)
        close(bfd);
}

static void
lat_accept(struct lat_proxy *p)
{
    for (;;) {
        int cfd = accept4(p->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (cfd < 0)
            return;             /* EAGAIN: all taken; anything else: retry later */
        lat_accept_one(p, cfd);
    }
}

/* Flushes every direction whose chunk came due, then sets the timer to the
 * next due time. */
static void
lat_fire(struct lat_proxy *p)
{
    int64_t now = lat_now_us();
    struct lat_timer t;
    uint64_t expirations;

    if (read(p->tfd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
        return;
    while (lat_timers_pop_due(&p->timers, now, &t)) {
        if (t.slot < p->nconns && p->conns[t.slot].used && p->conns[t.slot].gen == t.gen)
            lat_flush(p, t.slot, t.dir, now);
    }
}

/* Arms the timerfd for the earliest due chunk (absolute time), if that
 * changed since the last time. */
static void
lat_arm(struct lat_proxy *p)
{
    int64_t next = lat_timers_next(&p->timers);
    struct itimerspec its = { 0 };

    if (next == p->armed_us)
        return;
    if (next >= 0) {
        /* 0 would disarm it: a due time of 0 fires at once all the same. */
        its.it_value.tv_sec = next / 1000000;
        its.it_value.tv_nsec = (long)(next % 1000000) * 1000 + 1;
    }
    timerfd_settime(p->tfd, TFD_TIMER_ABSTIME, &its, NULL);
    p->armed_us = next;
}

static void
lat_event(struct lat_proxy *p, const struct epoll_event *ev)
{
    uint64_t tag = ev->data.u64 - 2;
    size_t slot = (size_t)(tag >> 1);
    int s = (int)(tag & 1);

    if (slot >= p->nconns || !p->conns[slot].used)
        return;
    /* Writable first: what waited for room goes before newer data. */
    if ((ev->events & EPOLLOUT) && !lat_flush(p, slot, 1 - s, lat_now_us()))
        return;
    if ((ev->events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !p->conns[slot].rd_eof[s])
        lat_read(p, slot, s);
}

static int
lat_run(struct lat_proxy *p)
{
    struct epoll_event evs[256];

    for (;;) {
        lat_arm(p);
        int n = epoll_wait(p->ep, evs, 256, -1);

        if (n < 0 && errno != EINTR) {
            perror("cruddur-latency: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            if (evs[i].data.u64 == LAT_TAG_LISTEN)
                lat_accept(p);
            else if (evs[i].data.u64 == LAT_TAG_TIMER)
                lat_fire(p);
            else
                lat_event(p, &evs[i]);
        }
    }
}

/* "US" or "US,JITTER" in microseconds. */
static bool
lat_parse_delay(const char *arg, struct latq_delay *d)
{
    char *end;

    d->fixed_us = strtoll(arg, &end, 10);
    d->jitter_us = 0;
    if (*end == ',')
        d->jitter_us = strtoll(end + 1, &end, 10);
    return *end == '\0' && end != arg && d->fixed_us >= 0 && d->jitter_us >= 0;
}

static bool
lat_parse_port(const char *arg, int *port)
{
    char *end;
    long v = strtol(arg, &end, 10);

    *port = (int)v;
    return *end == '\0' && end != arg && v > 0 && v < 65536;
}

static int
lat_setup(struct lat_proxy *p, int lport)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)lport),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    struct epoll_event lev = { .events = EPOLLIN, .data.u64 = LAT_TAG_LISTEN };
    struct epoll_event tev = { .events = EPOLLIN, .data.u64 = LAT_TAG_TIMER };
    int one = 1;

    p->ep = epoll_create1(EPOLL_CLOEXEC);
    p->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    p->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (p->ep < 0 || p->tfd < 0 || p->lfd < 0)
        return -1;
    setsockopt(p->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(p->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(p->lfd, 1024) != 0)
        return -1;
    if (epoll_ctl(p->ep, EPOLL_CTL_ADD, p->lfd, &lev) != 0 ||
        epoll_ctl(p->ep, EPOLL_CTL_ADD, p->tfd, &tev) != 0)
        return -1;
    return 0;
}

static int
lat_usage(void)
{
    fprintf(stderr, "usage: cruddur-latency -l PORT -t PORT [-u US[,JITTER]] [-d US[,JITTER]] "
                    "[-s SEED]\n");
    return 2;
}

int
main(int argc, char **argv)
{
    struct lat_proxy p = { .ep = -1, .lfd = -1, .tfd = -1, .rng = 1, .armed_us = -1 };
    int lport = 0, tport = 0, opt;

    while ((opt = getopt(argc, argv, "l:t:u:d:s:")) != -1) {
        bool ok = true;

        switch (opt) {
        case 'l': ok = lat_parse_port(optarg, &lport); break;
        case 't': ok = lat_parse_port(optarg, &tport); break;
        case 'u': ok = lat_parse_delay(optarg, &p.delay[0]); break;
        case 'd': ok = lat_parse_delay(optarg, &p.delay[1]); break;
        case 's': p.rng = strtoull(optarg, NULL, 10); break;
        default: ok = false;
        }
        if (!ok)
            return lat_usage();
    }
    if (!lport || !tport || optind != argc)
        return lat_usage();
    if (!p.rng)
        p.rng = 1;              /* xorshift stays at 0 forever */
    p.target = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)tport),
                                     .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    signal(SIGPIPE, SIG_IGN);
    if (lat_setup(&p, lport) != 0) {
        fprintf(stderr, "cruddur-latency: listening on 127.0.0.1:%d: %s\n", lport, strerror(errno));
        return 1;
    }
    return lat_run(&p);
}
