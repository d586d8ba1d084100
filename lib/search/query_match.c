/* The snippet matcher over a built query's words (search_qbuild_match): which query word a word of
 * a hit stands for, stemmed the way the indexer stemmed it, behind a prefilter that skips most
 * words without stemming them. Query building is query_build.c. */
#include "query_build.h"

#include <izde/utf8.h>

#include <stdlib.h>

#include <string.h>

#include <unicode/uchar.h>

/* Snippet prefilter.
 *
 * Snippets ask search_qbuild_match about every word of every hit, and stemming each word was most
 * of a search's time. A word can only have stem S if it begins with S's first letters: every
 * stemmer here strips or rewrites the end of a word, and what it rewrites never reaches the
 * first two letters of a stem of 3+ letters, or the first letter of a 2-letter stem:
 *  - Snowball Russian strips endings (and нн → н, ь); izde repeats it and drops a fleeting
 *    vowel before the last letter of a 6+ letter stem (пловец → пловц);
 *  - izde's Kazakh stemmer strips endings, restores the last consonant (кітабы → кітап) and
 *    re-inserts a dropped vowel after the 2nd letter at the earliest (халқы → халық,
 *    ауызы → ауыз); a hyphenated word keeps its head;
 *  - Snowball English (Porter2) strips and rewrites endings, turns y into i (cry → cri) and
 *    has a few exceptional forms (dying → die); it drops a leading apostrophe.
 * The keys are therefore compared after merging what those rewrites and Snowball's prelude
 * can change or what folding maps together: y, Latin i, і and и are one letter; ё is е; the
 * Kazakh letters are folded (izde_kk_fold) so the same key serves folded stems; a word that
 * has an apostrophe (a contraction: won't is will), or has one letter, is always stemmed. The
 * filter only lets through more words than match; the unit tests check that snippets are the same
 * as when every word is stemmed, and the property itself on a word list in the three languages. */

static uint32_t merge_letter(uint32_t c)
{
    if (c >= 0x410 && c <= 0x42F)
        c += 0x20; /* Cyrillic capitals */
    else if (c >= 'A' && c <= 'Z')
        c += 'a' - 'A';
    switch (c) {
    case 'i':
    case 'y':
    case 0x456:       /* і */
        return 0x438; /* и */
    case 0x451:       /* ё */
        return 0x435; /* е */
    default:
        return c;
    }
}

/* The key of the first `want` (1 or 2) letters of s[0..len): folded, then merged. */
static mkey key_of(const char *s, size_t len, size_t want)
{
    mkey k = {{0, 0}, 0};
    char folded[32];
    size_t bytes = 0;
    for (size_t n = 0; n < want && bytes < len; n++)
        izde_utf8_next(s, len, &bytes);
    if (bytes > 16)
        return k; /* not letters: no key, every word passes */
    size_t fl = izde_kk_fold(s, bytes, folded, sizeof folded);
    size_t i = 0;
    while (i < fl && k.n < want)
        k.cp[k.n++] = merge_letter(izde_utf8_next(folded, fl, &i));
    return k;
}

/* The key a stem (or folded stem) demands of a word: its first two letters, or its first
 * letter when it has only two; none for a one-letter stem. */
static mkey stem_key(const char *stem)
{
    size_t len = strlen(stem), letters = izde_utf8_count(stem, len);
    mkey none = {{0, 0}, 0};
    return letters <= 1 ? none : key_of(stem, len, letters == 2 ? 1 : 2);
}

/* The keys of n stems back to back in list, into keys (room for cap); 1 when there are more
 * stems than room: every word must then be stemmed. */
static int list_keys(const char *list, size_t n, mkey *keys, size_t cap)
{
    for (size_t i = 0; i < n; i++, list += strlen(list) + 1) {
        if (i == cap)
            return 1;
        keys[i] = stem_key(list);
    }
    return 0;
}

