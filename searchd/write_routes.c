/* The write endpoints: PUT, DELETE and POST on /entries (write_routes.h). */
#define _POSIX_C_SOURCE 200809L
#include "write_routes.h"

#include "write_applier.h"

#include <izde/entry.h>
#include <izde/reader.h>

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENTRY_PREFIX "/entries/"
#define BULK_PATH "/entries"

static int path_is_entry(const char *path, size_t len)
{
    size_t n = strlen(ENTRY_PREFIX);
    return len > n && strncmp(path, ENTRY_PREFIX, n) == 0;
}

static int path_is_bulk(const char *path, size_t len)
{
    return len == strlen(BULK_PATH) && strncmp(path, BULK_PATH, len) == 0;
}

typedef enum { NOT_A_WRITE, WRITE_PUT, WRITE_DELETE, WRITE_BULK } write_kind;

/* What a request with this method and target (as received) writes. */
static write_kind kind_of(const char *method, const char *target, size_t len)
{
    const char *q = memchr(target, '?', len);
    size_t plen = q ? (size_t)(q - target) : len;
    if (path_is_entry(target, plen))
        return strcmp(method, "PUT") == 0      ? WRITE_PUT
               : strcmp(method, "DELETE") == 0 ? WRITE_DELETE
                                               : NOT_A_WRITE;
    return strcmp(method, "POST") == 0 && path_is_bulk(target, plen) ? WRITE_BULK : NOT_A_WRITE;
}

size_t sd_write_body_max(const char *method, const char *target, size_t len)
{
    write_kind k = kind_of(method, target, len);
    return k == WRITE_PUT ? SD_PUT_BODY_MAX : k == WRITE_BULK ? SD_BULK_BODY_MAX : 0;
}

sd_write_class sd_write_classify(const char *method, const char *target, size_t len)
{
    write_kind k = kind_of(method, target, len);
    return k == NOT_A_WRITE ? SD_WRITE_NONE : k == WRITE_BULK ? SD_WRITE_BULK : SD_WRITE_ONE;
}

int sd_write_allowed(const sd_state *st, sd_access need, const sd_request *req, sd_response *out)
{
    static const sd_keys none = {0};
    int refused = sd_keys_check(st->keys ? st->keys : &none, need, req->authorization);
    if (refused == 401) {
        sd_response_header(out, "WWW-Authenticate", "Bearer");
        sd_response_fail(out, 401, "unauthorized",
                         "an API key is needed: send it as Authorization: Bearer KEY");
    } else if (refused) {
        sd_response_fail(out, 403, "forbidden", "this API key does not allow this request");
    }
    return refused == 0;
}

/* Sends doc (reference taken) as a 200 answer. */
static void answer(sd_response *out, json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!text) {
        izde_error e = {IZDE_ERR_NOMEM, "out of memory"};
        sd_response_status(out, IZDE_ERR_NOMEM, &e);
        return;
    }
    sd_response_json(out, 200, text, strlen(text));
}

static void fail_entry(sd_response *out, const char *message)
{
    sd_response_fail(out, 400, "bad_entry", message);
}

/* The body with its id filled in from the path when it has none, in *out_json (caller frees;
 * NULL when the body is used as it is). 0 after filling the refusal (another id). A body that is
 * not a JSON object is left to izde_jsonl_parse_line(), whose message says why. */
static int fill_id(const sd_request *req, const char *id, char **out_json, sd_response *out)
{
    *out_json = NULL;
    json_t *doc = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return 1;
    }
    json_t *given = json_object_get(doc, "id");
    int ok = 1;
    if (!given) {
        if (json_object_set_new(doc, "id", json_string(id)) == 0)
            *out_json = json_dumps(doc, JSON_COMPACT);
    } else if (json_is_string(given) && strcmp(json_string_value(given), id) != 0) {
        sd_response_fail(out, 400, "id_mismatch", "the id in the body is not the id in the path");
        ok = 0;
    }
    json_decref(doc);
    return ok;
}

