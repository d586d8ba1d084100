/* izde/text.h — the text pipeline shared by indexing and querying.
 *
 * Design: one pipeline, used identically for entries and queries, so that whatever the user
 * types meets the index in the same form:
 *   1. word boundaries from ICU's word BreakIterator (numbers are words too);
 *   2. each word: NFKC, full case folding, combining acute/grave (stress marks) removed,
 *      ё→е, typographic apostrophe ’ → ' ; й and the Kazakh letters ә ғ қ ң ө ұ ү һ і stay;
 *      Latin look-alikes typed inside a Cyrillic word become Cyrillic (Kазахстан);
 *   3. compounds: hyphenated words (Nur-Sultan) give their parts at consecutive positions,
 *      flagged IZDE_TOKEN_HYPHENATED, plus the joined form "nursultan" as an alias; dotted
 *      words (www.olympic.kz) and e-mail addresses stay one word with their parts as aliases;
 *      so does a Latin name with a Cyrillic ending (Facebook'е, Instagramдағы), its Latin part
 *      an alias. An ending written after a hyphen (ҰОК-тың, 2019-ы, 9-го) is no word of its
 *      own: it takes no position, and the joined form (ұоктың) is an alias of its head; a
 *      number with its thousands grouped (1,000; 1 000) has its plain digits as an alias.
 * Every token keeps its byte offsets in the original text and its word position.
 *
 * Thread safety: an izde_text handle holds an ICU break iterator and scratch buffers; use one
 * handle per thread. Different handles may be used concurrently.
 */
#ifndef IZDE_TEXT_H
#define IZDE_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include <izde/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Terms longer than this (bytes, normalised) are not indexed: they are noise, and Xapian
 * limits term length. */
#define IZDE_TERM_MAX 120

enum izde_token_flags {
    IZDE_TOKEN_ALIAS = 1u << 0,      /* an extra term at the position of the word before it */
    IZDE_TOKEN_HYPHENATED = 1u << 1, /* joined by a hyphen to the previous (non-alias) word */
    IZDE_TOKEN_NUMBER = 1u << 2,     /* the word is a number */
    IZDE_TOKEN_CYRILLIC = 1u << 3,   /* the word has Cyrillic letters */
    IZDE_TOKEN_LATIN = 1u << 4,      /* the word has Latin letters */
};

typedef struct izde_token {
    const char *term; /* normalised, NUL-terminated; borrowed from the izde_tokens */
    uint32_t term_len;
    uint32_t start, end; /* byte offsets of the word in the original text */
    uint32_t pos;        /* word position from 0; an alias shares its word's position */
    uint32_t flags;      /* izde_token_flags */
} izde_token;

/* A reusable token list: tokenizing into it again replaces its contents, so a loop over many
 * entries allocates only while the list grows. */
typedef struct izde_tokens izde_tokens;

/* Caller owns; free with izde_tokens_free(). NULL on out of memory. */
izde_tokens *izde_tokens_new(void);
void izde_tokens_free(izde_tokens *tokens);
size_t izde_tokens_count(const izde_tokens *tokens);
/* Borrowed; valid until the next izde_text_tokenize() into tokens or izde_tokens_free(). */
const izde_token *izde_tokens_get(const izde_tokens *tokens, size_t i);

typedef struct izde_text izde_text;

/* Caller owns; free with izde_text_free(). */
izde_status izde_text_new(izde_text **out_text, izde_error *err);
void izde_text_free(izde_text *t);

/* Splits s into normalised tokens (replacing the contents of tokens). first_pos is the
 * position given to the first word, so that a title and a body can share one position space.
 * IZDE_ERR_INVALID_ARG when s is not valid UTF-8. */
izde_status izde_text_tokenize(izde_text *t, const char *s, size_t len, uint32_t first_pos,
                               izde_tokens *tokens, izde_error *err);

/* The Cyrillic letter a lower-case Latin letter stands for when typed inside a Cyrillic word
 * (k: к, p: р; the tokenizer reads Kазахстан as казахстан), or 0 when it has no twin. */
uint32_t izde_text_cyrillic_twin(uint32_t latin);

/* Normalises a whole string with step 2 (no word splitting), e.g. a tag or a field value.
 * Caller owns *out (free()); *out_len excludes the NUL. */
izde_status izde_text_normalize(izde_text *t, const char *s, size_t len, char **out,
                                size_t *out_len, izde_error *err);

/* Language of a text from its letters: "kk" when Kazakh-only letters make up a real share of
 * the Cyrillic letters, else "ru" when Cyrillic dominates, else "en". Borrowed, static. */
const char *izde_lang_detect(const char *s, size_t len);

/* Whether lang is one izde knows: "en", "kk" or "ru". */
int izde_lang_valid(const char *lang);

#ifdef __cplusplus
}
#endif
#endif