static void set_keys(qterm *t)
{
    for (size_t l = 0; l < 4; l++)
        if (t->stem[l][0])
            t->stem_key[l] = stem_key(t->stem[l]);
    t->folded_unkeyed = list_keys(t->folded, t->n_folded, t->folded_key, QTERM_FOLDED_KEYS);
    t->en_related_unkeyed =
        list_keys(t->en_related, t->n_en_related, t->en_related_key, QTERM_EN_RELATED_KEYS);
    t->ru_verb_unkeyed = list_keys(t->ru_verb, t->n_ru_verb, t->ru_verb_key, QTERM_RU_VERB_KEYS);
}

/* The word's own key (its first two letters); n == 0 when it must always be stemmed: a word
 * with an apostrophe may be a contraction, whose stem is its base word's (won't: will). */
static mkey word_key(const char *term, size_t len)
{
    mkey none = {{0, 0}, 0};
    if (len == 0 || memchr(term, '\'', len) || (len >= 3 && !memcmp(term, "\xE2\x80\x99", 3)))
        return none;
    mkey k = key_of(term, len, 2);
    return k.n == 2 ? k : none;
}

static int key_admits(const mkey *word, const mkey *stem)
{
    if (stem->n == 0 || word->n == 0)
        return 1;
    for (unsigned i = 0; i < stem->n; i++)
        if (word->cp[i] != stem->cp[i])
            return 0;
    return 1;
}

/* Whether one of n stems, whose keys list_keys set (unkeyed: too many), admits key wk. */
static int list_admits(const mkey *keys, size_t n, int unkeyed, const mkey *wk)
{
    if (n && unkeyed)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (key_admits(wk, &keys[i]))
            return 1;
    return 0;
}

/* Whether a word with key wk, stemmed with `which`, could match t (see above). */
static int may_match(const qterm *t, izde_stem_lang which, const mkey *wk)
{
    if (t->stem[which][0] && key_admits(wk, &t->stem_key[which]))
        return 1;
    if (which == IZDE_STEM_EN &&
        list_admits(t->en_related_key, t->n_en_related, t->en_related_unkeyed, wk))
        return 1;
    if (which == IZDE_STEM_RU && list_admits(t->ru_verb_key, t->n_ru_verb, t->ru_verb_unkeyed, wk))
        return 1;
    return list_admits(t->folded_key, t->n_folded, t->folded_unkeyed, wk);
}

/* Adds k to the start keys; a key of no letters admits every word. */
static void add_start_key(qbuild *b, mkey k)
{
    if (k.n == 0) {
        b->start_any = 1;
        return;
    }
    for (size_t i = 0; i < b->n_start_keys; i++)
        if (b->start_keys[i].n == k.n && !memcmp(b->start_keys[i].cp, k.cp, sizeof k.cp))
            return;
    mkey *grown = realloc(b->start_keys, (b->n_start_keys + 1) * sizeof *grown);
    if (!grown) {
        b->start_any = 1; /* the safe answer, at the cost of time */
        return;
    }
    b->start_keys = grown;
    b->start_keys[b->n_start_keys++] = k;
}

/* The keys of every word search_qbuild_match may accept: the exact form's (a prefix's too)
 * and those may_match admits. */
static void set_start_keys(qbuild *b)
{
    for (size_t i = 0; i < b->n_terms && !b->start_any; i++) {
        const qterm *t = &b->terms[i];
        if (t->excluded)
            continue;
        add_start_key(b, stem_key(t->exact));
        if (t->prefix)
            continue;
        const char *form = t->other_forms;
        for (size_t k = 0; k < t->n_other_forms; k++, form += strlen(form) + 1)
            add_start_key(b, stem_key(form));
        for (size_t l = 0; l < 4; l++)
            if (t->stem[l][0])
                add_start_key(b, t->stem_key[l]);
        if (t->folded_unkeyed || t->en_related_unkeyed || t->ru_verb_unkeyed)
            b->start_any = 1;
        for (size_t k = 0; k < t->n_folded && k < QTERM_FOLDED_KEYS; k++)
            add_start_key(b, t->folded_key[k]);
        for (size_t k = 0; k < t->n_en_related && k < QTERM_EN_RELATED_KEYS; k++)
            add_start_key(b, t->en_related_key[k]);
        for (size_t k = 0; k < t->n_ru_verb && k < QTERM_RU_VERB_KEYS; k++)
            add_start_key(b, t->ru_verb_key[k]);
    }
}