/* Journals one record and makes it durable; fills the refusal and returns 0 on failure. */
static int journal_one(sd_writer *w, izde_journal_kind kind, const char *data, size_t len,
                       uint64_t *out_seq, sd_response *out)
{
    izde_error err = {0};
    izde_status rc = sd_writer_reserve(w, &err);
    if (rc == IZDE_OK)
        rc = sd_writer_append(w, kind, data, len, out_seq, &err);
    if (rc == IZDE_OK)
        rc = sd_writer_sync(w, *out_seq, &err);
    if (rc == IZDE_ERR_DB_LOCKED)
        rc = IZDE_ERR_NOMEM; /* overloaded: try again */
    if (rc != IZDE_OK)
        sd_response_status(out, rc, &err);
    return rc == IZDE_OK;
}

static void handle_put(sd_state *st, const sd_request *req, const char *id, sd_response *out)
{
    char *filled = NULL, *json = NULL;
    izde_entry *e = NULL;
    izde_error why = {0};
    size_t len = 0;
    uint64_t seq = 0;
    if (!req->body || req->body_len == 0) {
        fail_entry(out, "the body is empty: send one entry as JSON");
        return;
    }
    if (!fill_id(req, id, &filled, out))
        return;
    const char *text = filled ? filled : req->body;
    izde_status rc = izde_jsonl_parse_line(text, filled ? strlen(filled) : req->body_len, &e, &why);
    free(filled);
    if (rc == IZDE_OK && !e)
        rc =
            izde_error_set(&why, IZDE_ERR_INVALID_ARG, "the body is blank: send one entry as JSON");
    if (rc == IZDE_ERR_INVALID_ARG) {
        fail_entry(out, why.msg);
        return;
    }
    if (rc == IZDE_OK)
        rc = izde_entry_to_json(e, &json, &len, &why);
    izde_entry_free(e);
    if (rc != IZDE_OK)
        sd_response_status(out, rc, &why);
    else if (journal_one(st->writer, IZDE_JOURNAL_PUT, json, len, &seq, out))
        answer(out, json_pack("{s:s,s:I}", "id", id, "seq", (json_int_t)seq));
    free(json);
}

static void handle_delete(sd_state *st, const char *id, sd_response *out)
{
    uint64_t seq = 0;
    size_t len = strlen(id);
    if (len > IZDE_ID_MAX) {
        char msg[64];
        snprintf(msg, sizeof msg, "an id is 1 to %d bytes", IZDE_ID_MAX);
        sd_response_fail(out, 400, "bad_request", msg);
        return;
    }
    if (journal_one(st->writer, IZDE_JOURNAL_DELETE, id, len, &seq, out))
        answer(out, json_pack("{s:s,s:I}", "id", id, "seq", (json_int_t)seq));
}

/* The id of a rejected line when it has a string one, for the client to match; else null. */
static json_t *line_id(const char *line, size_t len)
{
    json_t *doc = json_loadb(line, len, 0, NULL);
    json_t *id = json_object_get(doc, "id");
    json_t *out = json_is_string(id) ? json_incref(id) : json_null();
    json_decref(doc);
    return out;
}

typedef struct bulk {
    json_t *results;
    size_t accepted, rejected;
    uint64_t last_seq;
    izde_status failed; /* the journal or memory failed: the request fails as a whole */
    izde_error err;
} bulk;

/* One line of the body: journaled, or its rejection noted. */
static void bulk_line(sd_writer *w, bulk *b, unsigned long lineno, const char *line, size_t len)
{
    izde_entry *e = NULL;
    izde_error why = {0};
    char *json = NULL;
    size_t jlen = 0;
    izde_status rc = izde_jsonl_parse_line(line, len, &e, &why);
    if (rc == IZDE_OK && !e)
        return; /* blank */
    if (rc == IZDE_ERR_INVALID_ARG) {
        b->rejected++;
        json_array_append_new(b->results,
                              json_pack("{s:I,s:o,s:b,s:s}", "line", (json_int_t)lineno, "id",
                                        line_id(line, len), "ok", 0, "error", why.msg));
        return;
    }
    if (rc == IZDE_OK)
        rc = izde_entry_to_json(e, &json, &jlen, &why);
    if (rc == IZDE_OK) /* room for each line: a big batch waits for the writer, line by line */
        rc = sd_writer_reserve(w, &why);
    if (rc == IZDE_OK)
        rc = sd_writer_append(w, IZDE_JOURNAL_PUT, json, jlen, &b->last_seq, &why);
    if (rc == IZDE_OK) {
        b->accepted++;
        json_array_append_new(b->results, json_pack("{s:I,s:s,s:b}", "line", (json_int_t)lineno,
                                                    "id", e->id, "ok", 1));
    } else {
        b->failed = rc;
        b->err = why;
    }
    free(json);
    izde_entry_free(e);
}

