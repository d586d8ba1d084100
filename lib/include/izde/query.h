/* izde/query.h — the query language, parsed into a tree.
 *
 * Design: parsing is pure syntax: words stay as the user typed them (the builder in
 * lib/search runs them through the text pipeline and the stemmers), so the parser knows
 * nothing of Xapian, ICU or the index. The language:
 *
 *   word word           every word must match (AND)
 *   "a phrase"          the words in this order
 *   a NEAR/5 b          both within 5 positions, any order (NEAR alone = NEAR/10)
 *   word*               words starting with "word"
 *   -word, NOT word     exclude
 *   a OR b              alternatives (binds tighter than the implicit AND)
 *   ( ... )             grouping
 *   title:word  title:"a phrase"   only in titles
 *   tag:name  tag:"two words"      entries with this tag
 *   lang:kk             entries in this language (en, kk, ru)
 *   date:2019  date:2019-03  date:2019-03-08  date:2018-06-01..2019-12-31 (either end may be
 *   empty)  after:2020-01-01 (strictly after)  before:2020-01-01 (strictly before)
 *
 * Operators are upper case (OR, NOT, NEAR); lower-case "or" is a word. A '-' excludes only at
 * the start of a term, so Nur-Sultan is one hyphenated word.
 *
 * Lenient mode (the default) never fails on syntax: an unmatched quote closes at the end, an
 * unmatched parenthesis is ignored, a stray operator or a field with a bad value is read as
 * plain words. Strict mode reports the first problem as IZDE_ERR_QUERY_SYNTAX with
 * "position N: reason" (N counts characters from 1).
 */
#ifndef IZDE_QUERY_H
#define IZDE_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include <izde/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest query accepted, in bytes. */
#define IZDE_QUERY_MAX 1024

typedef enum izde_qkind {
    IZDE_Q_WORD,   /* text: one word as typed (may contain - . @ ' inside) */
    IZDE_Q_PHRASE, /* text: the words inside the quotes */
    IZDE_Q_PREFIX, /* text: the word before '*' */
    IZDE_Q_AND,    /* children: all must match */
    IZDE_Q_OR,     /* children: any */
    IZDE_Q_NOT,    /* one child: must not match (only meaningful inside an AND) */
    IZDE_Q_NEAR,   /* children (2 or more) within `window` positions */
    IZDE_Q_TAG,    /* text: tag name */
    IZDE_Q_LANG,   /* text: "en", "kk" or "ru" */
    IZDE_Q_DATE,   /* from_day..to_day inclusive, YYYYMMDD, 0 = open end */
} izde_qkind;

typedef enum izde_qfield {
    IZDE_QF_ANY = 0,
    IZDE_QF_TITLE, /* title:word, title:"phrase", title:word* */
} izde_qfield;

typedef struct izde_qnode {
    izde_qkind kind;
    izde_qfield field;
    char *text; /* NUL-terminated, for WORD, PHRASE, PREFIX, TAG, LANG; else NULL */
    size_t text_len;
    uint32_t window;          /* NEAR */
    int32_t from_day, to_day; /* DATE */
    struct izde_qnode **children;
    size_t n_children;
    size_t offset; /* byte offset in the query where the node starts */
} izde_qnode;

/* Parses q (UTF-8, at most IZDE_QUERY_MAX bytes). strict: see above.
 * IZDE_ERR_INVALID_ARG for an empty or whitespace-only query, invalid UTF-8 or a query over
 * the maximum length; IZDE_ERR_QUERY_SYNTAX in strict mode.
 * Caller owns *out_root; free with izde_qnode_free(). */
izde_status izde_query_parse(const char *q, size_t len, int strict, izde_qnode **out_root,
                             izde_error *err);

void izde_qnode_free(izde_qnode *n);

/* A one-line S-expression of the tree, e.g. (AND (WORD "a") (NOT (WORD "b"))), for tests
 * and --explain. Caller owns (free()); NULL on out of memory. */
char *izde_qnode_describe(const izde_qnode *n);

#ifdef __cplusplus
}
#endif
#endif