/* The normalised form of c when the normaliser maps it alone (its fast path: ASCII, Cyrillic
 * letters, apostrophes), else 0. */
static uint32_t fast_fold(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    if (c < 0x400 || c > 0x4FF || (c >= 0x482 && c <= 0x489))
        return 0;
    if (c >= 0x410 && c <= 0x42F)
        c += 0x20; /* А-Я, without a property look-up */
    else if (c < 0x410 || c >= 0x460)
        c = (uint32_t)u_foldCase((UChar32)c, U_FOLD_CASE_DEFAULT);
    return c == 0x451 || c == 0x450 ? 0x435 : c == 0x45D ? 0x438 : c; /* ё ѐ → е, ѝ → и */
}

/* The code point at s[*i] when it is ASCII or two bytes long (all the fast path has), else
 * 0; moves *i past it. */
static uint32_t next_short(const char *s, size_t len, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    if (p[0] < 0x80) {
        *i += 1;
        return p[0];
    }
    if (p[0] >= 0xC2 && p[0] < 0xE0 && *i + 1 < len && (p[1] & 0xC0) == 0x80) {
        *i += 2;
        return (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
    }
    return 0;
}

static int is_key_letter(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 0x400 && c <= 0x4FF);
}

/* Where code point c (ASCII or Cyrillic) has its entry in the start tables, or -1. */
static int start_index(uint32_t c)
{
    return c < 0x80 ? (int)c : c >= 0x400 && c < 0x500 ? (int)(c - 0x380) : -1;
}

/* The key letter of c when it is one of the first characters of a token (QLETTER_* above):
 * on the normaliser's fast path it is folded (nothing composes with or vanishes from it),
 * then folded as Kazakh and merged as key_of does. A Latin i folds as Kazakh to и only in a
 * Cyrillic word, but merging makes и of it either way, so the letter does not depend on the
 * word's other letters. */
static uint16_t start_letter(uint32_t c)
{
    c = fast_fold(c);
    if (c == 0 || c == '\'')
        return QLETTER_ANY;
    if (!is_key_letter(c))
        return QLETTER_END;
    c = merge_letter(izde_kk_fold_cp(c, c >= 0x400));
    return start_index(c) >= 0 ? (uint16_t)c : QLETTER_ANY; /* always is: ASCII or Cyrillic */
}

/* Fills the start tables from the start keys. */
static void set_start_tables(qbuild *b)
{
    for (uint32_t c = 0; c < 0x500; c++) {
        int at = start_index(c);
        if (at >= 0)
            b->start_letter[at] = start_letter(c);
    }
    memset(b->start_first, 0, sizeof b->start_first);
    for (size_t k = 0; k < b->n_start_keys; k++) {
        int at = start_index(b->start_keys[k].cp[0]);
        if (at >= 0)
            b->start_first[at] |= b->start_keys[k].n < 2 ? QFIRST_SOME | QFIRST_ALONE : QFIRST_SOME;
    }
}

void search_qmatch_prepare(qbuild *b)
{
    for (size_t i = 0; i < b->n_terms; i++)
        set_keys(&b->terms[i]);
    set_start_keys(b);
    set_start_tables(b);
}

/* The token's first letters can be read off the raw text when its first three characters
 * are on the normaliser's fast path (nothing composes with or vanishes from them). Its key
 * is then that of its first two letters; a word of one letter (or whose second character is
 * no letter, as in "a.b" or "x@y") is compared on its first letter only, which admits more
 * words than the matcher's prefilter does, never fewer. Apostrophes, contractions and
 * everything off the fast path answer 1. The letters come from the start tables: this runs for
 * every word of a long text. */
/* Whether s begins with Latin letters and an apostrophe before another letter (won't,
 * there'll): a contraction, whose stem is its base word's. */
