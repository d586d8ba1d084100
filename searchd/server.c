/* libmicrohttpd glue: requests in, sd_route() on a pooled searcher, responses out; the
 * connection guard; signals; graceful stop. */
#define _POSIX_C_SOURCE 200809L
#include "server.h"

#include "guard.h"
#include "log.h"
#include "pool.h"
#include "request.h"
#include "router.h"
#include "slot.h"
#include "write_body.h"
#include "intake.h"
#include "write_routes.h"

#include <izde/clock.h>

#include <microhttpd.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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
    sd_body body;      /* of a write (write_routes.h) */
    sd_intake_job job; /* the request and its answer */
    struct MHD_Connection *conn;
    atomic_int deferred; /* handed to an intake, suspended; 2 once it is answered */
} exchange;

typedef struct server {
    sd_state *st;
    sd_pool pool;          /* the searchers, checked out per request */
    sd_guard guard;        /* every open connection: deadline and shedding */
    sd_intake intake_read; /* answers the other requests, a thread per searcher (intake.h) */
    /* answer the writes: one entry's apart from bulk loads, so that a story published during
     * an import waits for room in the backlog, not behind the import */
    sd_intake intake_one, intake_bulk;
    pthread_mutex_t stop_mu;
    pthread_cond_t stop_cv;
    int stopping; /* under stop_mu: the sweeper ends */
} server;

/* The guard's record of c, set when c opened; NULL when it could not be made. */
static sd_conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    server *srv = cls;
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        sd_guard_close(&srv->guard, *socket_context);
        *socket_context = NULL;
        return;
    }
    const union MHD_ConnectionInfo *fd =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    const union MHD_ConnectionInfo *d = MHD_get_connection_info(c, MHD_CONNECTION_INFO_DAEMON);
    *socket_context =
        fd && d ? sd_guard_open(&srv->guard, d->daemon, fd->connect_fd, izde_clock_ns()) : NULL;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)c;
    server *srv = cls;
    exchange *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->start_ns = izde_clock_ns();
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
    (void)toe;
    server *srv = cls;
    sd_guard_answered(&srv->guard, conn_of(c), izde_clock_ns());
    exchange *x = *con_cls;
    if (!x)
        return;
    uint64_t ns = izde_clock_ns() - x->start_ns;
    sd_log_access(x->method, x->target, x->target ? x->target_len : 0, x->status, (double)ns / 1e6);
    sd_metrics_record(&srv->st->metrics, x->endpoint, x->status, ns);
    atomic_fetch_sub(&srv->st->metrics.in_flight, 1);
    /* An intake's answer whose client left while the connection was suspended: libmicrohttpd
     * ends the connection without calling on_request() again, so send_answer() never freed
     * the request and the answer. (A job still at an intake keeps its connection suspended,
     * and a suspended connection does not end.) */
    if (atomic_load(&x->deferred) == 2) {
        sd_request_clear(&x->job.req);
        sd_response_clear(&x->job.resp);
    }
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

/* Queues r; its body then belongs to libmicrohttpd (r->body is set to NULL). From then on the
 * connection is being answered: the guard neither sheds nor cuts it. */
static enum MHD_Result queue(server *srv, struct MHD_Connection *c, sd_response *r)
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
    if (ok == MHD_YES)
        sd_guard_answering(&srv->guard, conn_of(c));
    return ok;
}

/* Logs and queues x's answer, then frees the request and the answer. */
static enum MHD_Result send_answer(server *srv, struct MHD_Connection *c, exchange *x)
{
    sd_response *resp = &x->job.resp;
    sd_request_clear(&x->job.req);
    if (resp->detail[0])
        sd_log("%s %.*s: %s", x->method, (int)(x->target_len > 200 ? 200 : x->target_len),
               x->target, resp->detail);
    x->status = resp->status;
    x->endpoint = resp->endpoint;
    enum MHD_Result ok = queue(srv, c, resp);
    sd_response_clear(resp);
    return ok;
}

/* An intake answered: libmicrohttpd calls on_request() again, which sends the answer. */
static void on_routed(sd_intake_job *job)
{
    exchange *x = (exchange *)((char *)job - offsetof(exchange, job));
    atomic_store(&x->deferred, 2);
    MHD_resume_connection(x->conn);
}

/* Builds the request and answers it here when its connection is alone on this event thread,
 * else hands it to an intake (intake.h), the connection suspended. */
