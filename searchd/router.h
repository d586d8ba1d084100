/* searchd/router.h — the HTTP API as plain functions: a parsed request in, a response out.
 *
 * Design: sd_route() knows nothing of sockets or libmicrohttpd, so every route and error case
 * is unit-tested by calling it directly (tests/unit/test_searchd_routes.c). It validates the
 * request, calls the same library functions as izde-query (izde_search, izde_suggest,
 * izde_searcher_get_entry, izde_searcher_info) on the searcher of the slot it is given, retries
 * once after a refresh when the index changed under the reader, and fills a response: status,
 * content type, body and extra headers.
 *
 * Endpoints (GET or HEAD; OPTIONS answers CORS preflights):
 *   /search?q=&lang=&from=&to=&tag=&sort=&page=&per_page=&facets=   izde_results_to_json()
 *   /suggest?q=        {"query":..., "suggestions":[...]} (at most SD_SUGGEST_MAX)
 *   /entries/{id}      the stored entry (izde_entry_to_json()), or 404
 *   /health            {"status","entries","generation","built","reopens"}
 *   /metrics           Prometheus text
 *   /, /static/...     the demo page (assets.h)
 * Errors are {"error":{"code":...,"message":...}} with a 4xx or 5xx status; messages never
 * contain file paths or internal details (those are put in `detail`, for the log).
 *
 * Thread safety: call from any thread, with a slot no other thread uses meanwhile (pool.h).
 */
#ifndef SD_ROUTER_H
#define SD_ROUTER_H

#include <stddef.h>

#include "metrics.h"
#include "request.h"
#include "slot.h"
#include "state.h"

#include <izde/request.h>

/* Limits of the API (documented in docs/searchd.md and --help). */
#define SD_TARGET_MAX 8192 /* bytes of the request target (path and query string) */
/* results per page, pages, tag parameters in one search: the request vocabulary's */
#define SD_PER_PAGE_MAX IZDE_REQUEST_PER_PAGE_MAX
#define SD_PAGE_MAX IZDE_REQUEST_PAGE_MAX
#define SD_TAGS_MAX IZDE_REQUEST_TAGS_MAX
#define SD_SUGGEST_MAX 8 /* completions */
#define SD_MAX_HEADERS 12

typedef struct sd_header {
    const char *name;
    const char *value; /* borrowed: static, or from the state or the request */
} sd_header;

typedef struct sd_response {
    int status;
    const char *content_type; /* static */
    char *body;               /* owned (free()) unless body_static */
    size_t body_len;
    int body_static;
    sd_header headers[SD_MAX_HEADERS];
    size_t n_headers;
    sd_endpoint endpoint; /* for the metrics */
    char detail[320];     /* internal cause of an error, for the log only; "" when none */
} sd_response;

/* Answers req. Never fails: out of memory becomes a 500 with a static body. Caller owns
 * *out's body; sd_response_clear(). */
void sd_route(sd_state *st, sd_slot *slot, const sd_request *req, sd_response *out);

/* Frees the body (unless static) and zeroes the response. */
void sd_response_clear(sd_response *r);

/* An error answer {"error":{"code":code,"message":message}} with status. */
void sd_response_fail(sd_response *r, int status, const char *code, const char *message);
/* A JSON answer: takes ownership of body (free()). */
void sd_response_json(sd_response *r, int status, char *body, size_t len);
/* Adds a header (name and value static or outliving the response). */
void sd_response_header(sd_response *r, const char *name, const char *value);
/* An error answer for a library status, through the table below (detail for the log). */
void sd_response_status(sd_response *r, izde_status st, const izde_error *e);

/* The HTTP status, error code and client message for a library status: the one table. */
int sd_status_http(izde_status st, const char **out_code, const char **out_message);

#endif
