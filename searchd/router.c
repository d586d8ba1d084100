/* The routes of izde-searchd: request validation, the library calls and the JSON answers. */
#define _POSIX_C_SOURCE 200809L
#include "router.h"

#include "assets.h"
#include "write_applier.h"
#include "write_routes.h"

#include <izde/request.h>
#include <izde/entry.h>
#include <izde/query.h>
#include <izde/search.h>
#include <izde/text.h>

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_TYPE "application/json; charset=utf-8"
#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define ALLOWED_METHODS "GET, HEAD, OPTIONS"

/* What clients see for each library status: the only place statuses become HTTP. The
 * library's own message goes to the log only (it may name files or Xapian internals). */
static const struct status_map {
    izde_status st;
    int http;
    const char *code;
    const char *message;
} status_table[] = {
    {IZDE_ERR_INVALID_ARG, 400, "bad_request", "the request is not valid"},
    {IZDE_ERR_QUERY_SYNTAX, 400, "query_syntax", "the query cannot be read"},
    {IZDE_ERR_NOT_FOUND, 404, "not_found", "no entry with this id"},
    {IZDE_ERR_DB_NOT_FOUND, 503, "index_unavailable", "the index is not available"},
    {IZDE_ERR_DB_CORRUPT, 503, "index_unavailable", "the index is not available"},
    {IZDE_ERR_DB_MODIFIED, 503, "index_busy", "the index is being updated; try again"},
    {IZDE_ERR_DB_LOCKED, 503, "index_busy", "the index is being updated; try again"},
    {IZDE_ERR_NOMEM, 503, "overloaded", "the server is overloaded; try again"},
    {IZDE_ERR_UNAVAILABLE, 503, "shard_unavailable",
     "a shard of the index did not answer; try again"},
    {IZDE_ERR_IO, 500, "internal", "internal error"},
    {IZDE_ERR_INTERNAL, 500, "internal", "internal error"},
};

int sd_status_http(izde_status st, const char **out_code, const char **out_message)
{
    size_t n = sizeof status_table / sizeof status_table[0];
    size_t i = 0;
    while (i < n - 1 && status_table[i].st != st)
        i++; /* unknown statuses fall through to the last row: internal */
    *out_code = status_table[i].code;
    *out_message = status_table[i].message;
    return status_table[i].http;
}

/* ---- responses ---------------------------------------------------------------------- */

static const char oom_body[] =
    "{\"error\":{\"code\":\"internal\",\"message\":\"the server is out of memory\"}}";

void sd_response_clear(sd_response *r)
{
    if (!r->body_static)
        free(r->body);
    memset(r, 0, sizeof *r);
}

static void add_header(sd_response *r, const char *name, const char *value)
{
    if (r->n_headers < SD_MAX_HEADERS)
        r->headers[r->n_headers++] = (sd_header){name, value};
}

static void set_body(sd_response *r, int status, const char *type, char *body, size_t len)
{
    if (!r->body_static)
        free(r->body);
    r->status = status;
    r->content_type = type;
    r->body = body;
    r->body_len = len;
    r->body_static = 0;
}

static void out_of_memory(sd_response *r)
{
    set_body(r, 500, JSON_TYPE, (char *)oom_body, sizeof oom_body - 1);
    r->body_static = 1;
    snprintf(r->detail, sizeof r->detail, "out of memory");
}

/* Sends doc (reference taken) as the body. */
static void set_json(sd_response *r, int status, json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!text) {
        out_of_memory(r);
        return;
    }
    set_body(r, status, JSON_TYPE, text, strlen(text));
}

static void fail(sd_response *r, int status, const char *code, const char *message)
{
    set_json(r, status, json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message));
}

/* An error from the library: status and code from the table. A bad request (4xx) gets the
 * library's own message, written for whoever typed the query (izde-query prints the same);
 * other failures get the table's and their detail goes to the log only. */
static void fail_status(sd_response *r, izde_status st, const izde_error *e)
{
    const char *code, *message;
    int http = sd_status_http(st, &code, &message);
    int own = (st == IZDE_ERR_QUERY_SYNTAX || st == IZDE_ERR_INVALID_ARG) && e && e->msg[0];
    fail(r, http, code, own ? e->msg : message);
    if (http >= 500 || st == IZDE_ERR_INVALID_ARG)
        snprintf(r->detail, sizeof r->detail, "%s: %s", izde_status_name(st),
                 e && e->msg[0] ? e->msg : "no detail");
}

void sd_response_fail(sd_response *r, int status, const char *code, const char *message)
{
    fail(r, status, code, message);
}

void sd_response_json(sd_response *r, int status, char *body, size_t len)
{
    set_body(r, status, JSON_TYPE, body, len);
}

void sd_response_header(sd_response *r, const char *name, const char *value)
{
    add_header(r, name, value);
}

