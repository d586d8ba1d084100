/* Entry -> Xapian document, following the term and value layout in schema.h. */
#include "document.h"

#include <izde/schema.h>
#include <izde/waypoints.h>

#include <izde/indexer.h>
#include <izde/kazakh.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

izde_status index_doc_builder_init(doc_builder *b, izde_error *err)
{
    memset(b, 0, sizeof *b);
    izde_status st = izde_text_new(&b->text, err);
    if (st == IZDE_OK)
        st = izde_stemmer_new(&b->stemmer, err);
    if (st == IZDE_OK && !(b->tokens = izde_tokens_new()))
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    if (st == IZDE_OK)
        st = izde_xdoc_new(&b->doc, err);
    if (st != IZDE_OK)
        index_doc_builder_fini(b);
    return st;
}

void index_doc_builder_fini(doc_builder *b)
{
    izde_text_free(b->text);
    izde_stemmer_free(b->stemmer);
    izde_tokens_free(b->tokens);
    izde_xdoc_free(b->doc);
    memset(b, 0, sizeof *b);
}

typedef struct field_spec {
    const char *exact_prefix; /* extra exact term with positions ("S" for the title) */
    const char *stem_prefix;  /* extra stem term ("ZS" for the title) */
    uint32_t wdf;             /* weight of each occurrence in the general field */
    int placed;               /* stems and folded stems carry positions too (a long body) */
} field_spec;

/* Kazakh words (every Cyrillic word of a Kazakh entry, and words with Kazakh-only letters
 * elsewhere) are also indexed by their stem in keyboard-folded form (қ→к, ...), so a reader
 * typing on a Russian keyboard still finds them. */
static izde_status add_folded(doc_builder *b, const izde_token *tk, const char *lang,
                              const char *stem, size_t stem_len, int placed, izde_error *err)
{
    if (!izde_kk_word_folded(lang, tk->flags & IZDE_TOKEN_CYRILLIC, tk->term, tk->term_len))
        return IZDE_OK;
    char folded[IZDE_TERM_MAX + 8], term[IZDE_TERM_MAX + 16];
    size_t n = izde_kk_fold(stem, stem_len, folded, sizeof folded);
    size_t t = store_schema_term(term, sizeof term, IZDE_PREFIX_FOLDED, folded, n);
    if (placed)
        return izde_xdoc_add_posting(b->doc, term, t, tk->pos, 1, err);
    return izde_xdoc_add_term(b->doc, term, t, 1, err);
}

/* The terms of one stem of a token: general and field stem terms, and its folded form. */
typedef struct stem_terms {
    doc_builder *b;
    izde_stem_lang which;
    const izde_token *tk;
    const char *lang;
    const field_spec *f;
    izde_status st;
    izde_error *err;
} stem_terms;

/* One stem term: Kazakh stems carry the word's position, so a phrase can match through any
 * reading of a word (ZK/ZSK); English and Russian stems are counted only, but in a long body,
 * where snippets find them by position (izde/waypoints.h). */
static izde_status add_stem_term(stem_terms *t, const char *prefix, const char *stem, size_t sl,
                                 uint32_t wdf)
{
    char term[IZDE_TERM_MAX + 24];
    size_t n = store_schema_term(term, sizeof term, prefix, stem, sl);
    if (t->which == IZDE_STEM_KK || t->f->placed)
        return izde_xdoc_add_posting(t->b->doc, term, n, t->tk->pos, wdf, t->err);
    return izde_xdoc_add_term(t->b->doc, term, n, wdf, t->err);
}

