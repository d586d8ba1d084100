/* Private to lib/text: English forms that Snowball does not tie to their base word, from
 * WordNet's exception lists and hunspell-en-us's regular comparatives, with British and
 * American spellings of one word, compiled in at build time
 * (lib/text/gen/english_forms_gen.c). izde_stem_en_related reads it. */
#ifndef IZDE_TEXT_ENGLISH_FORMS_H
#define IZDE_TEXT_ENGLISH_FORMS_H

#include <stddef.h>

typedef struct en_form_entry {
    const char *form;  /* lower case: went, children, smaller */
    const char *lemma; /* its base word: go, child, small */
    int form_is_base;  /* the form inflects as a word of its own too (found, saw, left) */
    int noun_form;     /* a noun's plural (children): it takes 's */
    int variant;       /* the form is the lemma's American spelling (color, colour): a base
                          word itself */
} en_form_entry;

/* Sorted by form, then lemma. */
extern const en_form_entry text_en_forms[];
extern const size_t text_en_forms_size;
/* Indexes into text_en_forms, sorted by lemma, then form. */
extern const unsigned short text_en_forms_by_lemma[];

#endif
