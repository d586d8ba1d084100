/* searchd/request.h — an HTTP request as the routes see it, without HTTP-library types.
 *
 * Design: the server (server.c) copies what the routes need out of libmicrohttpd's connection
 * into an sd_request: the method, the request target as received (path and query string, still
 * percent-encoded) and a few headers. sd_request_parse_target() decodes the target itself
 * instead of relying on libmicrohttpd's decoding, which silently keeps malformed escapes: a
 * bad %-escape, an encoded NUL byte or invalid UTF-8 after decoding sets bad_encoding, and the
 * router answers 400. In the query string '+' means a space (HTML forms); in the path it is a
 * plus sign.
 *
 * Thread safety: a request belongs to the thread handling it.
 */
#ifndef SD_REQUEST_H
#define SD_REQUEST_H

#include <stddef.h>

#include <izde/error.h>

typedef struct sd_param {
    char *name;  /* decoded, NUL-terminated */
    char *value; /* decoded, NUL-terminated, valid UTF-8 without NUL bytes */
    size_t len;  /* bytes of value */
} sd_param;

typedef struct sd_request {
    const char *method; /* borrowed: "GET", "HEAD", "OPTIONS", ... */
    char *path;         /* decoded; NULL when the target was not decodable */
    sd_param *params;   /* in the order given; a name may repeat */
    size_t n_params, cap_params;
    size_t target_len;  /* bytes of the target as received */
    int bad_encoding;   /* malformed %-escape, encoded NUL or invalid UTF-8 */
    const char *origin; /* borrowed header values, NULL when absent */
    const char *if_none_match;
    int has_body;              /* Content-Length > 0 or Transfer-Encoding present */
    const char *authorization; /* borrowed header value, NULL when absent; never logged */
    const char *body;          /* borrowed: the body read for a write (write_routes.h), or NULL */
    size_t body_len;
    int body_too_large; /* the body was longer than sd_write_body_max() allows; not read */
} sd_request;

/* Decodes target[0..len) ("/path?name=value&...") into req->path and req->params, keeping
 * the other fields. A malformed target sets req->bad_encoding and still returns IZDE_OK;
 * IZDE_ERR_NOMEM when out of memory. Caller owns what it fills: sd_request_clear(). */
izde_status sd_request_parse_target(sd_request *req, const char *target, size_t len,
                                    izde_error *err);

/* Frees what sd_request_parse_target() filled and zeroes the decoded fields. */
void sd_request_clear(sd_request *req);

/* The first value of parameter name, or NULL. *out_len (may be NULL) gets its length.
 * Borrowed; valid until sd_request_clear(req). */
const char *sd_request_param(const sd_request *req, const char *name, size_t *out_len);

#endif
