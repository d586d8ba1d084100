/* izde/snippet.h — passages of an entry around the query's matches, highlighted.
 *
 * Design: the snippet module tokenizes the stored text with the same pipeline as the index
 * (izde/text.h) and asks a caller-provided matcher which tokens match the query, so it knows
 * nothing of Xapian, stemming or HTTP. It picks the passage (about opts.length characters)
 * with the densest cluster of distinct matched terms, adds further fragments joined by " … "
 * when other matched terms are far away, never cuts inside a word or a UTF-8 sequence, folds
 * runs of white space to one space, and gives the result three ways:
 *   plain  the passage text;
 *   html   the passage HTML-escaped (& < > " ') with <mark>…</mark> around each match;
 *   spans  each match as (start, length) in Unicode code points of `plain` — the one unit
 *          izde uses for offsets in every output (CLI and HTTP).
 * A matched phrase (consecutive positions matching a phrase's terms in order) is one span.
 *
 * Long texts: when the query gives a may_start test, only the runs of text between plain
 * words that cannot match are tokenized (see izde_snippet_may_fn); the snippet is the same
 * as when the whole text is tokenized, at a cost that grows with the matches, not the text.
 * When the query also says how many terms it can match (n_terms), the search for matches
 * ends past a text's first IZDE_SNIPPET_READ_ALL bytes as soon as the text read holds a
 * window of the passage's length with a match of every term: no later window could show
 * more terms, only more matches of them, so a long article is not read to its end for a
 * word it holds on every page. Shorter texts are always read whole.
 * When the query also knows where its matches begin (ranges, e.g. from the index's positions),
 * only the runs near them are read: the snippet is the same, at a cost that no longer grows
 * with the text.
 */
#ifndef IZDE_SNIPPET_H
#define IZDE_SNIPPET_H

#include <stddef.h>
#include <stdint.h>

#include <izde/error.h>
#include <izde/text.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Returns the index (>= 0) of the query term that tok matches, or -1. */
typedef int (*izde_snippet_match_fn)(void *ctx, const izde_token *tok);

/* Whether a token or alias whose first character is at s (the raw text from there to its
 * end, len bytes) could make match() return >= 0. It must answer 1 whenever that is possible
 * (answering 1 is always safe: it only costs time); it may look at the bytes after s but
 * must not assume s is where a word really starts. */
typedef int (*izde_snippet_may_fn)(void *ctx, const char *s, size_t len);

typedef struct izde_snippet_query {
    izde_snippet_match_fn match;
    void *ctx;
    const int *const *phrases; /* each phrase: term indices in order */
    const size_t *phrase_lens;
    size_t n_phrases;
    izde_snippet_may_fn may_start; /* optional (NULL: tokenize the whole text); same ctx */
    size_t n_terms;       /* optional: how many different terms match() can return (0: unknown,
                             the whole text is read); only used with may_start */
    const size_t *ranges; /* optional, only used with may_start: n_ranges pairs of bytes
                             [start, end), ascending, such that every token or alias match()
                             may accept begins in one; the rest of the text is only checked */
    size_t n_ranges;
    int text_valid; /* optional: the caller has checked that the text is valid UTF-8, so the
                       bytes the search skips (ranges, a long text's early end) are not read */
} izde_snippet_query;

/* Bytes of a text always searched whole for matches (see "Long texts" above). */
#define IZDE_SNIPPET_READ_ALL 8192

typedef struct izde_snippet_opts {
    size_t length;        /* target characters in all (default 200) */
    size_t max_fragments; /* default 3 */
    int whole;            /* highlight the whole text, no passage choice (titles) */
} izde_snippet_opts;

typedef struct izde_span {
    uint32_t start, length; /* Unicode code points in plain */
} izde_span;

typedef struct izde_snippet {
    char *plain;
    char *html;
    izde_span *spans;
    size_t n_spans;
} izde_snippet;

/* Builds the snippet of text (UTF-8) for query q. opts may be NULL (defaults).
 * Caller owns *out; free with izde_snippet_free(). */
izde_status izde_snippet_make(izde_text *t, const char *text, size_t len,
                              const izde_snippet_query *q, const izde_snippet_opts *opts,
                              izde_snippet **out, izde_error *err);

void izde_snippet_free(izde_snippet *s);

/* Appends s HTML-escaped (& < > " ') — shared with anything else that writes HTML. Returns
 * a new string the caller owns (free()), NULL on out of memory. */
char *izde_html_escape(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif
