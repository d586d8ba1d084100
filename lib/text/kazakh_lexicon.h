/* Private to lib/text: the Kazakh lexicon, hunspell-kk's headwords compiled in at build time
 * (lib/text/gen/kazakh_lexicon_gen.c). The analyser asks it whether a stem is a real word. */
#ifndef IZDE_TEXT_KAZAKH_LEXICON_H
#define IZDE_TEXT_KAZAKH_LEXICON_H

#include <stddef.h>

enum {
    KK_LEX_NOUN = 1, /* a noun or another word that is not a verb */
    KK_LEX_VERB = 2, /* a verb in its dictionary form (-у/-ю) */
};

typedef struct kk_lexicon_entry {
    const char *word;  /* lower case, NFKC, ё as е */
    unsigned char cls; /* KK_LEX_* bits */
} kk_lexicon_entry;

/* Sorted by strcmp. */
extern const kk_lexicon_entry text_kk_lexicon[];
extern const size_t text_kk_lexicon_size;

/* The KK_LEX_* bits of a word (len bytes, not NUL-terminated), 0 when it is not a headword. */
unsigned text_kk_lexicon_class(const char *word, size_t len);

#endif
