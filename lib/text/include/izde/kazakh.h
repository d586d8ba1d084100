/* izde/kazakh.h — Kazakh-specific text tools: a suffix-stripping stemmer, keyboard folding
 * and Latin-script transliteration.
 *
 * Design: all three work on words that have already been through the text pipeline
 * (izde/text.h: NFKC, case folded, ё→е, stress marks off), as UTF-8. They are pure functions
 * of their input (the transliterator holds a compiled ICU rule set, so it is a handle), safe
 * to call from any thread on distinct handles.
 *
 * The stemmer's rules and their order are documented in lib/text/kazakh_stem.c.
 */
#ifndef IZDE_KAZAKH_H
#define IZDE_KAZAKH_H

#include <stddef.h>
#include <stdint.h>

#include <izde/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Stems one normalised Kazakh word. Writes the stem to out (NUL-terminated; cap must be at
 * least len + 1, since a stem is never longer than its word) and returns its length in bytes.
 * A word that is too short, or not Cyrillic, comes back unchanged. Final consonants that
 * alternate before vowel-initial suffixes are restored (кітабы → кітап, еңбегі → еңбек). */
size_t izde_kk_stem(const char *word, size_t len, char *out, size_t cap);

/* Receives one candidate stem (len bytes, not NUL-terminated; borrowed for the call). */
typedef void (*izde_kk_stem_fn)(void *ctx, const char *stem, size_t len);

/* izde_kk_analyse flags. */
enum {
    IZDE_KK_QUERY = 1, /* a query word: a headword is read as itself (its dictionary form)
                          and through noun endings only, so a base word finds its own forms
                          and not a homograph's (қала, not the verb қалу) */
};

/* Every accepted reading of a normalised Kazakh word as stem + inflection (noun stems as
 * they are, verbs by their dictionary form in -у/-ю): the word itself when it is a headword
 * of the lexicon, and each stem the lexicon knows that the word is an inflected form of
 * (суретін → сурет, оқиды → оқу, құрылғыға → құрылғы). Calls fn once per distinct key and
 * returns how many there were (at most 16); 0 when no reading has a known stem, and the
 * caller falls back on izde_kk_stem. After a hyphen only the last part is read, and the head
 * is kept (нұр-сұлтанда → нұр-сұлтан). Rules: lib/text/kazakh_analyse.c. */
size_t izde_kk_analyse(const char *word, size_t len, unsigned flags, izde_kk_stem_fn fn, void *ctx);

/* Whether the normalised word is a headword of the Kazakh lexicon as it is written. */
int izde_kk_is_headword(const char *word, size_t len);

/* Keyboard folding: maps the Kazakh-only letters to the Russian look-alikes people type on a
 * Russian keyboard (ә→а ғ→г қ→к ң→н ө→о ұ→у ү→у һ→х і→и; Latin i typed for і also →и).
 * Other characters are copied. Writes to out, NUL-terminated, and returns the bytes written:
 * all of the folding when cap >= 2 * len + 1 (a Latin i, one byte, becomes и, two bytes),
 * else as many whole characters as fit in cap - 1 bytes. */
size_t izde_kk_fold(const char *word, size_t len, char *out, size_t cap);

/* izde_kk_fold of one code point of a word; cyrillic_word: whether the word has a Cyrillic
 * letter (only then is Latin i folded). */
uint32_t izde_kk_fold_cp(uint32_t c, int cyrillic_word);

/* Every plausible stem of a keyboard-folded word (the output of izde_kk_fold): the word, and
 * the word without optional case, possessive and plural endings, with б/г read as п/к where a
 * vowel ending was removed. The index stores fold(izde_kk_stem(word)) for Kazakh words; a
 * folded query word matches through whichever candidate is such a stem. Calls fn for each
 * candidate and returns how many there were (at most 32). Rules: kazakh_folded_stem.c. */
size_t izde_kk_folded_stems(const char *folded, size_t len, izde_kk_stem_fn fn, void *ctx);

/* Whether the word contains any Kazakh-only letter (ә ғ қ ң ө ұ ү һ і). */
int izde_kk_has_kazakh_letters(const char *word, size_t len);

/* Whether a word of an entry in language lang (may be NULL) has its stems indexed folded too,
 * so that Kazakh typed on a Russian keyboard finds it: a Cyrillic word (cyrillic non-zero) of
 * a Kazakh entry, or one with Kazakh letters. The indexer and the snippet matcher both ask. */
int izde_kk_word_folded(const char *lang, int cyrillic, const char *word, size_t len);

typedef struct izde_kk_translit izde_kk_translit;

/* Compiles the Latin→Cyrillic Kazakh rules (2021 official alphabet plus the common informal
 * romanisation: sh, ch, zh, gh, ng, ...). Caller owns; free with izde_kk_translit_free(). */
izde_status izde_kk_translit_new(izde_kk_translit **out_t, izde_error *err);
void izde_kk_translit_free(izde_kk_translit *t);

/* Transliterates one normalised (lower-case) Latin word into Cyrillic Kazakh.
 * Caller owns *out (free()); *out_len excludes the NUL. Not thread-safe per handle. */
izde_status izde_kk_translit_latin(izde_kk_translit *t, const char *word, size_t len, char **out,
                                   size_t *out_len, izde_error *err);

#ifdef __cplusplus
}
#endif
#endif
