/* Private to lib/search: the searcher's fields, shared by its source files. */
#ifndef IZDE_SEARCHER_INTERNAL_H
#define IZDE_SEARCHER_INTERNAL_H

#include "copies.h"
#include "watch.h"

#include <izde/entry.h>
#include <izde/schema.h>
#include <izde/kazakh.h>
#include <izde/search.h>
#include <izde/stem.h>
#include <izde/synonyms.h>
#include <izde/text.h>
#include <izde/xapian.h>

struct izde_searcher {
    char *dir;
    char **shards; /* databases searched instead of the index's own shards (local or tcp://) */
    size_t n_shards;
    uint32_t timeout_ms; /* each call to a remote shard, 0 = the default */
    double reopened_ms;  /* when the shards were last brought up to date (monotonic) */
    int format;          /* the index format (schema.h) */
    uint32_t generation;
    int has_delta;   /* the stub named a delta database when the reader was opened */
    uint32_t pinned; /* a fixed generation (izde_searcher_open_generation), else 0 */
    izde_xreader *reader;
    izde_text *text;
    izde_stemmer *stemmer;
    izde_kk_translit *translit;
    izde_synonyms *synonyms;     /* from the index's metadata, NULL when none */
    search_copies copies;        /* documents with copies, for the quick page (copies.h) */
    search_watch watch;          /* the files a change replaces (watch.h); none with shards */
    izde_entry_decoder *decoder; /* stored entries of results */
};

#endif
