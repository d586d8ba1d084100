/* izde/xapian.h — the thin C wrapper over Xapian 1.4.
 *
 * Design: opaque handles that hold Xapian objects by value (LevelDB's c.h style); every call
 * catches every exception at the boundary and maps it to an izde_status with the message
 * (DatabaseLockError -> IZDE_ERR_DB_LOCKED, DatabaseModifiedError -> IZDE_ERR_DB_MODIFIED,
 * DatabaseNotFoundError/DatabaseOpeningError -> IZDE_ERR_DB_NOT_FOUND, DatabaseCorruptError,
 * DatabaseVersionError and a DatabaseError without a system error (a table cut short) ->
 * IZDE_ERR_DB_CORRUPT, a DatabaseError with one -> IZDE_ERR_IO, ...). Nothing else in
 * izde includes a Xapian header. The wrapper knows nothing of entries or izde's term scheme:
 * that lives in lib/index (writing) and lib/search (reading).
 *
 * Every call that can fail returns an izde_status (out-parameters last, then the optional
 * izde_error): nothing answers 0 or "" for "failed". The few that cannot fail (freeing, sizes,
 * the accessors of a search's results, which read what izde_xreader_search copied out) say so.
 *
 * Thread safety: one handle per thread. A reader may be used by one thread at a time; open one
 * reader per worker. There is one writer per index (Xapian enforces it with a lock).
 */
#ifndef IZDE_XAPIAN_H
#define IZDE_XAPIAN_H

#include <stddef.h>
#include <stdint.h>

#include <izde/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct izde_xstem izde_xstem;
typedef struct izde_xdoc izde_xdoc;
typedef struct izde_xwriter izde_xwriter;
typedef struct izde_xreader izde_xreader;
typedef struct izde_xquery izde_xquery;
typedef struct izde_xmset izde_xmset;

/* ---- Snowball stemmers ------------------------------------------------------------------ */

/* language: a Xapian stemmer name ("english", "russian"). Caller owns; izde_xstem_free(). */
izde_status izde_xstem_new(const char *language, izde_xstem **out_stem, izde_error *err);
void izde_xstem_free(izde_xstem *s);
/* Stems word into out (NUL-terminated, truncated to cap - 1, cap >= 1); *out_len is the
 * stem's full length. */
izde_status izde_xstem_apply(izde_xstem *s, const char *word, size_t len, char *out, size_t cap,
                             size_t *out_len, izde_error *err);

/* ---- Documents being built -------------------------------------------------------------- */

/* Caller owns *out_doc; free with izde_xdoc_free(). */
izde_status izde_xdoc_new(izde_xdoc **out_doc, izde_error *err);
void izde_xdoc_free(izde_xdoc *d);
/* Empties d for reuse. */
izde_status izde_xdoc_clear(izde_xdoc *d, izde_error *err);
/* A term with a position (for phrases), adding wdf_inc to its within-document frequency. */
izde_status izde_xdoc_add_posting(izde_xdoc *d, const char *term, size_t len, uint32_t pos,
                                  uint32_t wdf_inc, izde_error *err);
/* A term without position. */
izde_status izde_xdoc_add_term(izde_xdoc *d, const char *term, size_t len, uint32_t wdf_inc,
                               izde_error *err);
/* A filter term: no position, no wdf, so it never changes document length or ranking. */
izde_status izde_xdoc_add_boolean_term(izde_xdoc *d, const char *term, size_t len, izde_error *err);
izde_status izde_xdoc_set_value(izde_xdoc *d, uint32_t slot, const char *v, size_t len,
                                izde_error *err);
izde_status izde_xdoc_set_data(izde_xdoc *d, const char *data, size_t len, izde_error *err);

/* Xapian's sortable encoding of a number, for value slots used in ranges and sorting: at
 * most 9 bytes written to out, *out_len of them. IZDE_ERR_INVALID_ARG when cap is too small. */
izde_status izde_x_sortable(double v, char *out, size_t cap, size_t *out_len, izde_error *err);

/* Xapian 1.4.22 writes value streams from a destructor (ValueUpdater, glass_values.cc): when
 * that write fails, e.g. the disk fills during a commit, the C++ runtime ends the process
 * through std::terminate and no error can reach the caller. Makes fn that handler, so a
 * program can say why and exit with its own status; the index on disk keeps its last commit
 * (a Xapian commit is atomic). fn must not return; errno is the failed write's. Process-wide:
 * for a program's main(), never called by the library itself. */
