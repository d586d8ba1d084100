/* searchd/metrics.h — request counters and latency histograms, shared by all threads.
 *
 * Design: fixed arrays of C11 atomics indexed by endpoint and status, so recording a request
 * takes no lock and no allocation. Statuses outside the fixed list are counted as "other".
 * sd_metrics_render() writes the Prometheus text exposition format (version 0.0.4).
 *
 * Thread safety: every function may be called from any thread at any time.
 */
#ifndef SD_METRICS_H
#define SD_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <izde/error.h>

typedef enum sd_endpoint {
    SD_EP_SEARCH,
    SD_EP_SUGGEST,
    SD_EP_ENTRIES,
    SD_EP_HEALTH,
    SD_EP_METRICS,
    SD_EP_STATIC,
    SD_EP_OTHER, /* unknown paths, requests refused before routing */
    SD_EP_COUNT
} sd_endpoint;

#define SD_N_STATUSES 13 /* 200 204 304 400 404 405 413 414 431 500 503, other, unknown */
#define SD_N_BUCKETS 12  /* upper bounds in seconds, the last one +Inf */

typedef struct sd_metrics {
    atomic_ulong requests[SD_EP_COUNT][SD_N_STATUSES];
    atomic_ulong buckets[SD_EP_COUNT][SD_N_BUCKETS]; /* not cumulative; summed on render */
    atomic_ulong sum_us[SD_EP_COUNT];
    atomic_ulong reopens;          /* a searcher picked up a new index state */
    atomic_ulong refresh_failures; /* a refresh failed and the old reader kept serving */
    atomic_long in_flight;         /* requests received and not yet completed */
} sd_metrics;

/* Zeroes every counter. */
void sd_metrics_init(sd_metrics *m);

/* Counts one finished request. status 0 means unknown (answered by the HTTP library). */
void sd_metrics_record(sd_metrics *m, sd_endpoint ep, int status, uint64_t duration_ns);

/* Name of an endpoint as used in the endpoint label ("search", ...). Borrowed, static. */
const char *sd_endpoint_name(sd_endpoint ep);

typedef struct sd_index_gauges {
    int known; /* 0 when the index could not be read: the gauges are left out */
    uint32_t entries, generation;
} sd_index_gauges;

/* The metrics as Prometheus text. Caller owns *out (free()). */
izde_status sd_metrics_render(sd_metrics *m, const sd_index_gauges *g, char **out, size_t *out_len,
                              izde_error *err);

#endif