static int begins_contraction(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
        i++;
    if (i == 0 || i >= len)
        return 0;
    size_t q = s[i] == '\'' ? 1 : len - i >= 3 && !memcmp(s + i, "\xE2\x80\x99", 3) ? 3 : 0;
    return q && i + q < len && ((s[i + q] | 0x20) >= 'a' && (s[i + q] | 0x20) <= 'z');
}

/* Whether a word whose first key letters are key[0..letters) may begin a match. */
static int keys_may_start(const qbuild *b, const uint16_t key[2], unsigned letters)
{
    unsigned first = b->start_first[start_index(key[0])];
    if (!(first & QFIRST_SOME))
        return 0;
    if (letters < 2 || (first & QFIRST_ALONE))
        return 1;
    for (size_t k = 0; k < b->n_start_keys; k++) {
        const mkey *sk = &b->start_keys[k];
        if (sk->cp[0] == key[0] && sk->cp[1] == key[1])
            return 1;
    }
    return 0;
}

/* The key letter of the Cyrillic twin of a Latin key letter l (izde_text_cyrillic_twin), or 0. */
static uint16_t twin_letter(uint16_t l)
{
    uint32_t c = l < 0x80 ? izde_text_cyrillic_twin(l) : 0;
    return c ? (uint16_t)merge_letter(izde_kk_fold_cp(c, 1)) : 0;
}

int search_qbuild_may_start(void *ctx, const char *s, size_t len)
{
    const qmatch *m = ctx;
    const qbuild *b = m->b;
    if (m->no_prefilter || b->start_any)
        return 1;
    uint16_t key[2] = {0, 0};
    size_t i = 0;
    unsigned letters = 0;
    for (int k = 0; k < 3 && i < len; k++) {
        int at = start_index(next_short(s, len, &i)); /* 0 (QLETTER_ANY) when not short */
        uint16_t l = at >= 0 ? b->start_letter[at] : QLETTER_ANY;
        if (l == QLETTER_ANY)
            return 1;
        if (l == QLETTER_END)
            break; /* the letters before it are final: nothing composes with them */
        if (k < 2)
            key[letters++] = l;
    }
    if (letters == 0)
        return 1; /* a connector (_) first: left to the matcher */
    if (keys_may_start(b, key, letters))
        return 1;
    /* Kазахстан: a Latin look-alike that the tokenizer reads as its Cyrillic twin */
    uint16_t twin[2] = {key[0], key[1]};
    int twins = 0;
    for (unsigned k = 0; k < letters; k++) {
        uint16_t t = twin_letter(key[k]);
        twin[k] = t ? t : key[k];
        twins += t != 0;
    }
    if (twins && keys_may_start(b, twin, letters))
        return 1;
    return begins_contraction(s, len);
}

/* Whether folded is one of the term's candidate folded stems. */
static int folded_matches(const qterm *t, const char *folded)
{
    const char *c = t->folded;
    for (size_t i = 0; i < t->n_folded; i++, c += strlen(c) + 1)
        if (!strcmp(c, folded))
            return 1;
    return 0;
}

/* The stems the indexer stored for one document word, gathered once per word. */
typedef struct doc_stems {
    char buf[512]; /* as many as izde_stem_each gives, with room for Russian spellings */
    size_t used, n;
} doc_stems;

static void note_doc_stem(void *ctx, const char *stem, size_t len)
{
    doc_stems *d = ctx;
    if (d->used + len + 1 > sizeof d->buf)
        return;
    memcpy(d->buf + d->used, stem, len);
    d->buf[d->used + len] = '\0';
    d->used += len + 1;
    d->n++;
}

/* Adds the other spellings of a Russian word's stem (izde_stem_ru_fleeting), which the query
 * side searches for too: рынке (stem рынк) is a form of рынок. */
static void add_fleeting_spellings(doc_stems *d)
{
    size_t n = d->n;
    for (size_t i = 0, at = 0; i < n; i++) {
        size_t len = strlen(d->buf + at);
        izde_stem_ru_fleeting(d->buf + at, len, note_doc_stem, d);
        at += len + 1;
    }
}

