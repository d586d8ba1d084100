/* The JSON shape of search results, shared by izde-query --format json/jsonl and /search.
 *
 * Written straight into one buffer: building a jansson tree of every hit and dumping it was
 * about 5% of a search served over HTTP. The bytes are exactly what jansson wrote with
 * JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6): the same escapes (\uXXXX in
 * upper case for other control characters, '/' and non-ASCII as they are), reals as "%.6g"
 * with ".0" added to whole numbers and the exponent's '+' and leading zeros dropped, and a
 * string that is not valid UTF-8 left out with its key, as jansson refused it. */
#include <izde/buf.h>
#include <izde/search.h>
#include <izde/utf8.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_string(izde_buf *b, const char *s)
{
    size_t n = strlen(s), run = 0;
    izde_buf_append(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        izde_buf_append(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            izde_buf_append(b, "\\\"", 2);
            break;
        case '\\':
            izde_buf_append(b, "\\\\", 2);
            break;
        case '\b':
            izde_buf_append(b, "\\b", 2);
            break;
        case '\f':
            izde_buf_append(b, "\\f", 2);
            break;
        case '\n':
            izde_buf_append(b, "\\n", 2);
            break;
        case '\r':
            izde_buf_append(b, "\\r", 2);
            break;
        case '\t':
            izde_buf_append(b, "\\t", 2);
            break;
        default:
            izde_buf_printf(b, "\\u%04X", c);
        }
    }
    izde_buf_append(b, s + run, n - run);
    izde_buf_append(b, "\"", 1);
}

/* ,"key": before a member (no comma before the first). */
static void put_key(izde_buf *b, int *first, const char *key)
{
    if (!*first)
        izde_buf_append(b, ",", 1);
    *first = 0;
    put_string(b, key);
    izde_buf_append(b, ":", 1);
}

/* A string member, null for NULL; left out when s is not UTF-8. */
static void member_string(izde_buf *b, int *first, const char *key, const char *s)
{
    if (s && !izde_utf8_valid(s, strlen(s)))
        return;
    put_key(b, first, key);
    if (s)
        put_string(b, s);
    else
        izde_buf_append(b, "null", 4);
}

static void member_int(izde_buf *b, int *first, const char *key, long long v)
{
    put_key(b, first, key);
    izde_buf_printf(b, "%lld", v);
}

static void member_real(izde_buf *b, int *first, const char *key, double v)
{
    if (!isfinite(v))
        return;
    char num[64];
    int n = snprintf(num, sizeof num, "%.6g", v);
    if (n < 0 || (size_t)n >= sizeof num - 3)
        return;
    if (!strchr(num, '.') && !strchr(num, 'e'))
        memcpy(num + n, ".0", 3);
    char *e = strchr(num, 'e');
    if (e) {
        char *digits = e + 1, *from = e + 2;
        if (*digits == '-')
            digits++;
        while (*from == '0')
            from++;
        memmove(digits, from, strlen(from) + 1);
    }
    put_key(b, first, key);
    izde_buf_append_str(b, num);
}

static void put_highlights(izde_buf *b, const izde_snippet *sn)
{
    izde_buf_append(b, "[", 1);
    for (size_t i = 0; sn && i < sn->n_spans; i++)
        izde_buf_printf(b, "%s{\"start\":%lld,\"length\":%lld}", i ? "," : "",
                        (long long)sn->spans[i].start, (long long)sn->spans[i].length);
    izde_buf_append(b, "]", 1);
}

static void put_hit(izde_buf *b, const izde_hit *h)
{
    const izde_entry *e = h->entry;
    int first = 1;
    izde_buf_append(b, "{", 1);
    member_string(b, &first, "id", e->id);
    member_string(b, &first, "date", e->date);
    member_string(b, &first, "lang", e->lang);
    member_string(b, &first, "title", e->title);
    member_string(b, &first, "title_html", h->title ? h->title->html : NULL);
    member_string(b, &first, "snippet", h->snippet ? h->snippet->html : NULL);
    member_string(b, &first, "snippet_text", h->snippet ? h->snippet->plain : NULL);
    put_key(b, &first, "highlights");
    put_highlights(b, h->snippet);
    put_key(b, &first, "tags");
    izde_buf_append(b, "[", 1);
    int first_tag = 1;
    for (size_t i = 0; i < e->n_tags; i++) {
        if (!izde_utf8_valid(e->tags[i], strlen(e->tags[i])))
            continue;
        if (!first_tag)
            izde_buf_append(b, ",", 1);
        first_tag = 0;
        put_string(b, e->tags[i]);
    }
    izde_buf_append(b, "]", 1);
    member_string(b, &first, "url", e->url);
    member_string(b, &first, "source", e->source);
    member_real(b, &first, "score", h->score);
    member_int(b, &first, "duplicates", h->duplicates);
    izde_buf_append(b, "}", 1);
}

static void put_facets(izde_buf *b, const izde_results *r)
{
    if (r->n_facets == 0) {
        izde_buf_append(b, "null", 4);
        return;
    }
    int first = 1;
    izde_buf_append(b, "{", 1);
    for (size_t f = 0; f < r->n_facets; f++) {
        put_key(b, &first, r->facets[f].name);
        izde_buf_append(b, "[", 1);
        int first_value = 1;
        for (size_t k = 0; k < r->facets[f].n_values; k++) {
            const char *v = r->facets[f].values[k].value;
            if (!izde_utf8_valid(v, strlen(v)))
                continue;
            izde_buf_append(b, first_value ? "{\"value\":" : ",{\"value\":", first_value ? 9 : 10);
            first_value = 0;
            put_string(b, v);
            izde_buf_printf(b, ",\"count\":%lld}", (long long)r->facets[f].values[k].count);
        }
        izde_buf_append(b, "]", 1);
    }
    izde_buf_append(b, "}", 1);
}

/* Hands b's bytes to the caller. */
static izde_status finish(izde_buf *b, char **out, size_t *out_len, izde_error *err)
{
    if (b->failed) {
        izde_buf_free(b);
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory writing JSON");
    }
    *out = b->data;
    if (out_len)
        *out_len = b->len;
    return IZDE_OK;
}

izde_status izde_results_to_json(const izde_results *r, char **out, size_t *out_len,
                                 izde_error *err)
{
    izde_buf b = {0};
    int first = 1;
    izde_buf_reserve(&b, 4096 + r->n_hits * 2048);
    izde_buf_append(&b, "{", 1);
    member_string(&b, &first, "query", r->query);
    member_int(&b, &first, "total", r->total);
    member_int(&b, &first, "offset", r->offset);
    member_int(&b, &first, "limit", r->limit);
    put_key(&b, &first, "results");
    izde_buf_append(&b, "[", 1);
    for (size_t i = 0; i < r->n_hits; i++) {
        if (i)
            izde_buf_append(&b, ",", 1);
        put_hit(&b, &r->hits[i]);
    }
    izde_buf_append(&b, "]", 1);
    put_key(&b, &first, "facets");
    put_facets(&b, r);
    member_string(&b, &first, "suggestion", r->suggestion);
    member_real(&b, &first, "took_ms", r->took_ms);
    izde_buf_append(&b, "}", 1);
    return finish(&b, out, out_len, err);
}

izde_status izde_hit_to_json(const izde_hit *h, char **out, size_t *out_len, izde_error *err)
{
    izde_buf b = {0};
    put_hit(&b, h);
    return finish(&b, out, out_len, err);
}
