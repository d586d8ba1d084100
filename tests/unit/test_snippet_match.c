/* The snippet matcher (lib/search/query_build.c, search_qbuild_match): its prefilter skips stemming
 * words that cannot have a query word's stem. It must never change what is highlighted: for
 * queries made of the sample news' own words (and their keyboard-folded forms), every word of
 * the sample news must match the same query term, in every document language, as when each
 * word is stemmed; and the snippets must be byte for byte the same. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <izde/kazakh.h>
#include <izde/query.h>
#include <izde/snippet.h>
#include <izde/stem.h>
#include <izde/text.h>

#include "../../lib/search/query_build.h"
#include "test_support.h"

#define WORDS_PER_QUERY 8
#define WORD_STEP 5 /* every 5th distinct word of the samples goes into a query */

static const char *const samples[] = {"entries-en.jsonl", "entries-kk.jsonl", "entries-ru.jsonl",
                                      "noc-news.txt"};
static const char *const langs[] = {"en", "kk", "ru", ""};
/* A fifth text: the tricky forms below next to their relatives. */
static const char extra[] =
    "Dying, die, lying, lie, tying, tie, crying, cries, possibility, possible, 'tis, tis. "
    "Кітап, кітабы, кiтабы, китабы, еңбек, еңбегі, халық, халқы, орын, орны, ауыз, ауызы. "
    "Пловец, пловцы, спортсменка, спортсменок, ёлка, елка, ёлки. Нұр-Сұлтан, нұр-сұлтанда. "
    "Олимпиада күні, олимпиада күнін, Qazaqstan, Қазақстан, ел, елімізде, үй, үйде, a.";
#define N_DOCS 5
static const char *const doc_langs[N_DOCS] = {"en", "kk", "ru", "", "kk"};

/* Forms whose stems rewrite more than a plain ending, one query each. */
static const char *const tricky[] = {
    "dying",
    "lies",
    "crying",
    "possibility",
    "'tis",
    "кітабы",
    "еңбегі",
    "халқы",
    "орны",
    "ауызы",
    "пловцы",
    "спортсменок",
    "ёлка",
    "нұр-сұлтанда",
    "кiтап",
    "казакстанга",
    "китабы",
    "енбеги",
    "\"олимпиада күні\"",
    "олимп*",
    "спорт -футбол",
    "qazaqstan",
    "ел",
    "үй",
    "a",
};

static char *read_sample(const char *name, size_t *out_len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", IZDE_DATA_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    *out_len = (size_t)n;
    return s;
}

typedef struct fixture {
    izde_text *text;
    izde_stemmer *stemmer;
    char *docs[N_DOCS];
    size_t lens[N_DOCS];
    izde_tokens *tokens[N_DOCS];
    char **queries;
    size_t n_queries;
} fixture;

static void add_query(fixture *f, const char *q)
{
    f->queries = realloc(f->queries, (f->n_queries + 1) * sizeof *f->queries);
    assert_non_null(f->queries);
    f->queries[f->n_queries++] = strdup(q);
}

/* Queries of WORDS_PER_QUERY words each from the samples' distinct words, and the same words
 * keyboard-folded (Kazakh typed on a Russian keyboard). */