static void add_stem_terms(void *ctx, const char *stem, size_t sl)
{
    stem_terms *t = ctx;
    if (t->st != IZDE_OK)
        return;
    int kk = t->which == IZDE_STEM_KK;
    t->st = add_stem_term(t, kk ? IZDE_PREFIX_KK_STEM : IZDE_PREFIX_STEM, stem, sl, t->f->wdf);
    if (t->st == IZDE_OK && t->f->stem_prefix)
        t->st = add_stem_term(t, kk ? IZDE_PREFIX_KK_TITLE_STEM : t->f->stem_prefix, stem, sl, 1);
    if (t->st == IZDE_OK)
        t->st = add_folded(t->b, t->tk, t->lang, stem, sl, t->f->placed, t->err);
}

/* The word's beginnings (schema.h), weighed as the word is: a short prefix query finds it
 * through them as one term. */
static izde_status add_beginnings(doc_builder *b, const izde_token *tk, uint32_t wdf,
                                  izde_error *err)
{
    char term[IZDE_TERM_MAX + 8];
    izde_status st = IZDE_OK;
    for (int layer = 0; layer < 2 && st == IZDE_OK; layer++) {
        size_t n = store_schema_begin_term(term, sizeof term, layer, tk->term, tk->term_len);
        if (n)
            st = izde_xdoc_add_term(b->doc, term, n, wdf, err);
    }
    return st;
}

/* A token: its exact term with positions, its beginnings, and every stem of it (a Kazakh word may
 * have several readings, each indexed; izde_stem_each). */
static izde_status add_token(doc_builder *b, const izde_token *tk, const char *lang,
                             const field_spec *f, izde_error *err)
{
    char term[IZDE_TERM_MAX + 24];
    izde_status st = izde_xdoc_add_posting(b->doc, tk->term, tk->term_len, tk->pos, f->wdf, err);
    if (st == IZDE_OK && f->exact_prefix) {
        size_t n = store_schema_term(term, sizeof term, f->exact_prefix, tk->term, tk->term_len);
        st = izde_xdoc_add_posting(b->doc, term, n, tk->pos, 1, err);
    }
    if (st == IZDE_OK)
        st = add_beginnings(b, tk, f->wdf, err);
    if (st != IZDE_OK)
        return st;
    izde_stem_lang which = izde_stem_choose(lang, tk->flags, tk->term, tk->term_len);
    stem_terms t = {b, which, tk, lang, f, IZDE_OK, err};
    izde_stem_each(b->stemmer, which, tk->term, tk->term_len, 0, add_stem_terms, &t);
    st = t.st;
    if (st == IZDE_OK && b->spelling && !(tk->flags & (IZDE_TOKEN_ALIAS | IZDE_TOKEN_NUMBER)) &&
        tk->term_len >= 3)
        st = index_word_counts_add(b->spelling, tk->term, tk->term_len, 1, err);
    return st;
}

/* Indexes one field; returns the position after its last word in *out_next_pos. */
static izde_status add_field(doc_builder *b, const char *s, const char *lang, uint32_t first_pos,
                             const field_spec *f, uint32_t *out_next_pos, uint64_t *fingerprint,
                             izde_error *err)
{
    *out_next_pos = first_pos;
    if (!s)
        return IZDE_OK;
    izde_status st = izde_text_tokenize(b->text, s, strlen(s), first_pos, b->tokens, err);
    size_t n = izde_tokens_count(b->tokens);
    for (size_t i = 0; i < n && st == IZDE_OK; i++) {
        const izde_token *tk = izde_tokens_get(b->tokens, i);
        st = add_token(b, tk, lang, f, err);
        if (tk->pos >= *out_next_pos)
            *out_next_pos = tk->pos + 1;
        if (fingerprint && !(tk->flags & IZDE_TOKEN_ALIAS)) {
            *fingerprint = izde_fnv1a(*fingerprint, tk->term, tk->term_len);
            *fingerprint = izde_fnv1a(*fingerprint, " ", 1);
        }
    }
    return st;
}

/* The waypoints of the body just tokenized into b->tokens, positions first to end - 1
 * (izde/waypoints.h). Aliases begin where their word does, so only words are looked at; an
 * interval no word falls in would begin where the next word does. */