void sd_response_status(sd_response *r, izde_status st, const izde_error *e)
{
    fail_status(r, st, e);
}

/* ---- calls on the slot's searcher, retried after a refresh ------------------------------ */

typedef izde_status (*search_op)(izde_searcher *s, void *ctx, izde_error *err);

#define MODIFIED_RETRIES 5 /* retries of a search the index changed under */

static int worth_retrying(izde_status st)
{
    return st == IZDE_ERR_DB_MODIFIED || st == IZDE_ERR_DB_NOT_FOUND || st == IZDE_ERR_DB_CORRUPT ||
           st == IZDE_ERR_IO;
}

static izde_status run_op(sd_state *st, sd_slot *slot, search_op op, void *ctx, izde_error *err)
{
    izde_searcher *s = NULL;
    izde_status rc = sd_slot_searcher(slot, st, &s, err);
    if (rc != IZDE_OK)
        return rc;
    rc = op(s, ctx, err);
    if (rc == IZDE_ERR_UNAVAILABLE) { /* the shards' connections: open them anew */
        izde_searcher *failed = slot->searcher;
        sd_slot_reopen(slot, st);
        if (slot->searcher != failed)
            rc = op(slot->searcher, ctx, err);
    } else {
        /* live writes commit every few hundred ms, and a reader fails once two commits passed
         * it: a slow search (a sanitizer build, a loaded machine) may need more than one try */
        int retries = rc == IZDE_ERR_DB_MODIFIED ? MODIFIED_RETRIES : 1;
        for (int i = 0; i < retries && worth_retrying(rc); i++) {
            if (sd_slot_refresh(slot, st, NULL) != IZDE_OK)
                break;
            rc = op(slot->searcher, ctx, err);
        }
    }
    return rc;
}

/* ---- parameters ------------------------------------------------------------------------- */

/* The request parameters an endpoint takes, by name (izde/request.h says what each means);
 * others are ignored, as a cache-busting "_=" must be. */
static const char *const search_names[] = {"q",      "lang",        "from", "to",       "tag",
                                           "sort",   "recency",     "page", "per_page", "facets",
                                           "strict", "no_collapse", NULL};
static const char *const suggest_names[] = {"q", NULL};

static int name_in(const char *name, const char *const *names)
{
    for (; *names; names++)
        if (!strcmp(name, *names))
            return 1;
    return 0;
}

/* Reads the parameters into rq through the vocabulary izde-query shares; 0 after filling the
 * error (400, with the vocabulary's problem as the code). */
static int request_params(const sd_request *req, const char *const *names, izde_request *rq,
                          sd_response *resp)
{
    izde_error err = {0};
    izde_request_init(rq);
    izde_status st = IZDE_OK;
    for (size_t i = 0; st == IZDE_OK && i < req->n_params; i++)
        if (name_in(req->params[i].name, names))
            st = izde_request_set(rq, req->params[i].name, req->params[i].value, &err);
    if (st == IZDE_OK)
        st = izde_request_finish(rq, &err);
    if (st == IZDE_OK)
        return 1;
    fail(resp, 400, rq->problem ? rq->problem : "bad_parameter", err.msg);
    return 0;
}

typedef struct search_call {
    izde_request rq;
    izde_results *results;
} search_call;

/* ---- handlers ---------------------------------------------------------------------------- */

static izde_status do_search(izde_searcher *s, void *ctx, izde_error *err)
{
    search_call *call = ctx;
    izde_results_free(call->results);
    call->results = NULL;
    return izde_search(s, &call->rq.search, &call->results, err);
}

static void handle_search(sd_state *st, sd_slot *slot, const sd_request *req, sd_response *out)
{
    search_call call = {0};
    izde_error err = {0};
    char *json = NULL;
    size_t len = 0;
    if (!request_params(req, search_names, &call.rq, out))
        return;
    izde_status rc = run_op(st, slot, do_search, &call, &err);
    if (rc == IZDE_OK)
        rc = izde_results_to_json(call.results, &json, &len, &err);
    izde_results_free(call.results);
    if (rc != IZDE_OK) {
        fail_status(out, rc, &err);
        return;
    }
    set_body(out, 200, JSON_TYPE, json, len);
}

typedef struct suggest_call {
    const char *q;
    char **items;
    size_t n;
} suggest_call;

static izde_status do_suggest(izde_searcher *s, void *ctx, izde_error *err)
{
    suggest_call *call = ctx;
    izde_strings_free(call->items, call->n);
    call->items = NULL;
    call->n = 0;
    return izde_suggest(s, call->q, strlen(call->q), SD_SUGGEST_MAX, &call->items, &call->n, err);
}