static void make_queries(fixture *f)
{
    char **seen = NULL;
    size_t n_seen = 0;
    for (size_t d = 0; d < N_DOCS; d++) {
        for (size_t i = 0; i < izde_tokens_count(f->tokens[d]); i++) {
            const izde_token *t = izde_tokens_get(f->tokens[d], i);
            if ((t->flags & IZDE_TOKEN_ALIAS) || t->term_len > 60 ||
                strpbrk(t->term, "\"*-:()") != NULL)
                continue;
            size_t k = 0;
            while (k < n_seen && strcmp(seen[k], t->term) != 0)
                k++;
            if (k < n_seen)
                continue;
            seen = realloc(seen, (n_seen + 1) * sizeof *seen);
            assert_non_null(seen);
            seen[n_seen++] = strdup(t->term);
        }
    }
    char q[WORDS_PER_QUERY * 256], fq[WORDS_PER_QUERY * 256];
    size_t in_q = 0;
    q[0] = fq[0] = '\0';
    for (size_t i = 0; i < n_seen; i += WORD_STEP) {
        char folded[256];
        izde_kk_fold(seen[i], strlen(seen[i]), folded, sizeof folded);
        strcat(strcat(q, in_q ? " " : ""), seen[i]);
        strcat(strcat(fq, in_q ? " " : ""), folded);
        if (++in_q == WORDS_PER_QUERY || i + WORD_STEP >= n_seen) {
            add_query(f, q);
            add_query(f, fq);
            q[0] = fq[0] = '\0';
            in_q = 0;
        }
    }
    for (size_t i = 0; i < n_seen; i++)
        free(seen[i]);
    free(seen);
    for (size_t i = 0; i < sizeof tricky / sizeof *tricky; i++)
        add_query(f, tricky[i]);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    izde_error err;
    assert_int_equal(izde_text_new(&f->text, &err), IZDE_OK);
    assert_int_equal(izde_stemmer_new(&f->stemmer, &err), IZDE_OK);
    for (size_t d = 0; d < N_DOCS; d++) {
        if (d < 4) {
            f->docs[d] = read_sample(samples[d], &f->lens[d]);
        } else {
            f->docs[d] = strdup(extra);
            f->lens[d] = strlen(extra);
        }
        f->tokens[d] = izde_tokens_new();
        assert_int_equal(izde_text_tokenize(f->text, f->docs[d], f->lens[d], 0, f->tokens[d], &err),
                         IZDE_OK);
    }
    make_queries(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (size_t d = 0; d < N_DOCS; d++) {
        free(f->docs[d]);
        izde_tokens_free(f->tokens[d]);
    }
    for (size_t i = 0; i < f->n_queries; i++)
        free(f->queries[i]);
    free(f->queries);
    izde_stemmer_free(f->stemmer);
    izde_text_free(f->text);
    free(f);
    return 0;
}

static void build_query(fixture *f, const char *q, qbuild *b)
{
    izde_qnode *root = NULL;
    izde_xquery *xq = NULL;
    izde_error err;
    assert_int_equal(izde_query_parse(q, strlen(q), 0, &root, &err), IZDE_OK);
    memset(b, 0, sizeof *b);
    b->text = f->text;
    b->stemmer = f->stemmer;
    b->query = q;
    assert_int_equal(search_qbuild_run(b, root, &xq, &err), IZDE_OK);
    izde_xquery_free(xq);
    izde_qnode_free(root);
}

static void test_prefilter_matches_like_stemming_every_word(void **state)
{
    fixture *f = *state;
    size_t matched = 0, calls = 0;
    for (size_t qi = 0; qi < f->n_queries; qi++) {
        qbuild b;
        build_query(f, f->queries[qi], &b);
        for (size_t l = 0; l < sizeof langs / sizeof *langs; l++) {
            qmatch fast = {&b, langs[l], 0}, slow = {&b, langs[l], 1};
            for (size_t d = 0; d < N_DOCS; d++) {
                for (size_t i = 0; i < izde_tokens_count(f->tokens[d]); i++) {
                    const izde_token *t = izde_tokens_get(f->tokens[d], i);
                    int a = search_qbuild_match(&fast, t), want = search_qbuild_match(&slow, t);
                    if (a != want)
                        fail_msg("query \"%s\", lang \"%s\", word \"%s\": %d, stemmed %d",
                                 f->queries[qi], langs[l], t->term, a, want);
                    matched += want >= 0;
                    calls++;
                }
            }
        }
        search_qbuild_fini(&b);
    }
    /* The queries do match (about 0.5% of the checks): the comparison is not vacuous. */
    assert_true(calls > 1000000 && matched > 5000);
}

static void test_prefilter_keeps_snippets(void **state)
{
    fixture *f = *state;
    izde_snippet_opts body = {200, 3, 0};
    izde_error err;
    for (size_t qi = 0; qi < f->n_queries; qi++) {
        qbuild b;
        build_query(f, f->queries[qi], &b);
        for (size_t d = 0; d < N_DOCS; d++) {
            qmatch fast = {&b, doc_langs[d], 0}, slow = {&b, doc_langs[d], 1};
            /* fast: prefilter and only the runs that may match; slow: every word stemmed */
            izde_snippet_query qf = {
                search_qbuild_match, &fast,       (const int *const *)b.phrases,
                b.phrase_lens,       b.n_phrases, search_qbuild_may_start};
            izde_snippet_query qs = qf;
            qs.ctx = &slow;
            izde_snippet *a = NULL, *want = NULL;
            assert_int_equal(
                izde_snippet_make(f->text, f->docs[d], f->lens[d], &qf, &body, &a, &err), IZDE_OK);
            assert_int_equal(
                izde_snippet_make(f->text, f->docs[d], f->lens[d], &qs, &body, &want, &err),
                IZDE_OK);
            assert_string_equal(a->html, want->html);
            assert_int_equal(a->n_spans, want->n_spans);
            izde_snippet_free(a);
            izde_snippet_free(want);
        }
        search_qbuild_fini(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefilter_matches_like_stemming_every_word),
        cmocka_unit_test(test_prefilter_keeps_snippets),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
