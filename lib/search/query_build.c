/* Parsed query -> Xapian query, following the term layout in lib/index/schema.h. */
#define _POSIX_C_SOURCE 200809L
#include "query_build.h"

#include <izde/array.h>
#include <izde/utf8.h>

#include <izde/schema.h>
#include <izde/spelling_keys.h>
#include "stopwords.h"
#include "unfold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Relative weights of the ways a word can match: the exact form ranks above a stem-only
 * match, and a keyboard-folded or transliterated form below both. */
#define WEIGHT_FOLDED 0.5
#define WEIGHT_TRANSLIT 0.6
#define WEIGHT_SYNONYM 0.5
#define WEIGHT_STEMMED_PHRASE 0.8
/* Function words still have to match, but weigh little next to the content words. */
#define WEIGHT_STOPWORD 0.2
#define WILDCARD_MAX_EXPANSION 200
#define DEFAULT_NEAR_WINDOW 10

typedef struct qlist {
    izde_xquery **items;
    size_t n, cap;
} qlist;

static int qlist_push(qlist *l, izde_xquery *q)
{
    if (!q)
        return 0;
    if (!izde_array_reserve(&l->items, &l->cap, l->n + 1, sizeof *l->items)) {
        izde_xquery_free(q);
        return 0;
    }
    l->items[l->n++] = q;
    return 1;
}

