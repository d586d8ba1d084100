/* izde/request.h — the request vocabulary izde-query and izde-searchd share.
 *
 * Design: a search is asked for by named parameters, whether they come from the command line
 * (--lang kk) or from a URL (lang=kk). Both programs hand each name and value to
 * izde_request_set() and call izde_request_finish() once, so one piece of code decides what a
 * value means, which values are refused and with which message; a program adds only its own
 * framing (an "izde-query: " prefix and exit 2, or an HTTP 400 with `problem` as the code).
 *
 * Names (value syntax; what it sets in the izde_search_request):
 *   q         the query (not blank, at most IZDE_QUERY_MAX bytes)
 *   lang      en, kk or ru                          filter
 *   from, to  YYYY-MM-DD or an ISO 8601 date-time   filter, inclusive days; from <= to
 *   tag       a tag, repeatable (IZDE_REQUEST_TAGS_MAX, each <= IZDE_FIELD_MAX bytes)
 *   sort      relevance or date
 *   recency   a number from 0 to 100
 *   limit     0..10000, offset 0..1000000000        (the CLI's paging)
 *   page      1..1000, per_page 1..100              (HTTP's paging: offset = (page-1)*per_page)
 *   facets, strict, no_collapse   0 or 1
 * An empty value means "not given" (as an HTML form sends an empty field), except for q.
 */
#ifndef IZDE_REQUEST_H
#define IZDE_REQUEST_H

#include <stdint.h>

#include <izde/error.h>
#include <izde/search.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IZDE_REQUEST_TAGS_MAX 16
#define IZDE_REQUEST_LIMIT_MAX 10000
#define IZDE_REQUEST_OFFSET_MAX 1000000000u
#define IZDE_REQUEST_PAGE_MAX 1000
#define IZDE_REQUEST_PER_PAGE_MAX 100

typedef struct izde_request {
    izde_search_request search; /* the result; its strings are borrowed from the values set */
    const char *tags[IZDE_REQUEST_TAGS_MAX];
    uint32_t page, per_page; /* 0 until set */
    /* After a failure: a short machine-readable code for the problem ("missing_query",
     * "query_too_long", "bad_date", "bad_parameter", "unknown_parameter"). */
    const char *problem;
} izde_request;

/* Starts a request with izde_search_request_init()'s defaults. */
void izde_request_init(izde_request *r);

/* Sets parameter name to value (both NUL-terminated; value is borrowed and must outlive r).
 * IZDE_ERR_INVALID_ARG with err->msg saying what is wrong and r->problem set. */
izde_status izde_request_set(izde_request *r, const char *name, const char *value, izde_error *err);

/* Checks what involves several parameters (a query given, from <= to) and turns page and
 * per_page into offset and limit. IZDE_ERR_INVALID_ARG as above. */
izde_status izde_request_finish(izde_request *r, izde_error *err);

#ifdef __cplusplus
}
#endif
#endif