static izde_status add_waypoints(doc_builder *b, uint32_t first, uint32_t end, izde_error *err)
{
    size_t n = izde_tokens_count(b->tokens), cap = (end - first) / IZDE_WAYPOINT_WORDS + 1;
    izde_waypoints w = {first, calloc(cap, sizeof(uint32_t)), 0};
    if (!w.offsets)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const izde_token *tk = izde_tokens_get(b->tokens, i);
        while (!(tk->flags & IZDE_TOKEN_ALIAS) && w.n < cap &&
               tk->pos >= first + w.n * IZDE_WAYPOINT_WORDS)
            w.offsets[w.n++] = tk->start;
    }
    char *v = NULL;
    size_t len = 0;
    izde_status st = store_waypoints_encode(&w, &v, &len)
                         ? izde_xdoc_set_value(b->doc, IZDE_SLOT_WAYPOINTS, v, len, err)
                         : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    free(v);
    free(w.offsets);
    return st;
}

/* The body fingerprint as a value (the collapse key) and as a boolean term (counts copies). */
static izde_status add_fingerprint(izde_xdoc *d, uint64_t v, izde_error *err)
{
    char hex[17], term[32];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)v);
    izde_status st = izde_xdoc_set_value(d, IZDE_SLOT_FINGERPRINT, hex, 16, err);
    size_t n = store_schema_term(term, sizeof term, IZDE_PREFIX_FINGERPRINT, hex, 16);
    return st == IZDE_OK ? izde_xdoc_add_boolean_term(d, term, n, err) : st;
}

static izde_status add_date_values(izde_xdoc *d, int32_t day, izde_error *err)
{
    if (day <= 0)
        return IZDE_OK;
    char s[16], sortable[16];
    snprintf(s, sizeof s, "%08d", (int)day);
    izde_status st = izde_xdoc_set_value(d, IZDE_SLOT_DAY, s, 8, err);
    if (st == IZDE_OK)
        st = izde_xdoc_set_value(d, IZDE_SLOT_YEAR, s, 4, err);
    /* Years since 2000 as a fraction, for the optional recency boost. */
    double years = (day / 10000 - 2000) + ((day / 100) % 100 - 1) / 12.0 + (day % 100) / 365.0;
    size_t n = 0;
    if (st == IZDE_OK)
        st = izde_x_sortable(years, sortable, sizeof sortable, &n, err);
    if (st == IZDE_OK)
        st = izde_xdoc_set_value(d, IZDE_SLOT_RECENCY, sortable, n, err);
    return st;
}

/* Tags: a boolean filter term each (normalised), and the tags as given in one facet value. */
static izde_status add_tags(doc_builder *b, const izde_entry *e, izde_error *err)
{
    izde_status st = IZDE_OK;
    size_t total = 1;
    for (size_t i = 0; i < e->n_tags; i++)
        total += strlen(e->tags[i]) + 1;
    char *joined = malloc(total), *p = joined;
    if (!joined)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < e->n_tags && st == IZDE_OK; i++) {
        size_t n = strlen(e->tags[i]);
        if (i > 0)
            *p++ = '\x1f';
        memcpy(p, e->tags[i], n);
        p += n;
        char *norm = NULL, term[IZDE_TERM_MAX + 8];
        size_t norm_len = 0;
        st = izde_text_normalize(b->text, e->tags[i], n, &norm, &norm_len, err);
        if (st == IZDE_OK) {
            size_t t = store_schema_term(term, sizeof term, IZDE_PREFIX_TAG, norm, norm_len);
            st = izde_xdoc_add_boolean_term(b->doc, term, t, err);
        }
        free(norm);
    }
    if (st == IZDE_OK && e->n_tags > 0)
        st = izde_xdoc_set_value(b->doc, IZDE_SLOT_TAGS, joined, (size_t)(p - joined), err);
    free(joined);
    return st;
}