static void handle_bulk(sd_state *st, const sd_request *req, sd_response *out)
{
    bulk b = {.results = json_array()};
    const char *p = req->body ? req->body : "", *end = p + req->body_len;
    if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* a byte order mark, as the JSONL reader drops it */
    izde_status rc = b.results ? IZDE_OK : IZDE_ERR_NOMEM;
    for (unsigned long lineno = 1; rc == IZDE_OK && !b.failed && p < end; lineno++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        if (len && p[len - 1] == '\r')
            len--;
        bulk_line(st->writer, &b, lineno, p, len);
        p = nl ? nl + 1 : end;
    }
    if (rc == IZDE_OK && b.failed)
        rc = b.failed;
    if (rc == IZDE_OK && b.accepted)
        rc = sd_writer_sync(st->writer, b.last_seq, &b.err);
    if (rc == IZDE_OK && !b.accepted && !b.rejected) {
        sd_response_fail(out, 400, "bad_request", "the body holds no entries: send NDJSON");
    } else if (rc != IZDE_OK) {
        sd_response_status(out, rc == IZDE_ERR_DB_LOCKED ? IZDE_ERR_NOMEM : rc, &b.err);
    } else {
        answer(out, json_pack("{s:I,s:I,s:o,s:O}", "accepted", (json_int_t)b.accepted, "rejected",
                              (json_int_t)b.rejected, "seq",
                              b.accepted ? json_integer((json_int_t)b.last_seq) : json_null(),
                              "results", b.results));
    }
    json_decref(b.results);
}

/* Refusals every write shares; 0 when none applies. */
static int refuse_write(const sd_state *st, const sd_request *req, sd_response *out)
{
    if (!st->writer) {
        sd_response_fail(out, 403, "writes_disabled",
                         "writes are off: set admin-key-file in izde.conf to turn them on "
                         "(see man izde-searchd)");
        return 1;
    }
    if (!sd_write_allowed(st, SD_ACCESS_ADMIN, req, out))
        return 1;
    if (req->body_too_large) {
        char msg[80];
        snprintf(msg, sizeof msg, "the body is larger than %u bytes",
                 (unsigned)sd_write_body_max(req->method, req->path, strlen(req->path)));
        sd_response_fail(out, 413, "request_too_large", msg);
        return 1;
    }
    return 0;
}

static int method_is(const sd_request *req, const char *m)
{
    return req->method && strcmp(req->method, m) == 0;
}

int sd_write_route(sd_state *st, const sd_request *req, sd_response *out)
{
    size_t plen = strlen(req->path);
    int entry = path_is_entry(req->path, plen), bulk_path = path_is_bulk(req->path, plen);
    int put = entry && method_is(req, "PUT"), del = entry && method_is(req, "DELETE");
    int post = bulk_path && method_is(req, "POST");
    if (!put && !del && !post) {
        if (!bulk_path)
            return 0; /* reads of /entries/ID, and anything else, go to the router */
        sd_response_header(out, "Allow", "POST");
        sd_response_fail(out, 405, "method_not_allowed", "only POST is allowed on /entries");
        return 1;
    }
    out->endpoint = SD_EP_ENTRIES;
    sd_response_header(out, "Cache-Control", "no-store");
    if (refuse_write(st, req, out))
        return 1;
    const char *id = req->path + strlen(ENTRY_PREFIX);
    if (put)
        handle_put(st, req, id, out);
    else if (del)
        handle_delete(st, id, out);
    else
        handle_bulk(st, req, out);
    return 1;
}