/* Whether one of the word's stems is one of t's, or (when the indexer folded them: folds)
 * folds to one of t's folded stems. */
static int stems_meet(const qterm *t, izde_stem_lang which, const doc_stems *d, int folds)
{
    const char *mine = which == IZDE_STEM_KK && t->n_kk_stems ? t->kk_stems : t->stem[which];
    size_t n_mine = !mine[0] ? 0 : which == IZDE_STEM_KK && t->n_kk_stems ? t->n_kk_stems : 1;
    const char *s = d->buf;
    for (size_t i = 0; i < d->n; i++, s += strlen(s) + 1) {
        if (search_list_has(mine, n_mine, s))
            return 1;
        if (which == IZDE_STEM_RU && ((t->ru_paradigm[0] && !strcmp(s, t->ru_paradigm)) ||
                                      search_list_has(t->ru_verb, t->n_ru_verb, s)))
            return 1;
        if (which == IZDE_STEM_EN && search_list_has(t->en_related, t->n_en_related, s))
            return 1;
        if (folds && t->n_folded) {
            char folded[IZDE_TERM_MAX + 8];
            izde_kk_fold(s, strlen(s), folded, sizeof folded);
            if (folded_matches(t, folded))
                return 1;
        }
    }
    return 0;
}

int search_qbuild_match(void *ctx, const izde_token *tok)
{
    const qmatch *m = ctx;
    const qbuild *b = m->b;
    doc_stems d; /* buf is written before it is read: not cleared for every word */
    d.used = 0;
    d.n = 0;
    izde_stem_lang which = IZDE_STEM_NONE;
    int stemmed = 0;
    int folds = 0;
    for (size_t i = 0; i < b->n_terms; i++) {
        const qterm *t = &b->terms[i];
        if (t->excluded)
            continue;
        size_t el = strlen(t->exact);
        if (t->prefix ? (tok->term_len >= el && !memcmp(tok->term, t->exact, el))
                      : !strcmp(tok->term, t->exact) ||
                            search_list_has(t->other_forms, t->n_other_forms, tok->term))
            return (int)i;
    }
    mkey wk = {{0, 0}, 0};
    int keyed = 0;
    for (size_t i = 0; i < b->n_terms; i++) {
        const qterm *t = &b->terms[i];
        if (t->prefix || t->excluded)
            continue;
        if (!stemmed && !m->no_prefilter) {
            if (!keyed) {
                which = izde_stem_choose(m->lang, tok->flags, tok->term, tok->term_len);
                wk = word_key(tok->term, tok->term_len);
                keyed = 1;
            }
            if (!may_match(t, which, &wk))
                continue; /* no word with this key has any of t's stems */
        }
        if (!stemmed) {
            /* Stem the word the way the indexer did for this document's language. */
            which = izde_stem_choose(m->lang, tok->flags, tok->term, tok->term_len);
            izde_stem_each(b->stemmer, which, tok->term, tok->term_len, 0, note_doc_stem, &d);
            if (which == IZDE_STEM_RU)
                add_fleeting_spellings(&d);
            stemmed = 1;
            /* A folded stem matches only where the indexer stored folded stems. */
            folds = izde_kk_word_folded(m->lang, tok->flags & IZDE_TOKEN_CYRILLIC, tok->term,
                                        tok->term_len);
        }
        if (stems_meet(t, which, &d, folds))
            return (int)i;
    }
    return -1;
}

size_t search_qbuild_shown_terms(const qbuild *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n_terms; i++)
        n += !b->terms[i].excluded;
    return n;
}

izde_snippet_query search_qbuild_snippet_query(const qbuild *b, qmatch *m, size_t n_terms)
{
    izde_snippet_query q = {.match = search_qbuild_match,
                            .ctx = m,
                            .phrases = (const int *const *)b->phrases,
                            .phrase_lens = b->phrase_lens,
                            .n_phrases = b->n_phrases,
                            .may_start = search_qbuild_may_start,
                            .n_terms = n_terms};
    return q;
}
