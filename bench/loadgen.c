/* bench/loadgen.c — load clients and process helpers for the benchmark.
 *
 *   loadgen http   --port P --queries queries.tsv --clients N [--passes P] [--extra S]
 *       izde-searchd: GET /search?q=...&per_page=10 (top 10 with snippets, no facets, as
 *       Sphinx is asked; S, such as "&facets=1", appended) over one keep-alive HTTP/1.1
 *       connection per client; closed loop. Figures as izde_searchd, or izde_searchd_extra
 *       with --extra.
 *   loadgen suggest --port P --prefixes suggest.txt [--passes P]
 *       izde-searchd: GET /suggest?q=PREFIX, one client.
 *   loadgen mysql  --port P --queries queries.tsv --clients N [--passes P] [--index NAME]
 *       Sphinx searchd over SphinxQL: a minimal MySQL 4.1 text-protocol client (handshake
 *       without password, COM_QUERY, result sets) sending
 *       SELECT id, title, SNIPPET(body, Q) FROM NAME WHERE MATCH(Q) LIMIT 10.
 *   loadgen start  --log FILE [--timeout-ms T] -- COMMAND ARGS...
 *       Starts izde-searchd (stderr to FILE), waits for "listening on http://HOST:PORT/" and
 *       then for GET /health to answer 200; prints "PID PORT READY_MS" and leaves it running.
 *   loadgen exec   --name ENGINE -- COMMAND ARGS...
 *       Runs a command; prints ENGINE wall_s, peak_rss_mb (its maximum resident set, from
 *       wait4), cpu_s. Exits with the command's status.
 *
 * Each client runs every query PASSES times after one uncounted warm-up pass; clients start
 * at different places in the list. Figures: see common.h.
 */
#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *prog = "loadgen";

/* ---- connections -------------------------------------------------------------------------- */

typedef struct conn {
    int fd;
    int port;
    char buf[65536];
    size_t len, off; /* unread bytes are buf[off..len) */
} conn;

static int conn_open(conn *c, int port)
{
    c->port = port;
    c->len = c->off = 0;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c->fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return 0;
}

static void conn_close(conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

static int send_all(conn *c, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        ssize_t w = send(c->fd, s, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Makes at least n unread bytes available (n <= sizeof buf). */
static int fill(conn *c, size_t n)
{
    if (c->len - c->off >= n)
        return 0;
    if (c->off) {
        memmove(c->buf, c->buf + c->off, c->len - c->off);
        c->len -= c->off;
        c->off = 0;
    }
    while (c->len < n) {
        ssize_t r = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        c->len += (size_t)r;
    }
    return 0;
}

/* Reads and drops n bytes (any size). */
static int skip(conn *c, size_t n)
{
    while (n) {
        if (c->len == c->off && fill(c, 1) < 0)
            return -1;
        size_t k = c->len - c->off < n ? c->len - c->off : n;
        c->off += k;
        n -= k;
    }
    return 0;
}

/* ---- HTTP --------------------------------------------------------------------------------- */

static void url_encode(const char *s, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 4 < cap; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[o] = '\0';
}

/* One GET on a keep-alive connection (reconnecting when the server closed it). Returns the
 * HTTP status, or -1; *zero_hits is set when a /search answer has an empty result list. */
static int http_get(conn *c, const char *target, int *zero_hits)
{
    char req[8192];
    int n =
        snprintf(req, sizeof req,
                 "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n", target);
    for (int attempt = 0; attempt < 2; attempt++) {
        if (c->fd < 0 && conn_open(c, c->port) < 0)
            return -1;
        if (send_all(c, req, (size_t)n) < 0) {
            conn_close(c);
            continue;
        }
        /* Headers. */
        size_t hdr_end = 0;
        for (;;) {
            if (fill(c, 1) < 0)
                break;
            char *start = c->buf + c->off;
            size_t avail = c->len - c->off;
            char *e = memmem(start, avail, "\r\n\r\n", 4);
            if (e) {
                hdr_end = (size_t)(e - start) + 4;
                break;
            }
            if (fill(c, avail + 1) < 0)
                break;
        }
        if (!hdr_end) {
            conn_close(c);
            if (attempt == 0)
                continue; /* the server closed an idle keep-alive connection */
            return -1;
        }
        char hdr[8192];
        size_t hl = hdr_end < sizeof hdr - 1 ? hdr_end : sizeof hdr - 1;
        memcpy(hdr, c->buf + c->off, hl);
        hdr[hl] = '\0';
        c->off += hdr_end;
        int status = atoi(hdr + 9);
        for (char *p = hdr; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p += 32;
        int chunked = strstr(hdr, "transfer-encoding: chunked") != NULL;
        int closing = strstr(hdr, "connection: close") != NULL;
        char *cl = strstr(hdr, "content-length:");
        size_t body_len = cl ? strtoul(cl + 15, NULL, 10) : 0;
        /* The body: look for an empty result list in the first bytes while dropping it. */
        char head[4096];
        size_t head_len = 0;
        if (chunked) {
            for (;;) {
                char *nl;
                while (fill(c, 1) == 0 &&
                       !(nl = memmem(c->buf + c->off, c->len - c->off, "\r\n", 2)))
                    if (fill(c, c->len - c->off + 1) < 0)
                        return -1;
                nl = memmem(c->buf + c->off, c->len - c->off, "\r\n", 2);
                if (!nl)
                    return -1;
                size_t sz = strtoul(c->buf + c->off, NULL, 16);
                c->off = (size_t)(nl - c->buf) + 2;
                if (sz == 0) {
                    if (skip(c, 2) < 0)
                        return -1;
                    break;
                }
                while (sz) {
                    if (c->len == c->off && fill(c, 1) < 0)
                        return -1;
                    size_t k = c->len - c->off < sz ? c->len - c->off : sz;
                    if (head_len < sizeof head - 1) {
                        size_t h = k < sizeof head - 1 - head_len ? k : sizeof head - 1 - head_len;
                        memcpy(head + head_len, c->buf + c->off, h);
                        head_len += h;
                    }
                    c->off += k;
                    sz -= k;
                }
                if (skip(c, 2) < 0)
                    return -1;
            }
        } else {
            size_t sz = body_len;
            while (sz) {
                if (c->len == c->off && fill(c, 1) < 0)
                    return -1;
                size_t k = c->len - c->off < sz ? c->len - c->off : sz;
                if (head_len < sizeof head - 1) {
                    size_t h = k < sizeof head - 1 - head_len ? k : sizeof head - 1 - head_len;
                    memcpy(head + head_len, c->buf + c->off, h);
                    head_len += h;
                }
                c->off += k;
                sz -= k;
            }
        }
        head[head_len] = '\0';
        if (zero_hits)
            *zero_hits = strstr(head, "\"results\":[]") || strstr(head, "\"results\": []");
        if (closing)
            conn_close(c);
        return status;
    }
    return -1;
}

/* ---- MySQL text protocol (SphinxQL) ------------------------------------------------------- */

/* Reads one packet into out (at most cap bytes kept; the rest dropped). Returns its length
 * or -1. */
static long my_read(conn *c, unsigned char *out, size_t cap, unsigned *seq)
{
    if (fill(c, 4) < 0)
        return -1;
    const unsigned char *h = (const unsigned char *)c->buf + c->off;
    size_t len = h[0] | (h[1] << 8) | ((size_t)h[2] << 16);
    *seq = h[3];
    c->off += 4;
    size_t keep = len < cap ? len : cap;
    size_t got = 0;
    while (got < keep) {
        if (c->len == c->off && fill(c, 1) < 0)
            return -1;
        size_t k = c->len - c->off < keep - got ? c->len - c->off : keep - got;
        memcpy(out + got, c->buf + c->off, k);
        c->off += k;
        got += k;
    }
    if (skip(c, len - keep) < 0)
        return -1;
    return (long)len;
}

static int my_write(conn *c, unsigned seq, const void *p, size_t n)
{
    unsigned char h[4] = {(unsigned char)n, (unsigned char)(n >> 8), (unsigned char)(n >> 16),
                          (unsigned char)seq};
    return send_all(c, h, 4) < 0 || send_all(c, p, n) < 0 ? -1 : 0;
}

static int my_connect(conn *c, int port, char *errbuf, size_t errcap)
{
    if (conn_open(c, port) < 0) {
        snprintf(errbuf, errcap, "cannot connect to 127.0.0.1:%d", port);
        return -1;
    }
    unsigned char pkt[4096];
    unsigned seq;
    long n = my_read(c, pkt, sizeof pkt, &seq);
    if (n < 1 || pkt[0] != 10) {
        snprintf(errbuf, errcap, "no protocol-10 handshake from port %d", port);
        return -1;
    }
    /* HandshakeResponse41: capabilities PROTOCOL_41 | SECURE_CONNECTION | LONG_PASSWORD,
     * max packet 16 MiB, utf8, no user name or password. */
    unsigned char resp[64] = {0};
    uint32_t caps = 0x0200 | 0x8000 | 0x0001;
    memcpy(resp, &caps, 4);
    uint32_t maxp = 1u << 24;
    memcpy(resp + 4, &maxp, 4);
    resp[8] = 33;
    size_t o = 32;
    memcpy(resp + o, "bench", 6);
    o += 6;
    resp[o++] = 0; /* empty auth response */
    if (my_write(c, seq + 1, resp, o) < 0)
        return -1;
    n = my_read(c, pkt, sizeof pkt, &seq);
    if (n < 1 || pkt[0] != 0) {
        snprintf(errbuf, errcap, "handshake refused: %.*s", n > 9 ? (int)(n - 9) : 0,
                 (char *)pkt + 9);
        return -1;
    }
    return 0;
}

static uint64_t lenenc(const unsigned char **p)
{
    const unsigned char *s = *p;
    uint64_t v;
    if (s[0] < 0xfb) {
        v = s[0];
        *p += 1;
    } else if (s[0] == 0xfc) {
        v = s[1] | (s[2] << 8);
        *p += 3;
    } else if (s[0] == 0xfd) {
        v = s[1] | (s[2] << 8) | ((uint64_t)s[3] << 16);
        *p += 4;
    } else {
        v = 0;
        for (int i = 8; i >= 1; i--)
            v = (v << 8) | s[i];
        *p += 9;
    }
    return v;
}

/* Runs sql; returns the number of rows, or -1 with the server's message in errbuf. */
static long my_query(conn *c, const char *sql, char *errbuf, size_t errcap)
{
    size_t n = strlen(sql);
    unsigned char *pkt = malloc(n + 1);
    pkt[0] = 3; /* COM_QUERY */
    memcpy(pkt + 1, sql, n);
    int w = my_write(c, 0, pkt, n + 1);
    free(pkt);
    if (w < 0) {
        snprintf(errbuf, errcap, "send failed");
        return -1;
    }
    unsigned char buf[65536];
    unsigned seq;
    long len = my_read(c, buf, sizeof buf, &seq);
    if (len < 1) {
        snprintf(errbuf, errcap, "connection lost");
        return -1;
    }
    if (buf[0] == 0xff) {
        snprintf(errbuf, errcap, "%.*s", (int)(len > 9 ? len - 9 : 0), (char *)buf + 9);
        return -1;
    }
    if (buf[0] == 0x00)
        return 0;
    const unsigned char *p = buf;
    uint64_t cols = lenenc(&p);
    for (uint64_t i = 0; i < cols; i++)
        if (my_read(c, buf, sizeof buf, &seq) < 0)
            return -1;
    len = my_read(c, buf, sizeof buf, &seq); /* EOF after the column definitions */
    if (len < 1 || buf[0] != 0xfe)
        return -1;
    long rows = 0;
    for (;;) {
        len = my_read(c, buf, sizeof buf, &seq);
        if (len < 0)
            return -1;
        if (buf[0] == 0xfe && len < 9)
            break;
        if (buf[0] == 0xff) {
            snprintf(errbuf, errcap, "%.*s", (int)(len > 9 ? len - 9 : 0), (char *)buf + 9);
            return -1;
        }
        rows++;
    }
    return rows;
}

/* SQL string literal contents: escapes ' and \. */
static void sql_escape(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (; *s && o + 3 < cap; s++) {
        if (*s == '\'' || *s == '\\')
            out[o++] = '\\';
        out[o++] = *s;
    }
    out[o] = '\0';
}

/* ---- the closed-loop clients -------------------------------------------------------------- */

enum mode { M_HTTP, M_SUGGEST, M_MYSQL };

/* What every client of one load talks to (a bench_client's target). */
typedef struct server {
    enum mode mode;
    int port;
    const char *index;
    const char *extra; /* appended to every /search target (e.g. "&facets=1") */
} server;

static void *run_job(void *arg)
{
    bench_client *j = arg;
    const server *sv = j->target;
    conn *c = calloc(1, sizeof *c);
    char err[512];
    c->fd = -1;
    c->port = sv->port;
    /* A daemon that has just forked may not listen yet: try for up to 10 s. */
    for (int tries = 0; sv->mode == M_MYSQL && my_connect(c, sv->port, err, sizeof err) < 0;
         tries++) {
        conn_close(c);
        if (tries == 100)
            bench_die(prog, "SphinxQL", err);
        usleep(100000);
    }
    size_t n = j->qs->n;
    char enc[4096], target[8192], esc[2048], sql[8192];
    for (int pass = client_first_pass(j); pass <= j->passes; pass++) {
        for (size_t i = 0; i < n; i++) {
            const query *q = &j->qs->q[query_at(n, j->id, j->clients, i)];
            int ok, zero = 0;
            double t0;
            if (sv->mode == M_MYSQL) {
                sql_escape(q->col[Q_SPHINX], esc, sizeof esc);
                snprintf(sql, sizeof sql,
                         "SELECT id, title, SNIPPET(body, '%s', 'limit=200') AS snippet FROM %s "
                         "WHERE MATCH('%s') LIMIT 10",
                         esc, sv->index, esc);
                t0 = now_ms();
                long rows = my_query(c, sql, err, sizeof err);
                ok = rows >= 0;
                zero = rows == 0;
                if (!ok)
                    fprintf(stderr, "%s: SphinxQL error for %s: %s\n", prog, q->col[Q_SPHINX], err);
            } else {
                url_encode(q->col[sv->mode == M_HTTP ? Q_IZDE : 0], enc, sizeof enc);
                if (sv->mode == M_HTTP)
                    snprintf(target, sizeof target, "/search?q=%s&per_page=10%s", enc, sv->extra);
                else
                    snprintf(target, sizeof target, "/suggest?q=%s", enc);
                t0 = now_ms();
                int status = http_get(c, target, &zero);
                ok = status == 200;
                if (!ok)
                    fprintf(stderr, "%s: GET %s: status %d\n", prog, target, status);
                if (sv->mode == M_SUGGEST)
                    zero = 0;
            }
            client_record(j, pass, now_ms() - t0, ok, !zero);
        }
    }
    conn_close(c);
    free(c);
    return NULL;
}

static int run_load(enum mode mode, int port, const char *qpath, unsigned clients, int passes,
                    const char *index, const char *extra, const char *engine)
{
    queries qs = mode == M_SUGGEST ? lines_load(qpath) : queries_load(qpath);
    server sv = {mode, port, index, extra};
    return bench_clients(engine, &sv, &qs, clients, passes, run_job);
}

/* ---- processes ---------------------------------------------------------------------------- */

static int start(const char *log, long timeout_ms, char **cmd)
{
    double t0 = now_ms();
    /* Emptied before the fork: a log left by an earlier run must not be read for its port. */
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        bench_die(prog, "cannot write", log);
    pid_t pid = fork();
    if (pid < 0)
        bench_die(prog, "fork failed", strerror(errno));
    if (pid == 0) {
        /* stdout too: whoever reads ours (a shell's $(...)) must not wait for the server. */
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
        setpgid(0, 0);
        execvp(cmd[0], cmd);
        fprintf(stderr, "loadgen: cannot run %s: %s\n", cmd[0], strerror(errno));
        _exit(127);
    }
    close(fd);
    int port = 0;
    char text[8192];
    while (now_ms() - t0 < timeout_ms) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            bench_die(prog, "the server exited before it was ready; see", log);
        if (!port) {
            FILE *f = fopen(log, "r");
            size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
            if (f)
                fclose(f);
            text[n] = '\0';
            char *p = strstr(text, "listening on http://");
            char *colon = p ? strchr(p + 20, ':') : NULL;
            if (colon && strchr(colon, '/'))
                port = atoi(colon + 1);
        }
        if (port) {
            conn c = {.fd = -1, .port = port};
            int st = http_get(&c, "/health", NULL);
            conn_close(&c);
            if (st == 200) {
                printf("%d %d %.3f\n", (int)pid, port, now_ms() - t0);
                return 0;
            }
        }
        usleep(200);
    }
    kill(pid, SIGTERM);
    bench_die(prog, "the server was not ready in time; see", log);
    return 1;
}

static int exec_measured(const char *name, char **cmd)
{
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0)
        bench_die(prog, "fork failed", strerror(errno));
    if (pid == 0) {
        dup2(2, 1); /* our standard output carries figures only */
        execvp(cmd[0], cmd);
        fprintf(stderr, "loadgen: cannot run %s: %s\n", cmd[0], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid)
        bench_die(prog, "wait4 failed", strerror(errno));
    double wall = now_ms() - t0;
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("%s\twall_s\t%.3f\n", name, wall / 1000.0);
    printf("%s\tpeak_rss_mb\t%.1f\n", name, ru.ru_maxrss / 1024.0);
    printf("%s\tcpu_s\t%.3f\n", name,
           ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
               (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
    fflush(stdout);
    if (rc)
        fprintf(stderr, "loadgen: %s exited with status %d\n", cmd[0], rc);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        bench_die(prog, "usage: loadgen http|suggest|mysql|start|exec ...", NULL);
    const char *what = argv[1], *qpath = NULL, *log = NULL, *name = "cmd", *index = "bench";
    const char *extra = "";
    int port = 0, passes = 3;
    unsigned clients = 1;
    long timeout_ms = 20000;
    char **cmd = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            cmd = argv + i + 1;
            break;
        }
        if (i + 1 >= argc)
            bench_die(prog, "option needs a value", argv[i]);
        const char *v = argv[++i];
        if (!strcmp(argv[i - 1], "--port"))
            port = atoi(v);
        else if (!strcmp(argv[i - 1], "--queries") || !strcmp(argv[i - 1], "--prefixes"))
            qpath = v;
        else if (!strcmp(argv[i - 1], "--clients"))
            clients = (unsigned)atoi(v);
        else if (!strcmp(argv[i - 1], "--passes"))
            passes = atoi(v);
        else if (!strcmp(argv[i - 1], "--log"))
            log = v;
        else if (!strcmp(argv[i - 1], "--timeout-ms"))
            timeout_ms = atol(v);
        else if (!strcmp(argv[i - 1], "--name"))
            name = v;
        else if (!strcmp(argv[i - 1], "--index"))
            index = v;
        else if (!strcmp(argv[i - 1], "--extra"))
            extra = v;
        else
            bench_die(prog, "unknown option", argv[i - 1]);
    }
    if (!strcmp(what, "start") && log && cmd && *cmd)
        return start(log, timeout_ms, cmd);
    if (!strcmp(what, "exec") && cmd && *cmd)
        return exec_measured(name, cmd);
    if (port <= 0 || !qpath || clients < 1 || clients > 64 || passes < 1)
        bench_die(prog, "need --port, --queries/--prefixes, --clients 1..64, --passes >= 1", NULL);
    if (!strcmp(what, "http"))
        return run_load(M_HTTP, port, qpath, clients, passes, NULL, extra,
                        *extra ? "izde_searchd_extra" : "izde_searchd");
    if (!strcmp(what, "suggest"))
        return run_load(M_SUGGEST, port, qpath, 1, passes, NULL, "", "izde_suggest");
    if (!strcmp(what, "mysql"))
        return run_load(M_MYSQL, port, qpath, clients, passes, index, "", "sphinx");
    bench_die(prog, "unknown command", what);
    return 2;
}