void izde_x_on_abort(void (*fn)(void));

/* ---- Writer ------------------------------------------------------------------------------ */

enum {
    IZDE_XWRITER_CREATE = 1,  /* create the database when missing */
    IZDE_XWRITER_NO_SYNC = 2, /* commits do not wait for the disk: for databases nobody reads
                                 before the caller syncs them (a rebuild's new generation) */
};
/* Opens the Xapian database in folder dir for writing, with IZDE_XWRITER_* flags.
 * IZDE_ERR_DB_LOCKED when another writer has it. Caller owns; izde_xwriter_close(). */
izde_status izde_xwriter_open(const char *dir, int flags, izde_xwriter **out_writer,
                              izde_error *err);
/* Commits pending changes, then closes; w is freed whatever the outcome. An error means the
 * last changes may not be on disk. NULL is a no-op. */
izde_status izde_xwriter_close(izde_xwriter *w, izde_error *err);
/* Closes and throws away uncommitted changes (used when a run fails half-way); w is freed
 * whatever the outcome. NULL is a no-op. */
izde_status izde_xwriter_abandon(izde_xwriter *w, izde_error *err);
/* Adds d, or replaces the document indexed by the unique term idterm. */
izde_status izde_xwriter_replace(izde_xwriter *w, const char *idterm, size_t len,
                                 const izde_xdoc *d, izde_error *err);
/* Deletes the document with idterm; *out_found tells whether one existed. */
izde_status izde_xwriter_delete(izde_xwriter *w, const char *idterm, size_t len, int *out_found,
                                izde_error *err);
/* Value in slot of the document with idterm, and that document's id in *out_docid (may be
 * NULL). IZDE_ERR_NOT_FOUND when there is none. Caller owns *out (free()). */
izde_status izde_xwriter_value(izde_xwriter *w, const char *idterm, size_t len, uint32_t slot,
                               uint32_t *out_docid, char **out, size_t *out_len, izde_error *err);

/* Hidden documents. A database may name some of its own documents as hidden, in its metadata
 * under IZDE_X_META_HIDDEN: entries whose newer version, or deletion, lives in a small delta
 * database read beside it (lib/index/delta.h), so that a batch of updates does not rewrite
 * the blocks of a large index. Every read through an izde_xreader skips the hidden documents
 * of its first database: searches, counts, postings and lookups by id. */
#define IZDE_X_META_HIDDEN "izde.hidden"
/* Beside the list, the largest document id below every document of the databases read
 * beside it (decimal). When every hidden id is at most that, a search can tell a hidden
 * document by its id alone and leaves it out only where it would enter the results (a match
 * decider), instead of stepping through the hidden list beside every match. */
#define IZDE_X_META_HIDDEN_FLOOR "izde.hidden_floor"
/* The hidden document ids of w, ascending. Caller owns *out_ids (free(); NULL when none). */
izde_status izde_xwriter_hidden(izde_xwriter *w, uint32_t **out_ids, size_t *out_n,
                                izde_error *err);
/* Records ids[0..n) (ascending) as w's hidden documents, replacing the list, with the
 * databases read beside w holding only documents above beside_floor (0 when not known);
 * n = 0 clears both. */
izde_status izde_xwriter_set_hidden(izde_xwriter *w, const uint32_t *ids, size_t n,
                                    uint32_t beside_floor, izde_error *err);
/* The largest document id below every document w holds or will be given: its lowest
 * document's id minus one, or its last used id when it holds none. */
izde_status izde_xwriter_docid_floor(izde_xwriter *w, uint32_t *out_floor, izde_error *err);
/* The last document id w used (0 when none). */
izde_status izde_xwriter_last_docid(izde_xwriter *w, uint32_t *out_last, izde_error *err);
/* Makes the ids w gives its next documents start above last. */
izde_status izde_xwriter_reserve_docids(izde_xwriter *w, uint32_t last, izde_error *err);
/* Deletes the documents ids[0..n) of w (missing ones are skipped). */
izde_status izde_xwriter_delete_docids(izde_xwriter *w, const uint32_t *ids, size_t n,
                                       izde_error *err);
/* Copies every document of from into w, each replacing w's document with the same unique id
 * term (its term starting with id_prefix), or added when w has none; and from's spelling
 * dictionary into w's. */
izde_status izde_xwriter_absorb(izde_xwriter *w, izde_xwriter *from, const char *id_prefix,
                                izde_error *err);