static void qlist_free(qlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        izde_xquery_free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

/* Combines the list with op and frees it; a one-item list is returned as it is. */
static izde_xquery *qlist_combine(qlist *l, izde_xop op, uint32_t window, izde_error *err)
{
    izde_xquery *q = NULL;
    if (l->n == 1) {
        q = l->items[0];
        l->n = 0;
    } else if (l->n == 0) {
        q = izde_xquery_match_nothing(err);
    } else {
        q = izde_xquery_combine(op, l->items, l->n, window, err);
    }
    qlist_free(l);
    return q;
}

static izde_xquery *scaled(izde_xquery *q, double factor, izde_error *err)
{
    if (!q)
        return NULL;
    izde_xquery *s = izde_xquery_scale(q, factor, err);
    izde_xquery_free(q);
    return s;
}

static izde_xquery *term_query(const char *prefix, const char *t, size_t n, uint32_t pos,
                               izde_error *err)
{
    char buf[IZDE_TERM_MAX + 24];
    size_t len = store_schema_term(buf, sizeof buf, prefix, t, n);
    return izde_xquery_term(buf, len, 1, pos, err);
}

static izde_xquery *build(qbuild *b, const izde_qnode *n, int depth, izde_error *err);

static qterm *add_qterm(qbuild *b, const char *exact, size_t n, int *out_index)
{
    if (!izde_array_reserve(&b->terms, &b->cap_terms, b->n_terms + 1, sizeof *b->terms))
        return NULL;
    qterm *t = &b->terms[b->n_terms];
    memset(t, 0, sizeof *t);
    if (n > IZDE_TERM_MAX)
        n = IZDE_TERM_MAX;
    memcpy(t->exact, exact, n);
    t->excluded = b->negated > 0;
    if (out_index)
        *out_index = (int)b->n_terms;
    b->n_terms++;
    return t;
}

/* Notes a word for the spelling check, which runs once the search has counted it
 * (search_qbuild_spell). */
static izde_status note_misspelt(qbuild *b, const izde_qnode *n, const char *term, size_t len,
                                 izde_error *err)
{
    if (!b->reader || b->negated || b->expanding)
        return IZDE_OK;
    if (strncmp(b->query + n->offset, n->text, n->text_len) != 0)
        return IZDE_OK; /* the node's text is not verbatim in the query: nothing to replace */
    char *word = strndup(term, len);
    if (!word || !izde_array_reserve(&b->misspelt, &b->cap_misspelt, b->n_misspelt + 1,
                                     sizeof *b->misspelt)) {
        free(word);
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    b->misspelt[b->n_misspelt++] = (qmisspelt){n->offset, n->text_len, word, NULL};
    return IZDE_OK;
}

/* A word of at most this many letters is offered words one edit away, longer ones two
 * (Xapian's default): two edits turn a short word into an unrelated one (борец, a word the
 * index lacks, into более), while a typo of a short word is one edit. */
#define SPELLING_SHORT_WORD 5

/* The spelling dictionary's suggestion for word, in *out ("" when none; the caller frees it),
 * asked with the word as the dictionary writes it. */
static izde_status dictionary_suggestion(const qbuild *b, const char *word, size_t len, char **out,
                                         izde_error *err)
{
    unsigned edits = izde_utf8_count(word, len) <= SPELLING_SHORT_WORD ? 1 : 2;
    if (!b->spelling_keys)
        return izde_xreader_spelling(b->reader, word, len, edits, out, err);
    char *key = malloc(len + 1), *found = NULL;
    size_t kl = key ? store_spelling_key(word, len, key) : 0;
    izde_status st = key ? IZDE_OK : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    if (st == IZDE_OK && kl > 0)
        st = izde_xreader_spelling(b->reader, key, kl, edits, &found, err);
    size_t fl = found ? strlen(found) : 0;
    if (st == IZDE_OK && !(*out = malloc(2 * fl + 1)))
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    if (st == IZDE_OK)
        (*out)[fl ? store_spelling_word(found, fl, *out) : 0] = '\0';
    free(key);
    free(found);
    return st;
}

/* What to offer for a word the index does not have, in *out (NULL or "" when nothing). A
 * Kazakh word typed without Kazakh letters is restored first (казакстан → қазақстан): the
 * spelling dictionary would offer the nearest Russian word instead. */
static izde_status suggest_for(const qbuild *b, const char *word, char **out, izde_error *err)
{
    izde_status st = IZDE_OK;
    size_t len = strlen(word);
    *out = NULL;
    if (!b->no_kazakh)
        st = search_unfold_best(b->reader, word, len, out, err);
    if (st == IZDE_OK && !*out)
        st = dictionary_suggestion(b, word, len, out, err);
    return st;
}

izde_status search_qbuild_spell(qbuild *b, const izde_xmset *m, izde_error *err)
{
    size_t kept = 0;
    izde_status st = IZDE_OK;
    for (size_t i = 0; i < b->n_misspelt; i++) {
        qmisspelt w = b->misspelt[i];
        uint32_t freq = 1;
        if (st == IZDE_OK)
            st = izde_xmset_termfreq(m, w.word, strlen(w.word), &freq, err);
        if (st == IZDE_OK && freq == 0)
            st = suggest_for(b, w.word, &w.suggestion, err);
        free(w.word);
        w.word = NULL;
        if (st == IZDE_OK && w.suggestion && w.suggestion[0])
            b->misspelt[kept++] = w;
        else
            free(w.suggestion);
    }
    b->n_misspelt = kept;
    return st;
}

/* The stemmers a query word goes through: English for Latin words; Russian and Kazakh for
 * Cyrillic ones (Russian alone with no_kazakh). *out_n is 0 for numbers, other scripts and
 * exact-only searches. */
static const izde_stem_lang *word_stem_langs(const qbuild *b, const izde_token *tk, size_t *out_n)
{
    static const izde_stem_lang latin[] = {IZDE_STEM_EN};
    static const izde_stem_lang cyrillic[] = {IZDE_STEM_RU, IZDE_STEM_KK};
    *out_n = 0;
    if ((tk->flags & IZDE_TOKEN_NUMBER) || b->exact_only)
        return NULL;
    if (tk->flags & IZDE_TOKEN_CYRILLIC) {
        *out_n = b->no_kazakh ? 1 : 2;
        return cyrillic;
    }
    if (tk->flags & IZDE_TOKEN_LATIN) {
        *out_n = 1;
        return latin;
    }
    return NULL;
}

int search_list_has(const char *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++, list += strlen(list) + 1)
        if (!strcmp(list, s))
            return 1;
    return 0;
}

/* Appends s (len bytes) to the *n strings back to back in list (cap bytes) unless it is there;
 * returns whether it is there now (0: no room). */
static int list_add(char *list, size_t cap, size_t *n, const char *s, size_t len)
{
    size_t used = 0;
    for (size_t i = 0; i < *n; i++)
        used += strlen(list + used) + 1;
    if (used + len + 1 > cap || memchr(s, '\0', len))
        return 0;
    memcpy(list + used, s, len);
    list[used + len] = '\0';
    if (!search_list_has(list, *n, list + used))
        (*n)++;
    return 1;
}

/* Where one query word's further alternatives go: terms under prefix, at phrase position pos
 * (0 outside phrases), into alts; qt keeps what highlighting needs. */
typedef struct alt_run {
    qterm *qt;
    const char *prefix;
    qlist *alts;
    uint32_t pos;
    int failed;
    izde_error *err;
} alt_run;

static void push_alt(alt_run *r, const char *term, size_t len)
{
    if (!r->failed && !qlist_push(r->alts, term_query(r->prefix, term, len, r->pos, r->err)))
        r->failed = 1;
}

/* Collects a query word's Kazakh stems as terms of an alternative and in its qterm (the first
 * is also its stem[KK]). */
static void add_kk_stem(void *ctx, const char *stem, size_t len)
{
    alt_run *r = ctx;
    qterm *qt = r->qt;
    if (r->failed || len > IZDE_TERM_MAX ||
        !list_add(qt->kk_stems, sizeof qt->kk_stems, &qt->n_kk_stems, stem, len))
        return;
    if (qt->n_kk_stems == 1)
        memcpy(qt->stem[IZDE_STEM_KK], qt->kk_stems, strlen(qt->kk_stems) + 1);
    push_alt(r, stem, len);
}

/* Collects a Russian word's further stems (add_russian_stems) as alternatives. */
static void add_spelling(void *ctx, const char *stem, size_t len)
{
    push_alt(ctx, stem, len);
}

/* The Russian stem's other spellings (izde_stem_ru_fleeting) and the stem of the word's other
 * forms (izde_stem_ru_paradigm, kept in qt for highlighting) as alternatives. */
static int add_russian_stems(qbuild *b, const izde_token *tk, qterm *qt, const char *prefix,
                             qlist *alts, izde_error *err)
{
    const char *stem = qt->stem[IZDE_STEM_RU];
    alt_run r = {qt, prefix, alts, 0, 0, err};
    izde_stem_ru_fleeting(stem, strlen(stem), add_spelling, &r);
    size_t n = izde_stem_ru_paradigm(b->stemmer, tk->term, tk->term_len, qt->ru_paradigm,
                                     sizeof qt->ru_paradigm);
    if (n > 0)
        add_spelling(&r, qt->ru_paradigm, n);
    return !r.failed;
}

/* Adds forms a word stands for that share no stem with it as alternatives, matched as they
 * are (at position pos in a phrase), and to qt->other_forms for highlighting. */
static void add_other_form(void *ctx, const char *form, size_t len)
{
    alt_run *r = ctx;
    if (r->failed)
        return;
    list_add(r->qt->other_forms, sizeof r->qt->other_forms, &r->qt->n_other_forms, form, len);
    push_alt(r, form, len);
}

/* Collects the English forms of a word's base word that Snowball stems apart from it
 * (izde_stem_en_related) as alternatives, and in qt for highlighting: outside phrases the base
 * word through its stem (stems); a form as it is (forms, add_other_form), with 's for a noun's
 * (children, children's), since its stem may be another word's (rang: range; thought:
 * thoughts). */
typedef struct en_related_run {
    qbuild *b;
    int phrase;
    alt_run forms, stems;
} en_related_run;

/* Adds an English stem as an alternative, and to qt->en_related for highlighting. */
static void add_en_stem(void *ctx, const char *stem, size_t len)
{
    en_related_run *r = ctx;
    qterm *qt = r->stems.qt;
    if (r->stems.failed)
        return;
    list_add(qt->en_related, sizeof qt->en_related, &qt->n_en_related, stem, len);
    push_alt(&r->stems, stem, len);
}

static void add_en_related(void *ctx, const char *form, size_t len, unsigned flags)
{
    en_related_run *r = ctx;
    qterm *qt = r->forms.qt;
    char stem[IZDE_TERM_MAX + 8];
    size_t sl = izde_stem(r->b->stemmer, IZDE_STEM_EN, form, len, stem, sizeof stem);
    if (r->forms.failed || sl == 0 || !strcmp(stem, qt->stem[IZDE_STEM_EN]))
        return;
    if (!r->phrase && (flags & IZDE_EN_BASE_WORD)) {
        add_en_stem(r, stem, sl);
        return;
    }
    add_other_form(&r->forms, form, len);
    char possessive[IZDE_TERM_MAX + 1];
    if ((flags & IZDE_EN_NOUN_FORM) && len + 2 <= IZDE_TERM_MAX) {
        memcpy(possessive, form, len);
        memcpy(possessive + len, "'s", 2);
        add_other_form(&r->forms, possessive, len + 2);
    }
}

/* Adds a Russian verb's past and present stems (izde_stem_ru_verb_stems) as alternatives, and
 * to qt->ru_verb for highlighting. */
static void add_verb_stem(void *ctx, const char *stem, size_t len)
{
    alt_run *r = ctx;
    list_add(r->qt->ru_verb, sizeof r->qt->ru_verb, &r->qt->n_ru_verb, stem, len);
    push_alt(r, stem, len);
}

static int add_russian_verb_stems(qbuild *b, const izde_token *tk, qterm *qt, const char *prefix,
                                  qlist *alts, izde_error *err)
{
    alt_run r = {qt, prefix, alts, 0, 0, err};
    izde_stem_ru_verb_stems(b->stemmer, tk->term, tk->term_len, add_verb_stem, &r);
    return !r.failed;
}

/* Adds a Russian adjective's short forms (izde_stem_ru_short_forms) as they are, at phrase
 * position pos. Returns how many alternatives were added, or -1 on failure. */
static long add_russian_short_forms(const izde_token *tk, qterm *qt, int title, uint32_t pos,
                                    qlist *alts, izde_error *err)
{
    size_t before = alts->n;
    alt_run r = {qt, title ? IZDE_PREFIX_TITLE : "", alts, pos, 0, err};
    izde_stem_ru_short_forms(tk->term, tk->term_len, add_other_form, &r);
    return r.failed ? -1 : (long)(alts->n - before);
}

/* Adds the word's English related forms (add_en_related); qt->stem[EN] must be set. Returns how
 * many alternatives were added, or -1 on failure. */
static long add_english_forms(qbuild *b, const izde_token *tk, qterm *qt, int title, uint32_t pos,
                              int phrase, qlist *alts, izde_error *err)
{
    size_t before = alts->n;
    en_related_run r = {b,
                        phrase,
                        {qt, title ? IZDE_PREFIX_TITLE : "", alts, pos, 0, err},
                        {qt, title ? IZDE_PREFIX_TITLE_STEM : IZDE_PREFIX_STEM, alts, 0, 0, err}};
    izde_stem_en_related(tk->term, tk->term_len, add_en_related, &r);
    if (!phrase) /* experience: experienced (phrases keep exact forms) */
        izde_stem_en_inflected(b->stemmer, tk->term, tk->term_len, add_en_stem, &r);
    return r.forms.failed || r.stems.failed ? -1 : (long)(alts->n - before);
}

/* Alternatives through the word's stems in every language its script may be written in
 * (word_stem_langs), since a query's language is rarely known; a Kazakh word may have
 * several (izde_stem_each). */
static int add_stem_queries(qbuild *b, const izde_token *tk, qterm *qt, int title, qlist *alts,
                            izde_error *err)
{
    size_t n_langs = 0;
    const izde_stem_lang *langs = word_stem_langs(b, tk, &n_langs);
    const char *prefix = title ? IZDE_PREFIX_TITLE_STEM : IZDE_PREFIX_STEM;
    for (size_t i = 0; i < n_langs; i++) {
        if (langs[i] == IZDE_STEM_KK) {
            alt_run r = {qt, title ? IZDE_PREFIX_KK_TITLE_STEM : IZDE_PREFIX_KK_STEM, alts, 0, 0,
                         err};
            izde_stem_each(b->stemmer, IZDE_STEM_KK, tk->term, tk->term_len, IZDE_STEM_QUERY,
                           add_kk_stem, &r);
            if (r.failed)
                return 0;
            continue;
        }
        char *stem = qt->stem[langs[i]];
        size_t sl =
            izde_stem(b->stemmer, langs[i], tk->term, tk->term_len, stem, sizeof qt->stem[0]);
        if (i > 0 && !strcmp(stem, qt->stem[langs[0]]))
            continue; /* same stem in both languages: one term is enough */
        if (!qlist_push(alts, term_query(prefix, stem, sl, 0, err)))
            return 0;
        if (langs[i] == IZDE_STEM_RU && (!add_russian_stems(b, tk, qt, prefix, alts, err) ||
                                         !add_russian_verb_stems(b, tk, qt, prefix, alts, err) ||
                                         add_russian_short_forms(tk, qt, title, 0, alts, err) < 0))
            return 0;
        if (langs[i] == IZDE_STEM_EN && add_english_forms(b, tk, qt, title, 0, 0, alts, err) < 0)
            return 0;
    }
    return 1;
}

typedef struct folded_run {
    qterm *qt;
    qlist *alts;
    size_t used;
    int failed;
    izde_error *err;
} folded_run;

/* Adds a folded stem to the term's highlight set (when there is room); used is the bytes of
 * qt->folded in use, updated. */
static void note_folded(qterm *qt, size_t *used, const char *stem, size_t len)
{
    if (*used + len + 1 > sizeof qt->folded)
        return;
    memcpy(qt->folded + *used, stem, len);
    qt->folded[*used + len] = '\0';
    *used += len + 1;
    qt->n_folded++;
}

/* Adds one candidate folded stem: as a query term, and to the term's highlight set. */
static void add_folded_candidate(void *ctx, const char *stem, size_t len)
{
    folded_run *r = ctx;
    if (r->failed || len > IZDE_TERM_MAX)
        return;
    note_folded(r->qt, &r->used, stem, len);
    if (!qlist_push(r->alts, term_query(IZDE_PREFIX_FOLDED, stem, len, 0, r->err)))
        r->failed = 1;
}

/* The word read as keyboard-folded Kazakh: every candidate stem (izde_kk_folded_stems) as
 * one low-weight alternative, matching what documents index for their Kazakh words. */
static int push_folded(qterm *qt, const char *cyr, size_t len, qlist *alts, izde_error *err)
{
    char folded[IZDE_TERM_MAX + 8];
    size_t fl = izde_kk_fold(cyr, len, folded, sizeof folded);
    qlist candidates = {0};
    folded_run r = {qt, &candidates, 0, 0, err};
    izde_kk_folded_stems(folded, fl, add_folded_candidate, &r);
    if (r.failed) {
        qlist_free(&candidates);
        return 0;
    }
    if (candidates.n == 0)
        return 1;
    izde_xquery *q = qlist_combine(&candidates, IZDE_XOP_SYNONYM, 0, err);
    return qlist_push(alts, scaled(q, WEIGHT_FOLDED, err));
}

/* Keyboard folding: a Cyrillic word typed without Kazakh letters may be a Kazakh word typed
 * on a Russian keyboard (казакстанга for қазақстанға). */
static int add_folded_query(qbuild *b, const izde_token *tk, qterm *qt, qlist *alts,
                            izde_error *err)
{
    if (!(tk->flags & IZDE_TOKEN_CYRILLIC) || b->exact_only || b->no_kazakh ||
        izde_kk_has_kazakh_letters(tk->term, tk->term_len) ||
        izde_kk_is_headword(tk->term, tk->term_len))
        return 1; /* a Kazakh word as typed (музыка) is not a folded other one (мұз) */
    return push_folded(qt, tk->term, tk->term_len, alts, err);
}

/* The query word read as Latin-script Kazakh (Qazaqstan, sportshy), transliterated to
 * Cyrillic: caller owns the result (free()); NULL when the word is not read so. Not for words
 * of one or two letters, which are English more often than not (go is not the го of 9-го). */
static char *latin_kazakh(const qbuild *b, const izde_token *tk, size_t *out_len)
{
    if (!b->translit || !(tk->flags & IZDE_TOKEN_LATIN) || (tk->flags & IZDE_TOKEN_NUMBER) ||
        b->exact_only || b->no_kazakh || izde_utf8_count(tk->term, tk->term_len) < 3)
        return NULL;
    char *cyr = NULL;
    size_t cl = 0;
    if (izde_kk_translit_latin(b->translit, tk->term, tk->term_len, &cyr, &cl, NULL) != IZDE_OK)
        return NULL;
    if (cl == 0 || cl > IZDE_TERM_MAX) {
        free(cyr);
        return NULL; /* nothing to look up */
    }
    *out_len = cl;
    return cyr;
}

/* Latin-script Kazakh (latin_kazakh): the word transliterated to Cyrillic is looked up through
 * its exact form (highlighted as it is) and Kazakh stem, below native-script matches. */
static int add_translit_query(qbuild *b, const izde_token *tk, qterm *qt, int title, qlist *alts,
                              izde_error *err)
{
    size_t cl = 0;
    char *cyr = latin_kazakh(b, tk, &cl);
    if (!cyr)
        return 1;
    char stem[IZDE_TERM_MAX + 8];
    size_t sl = izde_stem(b->stemmer, IZDE_STEM_KK, cyr, cl, stem, sizeof stem);
    list_add(qt->other_forms, sizeof qt->other_forms, &qt->n_other_forms, cyr, cl);
    qlist l = {0};
    /* informal romanisation loses letters (kazakstan): its folded form still matches; a
     * headword (астана) is read as it is, as add_folded_query reads one */
    int ok = qlist_push(&l, term_query(title ? IZDE_PREFIX_TITLE : "", cyr, cl, 0, err)) &&
             qlist_push(&l, term_query(title ? IZDE_PREFIX_KK_TITLE_STEM : IZDE_PREFIX_KK_STEM,
                                       stem, sl, 0, err)) &&
             (title || izde_kk_is_headword(cyr, cl) || push_folded(qt, cyr, cl, &l, err));
    free(cyr);
    if (!ok) {
        qlist_free(&l);
        return 0;
    }
    return qlist_push(alts, scaled(qlist_combine(&l, IZDE_XOP_OR, 0, err), WEIGHT_TRANSLIT, err));
}

/* One normalised word: exact form OR stems OR folded/transliterated forms. */
static izde_xquery *word_query(qbuild *b, const izde_qnode *n, const izde_token *tk, int *out_index,
                               izde_error *err)
{
    int title = n->field == IZDE_QF_TITLE;
    qterm *qt = add_qterm(b, tk->term, tk->term_len, out_index);
    if (!qt) {
        izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        return NULL;
    }
    qlist alts = {0};
    int ok = qlist_push(&alts, term_query(title ? IZDE_PREFIX_TITLE : "", tk->term, tk->term_len, 0,
                                          err)) &&
             add_stem_queries(b, tk, qt, title, &alts, err) &&
             (title || add_folded_query(b, tk, qt, &alts, err)) &&
             add_translit_query(b, tk, qt, title, &alts, err);
    if (!ok) {
        qlist_free(&alts);
        return NULL;
    }
    if (!(tk->flags & IZDE_TOKEN_NUMBER) &&
        note_misspelt(b, n, tk->term, tk->term_len, err) != IZDE_OK) {
        qlist_free(&alts);
        return NULL;
    }
    izde_xquery *q = qlist_combine(&alts, IZDE_XOP_OR, 0, err);
    return q && search_stopword_is(tk->term, tk->term_len) ? scaled(q, WEIGHT_STOPWORD, err) : q;
}

static int add_phrase(qbuild *b, const int *indices, size_t n)
{
    if (b->negated)
        return 1; /* excluded phrases are not highlighted */
    size_t need = b->n_phrases + 1;
    if (!izde_array_reserve(&b->phrases, &b->cap_phrases, need, sizeof *b->phrases) ||
        !izde_array_reserve(&b->phrase_lens, &b->cap_phrase_lens, need, sizeof *b->phrase_lens))
        return 0;
    int *copy = malloc(n * sizeof *copy);
    if (!copy)
        return 0;
    memcpy(copy, indices, n * sizeof *copy);
    b->phrases[b->n_phrases] = copy;
    b->phrase_lens[b->n_phrases++] = n;
    return 1;
}

/* Stemmed phrases: Xapian keeps positions only for exact word forms, so a phrase word is
 * widened to the forms in the index that share its stem (Олимпиада күні also matches
 * Олимпиада күнін). They are found among the vocabulary terms that start like the stem. */
#define VARIANT_SCAN_TERMS 400
#define VARIANT_MAX 24
#define VARIANT_MIN_PREFIX 2 /* letters: день has the stem дн (дня, дню) */

typedef struct variant_scan {
    qbuild *b;
    const char *exact; /* the form already in the phrase */
    const izde_stem_lang *langs;
    const char *const *stems; /* per entry of langs */
    const char *paradigm;     /* the Russian word's izde_stem_ru_paradigm, or NULL */
    int paradigm_pass;        /* scanning for the paradigm stem's forms */
    size_t n_langs, skip;     /* skip: bytes of field prefix on each term */
    uint32_t pos;
    qlist *out;
    int failed;
    izde_error *err;
} variant_scan;

/* Whether word has one of the scan's stems. */
static int has_scan_stem(const variant_scan *v, const char *word, size_t wl)
{
    for (size_t i = 0; i < v->n_langs; i++)
        if (izde_stem_has(v->b->stemmer, v->langs[i], word, wl, v->stems[i]))
            return 1;
    return 0;
}

static int keep_variant(void *ctx, const char *term, size_t len, uint32_t freq)
{
    (void)freq;
    variant_scan *v = ctx;
    const char *word = term + v->skip;
    size_t wl = len - v->skip;
    if (wl > IZDE_TERM_MAX || (wl == strlen(v->exact) && !memcmp(word, v->exact, wl)))
        return 0; /* the exact form is in the phrase already */
    /* the paradigm's pass keeps what the stems' passes did not */
    int keep = v->paradigm_pass
                   ? !has_scan_stem(v, word, wl) &&
                         izde_stem_has(v->b->stemmer, IZDE_STEM_RU, word, wl, v->paradigm)
                   : has_scan_stem(v, word, wl);
    if (keep && !qlist_push(v->out, izde_xquery_term(term, len, 1, v->pos, v->err))) {
        v->failed = 1;
        return 1;
    }
    return v->out->n > VARIANT_MAX;
}

/* Bytes of stem that start the vocabulary scan for its forms, 0 when too short to scan: one
 * letter before the stem ends, as Kazakh stems alternate their last consonant (кітап,
 * кітабы). */
static size_t scan_prefix_len(izde_stem_lang lang, const char *stem)
{
    size_t len = strlen(stem), letters = izde_utf8_count(stem, len);
    /* a Russian stem whose 4th letter is a fleeting vowel: its forms share the first three */
    if (lang == IZDE_STEM_RU && izde_stem_ru_fleeting(stem, len, NULL, NULL))
        return izde_utf8_prefix_len(stem, len, 3);
    if (letters >= VARIANT_MIN_PREFIX + 3)
        letters--;
    return letters >= VARIANT_MIN_PREFIX ? izde_utf8_prefix_len(stem, len, letters) : 0;
}

/* Adds to *l the forms in the index (field prefix `prefix`) that share one of word's stems
 * in langs, or its Russian paradigm stem (izde_stem_ru_paradigm, NULL when none), at phrase
 * position pos; their stems go to out_stems (per entry of langs). Returns how many were
 * added, or -1 on failure. */
static long add_variants(qbuild *b, const char *prefix, const char *word, size_t len,
                         const izde_stem_lang *langs, size_t n_langs, const char *paradigm,
                         char (*out_stems)[IZDE_TERM_MAX + 8], uint32_t pos, qlist *l,
                         izde_error *err)
{
    const char *stems[4];
    size_t scan_len[4];
    for (size_t i = 0; i < n_langs; i++) {
        izde_stem(b->stemmer, langs[i], word, len, out_stems[i], sizeof out_stems[i]);
        stems[i] = out_stems[i];
        scan_len[i] = scan_prefix_len(langs[i], stems[i]);
    }
    size_t before = l->n;
    variant_scan v = {b, word, langs, stems, paradigm, 0, n_langs, strlen(prefix), pos, l, 0, err};
    for (size_t i = 0; i < n_langs && !v.failed; i++) {
        int covered = scan_len[i] == 0;
        for (size_t k = 0; k < n_langs && !covered; k++) /* a shorter scan covers this one */
            covered = k != i && scan_len[k] && scan_len[k] <= scan_len[i] &&
                      !memcmp(stems[k], stems[i], scan_len[k]) &&
                      (scan_len[k] < scan_len[i] || k < i);
        if (covered)
            continue;
        char scan[IZDE_TERM_MAX + 8];
        size_t sl = store_schema_term(scan, sizeof scan, prefix, stems[i], scan_len[i]);
        if (izde_xreader_terms(b->reader, scan, sl, VARIANT_SCAN_TERMS, keep_variant, &v, err) !=
            IZDE_OK)
            v.failed = 1;
    }
    size_t paradigm_scan = paradigm ? scan_prefix_len(IZDE_STEM_RU, paradigm) : 0;
    if (paradigm_scan > 0 && !v.failed) {
        char scan[IZDE_TERM_MAX + 8];
        size_t sl = store_schema_term(scan, sizeof scan, prefix, paradigm, paradigm_scan);
        v.paradigm_pass = 1;
        if (izde_xreader_terms(b->reader, scan, sl, VARIANT_SCAN_TERMS, keep_variant, &v, err) !=
            IZDE_OK)
            v.failed = 1;
    }
    return v.failed ? -1 : (long)(l->n - before);
}

/* The OR of l's first item (a word's exact form) and the rest, the rest weighed `others`
 * times. Frees l. */
static izde_xquery *exact_or_others(qlist *l, double others, izde_error *err)
{
    if (l->n < 2 || others == 1.0)
        return qlist_combine(l, IZDE_XOP_OR, 0, err);
    qlist rest = {0}, both = {0};
    int ok = 1;
    for (size_t i = 1; i < l->n; i++) {
        izde_xquery *q = l->items[i];
        l->items[i] = NULL;
        ok = qlist_push(&rest, q) && ok; /* a failed push frees q */
    }
    l->n = 1;
    ok = qlist_push(&both, qlist_combine(l, IZDE_XOP_OR, 0, err)) && ok;
    ok = qlist_push(&both, scaled(qlist_combine(&rest, IZDE_XOP_OR, 0, err), others, err)) && ok;
    if (!ok) {
        qlist_free(&both);
        return NULL;
    }
    return qlist_combine(&both, IZDE_XOP_OR, 0, err);
}

/* Fills qt's stems and returns the OR of the word's exact form and its inflected variants at
 * phrase position pos, the variants weighed `others` times the exact form; *out_widened tells
 * whether any variant was found. A Cyrillic word typed without Kazakh letters also brings its
 * Kazakh spelling in the index and that spelling's forms (Олимпиада куни finds Олимпиада
 * күні). */
static izde_xquery *phrase_word(qbuild *b, qterm *qt, const izde_token *tk, int title, uint32_t pos,
                                double others, int *out_widened, izde_error *err)
{
    const char *prefix = title ? IZDE_PREFIX_TITLE : "";
    qlist l = {0};
    *out_widened = 0;
    if (!qlist_push(&l, term_query(prefix, tk->term, tk->term_len, pos, err)))
        return NULL;
    int cyr = (tk->flags & IZDE_TOKEN_CYRILLIC) != 0;
    size_t n_langs = 0;
    const izde_stem_lang *langs = word_stem_langs(b, tk, &n_langs);
    if (n_langs == 0 || !b->reader)
        return qlist_combine(&l, IZDE_XOP_OR, 0, err);
    char stems[2][IZDE_TERM_MAX + 8];
    size_t pl = cyr ? izde_stem_ru_paradigm(b->stemmer, tk->term, tk->term_len, qt->ru_paradigm,
                                            sizeof qt->ru_paradigm)
                    : 0;
    long added = add_variants(b, prefix, tk->term, tk->term_len, langs, n_langs,
                              pl ? qt->ru_paradigm : NULL, stems, pos, &l, err);
    for (size_t i = 0; i < n_langs; i++)
        memcpy(qt->stem[langs[i]], stems[i], sizeof qt->stem[0]);
    if (added >= 0 && (langs[0] == IZDE_STEM_EN || langs[0] == IZDE_STEM_RU)) {
        /* irregular forms (go: went) and short adjectives (возможен) share no stem with the
         * word */
        long more = langs[0] == IZDE_STEM_EN ? add_english_forms(b, tk, qt, title, pos, 1, &l, err)
                                             : add_russian_short_forms(tk, qt, title, pos, &l, err);
        added = more < 0 ? -1 : added + more;
    }
    if (added >= 0 && langs[n_langs - 1] == IZDE_STEM_KK) {
        /* every Kazakh reading of the word, through the stems indexed at each word's position */
        size_t before = l.n;
        alt_run r = {qt, title ? IZDE_PREFIX_KK_TITLE_STEM : IZDE_PREFIX_KK_STEM, &l, pos, 0, err};
        izde_stem_each(b->stemmer, IZDE_STEM_KK, tk->term, tk->term_len, IZDE_STEM_QUERY,
                       add_kk_stem, &r);
        added = r.failed ? -1 : added + (long)(l.n - before);
    }
    /* Only a word the index does not have: the search for its Kazakh spelling may look up
     * thousands of letter combinations. */
    char *kazakh = NULL;
    uint32_t freq = 1;
    if (cyr && !b->no_kazakh && added >= 0 &&
        (izde_xreader_termfreq(b->reader, tk->term, tk->term_len, &freq, err) != IZDE_OK ||
         (freq == 0 &&
          search_unfold_best(b->reader, tk->term, tk->term_len, &kazakh, err) != IZDE_OK)))
        added = -1;
    if (kazakh) {
        long more = qlist_push(&l, term_query(prefix, kazakh, strlen(kazakh), pos, err))
                        ? add_variants(b, prefix, kazakh, strlen(kazakh), langs, n_langs, NULL,
                                       stems, pos, &l, err)
                        : -1;
        added = more < 0 ? -1 : added + more + 1;
        /* highlight its forms: they share the folded Kazakh stem */
        char folded[IZDE_TERM_MAX + 8];
        size_t used = 0;
        for (size_t i = 0; i < qt->n_folded; i++)
            used += strlen(qt->folded + used) + 1;
        note_folded(qt, &used, folded,
                    izde_kk_fold(stems[1], strlen(stems[1]), folded, sizeof folded));
        free(kazakh);
    }
    if (added < 0) {
        qlist_free(&l);
        return NULL;
    }
    *out_widened = added > 0;
    return exact_or_others(&l, others, err);
}

/* Words in a row that must appear in this order: the exact forms, or (ranked a little lower)
 * any forms sharing their stems.
 *
 * One phrase of each word's forms, weighed as the sum of an exact phrase and a stemmed one
 * (WEIGHT_STEMMED_PHRASE) would be on an exact match: each word's exact form counts
 * 1 + WEIGHT_STEMMED_PHRASE, its other forms WEIGHT_STEMMED_PHRASE. Xapian then checks
 * positions once per candidate; a second, exact phrase cost as much again (its own position
 * reads on every stemmed match holding both exact forms). The one difference in weight: an
 * entry that matches through other forms and also holds the exact forms elsewhere gains
 * their weight. */
static izde_xquery *phrase_query(qbuild *b, const izde_qnode *n, const izde_token *const *words,
                                 size_t n_words, izde_error *err)
{
    int title = n->field == IZDE_QF_TITLE;
    double whole = 1.0 + WEIGHT_STEMMED_PHRASE, others = WEIGHT_STEMMED_PHRASE / whole;
    qlist loose = {0};
    int *indices = malloc(n_words * sizeof *indices);
    if (!indices) {
        izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        return NULL;
    }
    int ok = 1, widened = 0;
    for (size_t i = 0; i < n_words && ok; i++) {
        qterm *qt = add_qterm(b, words[i]->term, words[i]->term_len, &indices[i]);
        int w = 0;
        ok = qt && qlist_push(&loose, phrase_word(b, qt, words[i], title, (uint32_t)(i + 1), others,
                                                  &w, err));
        widened |= w;
    }
    ok = ok && add_phrase(b, indices, n_words);
    free(indices);
    if (!ok) {
        qlist_free(&loose);
        if (err && err->code == IZDE_OK)
            izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        return NULL;
    }
    /* Without other forms the words are their exact forms: the exact phrase, weight 1. */
    izde_xquery *q = qlist_combine(&loose, IZDE_XOP_PHRASE, (uint32_t)n_words, err);
    return widened ? scaled(q, whole, err) : q;
}

/* Copies the tokens of text so that nested calls may reuse b->tokens. Returns the number of
 * primary (non-alias) words; *out_alias is the first alias joining them (nursultan) or NULL. */
static izde_status tokenize_text(qbuild *b, const char *text, size_t len, izde_token **out_words,
                                 size_t *out_n, char **out_join, izde_error *err)
{
    *out_words = NULL;
    *out_n = 0;
    *out_join = NULL;
    izde_status st = izde_text_tokenize(b->text, text, len, 0, b->tokens, err);
    if (st != IZDE_OK)
        return st;
    size_t total = izde_tokens_count(b->tokens), n = 0;
    izde_token *words = calloc(total ? total : 1, sizeof *words);
    char *arena = malloc(total * (IZDE_TERM_MAX + 1) + 1);
    if (!words || !arena) {
        free(words);
        free(arena);
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    size_t used = 0;
    for (size_t i = 0; i < total; i++) {
        const izde_token *tk = izde_tokens_get(b->tokens, i);
        int joins = (tk->flags & IZDE_TOKEN_ALIAS) && tk->pos == 0 && tk->end == len &&
                    !memchr(tk->term, '.', tk->term_len) && !memchr(tk->term, '@', tk->term_len);
        /* a number's plain digits (1,000: 1000) join it even alone */
        joins = joins && (n > 1 || (tk->flags & IZDE_TOKEN_NUMBER));
        if ((tk->flags & IZDE_TOKEN_ALIAS) && !(joins && !*out_join))
            continue;
        memcpy(arena + used, tk->term, tk->term_len + 1);
        if (tk->flags & IZDE_TOKEN_ALIAS) {
            *out_join = arena + used;
        } else {
            words[n] = *tk;
            words[n].term = arena + used;
            n++;
        }
        used += tk->term_len + 1;
    }
    *out_words = words;
    *out_n = n;
    if (n == 0)
        free(arena);
    /* the arena is freed through words[0].term by free_words() */
    return IZDE_OK;
}

static void free_words(izde_token *words, size_t n)
{
    if (words && n > 0)
        free((void *)words[0].term);
    free(words);
}

/* One word, or several in a row (a phrase, a hyphenated word) that node n stands for. */
static izde_xquery *words_query(qbuild *b, const izde_qnode *n, izde_token *words, size_t n_words,
                                const char *join, izde_error *err)
{
    if (n_words == 0)
        return izde_xquery_match_nothing(err); /* only punctuation: matches nothing */
    izde_xquery *q = NULL;
    if (n_words == 1) {
        int at = -1;
        q = word_query(b, n, &words[0], &at, err);
        if (q && join && at >= 0) /* 1,000: the plain 1000 is marked too */
            list_add(b->terms[at].other_forms, sizeof b->terms[at].other_forms,
                     &b->terms[at].n_other_forms, join, strlen(join));
    } else {
        const izde_token **ptrs = malloc(n_words * sizeof *ptrs);
        if (!ptrs) {
            izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
            return NULL;
        }
        for (size_t i = 0; i < n_words; i++)
            ptrs[i] = &words[i];
        q = phrase_query(b, n, ptrs, n_words, err);
        free(ptrs);
    }
    if (q && join && n->kind == IZDE_Q_WORD) {
        /* Nur-Sultan also finds the closed compound Nursultan, 1,000 the plain 1000. */
        qlist l = {0};
        int ok = qlist_push(&l, q) &&
                 qlist_push(&l, term_query(n->field == IZDE_QF_TITLE ? IZDE_PREFIX_TITLE : "", join,
                                           strlen(join), 0, err));
        q = ok ? qlist_combine(&l, IZDE_XOP_OR, 0, err) : NULL;
        if (!ok)
            qlist_free(&l);
    }
    return q;
}

#define GROUP_KEY_MAX 512

/* Appends one word to a synonym key of the words before it; 0 when the key would not fit. */
static int key_add(char *key, const char *word, size_t len)
{
    size_t at = strlen(key);
    if (at + len + 2 >= GROUP_KEY_MAX)
        return 0;
    if (at)
        key[at++] = ' ';
    memcpy(key + at, word, len);
    key[at + len] = '\0';
    return 1;
}

/* The synonym group of the words' key: their forms, stemmed in lang unless IZDE_STEM_NONE.
 * -1 when none. */
static int group_of_key(qbuild *b, const izde_token *words, size_t n_words, izde_stem_lang lang)
{
    char key[GROUP_KEY_MAX] = "", stem[IZDE_TERM_MAX + 8];
    for (size_t i = 0; i < n_words; i++) {
        const char *word = words[i].term;
        size_t len = words[i].term_len;
        if (lang != IZDE_STEM_NONE) {
            len = izde_stem(b->stemmer, lang, word, len, stem, sizeof stem);
            word = stem;
        }
        if (!key_add(key, word, len))
            return -1;
    }
    return izde_synonyms_find(b->synonyms, key);
}

/* The group of the words read as Latin-script Kazakh (latin_kazakh: Qazaqstan is a spelling
 * of Қазақстан), as they are and by their Kazakh stems; -1 when none or when no word is. */
static int latin_kazakh_group(qbuild *b, const izde_token *words, size_t n_words)
{
    izde_token *cyr = calloc(n_words, sizeof *cyr);
    if (!cyr)
        return -1;
    int any = 0, g = -1;
    for (size_t i = 0; i < n_words; i++) {
        size_t len = 0;
        char *t = latin_kazakh(b, &words[i], &len);
        any |= t != NULL;
        cyr[i].term = t ? t : words[i].term;
        cyr[i].term_len = t ? (uint32_t)len : words[i].term_len;
    }
    if (any && (g = group_of_key(b, cyr, n_words, IZDE_STEM_NONE)) < 0)
        g = group_of_key(b, cyr, n_words, IZDE_STEM_KK);
    for (size_t i = 0; i < n_words; i++)
        if (cyr[i].term != words[i].term)
            free((char *)cyr[i].term);
    free(cyr);
    return g;
}

/* The synonym group of these words: by their exact forms, else by their stems in each
 * language (the searcher keys every member by its stems too), else read as Latin-script
 * Kazakh. -1 when none. */
static int find_group(qbuild *b, const izde_token *words, size_t n_words)
{
    static const izde_stem_lang langs[] = {IZDE_STEM_NONE, IZDE_STEM_EN, IZDE_STEM_RU,
                                           IZDE_STEM_KK};
    if (!b->synonyms || b->exact_only || n_words == 0)
        return -1;
    int g = -1;
    for (size_t l = 0; g < 0 && l < sizeof langs / sizeof *langs; l++)
        g = group_of_key(b, words, n_words, langs[l]);
    return g < 0 ? latin_kazakh_group(b, words, n_words) : g;
}

/* q OR (the other members of group g, as one synonym below q). Takes ownership of q. */
static izde_xquery *with_synonyms(qbuild *b, const izde_qnode *n, izde_xquery *q, int g,
                                  izde_error *err)
{
    if (!q || g < 0)
        return q;
    izde_qnode member = {.kind = IZDE_Q_PHRASE, .field = n->field};
    qlist members = {0}, both = {0};
    int ok = 1;
    b->expanding++; /* members are not the user's words: no spelling suggestions */
    for (size_t i = 0; ok && i < izde_synonyms_group_size(b->synonyms, g); i++) {
        const char *m = izde_synonyms_member(b->synonyms, g, i);
        izde_token *words = NULL;
        size_t n_words = 0;
        char *join = NULL;
        ok = tokenize_text(b, m, strlen(m), &words, &n_words, &join, err) == IZDE_OK;
        if (ok && n_words > 0)
            ok = qlist_push(&members, words_query(b, &member, words, n_words, NULL, err));
        free_words(words, n_words);
    }
    b->expanding--;
    /* As one synonym the members share one weight, so a rarer spelling in another language
     * never outranks the words typed. */
    ok = ok && qlist_push(&both, q) &&
         qlist_push(&both,
                    scaled(qlist_combine(&members, IZDE_XOP_SYNONYM, 0, err), WEIGHT_SYNONYM, err));
    if (!ok) {
        qlist_free(&members);
        qlist_free(&both);
        return NULL;
    }
    return qlist_combine(&both, IZDE_XOP_OR, 0, err);
}

/* A WORD or PHRASE node, with its synonyms. */
static izde_xquery *text_query(qbuild *b, const izde_qnode *n, izde_error *err)
{
    izde_token *words = NULL;
    size_t n_words = 0;
    char *join = NULL;
    if (tokenize_text(b, n->text, n->text_len, &words, &n_words, &join, err) != IZDE_OK)
        return NULL;
    izde_xquery *q = words_query(b, n, words, n_words, join, err);
    q = with_synonyms(b, n, q, find_group(b, words, n_words), err);
    free_words(words, n_words);
    return q;
}

/* Plain words in a row that together form a multi-word synonym member (National Olympic
 * Committee typed without quotes, or inflected: Национального олимпийского комитета):
 * returns how many children of n from i on it covers (0 when none) and the query for them
 * with their synonyms in *out_q. */
static size_t multiword_synonym(qbuild *b, const izde_qnode *n, size_t i, int depth,
                                izde_xquery **out_q, izde_error *err)
{
    size_t max = izde_synonyms_max_words(b->synonyms), used = 0, covered = 0;
    izde_token all[16];
    size_t ends[16]; /* words[0..ends[k]) are the words of children i..i+k */
    izde_token *owned[16] = {0};
    size_t owned_n[16] = {0}, children = 0;
    for (size_t k = i; k < n->n_children && k - i < max && k - i < 16; k++) {
        const izde_qnode *c = n->children[k];
        if (c->kind != IZDE_Q_WORD || c->field != IZDE_QF_ANY)
            break;
        char *join = NULL;
        size_t nw = 0;
        if (tokenize_text(b, c->text, c->text_len, &owned[children], &nw, &join, err) != IZDE_OK)
            break;
        owned_n[children] = nw;
        for (size_t w = 0; w < nw && used < 16; w++)
            all[used++] = owned[children][w];
        ends[children++] = used;
    }
    int g = -1;
    for (size_t k = children; k >= 2 && g < 0; k--) {
        g = find_group(b, all, ends[k - 1]);
        if (g >= 0)
            covered = k;
    }
    izde_xquery *q = NULL;
    if (covered >= 2) {
        qlist words = {0};
        int ok = 1;
        for (size_t k = i; ok && k < i + covered; k++)
            ok = qlist_push(&words, build(b, n->children[k], depth + 1, err));
        q = ok ? with_synonyms(b, n->children[i], qlist_combine(&words, IZDE_XOP_AND, 0, err), g,
                               err)
               : NULL;
        if (!ok)
            qlist_free(&words);
    }
    for (size_t k = 0; k < children; k++)
        free_words(owned[k], owned_n[k]);
    *out_q = q;
    return q ? covered : 0;
}

/* tag:, lang: and date: are filters: they select without adding weight. */
static izde_xquery *filter_query(qbuild *b, const izde_qnode *n, izde_error *err)
{
    if (n->kind == IZDE_Q_DATE) {
        char lo[16], hi[16];
        snprintf(lo, sizeof lo, "%08d", (int)n->from_day);
        snprintf(hi, sizeof hi, "%08d", (int)n->to_day);
        return izde_xquery_value_range(IZDE_SLOT_DAY, n->from_day ? lo : NULL,
                                       n->to_day ? hi : NULL, err);
    }
    char *norm = NULL;
    size_t len = 0;
    if (izde_text_normalize(b->text, n->text, n->text_len, &norm, &len, err) != IZDE_OK)
        return NULL;
    const char *prefix = n->kind == IZDE_Q_TAG ? IZDE_PREFIX_TAG : IZDE_PREFIX_LANG;
    izde_xquery *q = scaled(term_query(prefix, norm, len, 0, err), 0.0, err);
    free(norm);
    return q;
}

/* Whether child c is a plain word written verbatim in the query that begins with a digit (a
 * number's group, or a number with its separators). */
static int number_word(const qbuild *b, const izde_qnode *c)
{
    return c->kind == IZDE_Q_WORD && c->field == IZDE_QF_ANY && c->text_len > 0 &&
           c->text[0] >= '0' && c->text[0] <= '9' &&
           !strncmp(b->query + c->offset, c->text, c->text_len);
}

/* Words in a row from child i that write one number with its thousands apart (1 000 000), as
 * the tokenizer reads them (the plain digits an alias of the first: izde/text.h), built as
 * the words or the plain number, which finds 1000 and 1,000 too; returns how many children,
 * 0 when none. */
static size_t grouped_number(qbuild *b, const izde_qnode *n, size_t i, int depth,
                             izde_xquery **out_q, izde_error *err)
{
    size_t k = i;
    while (k < n->n_children && number_word(b, n->children[k]))
        k++;
    if (k < i + 2)
        return 0;
    size_t from = n->children[i]->offset,
           to = n->children[k - 1]->offset + n->children[k - 1]->text_len;
    if (izde_text_tokenize(b->text, b->query + from, to - from, 0, b->tokens, NULL) != IZDE_OK)
        return 0;
    const izde_token *join = NULL;
    for (size_t t = 0; t < izde_tokens_count(b->tokens) && !join; t++) {
        const izde_token *tk = izde_tokens_get(b->tokens, t);
        uint32_t want = IZDE_TOKEN_ALIAS | IZDE_TOKEN_NUMBER;
        if ((tk->flags & want) == want && tk->start == 0)
            join = tk;
    }
    size_t covered = 0;
    while (join && i + covered < k &&
           n->children[i + covered]->offset + n->children[i + covered]->text_len - from <=
               join->end)
        covered++;
    if (covered < 2)
        return 0;
    char digits[IZDE_TERM_MAX + 1]; /* b->tokens is reused by build() below */
    size_t len = join->term_len;
    memcpy(digits, join->term, len);
    qlist words = {0}, either = {0};
    int ok = 1;
    for (size_t c = i; ok && c < i + covered; c++)
        ok = qlist_push(&words, build(b, n->children[c], depth + 1, err));
    ok = ok && add_qterm(b, digits, len, NULL) && /* marked where it matches */
         qlist_push(&either, qlist_combine(&words, IZDE_XOP_AND, 0, err)) &&
         qlist_push(&either, term_query("", digits, len, 0, err));
    if (!ok) {
        qlist_free(&words);
        qlist_free(&either);
        return 0;
    }
    *out_q = qlist_combine(&either, IZDE_XOP_OR, 0, err);
    return *out_q ? covered : 0;
}

static izde_xquery *and_query(qbuild *b, const izde_qnode *n, int depth, izde_error *err)
{
    qlist pos = {0}, neg = {0};
    int ok = 1, wordless = 0;
    for (size_t i = 0; i < n->n_children && ok; i++) {
        const izde_qnode *c = n->children[i];
        if (c->kind == IZDE_Q_NOT && c->n_children == 1) {
            b->negated++;
            ok = qlist_push(&neg, build(b, c->children[0], depth + 1, err));
            b->negated--;
        } else {
            izde_xquery *q = NULL;
            size_t covered =
                b->synonyms && !b->exact_only ? multiword_synonym(b, n, i, depth, &q, err) : 0;
            if (covered == 0 && !b->exact_only)
                covered = grouped_number(b, n, i, depth, &q, err);
            if (covered > 0) {
                i += covered - 1;
                ok = qlist_push(&pos, q);
                continue;
            }
            q = build(b, c, depth + 1, err);
            if (q && izde_xquery_empty(q)) {
                /* a child with no words ("&" in Rock & Roll) constrains nothing */
                izde_xquery_free(q);
                wordless++;
                continue;
            }
            ok = qlist_push(&pos, q);
        }
    }
    if (!ok) {
        qlist_free(&pos);
        qlist_free(&neg);
        return NULL;
    }
    izde_xquery *positive = pos.n      ? qlist_combine(&pos, IZDE_XOP_AND, 0, err)
                            : wordless ? izde_xquery_match_nothing(err)
                                       : izde_xquery_match_all(err);
    if (neg.n == 0 || !positive) {
        qlist_free(&neg);
        return positive;
    }
    izde_xquery *negative = qlist_combine(&neg, IZDE_XOP_OR, 0, err);
    qlist both = {0};
    if (!qlist_push(&both, positive) || !qlist_push(&both, negative)) {
        qlist_free(&both);
        return NULL;
    }
    return qlist_combine(&both, IZDE_XOP_AND_NOT, 0, err);
}

/* NEAR works on positions, and Xapian's NEAR takes only terms or alternatives of terms, so
 * every member of a NEAR becomes such an alternative (near_members):
 *  - a word: its exact form and its forms, as a phrase word (phrase_word);
 *  - a prefix (oil*): the index's words that begin with it, the first NEAR_PREFIX_TERMS in
 *    byte order (docs/query-language.md states the cap);
 *  - a phrase: each of its words, a member of its own;
 *  - a group (a b) or a nested NEAR: each of its members;
 *  - alternatives (a OR b*): one member, the alternatives of its parts, each of which must be
 *    one member itself.
 * What has no position (NOT, tag:, lang:, date:) or cannot be one member inside alternatives
 * is a syntax error naming the part, never a failure of the search. */
#define NEAR_PREFIX_TERMS 100

typedef struct term_scan {
    qlist *out;
    int failed;
    izde_error *err;
} term_scan;

static int keep_scanned_term(void *ctx, const char *term, size_t len, uint32_t freq)
{
    (void)freq;
    term_scan *s = ctx;
    if (!qlist_push(s->out, izde_xquery_term(term, len, 1, 0, s->err))) {
        s->failed = 1;
        return 1;
    }
    return 0;
}

/* The index's words that begin with n's prefix, combined with op: for a ranked prefix the
 * max_terms most frequent (WILDCARD_MAX_EXPANSION), for a NEAR member the first in byte
 * order (NEAR_PREFIX_TERMS). The words are chosen here, from the frequencies of the whole
 * index, not by Xapian in each shard, so that shards find what one index finds. A ranked
 * prefix short enough for the index's beginnings (schema.h) is the beginnings that start with
 * it instead: one term, or the few one letter longer, and every word, not the 200 first. */
static izde_xquery *prefix_words(qbuild *b, const izde_qnode *n, int most_frequent,
                                 size_t max_terms, izde_xop op, izde_error *err)
{
    char *norm = NULL, buf[IZDE_TERM_MAX + 8];
    size_t len = 0;
    if (izde_text_normalize(b->text, n->text, n->text_len, &norm, &len, err) != IZDE_OK)
        return NULL;
    qterm *qt = add_qterm(b, norm, len, NULL);
    const char *field = n->field == IZDE_QF_TITLE ? IZDE_PREFIX_TITLE : "", *layer = NULL;
    if (most_frequent && b->beginnings && !field[0])
        layer = store_schema_begin_layer(izde_utf8_count(norm, len));
    size_t bl = store_schema_term(buf, sizeof buf, layer ? layer : field, norm, len);
    free(norm);
    if (!qt) {
        izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        return NULL;
    }
    qt->prefix = 1;
    qlist l = {0};
    term_scan scan = {&l, 0, err};
    izde_status st = IZDE_OK;
    if (b->reader && most_frequent)
        st = izde_xreader_frequent_terms(b->reader, buf, bl, max_terms, keep_scanned_term, &scan,
                                         err);
    else if (b->reader)
        st = izde_xreader_terms(b->reader, buf, bl, max_terms, keep_scanned_term, &scan, err);
    if (st != IZDE_OK)
        scan.failed = 1;
    if (!scan.failed && l.n == 0) /* nothing begins so: a term that matches nothing */
        scan.failed = !qlist_push(&l, izde_xquery_term(buf, bl, 1, 0, err));
    if (scan.failed) {
        qlist_free(&l);
        return NULL;
    }
    return qlist_combine(&l, op, 0, err);
}

/* A ranked prefix (oil*): its words weigh as one, as Xapian's own wildcards do. */
static izde_xquery *prefix_query(qbuild *b, const izde_qnode *n, izde_error *err)
{
    return prefix_words(b, n, 1, WILDCARD_MAX_EXPANSION, IZDE_XOP_SYNONYM, err);
}

/* The words of the index that begin with n's prefix, as one alternative. */
static izde_xquery *near_prefix(qbuild *b, const izde_qnode *n, izde_error *err)
{
    return prefix_words(b, n, 0, NEAR_PREFIX_TERMS, IZDE_XOP_OR, err);
}

/* The words of a WORD or PHRASE node, each as an alternative of its forms. */
static int near_words(qbuild *b, const izde_qnode *c, qlist *out, izde_error *err)
{
    izde_token *words = NULL;
    size_t n_words = 0;
    char *join = NULL;
    int ok = tokenize_text(b, c->text, c->text_len, &words, &n_words, &join, err) == IZDE_OK;
    for (size_t k = 0; k < n_words && ok; k++) {
        if (words[k].flags & IZDE_TOKEN_ALIAS)
            continue; /* nursultan beside nur sultan: the parts carry the positions */
        qterm *qt = add_qterm(b, words[k].term, words[k].term_len, NULL);
        int widened = 0;
        ok = qt && qlist_push(out, phrase_word(b, qt, &words[k], c->field == IZDE_QF_TITLE, 0, 1.0,
                                               &widened, err));
    }
    free_words(words, n_words);
    if (!ok && err->code == IZDE_OK)
        izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    return ok;
}

static int near_members(qbuild *b, const izde_qnode *n, qlist *out, izde_error *err);

/* Alternatives inside NEAR: one member made of one member per part. */
static int near_alternatives(qbuild *b, const izde_qnode *n, qlist *out, izde_error *err)
{
    qlist alts = {0};
    int ok = 1;
    for (size_t i = 0; i < n->n_children && ok; i++) {
        qlist part = {0};
        ok = near_members(b, n->children[i], &part, err);
        if (ok && part.n != 1) {
            izde_error_set(err, IZDE_ERR_QUERY_SYNTAX,
                           "position %zu: a phrase or group inside OR cannot be placed inside NEAR",
                           n->children[i]->offset + 1);
            ok = 0;
        }
        if (ok) {
            izde_xquery *q = part.items[0];
            free(part.items);
            ok = qlist_push(&alts, q);
        } else {
            qlist_free(&part);
        }
    }
    if (!ok) {
        qlist_free(&alts);
        return 0;
    }
    return qlist_push(out, qlist_combine(&alts, IZDE_XOP_OR, 0, err));
}

static int near_members(qbuild *b, const izde_qnode *n, qlist *out, izde_error *err)
{
    switch (n->kind) {
    case IZDE_Q_WORD:
    case IZDE_Q_PHRASE:
        return near_words(b, n, out, err);
    case IZDE_Q_PREFIX:
        return qlist_push(out, near_prefix(b, n, err));
    case IZDE_Q_AND:
    case IZDE_Q_NEAR:
        for (size_t i = 0; i < n->n_children; i++)
            if (!near_members(b, n->children[i], out, err))
                return 0;
        return 1;
    case IZDE_Q_OR:
        return near_alternatives(b, n, out, err);
    case IZDE_Q_NOT:
    case IZDE_Q_TAG:
    case IZDE_Q_LANG:
    case IZDE_Q_DATE:
        break;
    }
    izde_error_set(err, IZDE_ERR_QUERY_SYNTAX,
                   "position %zu: %s has no place inside NEAR: put it outside the NEAR",
                   n->offset + 1, n->kind == IZDE_Q_NOT ? "NOT" : "a filter");
    return 0;
}

static izde_xquery *near_query(qbuild *b, const izde_qnode *n, izde_error *err)
{
    qlist l = {0};
    if (!near_members(b, n, &l, err)) {
        qlist_free(&l);
        return NULL;
    }
    uint32_t window = n->window ? n->window : DEFAULT_NEAR_WINDOW;
    if (window < l.n)
        window = (uint32_t)l.n;
    return qlist_combine(&l, IZDE_XOP_NEAR, window, err);
}

static izde_xquery *build(qbuild *b, const izde_qnode *n, int depth, izde_error *err)
{
    if (depth > 256) {
        izde_error_set(err, IZDE_ERR_INVALID_ARG, "query nested too deeply");
        return NULL;
    }
    switch (n->kind) {
    case IZDE_Q_WORD:
    case IZDE_Q_PHRASE:
        return text_query(b, n, err);
    case IZDE_Q_PREFIX:
        return prefix_query(b, n, err);
    case IZDE_Q_AND:
        return and_query(b, n, depth, err);
    case IZDE_Q_NOT: {
        /* a lone exclusion: everything except it */
        izde_qnode wrapper = {.kind = IZDE_Q_AND, .children = (izde_qnode **)&n, .n_children = 1};
        return and_query(b, &wrapper, depth, err);
    }
    case IZDE_Q_OR: {
        qlist l = {0};
        for (size_t i = 0; i < n->n_children; i++) {
            if (!qlist_push(&l, build(b, n->children[i], depth + 1, err))) {
                qlist_free(&l);
                return NULL;
            }
        }
        return qlist_combine(&l, IZDE_XOP_OR, 0, err);
    }
    case IZDE_Q_NEAR:
        return near_query(b, n, err);
    case IZDE_Q_TAG:
    case IZDE_Q_LANG:
    case IZDE_Q_DATE:
        return filter_query(b, n, err);
    }
    izde_error_set(err, IZDE_ERR_INTERNAL, "unknown query node");
    return NULL;
}

izde_status search_qbuild_run(qbuild *b, const izde_qnode *root, izde_xquery **out_query,
                              izde_error *err)
{
    izde_error local = {0};
    if (!err)
        err = &local;
    err->code = IZDE_OK;
    if (!b->tokens && !(b->tokens = izde_tokens_new()))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    izde_xquery *q = build(b, root, 0, err);
    if (!q)
        return err->code != IZDE_OK ? err->code
                                    : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    search_qmatch_prepare(b);
    *out_query = q;
    return IZDE_OK;
}

void search_qbuild_fini(qbuild *b)
{
    for (size_t i = 0; i < b->n_phrases; i++)
        free(b->phrases[i]);
    for (size_t i = 0; i < b->n_misspelt; i++) {
        free(b->misspelt[i].word);
        free(b->misspelt[i].suggestion);
    }
    free(b->phrases);
    free(b->phrase_lens);
    free(b->terms);
    free(b->misspelt);
    free(b->start_keys);
    izde_tokens_free(b->tokens);
    b->terms = NULL;
    b->phrases = NULL;
    b->phrase_lens = NULL;
    b->misspelt = NULL;
    b->tokens = NULL;
    b->n_terms = b->n_phrases = b->n_misspelt = b->cap_terms = 0;
}
