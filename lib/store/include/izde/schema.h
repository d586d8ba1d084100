/* izde/schema.h — private to lib (index and search): how an entry is laid out in a Xapian document.
 * lib/index writes it and lib/search reads it, so both include this one table.
 *
 * Terms (Xapian's prefix conventions):
 *   Q<id>      unique id (boolean)          <word>     exact normalised word, with positions
 *   Z<stem>    stem of a word (no positions) S<word>    exact title word, with positions
 *   ZS<stem>   stem of a title word          F<folded>  keyboard-folded Kazakh word
 *   ZK<stem>   Kazakh stem of a word, ZSK<stem> of a title word, with the word's position:
 *              every reading of the word (izde_stem_each), so phrases match through any;
 *              apart from Russian stems, so a Kazakh word's Russian stem (санау → сана)
 *              never meets a Kazakh stem
 *   K<tag>     normalised tag (boolean)      L<lang>    language (boolean)
 *   H<hex>     body fingerprint (boolean): its term frequency tells whether a story has
 *              duplicates, so a search collapses them only when it must
 *   PA<begin>  a word's first IZDE_BEGIN_SHORT letters (all of a shorter word), with the
 *              word's wdf, no positions; PB<begin> the first IZDE_BEGIN_LONG letters of a
 *              longer word (store_schema_begin_term)
 * In a body over IZDE_WAYPOINT_MIN_BYTES (izde/waypoints.h) the Z and F terms carry positions
 * too, so a snippet finds every form of a query word by position; no query is positional on
 * them, so what a search matches does not change.
 * Title words are also indexed unprefixed with a higher wdf, so plain queries rank title
 * matches above body matches. */
#ifndef IZDE_SCHEMA_H
#define IZDE_SCHEMA_H

/* The index format, recorded under IZDE_META_SCHEMA by every writer and checked by every
 * program that opens an index (store_schema_check). 2: Kazakh stems under ZK/ZSK, several per
 * word. 3: stored entries in the binary layout (izde_entry_encode); the JSON entries of
 * format 2 are still read, so a format 2 index is searched, but only rebuilt, not added to.
 * 4: IZDE_SLOT_FACETS and IZDE_SLOT_ORDER, so facets and orders work over remote shards.
 * 5: stored entries zstd-compressed (layout 2 of lib/model/entry_stored.c); the entries of
 * formats 3 and 4 are still read.
 * 6: the PA/PB beginnings of words, so a short prefix (ab*, abcd*) is one term or the few that
 * add a letter; older indexes expand it into the index's words as before.
 * 7: the spelling dictionary's words as keys with one byte a Cyrillic letter
 * (izde/spelling_keys.h); older dictionaries are asked with the words as they are. */
#define IZDE_SCHEMA_VERSION "7"
#define IZDE_SCHEMA_CURRENT 7
#define IZDE_SCHEMA_OLDEST_READ 2

#define IZDE_PREFIX_ID "Q"
#define IZDE_PREFIX_STEM "Z"
#define IZDE_PREFIX_TITLE "S"
#define IZDE_PREFIX_TITLE_STEM "ZS"
#define IZDE_PREFIX_KK_STEM "ZK" /* Kazakh stems: apart from Russian and English ones */
#define IZDE_PREFIX_KK_TITLE_STEM "ZSK"
#define IZDE_PREFIX_FOLDED "F"
#define IZDE_PREFIX_TAG "K"
#define IZDE_PREFIX_LANG "L"
#define IZDE_PREFIX_FINGERPRINT "H"
#define IZDE_PREFIX_BEGIN_SHORT "PA"
#define IZDE_PREFIX_BEGIN_LONG "PB"