/* The database's UUID (36 characters and a NUL). */
izde_status izde_xwriter_uuid(izde_xwriter *w, char out[37], izde_error *err);
izde_status izde_xwriter_set_metadata(izde_xwriter *w, const char *key, const char *value,
                                      izde_error *err);
/* Metadata value under key, "" when none. Caller owns *out (free()). */
izde_status izde_xwriter_metadata(izde_xwriter *w, const char *key, char **out, izde_error *err);
/* Adds count occurrences of word to the spelling dictionary ("did you mean"), written as given
 * (izde/spelling_keys.h says how izde writes it). */
izde_status izde_xwriter_add_spelling(izde_xwriter *w, const char *word, size_t len, uint32_t count,
                                      izde_error *err);
izde_status izde_xwriter_commit(izde_xwriter *w, izde_error *err);
izde_status izde_xwriter_doccount(izde_xwriter *w, uint32_t *out_count, izde_error *err);
/* How many documents hold the term word, and the count of spelling[0..spelling_len) (the word
 * as the spelling dictionary writes it) in that dictionary, both including what is not
 * committed yet. */
izde_status izde_xwriter_freqs(izde_xwriter *w, const char *word, size_t len, const char *spelling,
                               size_t spelling_len, uint32_t *out_termfreq, uint32_t *out_spelling,
                               izde_error *err);

/* Merges the databases in the folders srcs into a new compacted database in folder dest
 * (xapian-compact). The sources must have disjoint unique ids. */
izde_status izde_x_compact(const char *const *srcs, size_t n, const char *dest, izde_error *err);

/* ---- Reader ------------------------------------------------------------------------------ */

/* Opens the Xapian database (folder or stub file) at path for reading.
 * IZDE_ERR_DB_NOT_FOUND when there is none. Caller owns; izde_xreader_close(). */
izde_status izde_xreader_open(const char *path, izde_xreader **out_reader, izde_error *err);
/* One reader over n databases as if they were one: each loc is a local path (a folder or a
 * stub file) or "tcp://HOST:PORT", a shard served by xapian-tcpsrv. Xapian sums the
 * collection statistics over all of them, so ranking, totals and collapsing are those of one
 * index holding every document; metadata is the first database's, the spelling dictionary
 * the local ones' (the remote protocol carries none). timeout_ms (0 = 10 s) bounds the
 * connection and every later call to a remote. IZDE_ERR_UNAVAILABLE when a remote cannot be
 * reached, there or later: a reader that failed so stays failed; open it again.
 * Caller owns; izde_xreader_close(). */
izde_status izde_xreader_open_list(const char *const *locs, size_t n, uint32_t timeout_ms,
                                   izde_xreader **out_reader, izde_error *err);
/* One reader over the n databases in the folders paths, as if they were one (their terms
 * merged, their frequencies summed). Caller owns; izde_xreader_close(). */
izde_status izde_xreader_open_many(const char *const *paths, size_t n, izde_xreader **out_reader,
                                   izde_error *err);
void izde_xreader_close(izde_xreader *r);
/* The file every commit to the local database at db_path replaces (by a rename), so that a
 * reader can tell cheaply whether there may be a commit to reopen for. Caller owns (free());
 * NULL on out of memory. */
char *izde_xdb_version_file(const char *db_path);
/* Brings the reader up to the latest commit; *out_changed tells whether it moved. */
izde_status izde_xreader_reopen(izde_xreader *r, int *out_changed, izde_error *err);
/* Documents that are not hidden (IZDE_X_META_HIDDEN). */
izde_status izde_xreader_doccount(izde_xreader *r, uint32_t *out_count, izde_error *err);
/* Every document stored, hidden ones too: what term frequencies count. */
izde_status izde_xreader_doccount_stored(izde_xreader *r, uint32_t *out_count, izde_error *err);
/* Metadata value for key, "" when unset. Caller owns *out (free()). */
izde_status izde_xreader_metadata(izde_xreader *r, const char *key, char **out, izde_error *err);
/* Document data of the document holding the unique term idterm. IZDE_ERR_NOT_FOUND when
 * none. Caller owns *out (free()). */
izde_status izde_xreader_data_by_term(izde_xreader *r, const char *idterm, size_t len, char **out,
                                      size_t *out_len, izde_error *err);
/* Number of documents containing term. */
izde_status izde_xreader_termfreq(izde_xreader *r, const char *term, size_t len, uint32_t *out_freq,
                                  izde_error *err);
/* Xapian spelling suggestion for word, at most max_edits edits from it ("" when none). Caller
 * owns *out (free()). */
izde_status izde_xreader_spelling(izde_xreader *r, const char *word, size_t len, unsigned max_edits,
                                  char **out, izde_error *err);

/* Called for each term with the prefix; return non-zero to stop. term is borrowed. */
typedef int (*izde_xterm_fn)(void *ctx, const char *term, size_t len, uint32_t termfreq);
/* Walks the terms starting with prefix in byte order, at most max_terms of them. */
izde_status izde_xreader_terms(izde_xreader *r, const char *prefix, size_t len, size_t max_terms,
                               izde_xterm_fn fn, void *ctx, izde_error *err);
/* Walks the max_terms most frequent terms starting with prefix, most frequent first (ties in
 * byte order). Over several shards the frequencies are summed first, so the choice is the same
 * as one index's. */
izde_status izde_xreader_frequent_terms(izde_xreader *r, const char *prefix, size_t len,
                                        size_t max_terms, izde_xterm_fn fn, void *ctx,
                                        izde_error *err);
/* Called for each document holding a term, in docid order; return non-zero to stop. */
typedef int (*izde_xdocid_fn)(void *ctx, uint32_t docid);
/* Walks the documents that hold term (its posting list). */
izde_status izde_xreader_postings(izde_xreader *r, const char *term, size_t len, izde_xdocid_fn fn,
                                  void *ctx, izde_error *err);
/* Whether every database of r is local, so that looking into one document (below) is cheap;
 * over a remote shard each look-up is a round trip. */
int izde_xreader_local(const izde_xreader *r);
/* Called for each position of a term in a document, ascending; return non-zero to stop. */
typedef int (*izde_xpos_fn)(void *ctx, uint32_t pos);
/* Walks the positions of term in document docid (none when it does not hold the term). */
izde_status izde_xreader_positions(izde_xreader *r, uint32_t docid, const char *term, size_t len,
                                   izde_xpos_fn fn, void *ctx, izde_error *err);

/* ---- Queries ------------------------------------------------------------------------------ */

typedef enum izde_xop {
    IZDE_XOP_AND,
    IZDE_XOP_OR,
    IZDE_XOP_AND_NOT,   /* first AND NOT (any of the rest) */
    IZDE_XOP_AND_MAYBE, /* first, ranked up by the rest */
    IZDE_XOP_FILTER,    /* first, restricted by the rest without changing weights */
    IZDE_XOP_PHRASE,    /* in order within window (0 = number of subqueries) */
    IZDE_XOP_NEAR,      /* any order within window */
    IZDE_XOP_SYNONYM,   /* alternatives weighted as one term */
    IZDE_XOP_MAX,       /* alternatives, weight of the best; one database only: over several,
                         * Xapian 1.4.22 reads freed memory (seen with valgrind) */
} izde_xop;

/* All query constructors return a new query the caller owns (free with izde_xquery_free()),
 * or NULL on failure with err filled. They never take ownership of their arguments. */
izde_xquery *izde_xquery_term(const char *term, size_t len, uint32_t wqf, uint32_t pos,
                              izde_error *err);
izde_xquery *izde_xquery_combine(izde_xop op, izde_xquery *const *subs, size_t n, uint32_t window,
                                 izde_error *err);
izde_xquery *izde_xquery_scale(const izde_xquery *q, double factor, izde_error *err);
/* Documents whose value in slot is within [lo, hi] (byte order; NULL lo/hi = open end). */
izde_xquery *izde_xquery_value_range(uint32_t slot, const char *lo, const char *hi,
                                     izde_error *err);
/* Every term starting with prefix, up to max_expansion terms (by frequency), as OR. */
izde_xquery *izde_xquery_wildcard(const char *prefix, size_t len, uint32_t max_expansion,
                                  izde_error *err);
/* A boost by recency: weight = scale * value of slot (a sortable number). */
izde_xquery *izde_xquery_value_weight(uint32_t slot, double scale, izde_error *err);
izde_xquery *izde_xquery_match_all(izde_error *err);
izde_xquery *izde_xquery_match_nothing(izde_error *err);
int izde_xquery_empty(const izde_xquery *q);
void izde_xquery_free(izde_xquery *q);
/* Xapian's description of q, for tests and debugging. Caller owns *out (free()). */
izde_status izde_xquery_describe(const izde_xquery *q, char **out, izde_error *err);

/* ---- Search ------------------------------------------------------------------------------- */

#define IZDE_X_MAX_FACETS 4