/* The facets' values behind the body fingerprint in one value (IZDE_SLOT_FACETS). */
static izde_status add_facet_key(izde_xdoc *d, const izde_entry *e, const char *lang, uint64_t fp,
                                 izde_error *err)
{
    size_t total = 16 + 3 + 4 + strlen(lang) + 1;
    for (size_t i = 0; i < e->n_tags; i++)
        total += strlen(e->tags[i]) + 1;
    char *key = malloc(total);
    if (!key)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    int n = snprintf(key, total, "%016llx\x1e", (unsigned long long)fp);
    if (e->day > 0)
        n += snprintf(key + n, total - (size_t)n, "%04d", (int)(e->day / 10000));
    n += snprintf(key + n, total - (size_t)n, "\x1e%s\x1e", lang);
    for (size_t i = 0; i < e->n_tags; i++)
        n += snprintf(key + n, total - (size_t)n, "%s%s", i ? "\x1f" : "", e->tags[i]);
    izde_status st = izde_xdoc_set_value(d, IZDE_SLOT_FACETS, key, (size_t)n, err);
    free(key);
    return st;
}

/* Date (newest first, undated last) then id in one value sorted ascending (IZDE_SLOT_ORDER). */
static izde_status add_order(izde_xdoc *d, const izde_entry *e, izde_error *err)
{
    size_t len = strlen(e->id), cap = len + 9;
    char *v = malloc(cap);
    if (!v)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    snprintf(v, cap, "%08d%s", 99999999 - (int)(e->day > 0 ? e->day : 0), e->id);
    izde_status st = izde_xdoc_set_value(d, IZDE_SLOT_ORDER, v, cap - 1, err);
    free(v);
    return st;
}

izde_status index_doc_build(doc_builder *b, const izde_entry *e, const char *lang, izde_error *err)
{
    static const field_spec title = {IZDE_PREFIX_TITLE, IZDE_PREFIX_TITLE_STEM, IZDE_TITLE_WDF, 0};
    const field_spec body = {NULL, NULL, 1, e->body && strlen(e->body) > IZDE_WAYPOINT_MIN_BYTES};
    uint32_t next = 1, body_first;
    uint64_t fingerprint = IZDE_SCHEMA_HASH_SEED;
    char term[IZDE_ID_MAX + 16];
    izde_status st = izde_xdoc_clear(b->doc, err);
    if (st == IZDE_OK)
        st = add_field(b, e->title, lang, 1, &title, &next, NULL, err);
    body_first = next + IZDE_BODY_POS_GAP;
    if (st == IZDE_OK)
        st = add_field(b, e->body, lang, body_first, &body, &next, &fingerprint, err);
    if (st == IZDE_OK && body.placed)
        st = add_waypoints(b, body_first, next, err);
    if (st == IZDE_OK) {
        size_t n = izde_id_term(e->id, strlen(e->id), term, sizeof term);
        st = izde_xdoc_add_boolean_term(b->doc, term, n, err);
    }
    if (st == IZDE_OK) {
        size_t n = store_schema_term(term, sizeof term, IZDE_PREFIX_LANG, lang, strlen(lang));
        st = izde_xdoc_add_boolean_term(b->doc, term, n, err);
    }
    if (st == IZDE_OK)
        st = add_tags(b, e, err);
    if (st == IZDE_OK)
        st = add_date_values(b->doc, e->day, err);
    if (st == IZDE_OK)
        st = izde_xdoc_set_value(b->doc, IZDE_SLOT_LANG, lang, strlen(lang), err);
    if (st == IZDE_OK)
        st = izde_xdoc_set_value(b->doc, IZDE_SLOT_ID, e->id, strlen(e->id), err);
    if (st == IZDE_OK)
        st = add_fingerprint(b->doc, fingerprint, err);
    if (st == IZDE_OK)
        st = add_facet_key(b->doc, e, lang, fingerprint, err);
    if (st == IZDE_OK)
        st = add_order(b->doc, e, err);
    return st;
}
