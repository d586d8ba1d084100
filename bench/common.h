/* bench/common.h — what every benchmark driver shares: the clock, the query file, latency
 * statistics and the one output format.
 *
 * Output: every figure is one line "engine<TAB>figure<TAB>value" on standard output;
 * bench/run appends them to the run's metrics file and bench/report.py reads them back.
 * Latencies are in milliseconds, throughput in queries per second.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline void bench_die(const char *prog, const char *what, const char *detail)
{
    fprintf(stderr, "%s: %s%s%s\n", prog, what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

/* ---- the query file (bench/gen.c writes it) ----------------------------------------------- */

enum { Q_KIND, Q_LANG, Q_IZDE, Q_SPHINX, Q_FTS5, Q_FLOOR_OP, Q_FLOOR_TERMS, Q_COLS };

typedef struct query {
    char *col[Q_COLS];
} query;

typedef struct queries {
    query *q;
    size_t n;
} queries;

/* Reads queries.tsv (comment lines start with '#'). Exits on error. */
static inline queries queries_load(const char *path)
{
    queries qs = {NULL, 0};
    FILE *f = fopen(path, "r");
    if (!f)
        bench_die("bench", "cannot open query file", path);
    char line[4096];
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        size_t l = strlen(line);
        while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
            line[--l] = '\0';
        if (!l || line[0] == '#')
            continue;
        query q;
        char *p = line;
        for (int c = 0; c < Q_COLS; c++) {
            char *tab = strchr(p, '\t');
            if (!tab && c < Q_COLS - 1)
                bench_die("bench", "query line with too few columns", line);
            if (tab)
                *tab = '\0';
            q.col[c] = strdup(p);
            p = tab ? tab + 1 : p + strlen(p);
        }
        if (qs.n == cap)
            qs.q = realloc(qs.q, (cap = cap * 2 + 64) * sizeof *qs.q);
        qs.q[qs.n++] = q;
    }
    fclose(f);
    if (!qs.n)
        bench_die("bench", "no queries in", path);
    return qs;
}

/* One string a line (suggest.txt). */
static inline queries lines_load(const char *path)
{
    queries qs = {NULL, 0};
    FILE *f = fopen(path, "r");
    if (!f)
        bench_die("bench", "cannot open", path);
    char line[1024];
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        if (qs.n == cap)
            qs.q = realloc(qs.q, (cap = cap * 2 + 64) * sizeof *qs.q);
        memset(&qs.q[qs.n], 0, sizeof qs.q[0]);
        qs.q[qs.n++].col[0] = strdup(line);
    }
    fclose(f);
    if (!qs.n)
        bench_die("bench", "nothing in", path);
    return qs;
}

/* ---- latency statistics ------------------------------------------------------------------- */

typedef struct lat {
    double *ms;
    size_t n, cap;
    size_t zero_hits, errors;
} lat;

static inline void lat_add(lat *l, double ms)
{
    if (l->n == l->cap)
        l->ms = realloc(l->ms, (l->cap = l->cap * 2 + 1024) * sizeof *l->ms);
    l->ms[l->n++] = ms;
}

static inline void lat_merge(lat *into, const lat *from)
{
    for (size_t i = 0; i < from->n; i++)
        lat_add(into, from->ms[i]);
    into->zero_hits += from->zero_hits;
    into->errors += from->errors;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of the sorted samples. */
static inline double lat_pct(lat *l, double p)
{
    if (!l->n)
        return 0;
    size_t k = (size_t)(p / 100.0 * (double)l->n + 0.999999);
    if (k < 1)
        k = 1;
    if (k > l->n)
        k = l->n;
    return l->ms[k - 1];
}

/* Prints p50/p95/p99/mean/qps for engine with the figure suffix (e.g. "c1"). */
static inline void lat_report(const char *engine, const char *suffix, lat *l, double wall_ms)
{
    qsort(l->ms, l->n, sizeof *l->ms, cmp_double);
    double sum = 0;
    for (size_t i = 0; i < l->n; i++)
        sum += l->ms[i];
    printf("%s\tp50_ms_%s\t%.4f\n", engine, suffix, lat_pct(l, 50));
    printf("%s\tp95_ms_%s\t%.4f\n", engine, suffix, lat_pct(l, 95));
    printf("%s\tp99_ms_%s\t%.4f\n", engine, suffix, lat_pct(l, 99));
    printf("%s\tmean_ms_%s\t%.4f\n", engine, suffix, l->n ? sum / (double)l->n : 0);
    printf("%s\tqps_%s\t%.2f\n", engine, suffix, wall_ms > 0 ? l->n * 1000.0 / wall_ms : 0);
    printf("%s\trequests_%s\t%zu\n", engine, suffix, l->n);
    printf("%s\tzero_hit_%s\t%zu\n", engine, suffix, l->zero_hits);
    printf("%s\terrors_%s\t%zu\n", engine, suffix, l->errors);
    fflush(stdout);
}

/* Which query a client runs at step i: clients start at different places in the list, so
 * concurrent clients do not run the same query in lock step. */
static inline size_t query_at(size_t n, unsigned client, unsigned clients, size_t i)
{
    return (i + (size_t)client * n / (clients ? clients : 1)) % n;
}

/* ---- closed-loop clients ------------------------------------------------------------------ */

/* One client: the driver's run function (void *run(void *client)) reads the fields and
 * records each request with client_record(). */
typedef struct bench_client {
    const void *target; /* what the driver queries: a path, a port... (borrowed) */
    queries *qs;
    unsigned id, clients;
    int passes, warm; /* warm: one uncounted pass only */
    lat l;
} bench_client;

/* The first pass a client runs: pass 0 is the uncounted warm-up (a warm client runs only
 * that one, its passes being 0), then 1..passes are measured. */
static inline int client_first_pass(const bench_client *c)
{
    return c->warm ? 0 : 1;
}

/* Records one request of pass (nothing for pass 0). */
static inline void client_record(bench_client *c, int pass, double ms, int ok, int hits)
{
    if (pass == 0)
        return;
    lat_add(&c->l, ms);
    if (!ok)
        c->l.errors++;
    else if (!hits)
        c->l.zero_hits++;
}

/* One uncounted warm-up pass (it warms the page cache), then `clients` concurrent clients
 * each running the whole query set `passes` times; prints the figures with the suffix
 * "c<clients>". Returns 1 when a request failed, else 0. */
static inline int bench_clients(const char *engine, const void *target, queries *qs,
                                unsigned clients, int passes, void *(*run)(void *))
{
    bench_client warm = {target, qs, 0, 1, 0, 1, {0}}, jobs[64];
    pthread_t tid[64];
    if (clients < 1 || clients > 64)
        bench_die(engine, "clients must be 1 to 64", NULL);
    run(&warm);
    double t0 = now_ms();
    for (unsigned t = 0; t < clients; t++) {
        jobs[t] = (bench_client){target, qs, t, clients, passes, 0, {0}};
        pthread_create(&tid[t], NULL, run, &jobs[t]);
    }
    lat all = {0};
    for (unsigned t = 0; t < clients; t++) {
        pthread_join(tid[t], NULL);
        lat_merge(&all, &jobs[t].l);
    }
    double wall = now_ms() - t0;
    char suffix[16];
    snprintf(suffix, sizeof suffix, "c%u", clients);
    lat_report(engine, suffix, &all, wall);
    return all.errors ? 1 : 0;
}

#endif