typedef struct izde_xsearch_opts {
    uint32_t offset, limit;
    uint32_t check_at_least; /* examine at least this many matches (exact counts, facets) */
    int sort_by_key_first;   /* 0: relevance then key; 1: key then relevance */
    /* The sort key: up to 3 value slots, each ascending or descending (tie-breakers). */
    int key_slots[3]; /* -1 = unused */
    int key_desc[3];
    int order_slot;    /* >= 0: sort by this one slot, ascending, instead of key_slots (the only
                          sort key remote shards take: Xapian 1.4 sends no KeyMaker) */
    int collapse_slot; /* -1 = no collapsing of duplicates */
    int facet_slots[IZDE_X_MAX_FACETS]; /* -1 = unused; a value may list several items
                                          separated by '\x1f' (tags) */
    /* Facets counted remotely too: a slot whose value is "<collapse key>\x1e<value 0>\x1e
     * <value 1>..." (facet_key_facets fields). Counted with Xapian's built-in
     * ValueCountMatchSpy, which remote shards run; collapsed documents count once, with the
     * smallest of their values. -1 = use facet_slots (a local-only spy). */
    int facet_key_slot;
    int facet_key_facets;   /* fields after the key, at most IZDE_X_MAX_FACETS */
    int count_slot;         /* >= 0: count the matches by their value in this slot
                               (izde_xmset_value_count), remote shards too */
    double bm25_k1, bm25_b; /* 0 = Xapian's defaults */
    /* A slot whose value no two documents share (-1 = none). Over remote shards Xapian
     * 1.4.22's match spies count a document twice when the results are sorted by value and
     * not collapsed; collapsing on this slot, which collapses nothing, avoids that. */
    int unique_slot;
    /* > 0: only matches weighing at least this (Xapian's weight cut-off); the total then counts
     * only those. */
    double min_weight;
} izde_xsearch_opts;

/* Fills opts with no sorting key, no collapsing, no facets. */
void izde_xsearch_opts_init(izde_xsearch_opts *opts);

/* Runs q. Caller owns *out_mset; free with izde_xmset_free(). The ranking of every item
 * (weight, document id, collapse count) is copied out here, so its accessors below cannot
 * fail; i must be below izde_xmset_size(m). */
izde_status izde_xreader_search(izde_xreader *r, const izde_xquery *q,
                                const izde_xsearch_opts *opts, izde_xmset **out_mset,
                                izde_error *err);
void izde_xmset_free(izde_xmset *m);
size_t izde_xmset_size(const izde_xmset *m);
/* Matches in all: exact when check_at_least covered them, otherwise Xapian's estimate. */
uint32_t izde_xmset_total(const izde_xmset *m);
/* How many documents hold term (hidden ones too, as izde_xreader_termfreq): from the
 * statistics the search gathered when the query had term, else looked up. */
izde_status izde_xmset_termfreq(const izde_xmset *m, const char *term, size_t len,
                                uint32_t *out_freq, izde_error *err);
/* Item i's weight and document id (i < izde_xmset_size(m)). */
double izde_xmset_weight(const izde_xmset *m, size_t i);
uint32_t izde_xmset_docid(const izde_xmset *m, size_t i);
/* How many other documents were collapsed into item i. */
uint32_t izde_xmset_collapsed(const izde_xmset *m, size_t i);
/* Value in slot of item i's document ("" when unset). Caller owns *out (free()). */
izde_status izde_xmset_value(const izde_xmset *m, size_t i, uint32_t slot, char **out,
                             size_t *out_len, izde_error *err);
/* Document data of item i. Caller owns *out (free()). */
izde_status izde_xmset_data(const izde_xmset *m, size_t i, char **out, size_t *out_len,
                            izde_error *err);
/* How many matches had value v in opts.count_slot (0 when none, or no count_slot). */
uint32_t izde_xmset_value_count(const izde_xmset *m, const char *v, size_t len);
/* Item i's collapse key ("" when none), as the search saw it (no read of the document).
 * Caller owns *out (free()). */
izde_status izde_xmset_collapse_key(const izde_xmset *m, size_t i, char **out, size_t *out_len,
                                    izde_error *err);
/* Number of distinct values counted for facet f (index into opts.facet_slots). */
size_t izde_xmset_facet_size(const izde_xmset *m, int f);
/* Value k of facet f (by descending count, then value) and its count. Borrowed; valid until
 * izde_xmset_free(m). */
const char *izde_xmset_facet_value(const izde_xmset *m, int f, size_t k, uint32_t *out_count);

#ifdef __cplusplus
}
#endif
#endif
