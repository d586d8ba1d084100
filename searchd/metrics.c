/* Request counters, latency histograms and their Prometheus text form. */
#define _POSIX_C_SOURCE 200809L
#include "metrics.h"

#include <izde/buf.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int status_codes[SD_N_STATUSES - 2] = {200, 204, 304, 400, 404, 405,
                                                    413, 414, 431, 500, 503};
static const char *const bucket_bounds[SD_N_BUCKETS] = {"0.0005", "0.001", "0.0025", "0.005",
                                                        "0.01",   "0.025", "0.05",   "0.1",
                                                        "0.25",   "0.5",   "1",      "+Inf"};
static const uint64_t bucket_ns[SD_N_BUCKETS - 1] = {500000,    1000000,   2500000,   5000000,
                                                     10000000,  25000000,  50000000,  100000000,
                                                     250000000, 500000000, 1000000000};
static const char *const endpoint_names[SD_EP_COUNT] = {"search",  "suggest", "entries", "health",
                                                        "metrics", "static",  "other"};

void sd_metrics_init(sd_metrics *m)
{
    for (int e = 0; e < SD_EP_COUNT; e++) {
        for (int s = 0; s < SD_N_STATUSES; s++)
            atomic_init(&m->requests[e][s], 0);
        for (int b = 0; b < SD_N_BUCKETS; b++)
            atomic_init(&m->buckets[e][b], 0);
        atomic_init(&m->sum_us[e], 0);
    }
    atomic_init(&m->reopens, 0);
    atomic_init(&m->refresh_failures, 0);
    atomic_init(&m->in_flight, 0);
}

static int status_slot(int status)
{
    if (status == 0)
        return SD_N_STATUSES - 1;
    for (int i = 0; i < SD_N_STATUSES - 2; i++)
        if (status_codes[i] == status)
            return i;
    return SD_N_STATUSES - 2;
}

void sd_metrics_record(sd_metrics *m, sd_endpoint ep, int status, uint64_t duration_ns)
{
    if ((int)ep < 0 || ep >= SD_EP_COUNT)
        ep = SD_EP_OTHER;
    int b = 0;
    while (b < SD_N_BUCKETS - 1 && duration_ns > bucket_ns[b])
        b++;
    atomic_fetch_add_explicit(&m->requests[ep][status_slot(status)], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->buckets[ep][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->sum_us[ep], (unsigned long)(duration_ns / 1000),
                              memory_order_relaxed);
}

const char *sd_endpoint_name(sd_endpoint ep)
{
    return (int)ep >= 0 && ep < SD_EP_COUNT ? endpoint_names[ep] : "other";
}

static const char *status_label(int slot, char *tmp, size_t cap)
{
    if (slot == SD_N_STATUSES - 1)
        return "unknown";
    if (slot == SD_N_STATUSES - 2)
        return "other";
    snprintf(tmp, cap, "%d", status_codes[slot]);
    return tmp;
}

static void render_requests(izde_buf *b, sd_metrics *m)
{
    char tmp[16];
    izde_buf_printf(
        b, "# HELP izde_searchd_requests_total HTTP requests answered, by endpoint and status.\n"
           "# TYPE izde_searchd_requests_total counter\n");
    for (int e = 0; e < SD_EP_COUNT; e++) {
        for (int s = 0; s < SD_N_STATUSES; s++) {
            unsigned long n = atomic_load_explicit(&m->requests[e][s], memory_order_relaxed);
            if (n)
                izde_buf_printf(b, "izde_searchd_requests_total{endpoint=\"%s\",code=\"%s\"} %lu\n",
                                endpoint_names[e], status_label(s, tmp, sizeof tmp), n);
        }
    }
}

static void render_latency(izde_buf *b, sd_metrics *m)
{
    izde_buf_printf(
        b, "# HELP izde_searchd_request_duration_seconds Time from the request line to the "
           "last byte of the response.\n"
           "# TYPE izde_searchd_request_duration_seconds histogram\n");
    for (int e = 0; e < SD_EP_COUNT; e++) {
        unsigned long counts[SD_N_BUCKETS], total = 0;
        for (int i = 0; i < SD_N_BUCKETS; i++)
            total += counts[i] = atomic_load_explicit(&m->buckets[e][i], memory_order_relaxed);
        if (!total)
            continue;
        unsigned long cumulative = 0;
        for (int i = 0; i < SD_N_BUCKETS; i++) {
            cumulative += counts[i];
            izde_buf_printf(
                b, "izde_searchd_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%s\"} %lu\n",
                endpoint_names[e], bucket_bounds[i], cumulative);
        }
        double sum = (double)atomic_load_explicit(&m->sum_us[e], memory_order_relaxed) / 1e6;
        izde_buf_printf(b, "izde_searchd_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n",
                        endpoint_names[e], sum);
        izde_buf_printf(b, "izde_searchd_request_duration_seconds_count{endpoint=\"%s\"} %lu\n",
                        endpoint_names[e], cumulative);
    }
}

static void render_index(izde_buf *b, sd_metrics *m, const sd_index_gauges *g)
{
    if (g && g->known) {
        izde_buf_printf(b,
                        "# HELP izde_searchd_index_entries Entries in the index being served.\n"
                        "# TYPE izde_searchd_index_entries gauge\n"
                        "izde_searchd_index_entries %u\n",
                        (unsigned)g->entries);
        izde_buf_printf(
            b,
            "# HELP izde_searchd_index_generation Live generation of the index folder.\n"
            "# TYPE izde_searchd_index_generation gauge\n"
            "izde_searchd_index_generation %u\n",
            (unsigned)g->generation);
    }
    izde_buf_printf(
        b,
        "# HELP izde_searchd_reopens_total Times a searcher picked up a new index state.\n"
        "# TYPE izde_searchd_reopens_total counter\n"
        "izde_searchd_reopens_total %lu\n",
        atomic_load(&m->reopens));
    izde_buf_printf(
        b,
        "# HELP izde_searchd_refresh_failures_total Failed index refreshes (the previous "
        "state kept serving).\n"
        "# TYPE izde_searchd_refresh_failures_total counter\n"
        "izde_searchd_refresh_failures_total %lu\n",
        atomic_load(&m->refresh_failures));
    izde_buf_printf(b,
                    "# HELP izde_searchd_requests_in_flight Requests being handled.\n"
                    "# TYPE izde_searchd_requests_in_flight gauge\n"
                    "izde_searchd_requests_in_flight %ld\n",
                    atomic_load(&m->in_flight));
}

izde_status sd_metrics_render(sd_metrics *m, const sd_index_gauges *g, char **out, size_t *out_len,
                              izde_error *err)
{
    izde_buf b = {0};
    izde_buf_reserve(&b, 4096);
    render_requests(&b, m);
    render_latency(&b, m);
    render_index(&b, m, g);
    if (b.failed) {
        izde_buf_free(&b);
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    *out = b.data;
    *out_len = b.len;
    return IZDE_OK;
}