static enum MHD_Result answer(server *srv, struct MHD_Connection *c, exchange *x)
{
    sd_request *req = &x->job.req;
    *req = (sd_request){.method = x->method,
                        .origin = header(c, "Origin"),
                        .if_none_match = header(c, MHD_HTTP_HEADER_IF_NONE_MATCH),
                        .has_body = has_body(c),
                        .authorization = header(c, MHD_HTTP_HEADER_AUTHORIZATION),
                        .body = x->body.data,
                        .body_len = x->body.len,
                        .body_too_large = x->body.too_large};
    izde_error err = {0};
    if (!x->target || sd_request_parse_target(req, x->target, x->target_len, &err))
        return MHD_NO; /* out of memory: close the connection */
    sd_write_class w = sd_write_classify(x->method, x->target, x->target_len);
    sd_intake *in = &srv->intake_read;
    if (srv->st->writer && w != SD_WRITE_NONE) {
        in = w == SD_WRITE_BULK ? &srv->intake_bulk : &srv->intake_one;
    } else if (sd_guard_alone(&srv->guard, conn_of(c))) {
        /* nothing else of this event thread can wait behind it: answered here, without the
         * hand-over's two thread wake-ups (about 45 us a request on the test VM). A
         * connection accepted meanwhile waits for this one answer. */
        sd_intake_route(in, &x->job);
        return send_answer(srv, c, x);
    }
    /* the headers and the body stay where they are while the connection is suspended */
    x->conn = c;
    x->job.done = on_routed;
    atomic_store(&x->deferred, 1);
    sd_guard_answering(&srv->guard, conn_of(c)); /* complete: neither cut nor shed */
    MHD_suspend_connection(c);
    sd_intake_submit(in, &x->job);
    return MHD_YES;
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
    if (atomic_load(&x->deferred)) { /* resumed once an intake answered */
        if (atomic_load(&x->deferred) == 1)
            return MHD_YES;
        atomic_store(&x->deferred, 0);
        return send_answer(cls, c, x);
    }
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

/* Event-driven: event threads, each an epoll loop over its share of the connections, so an idle
 * or slow connection costs memory, not a thread. */
static struct MHD_Daemon *start(server *srv, const sd_config *cfg, unsigned loops,
                                const struct sockaddr_storage *addr)
{
    unsigned flags =
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    if (addr->ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    /* The logger first, so that libmicrohttpd reports problems with the other options. */
    return MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_THREAD_POOL_SIZE, loops, MHD_OPTION_CONNECTION_LIMIT,
        cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)cfg->max_header_kib * 1024, MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_END);
}

/* Every half second: cut the requests past their deadline; once a second, log what the guard
 * closed (counts only: no client addresses, which behind a proxy are all the proxy's anyway). */
static void *sweeper(void *arg)
{
    server *srv = arg;
    pthread_mutex_lock(&srv->stop_mu);
    for (unsigned tick = 1; !srv->stopping; tick++) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 500 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&srv->stop_cv, &srv->stop_mu, &until);
        if (srv->stopping)
            break;
        sd_guard_sweep(&srv->guard, izde_clock_ns());
        if (tick % 2)
            continue;
        sd_guard_counts n;
        sd_guard_take_counts(&srv->guard, &n);
        if (n.shed || n.cut || n.refused)
            sd_log("connections: shed %zu waiting (oldest first) to make room, cut %zu requests "
                   "not complete in %u s, %zu unguarded (out of memory); %zu open",
                   n.shed, n.cut, (unsigned)(srv->guard.deadline_ns / 1000000000u), n.refused,
                   n.open);
    }
    pthread_mutex_unlock(&srv->stop_mu);
    return NULL;
}

static void stop_sweeper(server *srv, pthread_t t)
{
    pthread_mutex_lock(&srv->stop_mu);
    srv->stopping = 1;
    pthread_cond_signal(&srv->stop_cv);
    pthread_mutex_unlock(&srv->stop_mu);
    pthread_join(t, NULL);
}

/* Each connection is a descriptor: take the hard limit, and say when even that is short. */
static void raise_fd_limit(unsigned max_connections)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)max_connections + SD_SPARE_FDS)
        sd_log("open files limited to %llu: fewer than --max-connections %u + %d for the index; "
               "raise LimitNOFILE or lower --max-connections",
               (unsigned long long)rl.rlim_cur, max_connections, SD_SPARE_FDS);
}

static unsigned searcher_count(const sd_config *cfg)
{
    if (cfg->threads)
        return cfg->threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > SD_THREADS_MAX ? SD_THREADS_MAX : (unsigned)n;
}

/* libmicrohttpd keeps a connection on the event thread that accepted it, and a request is
 * searched on that thread: with as many threads as searchers, two busy keep-alive clients would
 * share one thread (and one core) half the time. SD_LOOPS_PER_SEARCHER threads per searcher
 * make that rare; the pool of searchers still bounds the searches at once. */
