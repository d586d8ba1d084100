/* The query language end to end: parsing (lenient and strict), the tree's description, and a
 * search (building the Xapian query with stems, folding, transliteration and synonyms,
 * running it, facets, snippets, the results' JSON), a count and suggestions, against a small
 * index of data/ built once per process. Byte 0 picks options (bit 0 strict, 1 sort by date,
 * 2 facets, 3 exact forms only, 4 no Kazakh matching, 5 no collapsing, 6 a language
 * filter); the rest, up to a NUL byte, is the query.
 * Asserts: lenient parsing never reports a syntax error; a search gives the status of the
 * parse, or a syntax error with a message for a query that parses but cannot be run, never
 * an internal error (issue 14: the query language is total); counting agrees; results fit
 * their page and serialise. */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <izde/query.h>
#include <izde/search.h>

#include "fuzz_support.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static izde_searcher *searcher;

static void close_searcher(void)
{
    izde_searcher_close(searcher);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    izde_error err;
    FUZZ_CHECK(izde_searcher_open(fuzz_index(), &searcher, &err) == IZDE_OK, "%s", err.msg);
    atexit(close_searcher);
    return 0;
}

static void check_results(const izde_search_request *req, const izde_results *res)
{
    char *json = NULL;
    size_t len = 0;
    izde_error err;
    FUZZ_CHECK(res->n_hits <= req->limit, "%zu hits for a page of %u", res->n_hits, req->limit);
    for (size_t i = 0; i < res->n_hits; i++)
        FUZZ_CHECK(res->hits[i].entry && res->hits[i].entry->id, "hit %zu without an entry", i);
    FUZZ_CHECK(izde_results_to_json(res, &json, &len, &err) == IZDE_OK, "%s", err.msg);
    free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const langs[] = {"en", "kk"};
    if (size == 0 || size > IZDE_QUERY_MAX + 2)
        return 0;
    char q[IZDE_QUERY_MAX + 2];
    size_t len = strnlen((const char *)data + 1, size - 1);
    memcpy(q, data + 1, len);
    q[len] = '\0';
    unsigned flags = data[0];
    izde_error err;

    izde_qnode *root = NULL, *strict_root = NULL;
    izde_status parsed = izde_query_parse(q, len, 0, &root, &err);
    FUZZ_CHECK(parsed == IZDE_OK || parsed == IZDE_ERR_INVALID_ARG, "lenient parse: %d: %s",
               (int)parsed, err.msg);
    if (root) {
        char *d = izde_qnode_describe(root);
        FUZZ_CHECK(d != NULL, "describe");
        free(d);
    }
    izde_status strict = izde_query_parse(q, len, 1, &strict_root, &err);
    /* Strict mode may name a syntax error where lenient reading finds no words at all. */
    FUZZ_CHECK(strict == parsed || strict == IZDE_ERR_QUERY_SYNTAX, "strict parse %d, lenient %d",
               (int)strict, (int)parsed);
    izde_qnode_free(strict_root);
    izde_qnode_free(root);

    izde_search_request req;
    izde_search_request_init(&req);
    req.query = q;
    req.strict = flags & 1;
    req.sort = flags & 2 ? IZDE_SORT_DATE : IZDE_SORT_RELEVANCE;
    req.facets = (flags >> 2) & 1;
    req.exact_only = (flags >> 3) & 1;
    req.no_kazakh = (flags >> 4) & 1;
    req.no_collapse = (flags >> 5) & 1;
    req.lang = flags & 0x40 ? langs[flags >> 7] : NULL;
    izde_results *res = NULL;
    izde_status st = izde_search(searcher, &req, &res, &err);
    izde_status expected = req.strict ? strict : parsed;
    if (st == IZDE_OK)
        check_results(&req, res);
    /* A query that parses but cannot be run (a phrase inside NEAR) is a syntax error naming
     * the part, never an internal error (issue 14). */
    FUZZ_CHECK(st == expected || (expected == IZDE_OK && st == IZDE_ERR_QUERY_SYNTAX && err.msg[0]),
               "search %d, parse %d: %s", (int)st, (int)expected, err.msg);
    izde_results_free(res);

    uint32_t n = 0;
    izde_status counted = izde_search_count(searcher, &req, &n, &err);
    FUZZ_CHECK(counted == st, "count %d, search %d", (int)counted, (int)st);

    char **items = NULL;
    size_t n_items = 0;
    if (izde_suggest(searcher, q, len, 8, &items, &n_items, &err) == IZDE_OK)
        FUZZ_CHECK(n_items <= 8, "%zu suggestions", n_items);
    izde_strings_free(items, n_items);
    return 0;
}
