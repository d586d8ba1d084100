/* izde/spelling_keys.h — private to lib (index and search): how the spelling dictionary
 * writes its words (index format 7).
 *
 * Xapian finds the candidates for a "did you mean" by fragments of bytes: a word's first two
 * bytes, its last two and every three in a row. A Cyrillic letter takes two bytes in UTF-8,
 * so such a fragment is a letter and a half, which a large share of the Russian and Kazakh
 * vocabulary holds: at 200,000 entries a suggestion for a Cyrillic word took 120 to 1,100 ms,
 * one for an English word about 1 ms (bench/README.md). The dictionary therefore writes each
 * letter of the Russian, Kazakh, Ukrainian and Belarusian alphabets (lower case) as one byte
 * from 0x80 up, a byte that never stands alone in UTF-8: Xapian reads such a byte as one
 * character, so its fragments are letters and its edit distances stay counted in letters.
 * Every other character keeps its UTF-8 bytes. */
#ifndef IZDE_SPELLING_KEYS_H
#define IZDE_SPELLING_KEYS_H

#include <stddef.h>

/* Writes word's key to out (room for len bytes: a key is never longer than its word) and
 * returns its length; 0 when word is empty or not well-formed UTF-8. */
size_t store_spelling_key(const char *word, size_t len, char *out);

/* Writes the word of key to out (room for 2 * len bytes) and returns its length; 0 when key
 * is empty or not a key. */
size_t store_spelling_word(const char *key, size_t len, char *out);

#endif
