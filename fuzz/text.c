/* The ICU text pipeline on arbitrary bytes: tokenizing, normalising, language detection, and
 * for every token each stemmer (English and Russian Snowball, the Kazakh analyser and rule
 * stemmer, keyboard folding and its candidate stems, Latin-script Kazakh transliteration).
 * The first byte picks the entry language ("", en, kk, ru) and the first position; the rest
 * is the text. Asserts: tokenizing fails exactly on invalid UTF-8; tokens lie inside the text,
 * words in position order, aliases at a word's position, with valid UTF-8 terms; every stem, fold
 * and transliteration is valid UTF-8 within the sizes the headers promise; every term's spelling
 * dictionary key is no longer than the term and gives the term back. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <izde/kazakh.h>
#include <izde/spelling_keys.h>
#include <izde/stem.h>
#include <izde/text.h>
#include <izde/utf8.h>

#include "fuzz_support.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static izde_stemmer *stemmer;
static izde_kk_translit *translit;

static void free_all(void)
{
    izde_kk_translit_free(translit);
    izde_stemmer_free(stemmer);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    izde_error err;
    FUZZ_CHECK(izde_stemmer_new(&stemmer, &err) == IZDE_OK, "%s", err.msg);
    FUZZ_CHECK(izde_kk_translit_new(&translit, &err) == IZDE_OK, "%s", err.msg);
    atexit(free_all);
    return 0;
}

/* A stem or candidate: valid UTF-8 without NUL, at most max bytes. */
typedef struct stem_check {
    size_t max;
} stem_check;

static void check_stem(void *ctx, const char *stem, size_t len)
{
    const stem_check *c = ctx;
    FUZZ_CHECK(len <= c->max, "a stem of %zu bytes, at most %zu expected", len, c->max);
    FUZZ_CHECK(izde_utf8_valid(stem, len) && !memchr(stem, 0, len), "a stem not valid UTF-8");
}

static void check_kazakh(const izde_token *tk)
{
    size_t len = tk->term_len;
    char *out = malloc(2 * len + 9);
    FUZZ_CHECK(out != NULL, "out of memory");
    /* The analyser reads a Latin i as і (two bytes); izde_stem_each applies the tighter
     * bound of stem.h (checked in check_token). */
    stem_check any = {.max = 2 * len + 8};
    izde_kk_analyse(tk->term, len, 0, check_stem, &any);
    izde_kk_analyse(tk->term, len, IZDE_KK_QUERY, check_stem, &any);
    size_t n = izde_kk_stem(tk->term, len, out, len + 1);
    FUZZ_CHECK(n <= len && strlen(out) == n && izde_utf8_valid(out, n), "izde_kk_stem");
    /* Cut short, folding still writes whole characters and says how many bytes. */
    n = izde_kk_fold(tk->term, len, out, len / 2 + 1);
    FUZZ_CHECK(n <= len / 2 && strlen(out) == n && izde_utf8_valid(out, n), "izde_kk_fold cut");
    n = izde_kk_fold(tk->term, len, out, 2 * len + 1);
    FUZZ_CHECK(n <= 2 * len && strlen(out) == n && izde_utf8_valid(out, n), "izde_kk_fold");
    stem_check folded = {.max = n + 8};
    izde_kk_folded_stems(out, n, check_stem, &folded);
    izde_kk_is_headword(tk->term, len);
    izde_kk_has_kazakh_letters(tk->term, len);
    free(out);
}

/* A Russian stem's fleeting-vowel spellings (izde_stem_ru_fleeting): valid, at most one letter
 * longer, and each leads back to the stem (the relation is symmetric). */
typedef struct fleeting_check {
    const char *stem;
    size_t len;
    int back;
} fleeting_check;

static void note_back(void *ctx, const char *s, size_t n)
{
    fleeting_check *c = ctx;
    c->back |= n == c->len && !memcmp(s, c->stem, n);
}

static void check_spelling(void *ctx, const char *s, size_t n)
{
    const fleeting_check *c = ctx;
    FUZZ_CHECK(n <= c->len + 2 && izde_utf8_valid(s, n), "a fleeting spelling");
    fleeting_check back = {c->stem, c->len, 0};
    izde_stem_ru_fleeting(s, n, note_back, &back);
    FUZZ_CHECK(back.back, "a fleeting spelling does not lead back to its stem");
}

static void check_fleeting(const char *stem, size_t len)
{
    fleeting_check c = {stem, len, 0};
    izde_stem_ru_fleeting(stem, len, check_spelling, &c);
}

/* A Russian adjective's short forms (izde_stem_ru_short_forms): valid, and no longer than the
 * adjective. */
static void check_short_form(void *ctx, const char *s, size_t n)
{
    FUZZ_CHECK(n <= *(const size_t *)ctx && izde_utf8_valid(s, n), "a short form");
}

