/* izde/search.h — searching an index: the one implementation behind izde-query and
 * izde-searchd.
 *
 * Design: an izde_searcher is one reader of an index folder plus the text pipeline, used by
 * one thread. izde_search() parses the query (izde/query.h), builds a Xapian query in which
 * every word matches through its exact normalised form, its stems (English for Latin words,
 * Russian and Kazakh for Cyrillic ones) and its keyboard-folded Kazakh form, ranked in that
 * order (exact forms carry the most weight, folded ones the least), adds the filters, ranks
 * with BM25 (title words weigh IZDE_TITLE_WDF times body words), breaks ties by date (newest
 * first) then id, collapses duplicate stories and builds snippets for the page.
 *
 * Reopening: izde_searcher_refresh() sees both new commits (Xapian reopen) and a switched
 * generation (the stub file changed: a fresh database is opened; results already returned
 * stay valid because they own their data).
 *
 * Thread safety: one searcher per thread; searchers on the same folder are independent.
 */
#ifndef IZDE_SEARCH_H
#define IZDE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include <izde/entry.h>
#include <izde/error.h>
#include <izde/snippet.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct izde_searcher izde_searcher;

/* Opens the index folder db_dir. IZDE_ERR_DB_NOT_FOUND, with a message saying where it
 * looked, when there is no index. Caller owns; izde_searcher_close(). */
izde_status izde_searcher_open(const char *db_dir, izde_searcher **out_searcher, izde_error *err);
void izde_searcher_close(izde_searcher *s);

/* Databases searched as shards of one index (Xapian's remote backend). */
typedef struct izde_search_shards {
    const char *const *locs; /* each a local database path or "tcp://HOST:PORT" (xapian-tcpsrv) */
    size_t n;
    uint32_t timeout_ms; /* connecting and each call to a remote shard; 0 = 10 s */
} izde_search_shards;

/* Opens the index folder db_dir with its entries read from the shards instead of its own:
 * db_dir still gives the metadata, synonyms and spelling dictionary (the meta database of a
 * sharded index, izde/generations.h), and its generation switches make the searcher connect
 * to the shards again. Ranking, totals, facets, collapsing and snippets are those of one
 * index holding the shards' entries. A shard that is down or slower than the timeout makes a
 * search fail with IZDE_ERR_UNAVAILABLE (izde_searcher_refresh() connects again).
 * shards is copied. Caller owns; izde_searcher_close(). */
izde_status izde_searcher_open_shards(const char *db_dir, const izde_search_shards *shards,
                                      izde_searcher **out_searcher, izde_error *err);

/* Opens generation gen of the index folder db_dir whether or not it is live (to check a
 * rebuilt generation before switching to it). Such a searcher never follows switches.
 * Caller owns; izde_searcher_close(). */
izde_status izde_searcher_open_generation(const char *db_dir, uint32_t gen,
                                          izde_searcher **out_searcher, izde_error *err);

/* Picks up new commits and generation switches. *out_changed (may be NULL) tells whether the
 * searcher now sees a different index state. */
izde_status izde_searcher_refresh(izde_searcher *s, int *out_changed, izde_error *err);

typedef struct izde_index_info {
    uint32_t entries;
    uint32_t generation;
    char built[32]; /* ISO 8601 UTC time of the last finished indexing run */
} izde_index_info;

izde_status izde_searcher_info(izde_searcher *s, izde_index_info *out_info, izde_error *err);

typedef enum izde_sort {
    IZDE_SORT_RELEVANCE = 0,
    IZDE_SORT_DATE, /* newest first */
} izde_sort;

typedef struct izde_search_request {
    const char *query;        /* UTF-8, NUL-terminated, at most IZDE_QUERY_MAX bytes */
    const char *lang;         /* filter: "en", "kk", "ru", or NULL */
    int32_t from_day, to_day; /* filter: YYYYMMDD inclusive, 0 = open */
    const char *const *tags;  /* filter: entries having all these tags */
    size_t n_tags;
    izde_sort sort;
    double recency; /* 0 = off; else up to this much score for the newest entries */
    uint32_t offset, limit;
    int strict;            /* report query syntax errors instead of reading leniently */
    int facets;            /* count year/lang/tag over the whole match set (exact total too) */
    int snippets;          /* build snippets (default on) */
    size_t snippet_length; /* characters, 0 = default (200) */
    int no_collapse;       /* keep duplicate stories apart */
    /* Switches for evaluation baselines (bench/relevance): match exact word forms only (no
     * stems, folding, transliteration or synonyms), or leave out only the Kazakh-specific
     * matching (Kazakh stems, keyboard folding, Latin-script Kazakh). */
    int exact_only;
    int no_kazakh;
} izde_search_request;

