/* libmicrohttpd glue: requests in, sd_route() on a pooled searcher, responses out; signals;
 * graceful stop. */
#define _POSIX_C_SOURCE 200809L
#include "server.h"

#include "log.h"
#include "pool.h"
#include "request.h"
#include "router.h"
#include "slot.h"
#include "write_body.h"
#include "write_routes.h"

#include <microhttpd.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One request, from its request line to its completion. */
typedef struct exchange {
    char *target; /* as received, percent-encoded */
    size_t target_len;
    char method[16]; /* "-" until the request is handed to us */
    uint64_t start_ns;
    int status; /* 0 until we answer */
    sd_endpoint endpoint;
    int headers_seen, answered;
    sd_body body; /* of a write (write_routes.h) */
} exchange;

typedef struct server {
    sd_state *st;
    sd_pool pool; /* the searchers, checked out per request */
} server;

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)c;
    server *srv = cls;
    exchange *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->start_ns = sd_now_ns();
    x->endpoint = SD_EP_OTHER;
    x->method[0] = '-';
    x->target_len = strlen(uri);
    x->target = strndup(uri, x->target_len);
    atomic_fetch_add(&srv->st->metrics.in_flight, 1);
    return x;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    server *srv = cls;
    exchange *x = *con_cls;
    if (!x)
        return;
    uint64_t ns = sd_now_ns() - x->start_ns;
    sd_log_access(x->method, x->target, x->target ? x->target_len : 0, x->status, (double)ns / 1e6);
    sd_metrics_record(&srv->st->metrics, x->endpoint, x->status, ns);
    atomic_fetch_sub(&srv->st->metrics.in_flight, 1);
    free(x->target);
    sd_body_free(&x->body);
    free(x);
    *con_cls = NULL;
}