static unsigned event_threads(unsigned searchers, unsigned max_connections)
{
    unsigned n = searchers * SD_LOOPS_PER_SEARCHER;
    if (n > SD_LOOPS_MAX)
        n = SD_LOOPS_MAX;
    if (n < searchers)
        n = searchers;
    return n > max_connections ? max_connections : n;
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

/* Stops the daemon's threads; the intake first, so that no connection stays suspended. */
static void halt(server *srv, struct MHD_Daemon *d)
{
    sd_intake_stop(&srv->intake_read);
    sd_intake_stop(&srv->intake_one);
    sd_intake_stop(&srv->intake_bulk);
    MHD_stop_daemon(d);
}

/* Stops accepting, lets requests in flight finish (bounded), then stops the threads. */
static void stop(server *srv, struct MHD_Daemon *d, int sig)
{
    sd_state *st = srv->st;
    long pending = atomic_load(&st->metrics.in_flight);
    sd_log("%s: stopping; %ld request%s in flight", sig == SIGINT ? "SIGINT" : "SIGTERM", pending,
           pending == 1 ? "" : "s");
    MHD_socket fd = MHD_quiesce_daemon(d);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    struct timespec tick = {0, 10 * 1000 * 1000};
    for (int i = 0; i < SD_DRAIN_SECONDS * 100 && atomic_load(&st->metrics.in_flight) > 0; i++)
        nanosleep(&tick, NULL);
    halt(srv, d);
    sd_log("stopped");
}

/* After the daemon stopped: no connection is open, no request runs. */
static void server_free(server *srv)
{
    sd_intake_stop(&srv->intake_read); /* no-ops once halted */
    sd_intake_stop(&srv->intake_one);
    sd_intake_stop(&srv->intake_bulk);
    pthread_cond_destroy(&srv->stop_cv);
    pthread_mutex_destroy(&srv->stop_mu);
    sd_guard_free(&srv->guard);
    sd_pool_close(&srv->pool);
}

/* The searchers, the guard, the sweeper's lock and the intakes; SD_EXIT_OK or SD_EXIT_OTHER
 * (logged). */
static int server_init(server *srv, sd_state *st, const sd_config *cfg, unsigned threads,
                       unsigned loops)
{
    izde_error err = {0};
    memset(srv, 0, sizeof *srv);
    srv->st = st;
    if (sd_pool_init(&srv->pool, threads, &err) != IZDE_OK) {
        sd_log("%s", err.msg);
        return SD_EXIT_OTHER;
    }
    if (sd_guard_init(&srv->guard, loops, cfg->max_connections, cfg->request_timeout, &err) !=
            IZDE_OK ||
        pthread_mutex_init(&srv->stop_mu, NULL) != 0) {
        sd_log("%s", err.msg[0] ? err.msg : "cannot make the sweeper's lock");
        sd_guard_free(&srv->guard);
        sd_pool_close(&srv->pool);
        return SD_EXIT_OTHER;
    }
    pthread_cond_init(&srv->stop_cv, NULL);
    if (sd_intake_start(&srv->intake_read, st, &srv->pool, threads, &err) != IZDE_OK ||
        sd_intake_start(&srv->intake_one, st, NULL, 1, &err) != IZDE_OK ||
        sd_intake_start(&srv->intake_bulk, st, NULL, 1, &err) != IZDE_OK) {
        sd_log("%s", err.msg);
        server_free(srv);
        return SD_EXIT_OTHER;
    }
    return SD_EXIT_OK;
}

static void log_start(const server *srv, const sd_config *cfg, unsigned threads, unsigned loops,
                      const char *where)
{
    sd_log("%u searcher%s on %u event threads; at most %u connections (%u per address%s), the "
           "oldest waiting shed beyond %zu per thread; requests due complete in %u s, idle "
           "connections closed after %u s; index %s",
           threads, threads == 1 ? "" : "s", loops, cfg->max_connections, cfg->per_ip_limit,
           cfg->per_ip_limit ? "" : ": no limit", srv->guard.mark, cfg->request_timeout,
           cfg->timeout, srv->st->db);
    sd_log("listening on http://%s/", where);
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
    server srv;
    unsigned loops = event_threads(threads, cfg->max_connections);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    /* inherited by the intakes' and libmicrohttpd's threads */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (server_init(&srv, st, cfg, threads, loops) != SD_EXIT_OK)
        return SD_EXIT_OTHER;
    raise_fd_limit(cfg->max_connections);
    signal(SIGPIPE, SIG_IGN);
    struct MHD_Daemon *d = start(&srv, cfg, loops, &addr);
    pthread_t sweep;
    if (!d) {
        sd_log("cannot listen on %s", cfg->listen);
        server_free(&srv);
        return SD_EXIT_LISTEN;
    }
    if (pthread_create(&sweep, NULL, sweeper, &srv) != 0) {
        sd_log("cannot start the connection sweeper");
        halt(&srv, d);
        server_free(&srv);
        return SD_EXIT_OTHER;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char where[300];
    sd_addr_format((struct sockaddr *)&addr, info ? info->port : 0, where, sizeof where);
    log_start(&srv, cfg, threads, loops, where);
    stop(&srv, d, wait_for_stop(st, &set));
    stop_sweeper(&srv, sweep);
    server_free(&srv); /* every connection is closed */
    return SD_EXIT_OK;
}
