/* Connection records, shedding and the request deadline (guard.h). */
#define _DEFAULT_SOURCE
#include "guard.h"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

izde_status sd_guard_init(sd_guard *g, unsigned threads, unsigned max_connections,
                          unsigned deadline_s, izde_error *err)
{
    memset(g, 0, sizeof *g);
    if (threads == 0)
        threads = 1;
    g->threads = calloc(threads, sizeof *g->threads);
    if (!g->threads)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory for the connection guard");
    if (pthread_mutex_init(&g->mu, NULL) != 0) {
        free(g->threads);
        g->threads = NULL;
        return izde_error_set(err, IZDE_ERR_INTERNAL, "cannot make the connection guard's lock");
    }
    g->n_threads = threads;
    g->mark = sd_guard_mark(threads, max_connections);
    g->deadline_ns = (uint64_t)deadline_s * 1000000000u;
    return IZDE_OK;
}

void sd_guard_free(sd_guard *g)
{
    if (!g || !g->threads)
        return;
    for (size_t i = 0; i < g->n_threads; i++)
        for (sd_conn *c = g->threads[i].head, *next; c; c = next) {
            next = c->next;
            free(c);
        }
    pthread_mutex_destroy(&g->mu);
    free(g->threads);
    memset(g, 0, sizeof *g);
}

/* libmicrohttpd gives each thread max/threads connections (the remainder to the first
 * ones); a sixteenth of that, and at least one, stays free for newcomers. */
size_t sd_guard_mark(unsigned threads, unsigned max_connections)
{
    size_t share = threads ? max_connections / threads : max_connections;
    size_t headroom = share / 16 + 1;
    return share > headroom ? share - headroom : 0;
}

/* Bytes the kernel has received on fd so far; 0 when it cannot tell (not TCP). */
static uint64_t bytes_received(int fd)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    memset(&ti, 0, sizeof ti);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
        len < offsetof(struct tcp_info, tcpi_bytes_received) + sizeof ti.tcpi_bytes_received)
        return 0;
    return ti.tcpi_bytes_received;
}

static sd_guard_thread *thread_of(sd_guard *g, const void *key)
{
    for (size_t i = 0; i < g->n_threads; i++) {
        if (g->threads[i].key == key)
            return &g->threads[i];
        if (!g->threads[i].key) {
            g->threads[i].key = key;
            return &g->threads[i];
        }
    }
    return &g->threads[0]; /* more threads than announced: share the first list */
}

static void unlink_conn(sd_guard_thread *t, sd_conn *c)
{
    *(c->prev ? &c->prev->next : &t->head) = c->next;
    *(c->next ? &c->next->prev : &t->tail) = c->prev;
    c->prev = c->next = NULL;
}

static void append(sd_guard_thread *t, sd_conn *c)
{
    c->prev = t->tail;
    c->next = NULL;
    *(t->tail ? &t->tail->next : &t->head) = c;
    t->tail = c;
}

/* Shuts c down: libmicrohttpd reads the end of the stream and closes it. Under the mutex. */
static void shut(sd_guard_thread *t, sd_conn *c)
{
    shutdown(c->fd, SHUT_RDWR);
    c->closing = 1;
    t->live--;
}

sd_conn *sd_guard_open(sd_guard *g, const void *thread, int fd, uint64_t now_ns)
{
    sd_conn *c = calloc(1, sizeof *c);
    pthread_mutex_lock(&g->mu);
    if (!c) {
        g->counts.refused++;
        pthread_mutex_unlock(&g->mu);
        return NULL;
    }
    sd_guard_thread *t = thread_of(g, thread);
    c->fd = fd;
    c->thread = (unsigned)(t - g->threads);
    c->since_ns = c->request_ns = now_ns; /* the first request is due from the opening */
    append(t, c);
    t->live++;
    g->counts.open++;
    /* the list is longest waiting first: shed from its head */
    for (sd_conn *o = t->head; o && t->live > g->mark; o = o->next)
        if (o != c && !o->answering && !o->closing) {
            shut(t, o);
            g->counts.shed++;
        }
    pthread_mutex_unlock(&g->mu);
    return c;
}

int sd_guard_alone(sd_guard *g, const sd_conn *c)
{
    if (!c)
        return 0;
    pthread_mutex_lock(&g->mu);
    int alone = g->threads[c->thread].live <= 1;
    pthread_mutex_unlock(&g->mu);
    return alone;
}

void sd_guard_answering(sd_guard *g, sd_conn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&g->mu);
    c->answering = 1;
    pthread_mutex_unlock(&g->mu);
}

void sd_guard_answered(sd_guard *g, sd_conn *c, uint64_t now_ns)
{
    if (!c)
        return;
    pthread_mutex_lock(&g->mu);
    sd_guard_thread *t = &g->threads[c->thread];
    c->answering = 0;
    c->since_ns = now_ns;
    c->request_ns = 0;
    c->rx_mark = bytes_received(c->fd);
    unlink_conn(t, c);
    append(t, c);
    pthread_mutex_unlock(&g->mu);
}

void sd_guard_close(sd_guard *g, sd_conn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&g->mu);
    sd_guard_thread *t = &g->threads[c->thread];
    unlink_conn(t, c);
    if (!c->closing)
        t->live--;
    g->counts.open--;
    pthread_mutex_unlock(&g->mu);
    free(c);
}

void sd_guard_sweep(sd_guard *g, uint64_t now_ns)
{
    pthread_mutex_lock(&g->mu);
    for (size_t i = 0; i < g->n_threads; i++) {
        sd_guard_thread *t = &g->threads[i];
        for (sd_conn *c = t->head; c; c = c->next) {
            if (c->answering || c->closing)
                continue;
            if (!c->request_ns && bytes_received(c->fd) > c->rx_mark)
                c->request_ns = now_ns; /* the next request has begun */
            /* now_ns was read before the lock: a connection opened since is younger */
            if (c->request_ns && now_ns > c->request_ns &&
                now_ns - c->request_ns > g->deadline_ns) {
                shut(t, c);
                g->counts.cut++;
            }
        }
    }
    pthread_mutex_unlock(&g->mu);
}

void sd_guard_take_counts(sd_guard *g, sd_guard_counts *out)
{
    pthread_mutex_lock(&g->mu);
    *out = g->counts;
    g->counts.shed = g->counts.cut = g->counts.refused = 0;
    pthread_mutex_unlock(&g->mu);
}
