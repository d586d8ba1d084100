/* The JSON shape of search results, shared by izde-query --format json/jsonl and /search. */
#include <izde/search.h>

#include <jansson.h>

#include <stdlib.h>
#include <string.h>

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *highlights_json(const izde_snippet *sn)
{
    json_t *a = json_array();
    for (size_t i = 0; sn && a && i < sn->n_spans; i++)
        json_array_append_new(a, json_pack("{s:I,s:I}", "start", (json_int_t)sn->spans[i].start,
                                           "length", (json_int_t)sn->spans[i].length));
    return a;
}

static json_t *hit_json(const izde_hit *h)
{
    const izde_entry *e = h->entry;
    json_t *tags = json_array();
    for (size_t i = 0; tags && i < e->n_tags; i++)
        json_array_append_new(tags, json_string(e->tags[i]));
    json_t *o = json_object();
    if (!o || !tags) {
        json_decref(o);
        json_decref(tags);
        return NULL;
    }
    json_object_set_new(o, "id", json_string(e->id));
    json_object_set_new(o, "date", string_or_null(e->date));
    json_object_set_new(o, "lang", json_string(e->lang));
    json_object_set_new(o, "title", string_or_null(e->title));
    json_object_set_new(o, "title_html", h->title ? json_string(h->title->html) : json_null());
    json_object_set_new(o, "snippet", h->snippet ? json_string(h->snippet->html) : json_null());
    json_object_set_new(o, "snippet_text",
                        h->snippet ? json_string(h->snippet->plain) : json_null());
    json_object_set_new(o, "highlights", highlights_json(h->snippet));
    json_object_set_new(o, "tags", tags);
    json_object_set_new(o, "url", string_or_null(e->url));
    json_object_set_new(o, "source", string_or_null(e->source));
    json_object_set_new(o, "score", json_real(h->score));
    json_object_set_new(o, "duplicates", json_integer(h->duplicates));
    return o;
}

static json_t *facets_json(const izde_results *r)
{
    if (r->n_facets == 0)
        return json_null();
    json_t *o = json_object();
    for (size_t f = 0; o && f < r->n_facets; f++) {
        json_t *a = json_array();
        for (size_t k = 0; a && k < r->facets[f].n_values; k++)
            json_array_append_new(a, json_pack("{s:s,s:I}", "value", r->facets[f].values[k].value,
                                               "count", (json_int_t)r->facets[f].values[k].count));
        json_object_set_new(o, r->facets[f].name, a);
    }
    return o;
}

static izde_status dump(json_t *o, char **out, size_t *out_len, izde_error *err)
{
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) : NULL;
    json_decref(o);
    if (!s)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory writing JSON");
    *out = s;
    if (out_len)
        *out_len = strlen(s);
    return IZDE_OK;
}

izde_status izde_results_to_json(const izde_results *r, char **out, size_t *out_len,
                                 izde_error *err)
{
    json_t *results = json_array();
    for (size_t i = 0; results && i < r->n_hits; i++)
        json_array_append_new(results, hit_json(&r->hits[i]));
    json_t *o = json_object();
    if (o && results) {
        json_object_set_new(o, "query", json_string(r->query));
        json_object_set_new(o, "total", json_integer(r->total));
        json_object_set_new(o, "offset", json_integer(r->offset));
        json_object_set_new(o, "limit", json_integer(r->limit));
        json_object_set_new(o, "results", results);
        json_object_set_new(o, "facets", facets_json(r));
        json_object_set_new(o, "suggestion", string_or_null(r->suggestion));
        json_object_set_new(o, "took_ms", json_real(r->took_ms));
    } else {
        json_decref(results);
    }
    return dump(o, out, out_len, err);
}

izde_status izde_hit_to_json(const izde_hit *h, char **out, size_t *out_len, izde_error *err)
{
    return dump(hit_json(h), out, out_len, err);
}
