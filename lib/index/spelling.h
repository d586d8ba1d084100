/* Private to lib/index: the spelling dictionary ("did you mean") of a rebuilt generation. */
#ifndef IZDE_INDEX_SPELLING_H
#define IZDE_INDEX_SPELLING_H

#include <izde/error.h>
#include <izde/xapian.h>

#include "word_counts.h"

#include <stddef.h>

/* Writes the spelling dictionary of the closed databases in the folders sources (taken as
 * one collection): every plain word of three or more bytes, written as its key
 * (izde/spelling_keys.h), with its document frequency as its count. In a collection of
 * SPELLING_SMALL_INDEX documents or more, words found in a single document are left out: there they
 * are mostly typos and one-off inflections, and leaving them out halves the work. The words are
 * split, in byte order, over the n_dests databases in the folders dests (created when missing; one
 * may be a source), each written by a thread of its own; Xapian's compaction merges such parts into
 * one dictionary. The databases are written without waiting for the disk: the caller syncs them
 * (izde_fs_sync_tree) before anyone reads them. */
izde_status index_spelling_build(const char *const *sources, size_t n, const char *const *dests,
                                 size_t n_dests, izde_error *err);

/* Adds a batch's words (with their occurrences) to the dictionary of the database w writes,
 * in an incremental run of a collection smaller than SPELLING_SMALL_INDEX: only the words the
 * dictionary does not know yet (the counts of known ones stay as they were). Larger
 * collections leave their dictionary to the next rebuild (index_spelling_build): each new word
 * rewrites several of Xapian's compressed n-gram lists, which grow with the collection, and
 * that doubled the time of a nightly batch of 1,000 entries into 20,000 (3.9 s to 6.7 s). */
/* beside, when not NULL, is a database searched with w's (the main one of a delta): words its
 * dictionary knows are known too, and the words it indexes count as indexed. */
izde_status index_spelling_add_batch(izde_xwriter *w, izde_xwriter *beside,
                                     const word_counts *words, izde_error *err);

#define SPELLING_SMALL_INDEX 10000

#endif
