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
#include <izde/utf8.h>

#include <unicode/uchar.h>

#include <izde/indexer.h>
#include <izde/schema.h>
#include <izde/waypoints.h>

#include "../../lib/search/query_build.h"
#include "../../lib/search/query_places.h"
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
            /* fast: prefilter and only the runs that may match; slow: every word stemmed.
             * Both read the whole text (no n_terms): the slow one's runs never end. */
            izde_snippet_query qf = search_qbuild_snippet_query(&b, &fast, 0),
                               qs = search_qbuild_snippet_query(&b, &slow, 0);
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

/* ---- the start test's tables against its definition ---- */

/* The key letter a start key holds for the folded code point f: the look-alikes merged. */
static uint32_t look_alike(uint32_t f)
{
    if (f == 'y' || f == 'i' || f == 0x456)
        return 0x438;
    return f == 0x451 ? 0x435 : f;
}

/* search_qbuild_may_start by its definition, without tables: 1 when one of the first three
 * characters is off the normaliser's fast path (more than two bytes, invalid, NUL, Latin
 * beyond ASCII, U+0482-U+0489) or is an apostrophe, or when no letter comes first; else
 * whether a start key admits the first one or two letters (those before the first character
 * that is no letter or digit), folded with ICU and as Kazakh, the look-alikes merged; or
 * once their Latin letters are read as Cyrillic twins (izde_text_cyrillic_twin). */
static int may_start_by_definition(const qbuild *b, const char *s, size_t len)
{
    if (b->start_any)
        return 1;
    char word[8];
    size_t wl = 0, i = 0;
    for (int k = 0; k < 3 && i < len; k++) {
        uint32_t c = 0;
        size_t n = izde_utf8_decode(s + i, len - i, &c);
        if (n == 0 || n > 2 || c == 0 || (c >= 0x80 && c < 0x400) || c > 0x4FF ||
            (c >= 0x482 && c <= 0x489))
            return 1;
        uint32_t f = (uint32_t)u_foldCase((UChar32)c, U_FOLD_CASE_DEFAULT);
        f = f == 0x450 ? 0x435 : f == 0x45D ? 0x438 : f;
        if (f == '\'')
            return 1;
        if (!((f >= '0' && f <= '9') || (f >= 'a' && f <= 'z') || (f >= 0x400 && f <= 0x4FF)))
            break;
        if (k < 2)
            wl += izde_utf8_encode(f, word + wl);
        i += n;
    }
    if (wl == 0)
        return 1;
    char folded[16];
    size_t fl = izde_kk_fold(word, wl, folded, sizeof folded), at = 0;
    uint32_t w[2] = {0, 0};
    size_t nw = 0;
    while (at < fl && nw < 2)
        w[nw++] = look_alike(izde_utf8_next(folded, fl, &at));
    for (int twins = 0; twins < 2; twins++) {
        for (size_t k = 0; k < b->n_start_keys; k++) {
            const mkey *sk = &b->start_keys[k];
            if (sk->cp[0] == w[0] && (nw < 2 || sk->n < 2 || sk->cp[1] == w[1]))
                return 1;
        }
        /* then with Latin look-alikes read as their Cyrillic twins (Kазахстан) */
        for (size_t k = 0; k < nw; k++)
            if (w[k] < 0x80 && izde_text_cyrillic_twin(w[k]))
                w[k] = izde_text_cyrillic_twin(w[k]);
    }
    return 0;
}

/* Random starts of words, from pieces that touch every branch of the test: letters of both
 * cases and scripts with their look-alikes, Kazakh letters, digits, apostrophes, a connector,
 * punctuation, marks, Latin-1, three and four bytes, invalid bytes and NUL. */
