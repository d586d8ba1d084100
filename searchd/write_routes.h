/* searchd/write_routes.h — the write endpoints and the API keys, as plain functions.
 *
 * Design: like router.h, a parsed request in and a response out, so every case is unit-tested
 * without sockets. The server reads a request body only for these endpoints
 * (sd_write_body_max()); sd_route() hands them to sd_write_route() before anything else, and
 * asks sd_write_allowed() before it serves a search.
 *
 *   PUT /entries/ID     one entry, the JSON of one JSONL line; its id may be left out (the path
 *                       gives it) and must otherwise be ID
 *   DELETE /entries/ID  removes the entry (an id that does not exist is not an error)
 *   POST /entries       NDJSON: one entry per line; blank lines skipped
 * Every entry is read by izde_jsonl_parse_line(), the JSONL reader's own function, so a bad one
 * is refused with the words izde-indexer uses for it. A write is acknowledged (200, with the
 * number of its last journal record as "seq") once it is on disk in the journal
 * (write_applier.h); it is searchable after the writer's next commit, within a second.
 * Refusals: 403 writes_disabled (no admin key configured), 401 unauthorized (no key given),
 * 403 forbidden (a key that does not allow this), 413 request_too_large, 400 bad_entry,
 * id_mismatch, bad_request; 503 overloaded when the backlog stays full.
 *
 * Thread safety: any thread; the writer and the keys are shared read-only handles.
 */
#ifndef SD_WRITE_ROUTES_H
#define SD_WRITE_ROUTES_H

#include <stddef.h>

#include "router.h"
#include "write_keys.h"

#define SD_PUT_BODY_MAX (4u << 20)   /* one entry: a JSONL line is at most 2 MiB */
#define SD_BULK_BODY_MAX (64u << 20) /* POST /entries */

/* The largest body to read for a request with this method and target (as received): 0 for a
 * request that is not a write (its body is refused without being read). */
size_t sd_write_body_max(const char *method, const char *target, size_t len);

typedef enum {
    SD_WRITE_NONE, /* not one of the writes above */
    SD_WRITE_ONE,  /* PUT or DELETE of one entry */
    SD_WRITE_BULK  /* POST /entries */
} sd_write_class;

/* Which write a request with this method and target (as received) is. */
sd_write_class sd_write_classify(const char *method, const char *target, size_t len);

/* Answers a write request and returns 1; returns 0 (out untouched) for any other request. */
int sd_write_route(sd_state *st, const sd_request *req, sd_response *out);

/* Whether req may use an endpoint that needs access: 1, or 0 after filling the refusal (401
 * or 403). */
int sd_write_allowed(const sd_state *st, sd_access need, const sd_request *req, sd_response *out);

#endif