static void handle_suggest(sd_state *st, sd_slot *slot, const sd_request *req, sd_response *out)
{
    suggest_call call = {0};
    izde_error err = {0};
    izde_request rq;
    if (!request_params(req, suggest_names, &rq, out))
        return;
    call.q = rq.search.query;
    izde_status rc = run_op(st, slot, do_suggest, &call, &err);
    if (rc != IZDE_OK) {
        fail_status(out, rc, &err);
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; list && i < call.n; i++)
        json_array_append_new(list, json_string(call.items[i]));
    izde_strings_free(call.items, call.n);
    set_json(out, 200, json_pack("{s:s,s:o*}", "query", call.q, "suggestions", list));
}

typedef struct entry_call {
    const char *id;
    izde_entry *entry;
} entry_call;

static izde_status do_entry(izde_searcher *s, void *ctx, izde_error *err)
{
    entry_call *call = ctx;
    izde_entry_free(call->entry);
    call->entry = NULL;
    return izde_searcher_get_entry(s, call->id, strlen(call->id), &call->entry, err);
}

static void handle_entry(sd_state *st, sd_slot *slot, const sd_request *req, sd_response *out)
{
    entry_call call = {req->path + strlen("/entries/"), NULL};
    izde_error err = {0};
    char *json = NULL;
    size_t len = 0;
    izde_status rc = run_op(st, slot, do_entry, &call, &err);
    if (rc == IZDE_OK)
        rc = izde_entry_to_json(call.entry, &json, &len, &err);
    izde_entry_free(call.entry);
    if (rc != IZDE_OK) {
        fail_status(out, rc, &err);
        return;
    }
    set_body(out, 200, JSON_TYPE, json, len);
}

static izde_status do_info(izde_searcher *s, void *ctx, izde_error *err)
{
    return izde_searcher_info(s, ctx, err);
}

static void handle_health(sd_state *st, sd_slot *slot, const sd_request *req, sd_response *out)
{
    (void)req;
    izde_index_info info = {0};
    izde_error err = {0};
    izde_status rc = run_op(st, slot, do_info, &info, &err);
    if (rc != IZDE_OK) {
        fail_status(out, rc, &err);
        return;
    }
    json_t *doc =
        json_pack("{s:s,s:I,s:I,s:s,s:I}", "status", "ok", "entries", (json_int_t)info.entries,
                  "generation", (json_int_t)info.generation, "built", info.built, "reopens",
                  (json_int_t)atomic_load(&st->metrics.reopens));
    if (doc && st->writer) {
        sd_writer_info wi;
        sd_writer_get_info(st->writer, &wi);
        json_object_set_new(doc, "writes",
                            json_pack("{s:I,s:I,s:I,s:I}", "journal", (json_int_t)wi.appended,
                                      "applied", (json_int_t)wi.applied, "committed",
                                      (json_int_t)wi.committed, "generation",
                                      (json_int_t)wi.generation));
    }
    set_json(out, 200, doc);
}

static void handle_metrics(sd_state *st, sd_slot *slot, const sd_request *req, sd_response *out)
{
    (void)req;
    izde_index_info info = {0};
    izde_error err = {0};
    sd_index_gauges g = {0};
    char *text = NULL;
    size_t len = 0;
    if (run_op(st, slot, do_info, &info, &err) == IZDE_OK)
        g = (sd_index_gauges){1, info.entries, info.generation};
    izde_status rc = sd_metrics_render(&st->metrics, &g, &text, &len, &err);
    if (rc != IZDE_OK) {
        fail_status(out, rc, &err);
        return;
    }
    set_body(out, 200, METRICS_TYPE, text, len);
}

static const sd_asset *find_asset(const char *path)
{
    for (size_t i = 0; i < sd_n_assets; i++)
        if (strcmp(sd_assets[i].path, path) == 0)
            return &sd_assets[i];
    return NULL;
}

/* Whether the If-None-Match header names etag (a list, or "*"). */
static int etag_matches(const char *header, const char *etag)
{
    if (!header)
        return 0;
    if (strcmp(header, "*") == 0)
        return 1;
    return strstr(header, etag) != NULL;
}