static void test_start_tables_answer_as_defined(void **state)
{
    fixture *f = *state;
    static const char *const pieces[] = {"a",
                                         "Z",
                                         "i",
                                         "I",
                                         "y",
                                         "Y",
                                         "k",
                                         "0",
                                         "7",
                                         "'",
                                         "\xE2\x80\x99",
                                         "_",
                                         "-",
                                         ".",
                                         " ",
                                         "\xD0\x81",
                                         "\xD1\x91",
                                         "\xD0\x80",
                                         "\xD1\x9D",
                                         "\xD1\x96",
                                         "\xD0\x86",
                                         "\xD3\x99",
                                         "\xD3\x98",
                                         "\xD2\x9B",
                                         "\xD2\x9A",
                                         "\xD2\xA3",
                                         "\xD2\xAF",
                                         "\xD2\xB1",
                                         "\xD2\xBB",
                                         "\xD3\xA9",
                                         "\xD2\x93",
                                         "\xD0\xB8",
                                         "\xD0\x98",
                                         "\xD0\xB5",
                                         "\xD0\xB0",
                                         "\xD1\x8F",
                                         "\xD0\xAF",
                                         "\xD0\xBA",
                                         "\xD0\x9A",
                                         "\xD0\xBE",
                                         "\xD1\x81",
                                         "\xD2\x83",
                                         "\xD2\x8A",
                                         "\xC3\xA9",
                                         "\xE2\x82\xAC",
                                         "\xC0\x80",
                                         "\x80",
                                         "\xF0\x9F\x98\x80",
                                         "\xD0",
                                         "\x00"};
    size_t np = sizeof pieces / sizeof *pieces, checks = 0, yes = 0;
    unsigned seed = 12345;
    for (size_t qi = 0; qi < f->n_queries; qi += 7) {
        qbuild b;
        build_query(f, f->queries[qi], &b);
        qmatch m = {&b, "kk", 0};
        for (int r = 0; r < 20000; r++) {
            char s[32];
            size_t len = 0;
            int n = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 4;
            for (int k = 0; k < n; k++) {
                size_t pick = ((seed = seed * 1103515245u + 12345u) >> 16) % np;
                size_t pl = pick == np - 1 ? 1 : strlen(pieces[pick]);
                memcpy(s + len, pieces[pick], pl);
                len += pl;
            }
            int got = search_qbuild_may_start(&m, s, len),
                want = may_start_by_definition(&b, s, len);
            if (got != want)
                fail_msg("query \"%s\", start \"%.*s\": %d, by definition %d", f->queries[qi],
                         (int)len, s, got, want);
            checks++;
            yes += want;
        }
        search_qbuild_fini(&b);
    }
    /* both answers are common: the comparison is not vacuous */
    assert_true(checks > 100000 && yes > checks / 20 && yes < checks - checks / 20);
}

/* ---- where a long hit's matches lie (query_places.c) ---- */

#define LONG_LANGS 3
static const char *const long_langs[LONG_LANGS] = {"en", "kk", "ru"};

/* A long body: sample d first, then the others, until it passes the waypoints' threshold. */
static char *long_body(const fixture *f, size_t d)
{
    size_t len = 0;
    char *body = NULL;
    for (size_t k = 0; len <= IZDE_WAYPOINT_MIN_BYTES + 1; k++) {
        size_t at = (d + k) % N_DOCS;
        body = realloc(body, len + f->lens[at] + 2);
        assert_non_null(body);
        memcpy(body + len, f->docs[at], f->lens[at]);
        len += f->lens[at];
        body[len++] = '\n';
    }
    body[len] = '\0';
    return body;
}

/* The document of entry id: its docid and waypoints, through a search for its id term. */
static void find_doc(izde_xreader *r, const char *id, uint32_t *docid, izde_waypoints *w)
{
    char term[64];
    izde_error err;
    size_t n = izde_id_term(id, strlen(id), term, sizeof term);
    izde_xquery *q = izde_xquery_term(term, n, 1, 0, &err);
    izde_xsearch_opts o;
    izde_xsearch_opts_init(&o);
    o.limit = 1;
    izde_xmset *m = NULL;
    assert_int_equal(izde_xreader_search(r, q, &o, &m, &err), IZDE_OK);
    assert_int_equal(izde_xmset_size(m), 1);
    char *v = NULL;
    size_t len = 0;
    assert_int_equal(izde_xmset_value(m, 0, IZDE_SLOT_WAYPOINTS, &v, &len, &err), IZDE_OK);
    assert_true(store_waypoints_decode(v, len, w) && w->n > 0);
    *docid = izde_xmset_docid(m, 0);
    free(v);
    izde_xmset_free(m);
    izde_xquery_free(q);
}

static int in_ranges(const query_places *p, size_t at)
{
    for (size_t i = 0; i < p->n_ranges; i++)
        if (at >= p->ranges[2 * i] && at < p->ranges[2 * i + 1])
            return 1;
    return 0;
}

/* Over an index of long entries in three languages, for queries made of their own words:
 * every word of a body that the snippet matcher matches begins in one of the places found from
 * the index's positions; they count the query words the body holds (never fewer than the
 * matcher finds); and the snippet read from the places is byte for byte the one read from the
 * whole text. */