static const char *header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static int has_body(struct MHD_Connection *c)
{
    const char *len = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
    return header(c, MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL ||
           (len && strspn(len, "0 \t") != strlen(len));
}

/* Queues r; its body then belongs to libmicrohttpd (r->body is set to NULL). */
static enum MHD_Result queue(struct MHD_Connection *c, sd_response *r)
{
    enum MHD_ResponseMemoryMode mode =
        r->body_static ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_FREE;
    struct MHD_Response *resp = MHD_create_response_from_buffer(r->body_len, r->body, mode);
    if (!resp)
        return MHD_NO;
    r->body = NULL;
    if (r->content_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    for (size_t i = 0; i < r->n_headers; i++)
        MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

/* Builds the request, routes it and queues the answer. */
static enum MHD_Result answer(server *srv, struct MHD_Connection *c, exchange *x)
{
    sd_request req = {.method = x->method,
                      .origin = header(c, "Origin"),
                      .if_none_match = header(c, MHD_HTTP_HEADER_IF_NONE_MATCH),
                      .has_body = has_body(c),
                      .authorization = header(c, MHD_HTTP_HEADER_AUTHORIZATION),
                      .body = x->body.data,
                      .body_len = x->body.len,
                      .body_too_large = x->body.too_large};
    sd_response resp = {0};
    izde_error err = {0};
    if (!x->target || sd_request_parse_target(&req, x->target, x->target_len, &err))
        return MHD_NO; /* out of memory: close the connection */
    sd_slot *slot = sd_pool_acquire(&srv->pool);
    sd_route(srv->st, slot, &req, &resp);
    sd_pool_release(&srv->pool, slot);
    sd_request_clear(&req);
    if (resp.detail[0])
        sd_log("%s %.*s: %s", x->method, (int)(x->target_len > 200 ? 200 : x->target_len),
               x->target, resp.detail);
    x->status = resp.status;
    x->endpoint = resp.endpoint;
    enum MHD_Result ok = queue(c, &resp);
    sd_response_clear(&resp);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)url;
    (void)version;
    exchange *x = *con_cls;
    if (!x)
        return MHD_NO;
    if (x->answered) { /* a body after the answer: discard it */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (!x->headers_seen) {
        x->headers_seen = 1;
        snprintf(x->method, sizeof x->method, "%s", method);
        /* Answering now, before the request is complete, would make libmicrohttpd close the
         * connection: wait for the next call unless a body is coming (refused, then closed). */
        if (!has_body(c))
            return MHD_YES;
        /* a write reads its body; any other body is refused unread */
        x->body.max = x->target ? sd_write_body_max(x->method, x->target, x->target_len) : 0;
        const char *len = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (x->body.max && len && strtoull(len, NULL, 10) > x->body.max)
            x->body.too_large = 1; /* refused (413) before a byte of it is read */
        else if (x->body.max)
            return MHD_YES;
    }
    if (x->body.max && *upload_data_size) {
        int kept = sd_body_append(&x->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        if (kept < 0)
            return MHD_NO; /* out of memory: close the connection */
        if (kept)
            return MHD_YES; /* until the last call, without data */
    }
    x->answered = 1;
    return answer(cls, c, x);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    sd_log("libmicrohttpd: %s", msg);
}

/* One thread per connection (bounded by --max-connections): a request runs as soon as a
 * searcher is free, whichever connection it came on. */
static struct MHD_Daemon *start(server *srv, const sd_config *cfg,
                                const struct sockaddr_storage *addr)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_AUTO | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (addr->ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    /* The logger first, so that libmicrohttpd reports problems with the other options. */
    return MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
                            mhd_log, NULL, MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_CONNECTION_LIMIT,
                            cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                            cfg->per_ip_limit, MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SD_CONNECTION_MEMORY,
                            MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv, MHD_OPTION_NOTIFY_COMPLETED,
                            on_completed, srv, MHD_OPTION_END);
}

static unsigned searcher_count(const sd_config *cfg)
{
    if (cfg->threads)
        return cfg->threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > SD_THREADS_MAX ? SD_THREADS_MAX : (unsigned)n;
}

/* Waits for SIGTERM or SIGINT; SIGHUP on the way asks the searchers to reopen. */
static int wait_for_stop(sd_state *st, const sigset_t *set)
{
    for (;;) {
        int sig = 0;
        if (sigwait(set, &sig) != 0)
            continue;
        if (sig != SIGHUP)
            return sig;
        atomic_fetch_add(&st->reload_epoch, 1);
        sd_log("SIGHUP: every searcher reopens the index before its next request");
    }
}

/* Stops accepting, lets requests in flight finish (bounded), then stops the threads. */
static void stop(struct MHD_Daemon *d, sd_state *st, int sig)
{
    long pending = atomic_load(&st->metrics.in_flight);
    sd_log("%s: stopping; %ld request%s in flight", sig == SIGINT ? "SIGINT" : "SIGTERM", pending,
           pending == 1 ? "" : "s");
    MHD_socket fd = MHD_quiesce_daemon(d);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    struct timespec tick = {0, 10 * 1000 * 1000};
    for (int i = 0; i < SD_DRAIN_SECONDS * 100 && atomic_load(&st->metrics.in_flight) > 0; i++)
        nanosleep(&tick, NULL);
    MHD_stop_daemon(d);
    sd_log("stopped");
}

int sd_serve(sd_state *st, const sd_config *cfg)
{
    struct sockaddr_storage addr;
    socklen_t addr_len = 0;
    izde_error err = {0};
    if (sd_listen_parse(cfg->listen, &addr, &addr_len, &err) != IZDE_OK) {
        sd_log("%s", err.msg);
        return SD_EXIT_USAGE;
    }
    unsigned threads = searcher_count(cfg);
    if (threads > cfg->max_connections) {
        /* name what was asked for: --threads 0 means one searcher per core */
        sd_log("%u searchers (--threads %u%s) are more than --max-connections %u", threads,
               cfg->threads, cfg->threads ? "" : ": one per core", cfg->max_connections);
        return SD_EXIT_USAGE;
    }
    server srv = {.st = st};
    if (sd_pool_init(&srv.pool, threads, &err) != IZDE_OK) {
        sd_log("%s", err.msg);
        return SD_EXIT_OTHER;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* inherited by libmicrohttpd's threads */
    signal(SIGPIPE, SIG_IGN);
    struct MHD_Daemon *d = start(&srv, cfg, &addr);
    if (!d) {
        sd_log("cannot listen on %s", cfg->listen);
        sd_pool_close(&srv.pool);
        return SD_EXIT_LISTEN;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char where[300];
    sd_addr_format((struct sockaddr *)&addr, info ? info->port : 0, where, sizeof where);
    sd_log("%u searcher%s, a thread per connection (at most %u), index %s", threads,
           threads == 1 ? "" : "s", cfg->max_connections, st->db);
    sd_log("listening on http://%s/", where);
    stop(d, st, wait_for_stop(st, &set));
    sd_pool_close(&srv.pool); /* every connection thread has ended */
    return SD_EXIT_OK;
}