/* Defaults: relevance, offset 0, limit 10, snippets on, facets off. */
void izde_search_request_init(izde_search_request *req);

typedef struct izde_hit {
    izde_entry *entry;
    double score;
    uint32_t duplicates;   /* other copies of this story collapsed into it */
    izde_snippet *snippet; /* of the body; NULL when snippets are off */
    izde_snippet *title;   /* the whole title highlighted; NULL when none */
} izde_hit;

typedef struct izde_facet_value {
    char *value;
    uint32_t count;
} izde_facet_value;

typedef struct izde_facet {
    const char *name; /* "year", "lang", "tag" */
    izde_facet_value *values;
    size_t n_values;
} izde_facet;

typedef struct izde_results {
    char *query;
    uint32_t total; /* matches (exact when facets were asked for, else an estimate) */
    uint32_t offset, limit;
    izde_hit *hits;
    size_t n_hits;
    izde_facet facets[3];
    size_t n_facets;
    char *suggestion; /* "did you mean" query, or NULL */
    double took_ms;
} izde_results;

/* Runs a search. IZDE_ERR_INVALID_ARG for an empty or over-long query or bad filters,
 * IZDE_ERR_QUERY_SYNTAX in strict mode. Caller owns *out_results; izde_results_free(). */
izde_status izde_search(izde_searcher *s, const izde_search_request *req,
                        izde_results **out_results, izde_error *err);
void izde_results_free(izde_results *r);

/* Number of matches only (exact). */
izde_status izde_search_count(izde_searcher *s, const izde_search_request *req, uint32_t *out_count,
                              izde_error *err);

/* Calls fn for every match in ranking order, a page at a time, without holding them all
 * (req->offset/limit are ignored). hit is borrowed for the call. fn returns non-zero to stop. */
typedef int (*izde_hit_fn)(void *ctx, const izde_hit *hit);
izde_status izde_search_each(izde_searcher *s, const izde_search_request *req, izde_hit_fn fn,
                             void *ctx, izde_error *err);

/* One stored entry by id. IZDE_ERR_NOT_FOUND when there is none.
 * Caller owns *out_entry; izde_entry_free(). */
izde_status izde_searcher_get_entry(izde_searcher *s, const char *id, size_t len,
                                    izde_entry **out_entry, izde_error *err);

/* Calls fn for every entry stored in the index, as stored (the language decided at indexing
 * filled in), in the byte order of their ids (an id over 200 bytes sorts by its first 160 and a
 * hash: izde_id_term()), one at a time, without a query and without holding them: for exports
 * that re-index to the same index. entry is borrowed for the call; fn returns non-zero to stop.
 * IZDE_ERR_DB_MODIFIED when a writer changed the index too much under a long walk (Xapian
 * keeps the reader's revision only so long): run it again. */
typedef int (*izde_entry_fn)(void *ctx, const izde_entry *entry);
izde_status izde_searcher_each_entry(izde_searcher *s, izde_entry_fn fn, void *ctx,
                                     izde_error *err);

/* Completions for what someone is typing: the last word of text taken as a prefix, completed
 * from the index's words (most frequent first); the words before it are kept. Caller owns
 * the array and its strings: free with izde_strings_free(). */
izde_status izde_suggest(izde_searcher *s, const char *text, size_t len, size_t max,
                         char ***out_items, size_t *out_n, izde_error *err);
void izde_strings_free(char **items, size_t n);

/* JSON of a result page: {"query","total","offset","limit","results":[...],"facets",
 * "suggestion","took_ms"}; each result {"id","date","lang","title","title_html","snippet",
 * "snippet_text","highlights":[{"start","length"}],"tags","url","source","score",
 * "duplicates"}. Offsets count Unicode code points of snippet_text. Caller owns *out (free()). */
izde_status izde_results_to_json(const izde_results *r, char **out, size_t *out_len,
                                 izde_error *err);
/* One result as a JSON object (one JSONL line, no newline). Caller owns *out (free()). */
izde_status izde_hit_to_json(const izde_hit *h, char **out, size_t *out_len, izde_error *err);

#ifdef __cplusplus
}
#endif
#endif