static void test_places_hold_every_match(void **state)
{
    fixture *f = *state;
    char *dir = tmpdir_make(), id[32];
    char *bodies[N_DOCS];
    izde_error err;
    izde_indexer *ix = NULL;
    izde_index_opts io = {.jobs = 1};
    assert_int_equal(izde_indexer_open(dir, &io, &ix, &err), IZDE_OK);
    for (size_t d = 0; d < N_DOCS; d++) {
        bodies[d] = long_body(f, d);
        for (size_t l = 0; l < LONG_LANGS; l++) {
            izde_entry *e = izde_entry_new();
            snprintf(id, sizeof id, "d%zu-%s", d, long_langs[l]);
            e->id = strdup(id);
            e->body = strdup(bodies[d]);
            memcpy(e->lang, long_langs[l], 3);
            if (izde_indexer_add(ix, e, &err) != IZDE_OK)
                fail_msg("add %s: %s", id, err.msg);
            izde_entry_free(e);
        }
    }
    assert_int_equal(izde_indexer_finish(ix, NULL, &err), IZDE_OK);
    izde_indexer_close(ix);
    izde_xreader *r = NULL;
    assert_int_equal(izde_xreader_open(dir, &r, &err), IZDE_OK);

    izde_snippet_opts opts = {200, 3, 0};
    size_t matches = 0, unheld = 0, cases = 0, exact = 0;
    for (size_t qi = 0; qi < f->n_queries; qi++) {
        qbuild b;
        build_query(f, f->queries[qi], &b);
        b.reader = r;
        for (size_t d = 0; d < N_DOCS; d++) {
            size_t len = strlen(bodies[d]);
            izde_tokens *tk = izde_tokens_new();
            assert_int_equal(izde_text_tokenize(f->text, bodies[d], len, 0, tk, &err), IZDE_OK);
            for (size_t l = 0; l < LONG_LANGS; l++) {
                uint32_t docid = 0;
                izde_waypoints w;
                snprintf(id, sizeof id, "d%zu-%s", d, long_langs[l]);
                find_doc(r, id, &docid, &w);
                query_places at;
                assert_int_equal(search_query_places(&b, r, docid, &w, len, &at, &err), IZDE_OK);
                qmatch m = {&b, long_langs[l], 0};
                int has_prefix = 0;
                for (size_t i = 0; i < b.n_terms; i++)
                    has_prefix |= b.terms[i].prefix && !b.terms[i].excluded;
                assert_int_equal(at.known, !has_prefix);
                if (!at.known) {
                    free(w.offsets);
                    continue;
                }
                unsigned char seen[256] = {0};
                size_t found = 0;
                for (size_t i = 0; i < izde_tokens_count(tk); i++) {
                    const izde_token *t = izde_tokens_get(tk, i);
                    int term = search_qbuild_match(&m, t);
                    if (term < 0)
                        continue;
                    if (!in_ranges(&at, t->start))
                        fail_msg("query \"%s\", %s: \"%s\" at byte %u is in no place",
                                 f->queries[qi], id, t->term, t->start);
                    found += term < 256 && !seen[term]++;
                    matches++;
                }
                /* More only when two query words share forms: a form matches the first. */
                assert_true(at.held >= found);
                exact += at.held == found;
                unheld += at.held < search_qbuild_shown_terms(&b);
                izde_snippet_query whole = search_qbuild_snippet_query(&b, &m, at.held);
                izde_snippet_query placed = whole;
                placed.ranges = at.ranges;
                placed.n_ranges = at.n_ranges;
                placed.text_valid = 1;
                izde_snippet *a = NULL, *want = NULL;
                assert_int_equal(
                    izde_snippet_make(f->text, bodies[d], len, &placed, &opts, &a, &err), IZDE_OK);
                assert_int_equal(
                    izde_snippet_make(f->text, bodies[d], len, &whole, &opts, &want, &err),
                    IZDE_OK);
                if (strcmp(a->html, want->html))
                    fail_msg("query \"%s\", %s:\n%s\nfrom the whole text:\n%s", f->queries[qi], id,
                             a->html, want->html);
                izde_snippet_free(a);
                izde_snippet_free(want);
                free(at.ranges);
                free(w.offsets);
                cases++;
            }
            izde_tokens_free(tk);
        }
        search_qbuild_fini(&b);
    }
    /* Matches were found, bodies lacking some of a query's words were met, and the count is
     * exact but where query words share forms. */
    assert_true(cases > 100 && matches > 1000 && unheld > 10 && exact > cases - cases / 10);
    printf("places: %zu cases, %zu matches, %zu bodies without every word, %zu counts exact\n",
           cases, matches, unheld, exact);
    izde_xreader_close(r);
    for (size_t d = 0; d < N_DOCS; d++)
        free(bodies[d]);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefilter_matches_like_stemming_every_word),
        cmocka_unit_test(test_prefilter_keeps_snippets),
        cmocka_unit_test(test_start_tables_answer_as_defined),
        cmocka_unit_test(test_places_hold_every_match),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