enum izde_slot {
    IZDE_SLOT_DAY = 0,         /* "YYYYMMDD", "" when undated: sorts and ranges bytewise */
    IZDE_SLOT_LANG = 1,        /* "en", "kk", "ru" */
    IZDE_SLOT_FINGERPRINT = 2, /* hash of the normalised body: collapses duplicate stories */
    IZDE_SLOT_ID = 3,          /* entry id: the last tie-breaker */
    IZDE_SLOT_CONTENT = 4,     /* hash of everything stored: skips unchanged entries */
    IZDE_SLOT_YEAR = 5,        /* "YYYY", facet */
    IZDE_SLOT_TAGS = 6,        /* tags as given, separated by '\x1f', facet */
    IZDE_SLOT_RECENCY = 7,     /* sortable number: years since 2000, recency boost */
    IZDE_SLOT_FACETS = 8,      /* "<fingerprint>\x1e<year>\x1e<lang>\x1e<tags>": the facets in
                                  one value Xapian's built-in ValueCountMatchSpy counts, on
                                  remote shards too (format 4) */
    IZDE_SLOT_ORDER = 9,       /* "<99999999 - day><id>": newest first, then id, in one value
                                  sorted ascending; a remote shard sorts by one value, not by
                                  a KeyMaker (format 4) */
    IZDE_SLOT_WAYPOINTS = 10,  /* a body over IZDE_WAYPOINT_MIN_BYTES: where its words lie
                                  (izde/waypoints.h); absent otherwise, and in indexes written
                                  before it, whose long snippets read the text as before */
};
/* The first format with IZDE_SLOT_FACETS and IZDE_SLOT_ORDER; older indexes count facets with
 * a local spy and sort with a KeyMaker, both of which only work locally. */
#define IZDE_SCHEMA_FACET_KEY 4
/* The first format with the beginnings of words (PA, PB). */
#define IZDE_SCHEMA_BEGINNINGS 6
/* The first format whose spelling dictionary holds keys (izde/spelling_keys.h). */
#define IZDE_SCHEMA_SPELLING_KEYS 7

/* Letters (code points) in the two layers of beginnings. A prefix of up to IZDE_BEGIN_LONG
 * letters is searched as beginnings: the one of its length, or those one letter longer. Longer
 * prefixes already begin few enough words to expand into them. */
#define IZDE_BEGIN_SHORT 2
#define IZDE_BEGIN_LONG 4

/* Title words count this many times a body word (BM25 wdf). */
#define IZDE_TITLE_WDF 3
/* Body positions start this far after the title, so phrases never span the two. */
#define IZDE_BODY_POS_GAP 100

#define IZDE_META_SCHEMA "izde.schema"
#define IZDE_META_BUILT "izde.built"
#define IZDE_META_GENERATION "izde.generation"
#define IZDE_META_SYNONYMS "izde.synonyms" /* normalised groups, izde/synonyms.h */
#define IZDE_META_JOURNAL "izde.journal"   /* last journal record applied, izde/journal.h */
#define IZDE_META_FOLDED "izde.folded"     /* UUID of the last delta folded in, lib/index/delta.h */

#include <stddef.h>

#include <izde/xapian.h>

/* Writes prefix + the n bytes of term into buf (NUL-terminated, cut to fit cap) and returns
 * the length: how every prefixed term of the table above is made. */
size_t store_schema_term(char *buf, size_t cap, const char *prefix, const char *term, size_t n);

/* The beginning term of word (n bytes of valid UTF-8) in the short or the long layer, written
 * into buf (as store_schema_term); 0 when the word has none in that layer (a word of at most
 * IZDE_BEGIN_SHORT letters has only the short one). */
size_t store_schema_begin_term(char *buf, size_t cap, int long_layer, const char *word, size_t n);

/* The term prefix under which a prefix query of `letters` letters finds its words in an index
 * with beginnings: IZDE_PREFIX_BEGIN_SHORT or _LONG, or NULL when it is longer than both, and
 * is expanded into the index's words. */
const char *store_schema_begin_layer(size_t letters);

/* The start of body fingerprints, id hashes and shard choice (izde_fnv1a). It is a digit short
 * of FNV's own offset basis; it stays, because fingerprints are stored in every index. */
#define IZDE_SCHEMA_HASH_SEED 1469598103934665603ULL

/* The shard (0 to n - 1) that holds the entry with this id in an index of n shards: a stable
 * hash of the id, so updates and deletes find the shard its first version went to. */
unsigned store_shard_of(const char *id, size_t len, unsigned n);

/* Unique id term of an entry id (ids longer than Xapian's term limit are shortened with a
 * hash). Writes at most cap bytes (cap >= 240) and returns the length. Shared by the
 * indexer and the searcher. */
size_t izde_id_term(const char *id, size_t len, char *out, size_t cap);

/* Checks the format recorded in the index r opened from folder db: one this izde reads, or
 * with writing set one it adds to, and gives it in *out_format (may be NULL).
 * IZDE_ERR_DB_CORRUPT otherwise, with a message that names both formats and how to rebuild
 * the index. */
izde_status store_schema_check(izde_xreader *r, const char *db, int writing, int *out_format,
                               izde_error *err);

#endif
