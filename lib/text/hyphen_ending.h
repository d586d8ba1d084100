/* Private to lib/text: whether a hyphenated part is an inflectional ending rather than a word
 * (hyphen_ending.c). */
#ifndef IZDE_HYPHEN_ENDING_H
#define IZDE_HYPHEN_ENDING_H

#include <stddef.h>

/* Whether the normalised part[0..len), written after a hyphen, is an ending of the word before
 * it: a Kazakh case, possessive or plural ending (ҰОК-тың, PDF-ке, 2019-ы: ending chains the
 * Kazakh analyser reads on a noun), and after a number (after_number) a Kazakh ordinal (5-ші)
 * or a Russian numeral's ending (9-го, 90-х). Parts of words (1-орын, PDF-файлдар) are not. */
int text_hyphen_ending(const char *part, size_t len, int after_number);

#endif
