/* Decoding of the request target: path and query string, strictly. */
#define _POSIX_C_SOURCE 200809L
#include "request.h"

#include <izde/array.h>
#include <izde/utf8.h>

#include <stdlib.h>
#include <string.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..len) into a new string; form: '+' is a space. Returns NULL with
 * *out_bad set for a malformed escape, a NUL byte or invalid UTF-8, and NULL without it when
 * out of memory. */
static char *decode(const char *s, size_t len, int form, size_t *out_len, int *out_bad)
{
    char *out = malloc(len + 1);
    size_t o = 0;
    for (size_t i = 0; out && i < len; i++) {
        int hi, lo;
        if (s[i] == '+' && form) {
            out[o++] = ' ';
        } else if (s[i] != '%') {
            out[o++] = s[i];
        } else if (i + 2 < len && (hi = hex_value(s[i + 1])) >= 0 &&
                   (lo = hex_value(s[i + 2])) >= 0) {
            out[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            *out_bad = 1;
            break;
        }
    }
    if (out && !*out_bad && (memchr(out, '\0', o) || !izde_utf8_valid(out, o)))
        *out_bad = 1;
    if (out && *out_bad) {
        free(out);
        return NULL;
    }
    if (out) {
        out[o] = '\0';
        *out_len = o;
    }
    return out;
}

/* Appends the parameter in pair[0..len) ("name=value", "name" or "name="). Returns 0 when out
 * of memory; a malformed pair sets req->bad_encoding and is dropped. */
static int add_param(sd_request *req, const char *pair, size_t len)
{
    if (len == 0)
        return 1;
    const char *eq = memchr(pair, '=', len);
    size_t nlen = eq ? (size_t)(eq - pair) : len;
    const char *v = eq ? eq + 1 : pair + len;
    size_t vlen = (size_t)(pair + len - v), name_len = 0, value_len = 0;
    int bad = 0;
    char *name = decode(pair, nlen, 1, &name_len, &bad);
    char *value = name ? decode(v, vlen, 1, &value_len, &bad) : NULL;
    if (!name || !value ||
        !izde_array_reserve(&req->params, &req->cap_params, req->n_params + 1,
                            sizeof *req->params)) {
        free(name);
        free(value);
        req->bad_encoding |= bad;
        return bad; /* 0: out of memory */
    }
    req->params[req->n_params++] = (sd_param){name, value, value_len};
    return 1;
}

izde_status sd_request_parse_target(sd_request *req, const char *target, size_t len,
                                    izde_error *err)
{
    const char *q = memchr(target, '?', len);
    size_t plen = q ? (size_t)(q - target) : len, dlen = 0;
    int bad = 0;
    req->target_len = len;
    req->path = decode(target, plen, 0, &dlen, &bad);
    if (!req->path && !bad)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    req->bad_encoding |= bad;
    const char *end = target + len;
    for (const char *p = q ? q + 1 : end; p < end;) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        if (!add_param(req, p, (size_t)(stop - p))) {
            sd_request_clear(req);
            return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        }
        p = amp ? amp + 1 : end;
    }
    return IZDE_OK;
}

void sd_request_clear(sd_request *req)
{
    for (size_t i = 0; i < req->n_params; i++) {
        free(req->params[i].name);
        free(req->params[i].value);
    }
    free(req->params);
    free(req->path);
    req->params = NULL;
    req->n_params = req->cap_params = 0;
    req->path = NULL;
}

const char *sd_request_param(const sd_request *req, const char *name, size_t *out_len)
{
    for (size_t i = 0; i < req->n_params; i++) {
        if (strcmp(req->params[i].name, name) == 0) {
            if (out_len)
                *out_len = req->params[i].len;
            return req->params[i].value;
        }
    }
    return NULL;
}