static void handle_static(const sd_request *req, sd_response *out)
{
    const sd_asset *a = find_asset(req->path);
    int page = strcmp(a->path, "/") == 0;
    add_header(out, "ETag", a->etag);
    /* The page is revalidated on every load, so that after an upgrade it never pairs with
     * scripts more than 5 minutes old. */
    add_header(out, "Cache-Control", page ? "no-cache" : "public, max-age=300");
    if (page) {
        add_header(out, "Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                   "base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
        add_header(out, "Referrer-Policy", "same-origin");
    }
    set_body(out, etag_matches(req->if_none_match, a->etag) ? 304 : 200, a->content_type,
             (char *)a->data, a->len);
    out->body_static = 1;
    if (out->status == 304)
        out->body_len = 0;
}

/* ---- routing ------------------------------------------------------------------------------ */

typedef void (*handler)(sd_state *st, sd_slot *slot, const sd_request *req, sd_response *out);

static const struct route {
    const char *path;
    int prefix; /* path is a prefix followed by at least one character */
    sd_endpoint endpoint;
    handler fn;
} routes[] = {
    {"/search", 0, SD_EP_SEARCH, handle_search},    {"/suggest", 0, SD_EP_SUGGEST, handle_suggest},
    {"/entries/", 1, SD_EP_ENTRIES, handle_entry},  {"/health", 0, SD_EP_HEALTH, handle_health},
    {"/metrics", 0, SD_EP_METRICS, handle_metrics},
};

static const struct route *find_route(const char *path)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        size_t n = strlen(routes[i].path);
        if (routes[i].prefix ? strncmp(path, routes[i].path, n) == 0 && path[n]
                             : strcmp(path, routes[i].path) == 0)
            return &routes[i];
    }
    return NULL;
}

/* The value of Access-Control-Allow-Origin for this request, or NULL for none. */
static const char *allowed_origin(const sd_state *st, const char *origin)
{
    const char *list = st->cors_origin;
    if (!list || !*list)
        return NULL;
    if (strcmp(list, "*") == 0)
        return "*";
    size_t olen = origin ? strlen(origin) : 0;
    while (olen && *list) {
        list += strspn(list, " ,");
        size_t n = strcspn(list, " ,");
        if (n == olen && strncmp(list, origin, n) == 0)
            return origin;
        list += n;
    }
    return NULL;
}

static void add_cors(const sd_state *st, const sd_request *req, sd_response *out)
{
    const char *allowed = allowed_origin(st, req->origin);
    if (st->cors_origin && *st->cors_origin && strcmp(st->cors_origin, "*") != 0)
        add_header(out, "Vary", "Origin");
    if (allowed)
        add_header(out, "Access-Control-Allow-Origin", allowed);
}

static void preflight(const sd_state *st, const sd_request *req, sd_response *out)
{
    add_header(out, "Allow", ALLOWED_METHODS);
    if (allowed_origin(st, req->origin)) {
        add_header(out, "Access-Control-Allow-Methods", ALLOWED_METHODS);
        add_header(out, "Access-Control-Allow-Headers",
                   "Accept, Accept-Language, Content-Language, Content-Type");
        add_header(out, "Access-Control-Max-Age", "86400");
    }
    set_body(out, 204, NULL, NULL, 0);
}

/* Answers whatever the path: refusals that do not depend on the route. 0 when none. */
static int refuse_early(const sd_request *req, sd_response *out)
{
    if (req->target_len > SD_TARGET_MAX) {
        char msg[64];
        snprintf(msg, sizeof msg, "the request target is longer than %d bytes", SD_TARGET_MAX);
        fail(out, 414, "uri_too_long", msg);
        return 1;
    }
    if (req->bad_encoding || !req->path) {
        fail(out, 400, "bad_encoding",
             "the request target has a malformed %-escape or is not valid UTF-8");
        return 1;
    }
    return 0;
}

/* Endpoints that read the entries: keyed when a search key is configured (write_keys.h). */
static int needs_search_key(sd_endpoint ep)
{
    return ep == SD_EP_SEARCH || ep == SD_EP_SUGGEST || ep == SD_EP_ENTRIES;
}

static int method_is(const sd_request *req, const char *m)
{
    return req->method && strcmp(req->method, m) == 0;
}

void sd_route(sd_state *st, sd_slot *slot, const sd_request *req, sd_response *out)
{
    memset(out, 0, sizeof *out);
    add_header(out, "X-Content-Type-Options", "nosniff");
    add_cors(st, req, out);
    const struct route *r = req->path ? find_route(req->path) : NULL;
    const sd_asset *a = r || !req->path ? NULL : find_asset(req->path);
    out->endpoint = r ? r->endpoint : a ? SD_EP_STATIC : SD_EP_OTHER;
    if (refuse_early(req, out) || sd_write_route(st, req, out))
        return;
    if (!r && !a) {
        fail(out, 404, "not_found", "no such endpoint");
    } else if (method_is(req, "OPTIONS")) {
        preflight(st, req, out);
    } else if (!method_is(req, "GET") && !method_is(req, "HEAD")) {
        add_header(out, "Allow", ALLOWED_METHODS);
        fail(out, 405, "method_not_allowed", "only GET, HEAD and OPTIONS are allowed");
    } else if (req->has_body) {
        fail(out, 413, "request_too_large", "requests must not have a body");
    } else if (r) {
        add_header(out, "Cache-Control", "no-cache");
        if (!needs_search_key(r->endpoint) || sd_write_allowed(st, SD_ACCESS_SEARCH, req, out))
            r->fn(st, slot, req, out);
    } else {
        handle_static(req, out);
    }
}
