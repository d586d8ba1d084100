/* Private to lib/index: occurrences of each distinct word in a batch, so the spelling
 * dictionary is told once per word and batch (Xapian's add_spelling costs a tree lookup and
 * fragment-set inserts per call; Zipf text repeats most of its words). */
#ifndef IZDE_WORD_COUNTS_H
#define IZDE_WORD_COUNTS_H

#include <izde/error.h>

#include <stddef.h>
#include <stdint.h>

typedef struct word_counts word_counts;

/* An empty table; NULL when out of memory. Release with index_word_counts_free(). */
word_counts *index_word_counts_new(void);
void index_word_counts_free(word_counts *wc);

/* Counts n more occurrences of word (len bytes, not NUL-terminated). */
izde_status index_word_counts_add(word_counts *wc, const char *word, size_t len, uint32_t n,
                                  izde_error *err);

/* Number of distinct words counted since the last clear. */
size_t index_word_counts_size(const word_counts *wc);

/* Calls fn(word, len, count, ctx) for every distinct word in the order first added, stopping
 * at the first status other than IZDE_OK (which it returns). word is NUL-terminated. */
typedef izde_status (*word_counts_fn)(const char *word, size_t len, uint32_t count, void *ctx,
                                      izde_error *err);
izde_status index_word_counts_each(const word_counts *wc, word_counts_fn fn, void *ctx,
                                   izde_error *err);

/* The same for the words from (included) to to (excluded) in the order first added. */
izde_status index_word_counts_each_range(const word_counts *wc, size_t from, size_t to,
                                         word_counts_fn fn, void *ctx, izde_error *err);

/* Forgets every word, keeping the memory for the next batch. */
void index_word_counts_clear(word_counts *wc);

#endif