static void check_token(const izde_token *tk, const char *lang)
{
    char out[IZDE_TERM_MAX * 4 + 16];
    stem_check c = {.max = tk->term_len + 8};
    izde_stem_lang which = izde_stem_choose(lang, tk->flags, tk->term, tk->term_len);

    izde_stem_each(stemmer, which, tk->term, tk->term_len, 0, check_stem, &c);
    izde_stem_each(stemmer, which, tk->term, tk->term_len, IZDE_STEM_QUERY, check_stem, &c);
    if (tk->term_len + 8 <= sizeof out) {
        size_t n = izde_stem(stemmer, which, tk->term, tk->term_len, out, tk->term_len + 8);
        FUZZ_CHECK(n < tk->term_len + 8 && strlen(out) == n && izde_utf8_valid(out, n),
                   "izde_stem");
        n = izde_stem(stemmer, IZDE_STEM_RU, tk->term, tk->term_len, out, tk->term_len + 8);
        check_fleeting(out, n);
        n = izde_stem_ru_paradigm(stemmer, tk->term, tk->term_len, out, tk->term_len + 8);
        FUZZ_CHECK(n < tk->term_len + 8 &&
                       (n == 0 || (strlen(out) == n && izde_utf8_valid(out, n))),
                   "izde_stem_ru_paradigm");
        stem_check v = {.max = tk->term_len + 8};
        izde_stem_ru_verb_stems(stemmer, tk->term, tk->term_len, check_stem, &v);
    }
    check_fleeting(tk->term, tk->term_len);
    size_t len = tk->term_len;
    izde_stem_ru_short_forms(tk->term, tk->term_len, check_short_form, &len);
    check_kazakh(tk);
    if (tk->term_len <= sizeof out) {
        size_t kl = store_spelling_key(tk->term, tk->term_len, out);
        FUZZ_CHECK(kl > 0 && kl <= tk->term_len, "a spelling key of %zu bytes", kl);
        char *word = malloc(2 * kl);
        FUZZ_CHECK(word && store_spelling_word(out, kl, word) == tk->term_len &&
                       !memcmp(word, tk->term, tk->term_len),
                   "the spelling key does not give the term back");
        free(word);
    }
    if (tk->flags & IZDE_TOKEN_LATIN) {
        char *cyr = NULL;
        size_t n = 0;
        if (izde_kk_translit_latin(translit, tk->term, tk->term_len, &cyr, &n, NULL) == IZDE_OK)
            FUZZ_CHECK(strlen(cyr) == n && izde_utf8_valid(cyr, n), "transliteration");
        free(cyr);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const langs[] = {"", "en", "kk", "ru"};
    if (size == 0)
        return 0;
    const char *lang = langs[data[0] & 3];
    uint32_t first_pos = data[0] >> 2;
    const char *s = (const char *)data + 1;
    size_t len = size - 1;
    izde_text *text = fuzz_text();
    izde_tokens *tokens = fuzz_tokens();
    izde_error err;

    izde_status st = izde_text_tokenize(text, s, len, first_pos, tokens, &err);
    FUZZ_CHECK((st == IZDE_OK) == izde_utf8_valid(s, len), "tokenize gave %d: %s", (int)st,
               st ? err.msg : "");
    if (st == IZDE_OK) {
        uint32_t pos = first_pos;
        for (size_t i = 0; i < izde_tokens_count(tokens); i++) {
            const izde_token *tk = izde_tokens_get(tokens, i);
            FUZZ_CHECK(tk->start <= tk->end && tk->end <= len, "token %zu at %u..%u of %zu", i,
                       tk->start, tk->end, len);
            /* Words come in position order; an alias shares a position already given (the
             * joined form of a hyphenated run comes at the end, at the run's position). */
            FUZZ_CHECK(tk->flags & IZDE_TOKEN_ALIAS ? tk->pos >= first_pos && tk->pos <= pos
                                                    : tk->pos >= pos,
                       "token %zu at position %u after %u", i, tk->pos, pos);
            FUZZ_CHECK(tk->term_len > 0 && strlen(tk->term) == tk->term_len &&
                           izde_utf8_valid(tk->term, tk->term_len),
                       "token %zu: a bad term", i);
            if (tk->pos > pos)
                pos = tk->pos;
            check_token(tk, lang);
        }
    }

    char *norm = NULL;
    size_t norm_len = 0;
    if (izde_text_normalize(text, s, len, &norm, &norm_len, &err) == IZDE_OK)
        FUZZ_CHECK(izde_utf8_valid(norm, norm_len) && norm[norm_len] == '\0', "normalize");
    free(norm);
    FUZZ_CHECK(izde_lang_valid(izde_lang_detect(s, len)), "language detection");
    return 0;
}
