/* izde-searchd's HTTP layer without sockets: decoding the request target
 * (sd_request_parse_target) and answering it (sd_route) on a small index of data/ built once
 * per process, with a CORS allow-list, then recording the metrics. Input: byte 0 picks the
 * method (GET, HEAD, OPTIONS, POST) and whether the request has a body; then the target up to
 * a newline ("/search?q=..."); then the Origin and If-None-Match header values, one a line.
 * Asserts: the status is one searchd sends; a JSON body is valid JSON, and an error's has a
 * code and a message; headers fit; no 5xx but 503 (issue 14: bad requests get a 4xx; 503
 * is for an index that cannot be read or memory that ran out). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "request.h"
#include "router.h"
#include "slot.h"
#include "state.h"

#include "fuzz_support.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sd_state state;
static sd_slot slot;

static void close_slot(void)
{
    sd_slot_close(&slot);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sd_state_init(&state, fuzz_index(), "https://a.example, https://b.example");
    atexit(close_slot);
    return 0;
}

/* The next line of in[*pos..len) as a NUL-terminated copy (caller frees), NULL at the end. */
static char *next_line(const char *in, size_t len, size_t *pos)
{
    if (*pos >= len)
        return NULL;
    const char *start = in + *pos;
    const char *nl = memchr(start, '\n', len - *pos);
    size_t n = nl ? (size_t)(nl - start) : len - *pos;
    *pos += n + 1;
    char *s = malloc(n + 1);
    FUZZ_CHECK(s != NULL, "out of memory");
    memcpy(s, start, n);
    s[n] = '\0';
    return s;
}

static void check_response(const sd_request *req, const sd_response *r)
{
    static const int statuses[] = {200, 204, 304, 400, 401, 403, 404, 405, 413, 414, 503};
    int known = 0;
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        known |= r->status == statuses[i];
    FUZZ_CHECK(known, "status %d for %s", r->status, req->path ? req->path : "(undecodable)");
    FUZZ_CHECK(r->n_headers <= SD_MAX_HEADERS && (r->body || !r->body_len), "headers or body");
    FUZZ_CHECK(r->status < 500 || r->status == 503, "status %d for %s: %s", r->status,
               req->path ? req->path : "(undecodable)", r->detail);
    if (!r->content_type || !strstr(r->content_type, "json"))
        return;
    json_error_t jerr;
    json_t *doc = json_loadb(r->body, r->body_len, 0, &jerr);
    FUZZ_CHECK(doc != NULL, "status %d: a JSON body that is not JSON: %s", r->status, jerr.text);
    if (r->status >= 400) {
        json_t *e = json_object_get(doc, "error");
        FUZZ_CHECK(json_is_string(json_object_get(e, "code")) &&
                       json_string_length(json_object_get(e, "message")) > 0,
                   "status %d without an error code and message", r->status);
    }
    json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = {"GET", "HEAD", "OPTIONS", "POST"};
    if (size == 0)
        return 0;
    size_t pos = 0;
    const char *in = (const char *)data + 1;
    char *target = next_line(in, size - 1, &pos);
    char *origin = next_line(in, size - 1, &pos);
    char *etag = next_line(in, size - 1, &pos);
    sd_request req = {.method = methods[data[0] & 3],
                      .has_body = (data[0] >> 2) & 1,
                      .origin = origin,
                      .if_none_match = etag};
    sd_response r;
    izde_error err;

    const char *t = target ? target : "";
    FUZZ_CHECK(sd_request_parse_target(&req, t, strlen(t), &err) == IZDE_OK, "%s", err.msg);
    sd_route(&state, &slot, &req, &r);
    check_response(&req, &r);
    sd_metrics_record(&state.metrics, r.endpoint, r.status, 1000);
    sd_response_clear(&r);
    sd_request_clear(&req);
    free(etag);
    free(origin);
    free(target);
    return 0;
}
