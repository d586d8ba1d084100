/* Ranking, ordering, collapsing, facets and suggestions on small fixed indexes. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <izde/indexer.h>
#include <izde/search.h>
#include <izde/waypoints.h>
#include <izde/synonyms.h>

#include "test_support.h"

typedef struct fixture {
    char *dir;
    izde_searcher *s;
} fixture;

typedef struct doc {
    const char *id, *date, *lang, *title, *body, *tag;
} doc;

/* Indexes docs into f->dir: a new index, or added to the live generation of one. */
static void index_docs(fixture *f, const doc *docs, size_t n, const char *synonyms_file)
{
    izde_indexer *ix = NULL;
    izde_error err;
    izde_index_opts o = {.jobs = 1, .synonyms_file = synonyms_file};
    assert_int_equal(izde_indexer_open(f->dir, &o, &ix, &err), IZDE_OK);
    for (size_t i = 0; i < n; i++) {
        izde_entry *e = izde_entry_new();
        e->id = strdup(docs[i].id);
        e->body = strdup(docs[i].body);
        if (docs[i].date[0]) { /* "" leaves the entry undated */
            e->date = strdup(docs[i].date);
            izde_date_parse(e->date, strlen(e->date), &e->day, NULL);
        }
        if (docs[i].title)
            e->title = strdup(docs[i].title);
        if (docs[i].lang)
            memcpy(e->lang, docs[i].lang, 3);
        if (docs[i].tag) {
            e->tags = calloc(1, sizeof *e->tags);
            e->tags[0] = strdup(docs[i].tag);
            e->n_tags = 1;
        }
        if (izde_indexer_add(ix, e, &err) != IZDE_OK)
            fail_msg("add %s: %s", docs[i].id, err.msg);
        izde_entry_free(e);
    }
    assert_int_equal(izde_indexer_finish(ix, NULL, &err), IZDE_OK);
    izde_indexer_close(ix);
}

static void build_with(fixture *f, const doc *docs, size_t n, const char *synonyms_file)
{
    izde_error err;
    index_docs(f, docs, n, synonyms_file);
    if (izde_searcher_open(f->dir, &f->s, &err) != IZDE_OK)
        fail_msg("open: %s", err.msg);
}

static void build(fixture *f, const doc *docs, size_t n)
{
    build_with(f, docs, n, NULL);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tmpdir_make();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    izde_searcher_close(f->s);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* The ids of a search, comma-separated. Caller frees. */
static char *ids(fixture *f, izde_search_request *req)
{
    izde_results *r = NULL;
    izde_error err;
    if (izde_search(f->s, req, &r, &err) != IZDE_OK)
        fail_msg("search %s: %s", req->query, err.msg);
    char *out = calloc(1, 4096);
    for (size_t i = 0; i < r->n_hits; i++) {
        if (i)
            strcat(out, ",");
        strcat(out, r->hits[i].entry->id);
    }
    izde_results_free(r);
    return out;
}

static char *ids_of(fixture *f, const char *query)
{
    izde_search_request req;
    izde_search_request_init(&req);
    req.query = query;
    return ids(f, &req);
}

#define ASSERT_IDS(f, query, want)                                                                 \
    do {                                                                                           \
        char *got_ = ids_of(f, query);                                                             \
        if (strcmp(got_, want) != 0)                                                               \
            fail_msg("%s: got [%s], want [%s]", query, got_, want);                                \
        free(got_);                                                                                \
    } while (0)

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The comma-separated ids of s sorted, in place. */
static void sort_ids(char *s)
{
    char *parts[64], copy[4096];
    size_t n = 0;
    snprintf(copy, sizeof copy, "%s", s);
    for (char *t = strtok(copy, ","); t && n < 64; t = strtok(NULL, ","))
        parts[n++] = t;
    qsort(parts, n, sizeof *parts, by_string);
    s[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strcat(s, i ? "," : "");
        strcat(s, parts[i]);
    }
}

#define ASSERT_ID_SET(f, query, want)                                                              \
    do {                                                                                           \
        char *got_ = ids_of(f, query);                                                             \
        sort_ids(got_);                                                                            \
        if (strcmp(got_, want) != 0)                                                               \
            fail_msg("%s: got {%s}, want {%s}", query, got_, want);                                \
        free(got_);                                                                                \
    } while (0)

static void test_title_ranks_above_body(void **state)
{
    static const doc docs[] = {
        {"body", "2020-01-01", "en", "Weekly news", "The rowing club met on Monday.", NULL},
        {"title", "2020-01-01", "en", "Rowing club news", "The club met on Monday again.", NULL},
    };
    build(*state, docs, 2);
    ASSERT_IDS(*state, "rowing", "title,body");
    ASSERT_IDS(*state, "title:rowing", "title");
}

static void test_exact_form_ranks_above_stem(void **state)
{
    static const doc docs[] = {
        {"plural", "2020-01-01", "en", NULL, "Two swimmers crossed the lake today.", NULL},
        {"singular", "2020-01-01", "en", NULL, "One swimmer crossed the lake today.", NULL},
        {"ru-gen", "2020-01-01", "ru", NULL, "Много спортсменов приехало в город.", NULL},
        {"ru-nom", "2020-01-01", "ru", NULL, "Все спортсмены приехали в город.", NULL},
    };
    build(*state, docs, 4);
    ASSERT_IDS(*state, "swimmers", "plural,singular");
    ASSERT_IDS(*state, "swimmer", "singular,plural");
    ASSERT_IDS(*state, "спортсменов", "ru-gen,ru-nom");
    ASSERT_IDS(*state, "спортсмены", "ru-nom,ru-gen");
}

static void test_date_sort_and_stable_ties(void **state)
{
    /* same words in another order: equal scores, different fingerprints */
    static const doc docs[] = {
        {"b", "2019-05-01", "en", NULL, "alpha beta gamma", NULL},
        {"a", "2019-05-01", "en", NULL, "gamma alpha beta", NULL},
        {"c", "2021-01-01", "en", NULL, "beta gamma alpha", NULL},
        {"d", "2018-01-01", "en", NULL, "alpha gamma beta", NULL},
    };
    fixture *f = *state;
    build(f, docs, 4);
    /* ties: newest first, then by id */
    ASSERT_IDS(f, "alpha", "c,a,b,d");
    izde_search_request req;
    izde_search_request_init(&req);
    req.query = "alpha";
    req.sort = IZDE_SORT_DATE;
    char *got = ids(f, &req);
    assert_string_equal(got, "c,a,b,d");
    free(got);
    /* paging one at a time walks the same order, never repeating */
    char walk[64] = "";
    for (uint32_t off = 0; off < 4; off++) {
        izde_search_request_init(&req);
        req.query = "alpha";
        req.limit = 1;
        req.offset = off;
        char *one = ids(f, &req);
        strcat(walk, off ? "," : "");
        strcat(walk, one);
        free(one);
    }
    assert_string_equal(walk, "c,a,b,d");
}

static void test_recency_boost_lifts_newer_entries(void **state)
{
    static const doc docs[] = {
        {"old", "2001-01-01", "en", NULL, "cycling cycling race in the hills", NULL},
        {"new", "2024-01-01", "en", NULL, "cycling race in the hills today", NULL},
    };
    fixture *f = *state;
    build(f, docs, 2);
    ASSERT_IDS(f, "cycling", "old,new");
    izde_search_request req;
    izde_search_request_init(&req);
    req.query = "cycling";
    req.recency = 5;
    char *got = ids(f, &req);
    assert_string_equal(got, "new,old");
    free(got);
}

static uint32_t facet_count(const izde_results *r, const char *facet, const char *value)
{
    for (size_t f = 0; f < r->n_facets; f++) {
        if (strcmp(r->facets[f].name, facet) != 0)
            continue;
        for (size_t k = 0; k < r->facets[f].n_values; k++)
            if (!strcmp(r->facets[f].values[k].value, value))
                return r->facets[f].values[k].count;
    }
    return 0;
}

/* A page without snippets, with facets counted or not, copies of a story collapsed or not.
 * Caller frees the results (izde_results_free). */
static izde_results *page_results(fixture *f, const char *query, uint32_t offset, uint32_t limit,
                                  int facets, int no_collapse)
{
    izde_search_request req;
    izde_search_request_init(&req);
    req.query = query;
    req.offset = offset;
    req.limit = limit;
    req.facets = facets;
    req.no_collapse = no_collapse;
    req.snippets = 0;
    izde_results *r = NULL;
    izde_error err;
    if (izde_search(f->s, &req, &r, &err) != IZDE_OK)
        fail_msg("search %s: %s", query, err.msg);
    return r;
}

/* "id+duplicates,..." of a page, with facets counted or not. */
static char *page(fixture *f, const char *query, uint32_t offset, uint32_t limit, int facets)
{
    izde_results *r = page_results(f, query, offset, limit, facets, 0);
    char *out = calloc(1, 4096);
    for (size_t i = 0; i < r->n_hits; i++)
        snprintf(out + strlen(out), 4096 - strlen(out), "%s%s+%u", i ? "," : "",
                 r->hits[i].entry->id, (unsigned)r->hits[i].duplicates);
    izde_results_free(r);
    return out;
}

/* The total of matches a page reports with every copy of a story counted: without facets (the
 * quick page), or counted exactly (facets). */
static uint32_t total_of(fixture *f, const char *query, uint32_t offset, uint32_t limit, int exact)
{
    izde_results *r = page_results(f, query, offset, limit, exact, 1);
    uint32_t total = r->total;
    izde_results_free(r);
    return total;
}

/* Without facets a search first ranks by weight alone and keeps that page only when no copy
 * of a story could change it, ordering its ties itself (lib/search/quick_page.h); counting
 * facets always takes Xapian's own road (ties by date and id, copies collapsed). Every page
 * must be the same either way. */
static void test_pages_same_with_and_without_facets(void **state)
{
    static const doc docs[] = {
        {"u1", "2020-01-01", "en", "River news", "The river rose after the storm.", NULL},
        {"u2", "2021-01-01", "en", NULL, "A storm, a river, a flood and a river again.", NULL},
        {"t2", "2019-05-01", "en", NULL, "storm river bank", NULL},
        {"t1", "2019-05-01", "en", NULL, "bank river storm", NULL},
        {"t3", "2022-05-01", "en", NULL, "river bank storm", NULL},
        {"t0", "", "en", NULL, "storm bank river", NULL},
        {"c1", "2018-01-01", "en", "Copy", "The storm story that was published twice.", NULL},
        {"c2", "2023-01-01", "en", "Copy", "The storm story that was published twice.", NULL},
        {"l1", "2017-01-01", "en", NULL,
         "A long text about many things where the storm is only mentioned once in passing "
         "among other words about weather, roads, fields and towns.",
         NULL},
    };
    static const char *const queries[] = {"storm",
                                          "river",
                                          "river storm",
                                          "bank",
                                          "story",
                                          "storm OR flood",
                                          "\"river bank\"",
                                          "river NEAR/2 storm",
                                          "storm -\"river bank\"",
                                          "stor*"};
    fixture *f = *state;
    build(f, docs, sizeof docs / sizeof docs[0]);
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++)
        for (uint32_t offset = 0; offset < 5; offset++)
            for (uint32_t limit = 1; limit <= 9; limit++) {
                char *quick = page(f, queries[q], offset, limit, 0);
                char *full = page(f, queries[q], offset, limit, 1);
                if (strcmp(quick, full) != 0)
                    fail_msg("%s offset %u limit %u: [%s] without facets, [%s] with", queries[q],
                             offset, limit, quick, full);
                /* a tie past the page is fetched by weight, and the count must not shrink */
                uint32_t total = total_of(f, queries[q], offset, limit, 0);
                if (total != total_of(f, queries[q], offset, limit, 1))
                    fail_msg("%s offset %u limit %u: total %u, %u counted", queries[q], offset,
                             limit, total, total_of(f, queries[q], offset, limit, 1));
                free(quick);
                free(full);
            }
    /* ties: newest first, undated last, whichever road is taken */
    char *got = page(f, "bank", 0, 4, 0);
    assert_string_equal(got, "t3+0,t1+0,t2+0,t0+0");
    free(got);
    /* the copies fold into the newest copy */
    got = page(f, "published", 0, 10, 0);
    assert_string_equal(got, "c2+1");
    free(got);
}

/* The quick page learns which stories have copies from one walk of the fingerprint terms
 * (lib/search/copies.h); a commit that adds a copy makes that walk stale, and the copy must
 * still fold into its story at once, as the full search folds it. */
static void test_copy_added_later_is_collapsed(void **state)
{
    static const doc first[] = {
        {"s1", "2020-01-01", "en", NULL, "The harbour story, as it was first told.", NULL},
        {"o1", "2019-01-01", "en", NULL, "Another harbour report entirely.", NULL},
    };
    static const doc copy[] = {
        {"s2", "2021-01-01", "en", NULL, "The harbour story, as it was first told.", NULL},
    };
    fixture *f = *state;
    build(f, first, 2);
    char *got = page(f, "harbour", 0, 10, 0);
    assert_string_equal(got, "o1+0,s1+0");
    free(got);
    index_docs(f, copy, 1, NULL);
    int changed = 0;
    izde_error err;
    assert_int_equal(izde_searcher_refresh(f->s, &changed, &err), IZDE_OK);
    assert_true(changed);
    char *quick = page(f, "harbour", 0, 10, 0), *full = page(f, "harbour", 0, 10, 1);
    assert_string_equal(quick, full);
    assert_non_null(strstr(quick, "s2+1"));
    assert_null(strstr(quick, "s1"));
    free(quick);
    free(full);
}

/* Before each request a searcher looks at a few files' stamps instead of reopening
 * (lib/search/watch.h): each commit still shows at once, however fast they come, and a
 * refresh with nothing new changes nothing. */
static void test_refresh_sees_each_commit(void **state)
{
    static const doc first[] = {{"e0", "2020-01-01", "en", NULL, "a rowing entry", NULL}};
    fixture *f = *state;
    build(f, first, 1);
    for (uint32_t i = 1; i <= 12; i++) {
        char id[16];
        snprintf(id, sizeof id, "e%u", (unsigned)i);
        doc d = {id, "2020-01-02", "en", NULL, "another rowing entry", NULL};
        index_docs(f, &d, 1, NULL);
        int changed = 0;
        izde_error err;
        izde_index_info info;
        assert_int_equal(izde_searcher_refresh(f->s, &changed, &err), IZDE_OK);
        assert_true(changed);
        assert_int_equal(izde_searcher_info(f->s, &info, &err), IZDE_OK);
        assert_int_equal(info.entries, i + 1);
        assert_int_equal(izde_searcher_refresh(f->s, &changed, &err), IZDE_OK);
        assert_false(changed);
    }
}

static void test_duplicates_collapse(void **state)
{
    static const doc docs[] = {
        {"copy1", "2020-01-01", "en", "Same story", "The very same story, twice.", NULL},
        {"copy2", "2020-01-01", "en", "Same story", "The  very same STORY — twice!", NULL},
        {"other", "2020-01-01", "en", NULL, "A different story.", NULL},
    };
    fixture *f = *state;
    build(f, docs, 3);
    izde_search_request req;
    izde_search_request_init(&req);
    req.query = "story";
    izde_results *r = NULL;
    assert_int_equal(izde_search(f->s, &req, &r, NULL), IZDE_OK);
    assert_int_equal(r->n_hits, 2);
    uint32_t dups = r->hits[0].duplicates + r->hits[1].duplicates;
    assert_int_equal(dups, 1);
    izde_results_free(r);
    req.facets = 1; /* facets count a collapsed story once, like the results */
    assert_int_equal(izde_search(f->s, &req, &r, NULL), IZDE_OK);
    assert_int_equal(r->total, 2);
    assert_int_equal(facet_count(r, "year", "2020"), 2);
    izde_results_free(r);
    req.no_collapse = 1;
    assert_int_equal(izde_search(f->s, &req, &r, NULL), IZDE_OK);
    assert_int_equal(r->n_hits, 3);
    assert_int_equal(facet_count(r, "year", "2020"), 3);
    izde_results_free(r);
}

static void test_facets_count_the_whole_match_set(void **state)
{
    static const doc docs[] = {
        {"e1", "2019-01-01", "en", NULL, "Olympic news one", "NOC"},
        {"e2", "2019-02-01", "en", NULL, "Olympic news two", "UNESCO"},
        {"e3", "2020-01-01", "en", NULL, "Olympic news three", "NOC"},
        {"r1", "2020-03-01", "ru", NULL, "Olympic в Казахстане", "NOC"},
        {"x1", "2020-03-01", "en", NULL, "Unrelated text", "NOC"},
    };
    fixture *f = *state;
    build(f, docs, 5);
    izde_search_request req;
    izde_search_request_init(&req);
    req.query = "olympic";
    req.limit = 1; /* counts must not depend on the page */
    req.facets = 1;
    izde_results *r = NULL;
    assert_int_equal(izde_search(f->s, &req, &r, NULL), IZDE_OK);
    assert_int_equal(r->total, 4);
    assert_int_equal(r->n_hits, 1);
    assert_int_equal(facet_count(r, "year", "2019"), 2);
    assert_int_equal(facet_count(r, "year", "2020"), 2);
    assert_int_equal(facet_count(r, "lang", "en"), 3);
    assert_int_equal(facet_count(r, "lang", "ru"), 1);
    assert_int_equal(facet_count(r, "tag", "NOC"), 3);
    assert_int_equal(facet_count(r, "tag", "UNESCO"), 1);
    izde_results_free(r);
}

static void test_filters(void **state)
{
    static const doc docs[] = {
        {"e1", "2019-01-01", "en", NULL, "Olympic news one", "NOC"},
        {"e2", "2019-06-15", "en", NULL, "Olympic news two", "UNESCO"},
        {"k1", "2020-01-01", "kk", NULL, "Олимпиада жаңалықтары", "NOC"},
    };
    fixture *f = *state;
    build(f, docs, 3);
    ASSERT_IDS(f, "olympic date:2019-06", "e2");
    ASSERT_IDS(f, "olympic before:2019-06-15", "e1");
    ASSERT_IDS(f, "olympic after:2019-01-01", "e2");
    ASSERT_IDS(f, "olympic tag:unesco", "e2");
    ASSERT_IDS(f, "lang:kk", "k1");
    ASSERT_IDS(f, "olympic -two", "e1");
    izde_search_request req;
    izde_search_request_init(&req);
    req.query = "olympic";
    req.from_day = 20190201;
    char *got = ids(f, &req);
    assert_string_equal(got, "e2");
    free(got);
    req.from_day = 0;
    req.lang = "ru";
    izde_error err;
    izde_results *r = NULL;
    assert_int_equal(izde_search(f->s, &req, &r, &err), IZDE_OK);
    assert_int_equal(r->total, 0);
    izde_results_free(r);
    req.lang = "xx";
    assert_int_equal(izde_search(f->s, &req, &r, &err), IZDE_ERR_INVALID_ARG);
}

static void test_spelling_and_completions(void **state)
{
    static const doc docs[] = {
        {"e1", "2019-01-01", "en", "Olympic team", "The olympic team trained.", NULL},
        {"e2", "2019-01-01", "en", NULL, "Olympic games and olympians.", NULL},
        {"k1", "2019-01-01", "kk", NULL, "Қазақстан құрамасы жеңді.", NULL},
        {"r1", "2019-01-01", "ru", NULL, "Сборная тренировалась на стадионе.", NULL},
    };
    fixture *f = *state;
    build(f, docs, 4);
    izde_search_request req;
    izde_search_request_init(&req);
    req.query = "olimpic team";
    izde_results *r = NULL;
    assert_int_equal(izde_search(f->s, &req, &r, NULL), IZDE_OK);
    assert_non_null(r->suggestion);
    assert_string_equal(r->suggestion, "olympic team");
    izde_results_free(r);
    req.query = "olympic";
    assert_int_equal(izde_search(f->s, &req, &r, NULL), IZDE_OK);
    assert_null(r->suggestion); /* nothing to correct */
    izde_results_free(r);
    /* a short word is offered words one edit away (tram: team), not two (trim) */
    req.query = "tram";
    assert_int_equal(izde_search(f->s, &req, &r, NULL), IZDE_OK);
    assert_non_null(r->suggestion);
    assert_string_equal(r->suggestion, "team");
    izde_results_free(r);
    req.query = "trim";
    assert_int_equal(izde_search(f->s, &req, &r, NULL), IZDE_OK);
    assert_null(r->suggestion);
    izde_results_free(r);
    req.query = "тренеровалась құрамсы"; /* the dictionary's keys: one byte a letter */
    assert_int_equal(izde_search(f->s, &req, &r, NULL), IZDE_OK);
    assert_non_null(r->suggestion);
    assert_string_equal(r->suggestion, "тренировалась құрамасы");
    izde_results_free(r);

    char **items = NULL;
    size_t n = 0;
    assert_int_equal(izde_suggest(f->s, "the Olym", 8, 5, &items, &n, NULL), IZDE_OK);
    assert_true(n >= 2);
    assert_string_equal(items[0], "the olympic"); /* most frequent completion first */
    izde_strings_free(items, n);
    assert_int_equal(izde_suggest(f->s, "Қаз", strlen("Қаз"), 5, &items, &n, NULL), IZDE_OK);
    assert_int_equal(n, 1);
    assert_string_equal(items[0], "қазақстан");
    izde_strings_free(items, n);
    assert_int_equal(izde_suggest(f->s, "zzz", 3, 5, &items, &n, NULL), IZDE_OK);
    assert_int_equal(n, 0);
    izde_strings_free(items, n);
}

static void test_synonyms(void **state)
{
    static const doc docs[] = {
        {"astana", "2019-01-01", "en", NULL, "A run in Astana.", NULL},
        {"nursultan", "2020-01-01", "en", NULL, "A run in Nur-Sultan.", NULL},
        {"kk", "2020-01-01", "kk", NULL, "Нұр-Сұлтанда жүгіру.", NULL},
        {"noc", "2020-01-01", "en", NULL, "The National Olympic Committee met.", NULL},
        {"ru", "2020-01-01", "ru", NULL, "НОК провёл встречу.", NULL},
        {"other", "2020-01-01", "en", NULL, "A run in Almaty.", NULL},
        {"kz", "2020-01-01", "en", NULL, "Kazakhstan won.", NULL},
        {"kzkk", "2020-01-01", "kk", NULL, "Қазақстанда жарыс өтті.", NULL},
    };
    fixture *f = *state;
    static const char conf[] = "# capital\n"
                               "Astana = Nur-Sultan = Нұр-Сұлтан\n"
                               "\n"
                               "NOC = National Olympic Committee = НОК\n"
                               "Kazakhstan = Қазақстан\n";
    char *path = write_file(f->dir, "synonyms.conf", conf, sizeof conf - 1);
    char *index = malloc(strlen(f->dir) + 8);
    sprintf(index, "%s/index", f->dir);
    fixture g = {index, NULL};
    build_with(&g, docs, 8, path);
    /* members count as one synonym: equal weights, ties by date then id */
    ASSERT_IDS(&g, "astana", "astana,kk,nursultan");
    ASSERT_IDS(&g, "Nur-Sultan", "nursultan,astana,kk");
    /* both match through the group only: which comes first is BM25's business */
    ASSERT_ID_SET(&g, "noc", "noc,ru");
    ASSERT_ID_SET(&g, "national olympic committee", "noc,ru");
    ASSERT_ID_SET(&g, "\"national olympic committee\"", "noc,ru");
    /* a member written in Latin-script Kazakh, as it is and inflected */
    ASSERT_ID_SET(&g, "Qazaqstan", "kz,kzkk");
    ASSERT_ID_SET(&g, "Qazaqstanda", "kz,kzkk");
    izde_searcher_close(g.s);
    free(index);
    free(path);
}

static void test_synonyms_file_errors(void **state)
{
    izde_text *t = NULL;
    izde_synonyms *syn = NULL;
    izde_error err;
    assert_int_equal(izde_text_new(&t, NULL), IZDE_OK);
    static const char bad[] = "a = b\nlonely\n";
    assert_int_equal(izde_synonyms_parse(t, bad, sizeof bad - 1, &syn, &err), IZDE_ERR_INVALID_ARG);
    assert_non_null(strstr(err.msg, "line 2"));
    static const char twice[] = "a = b\nb = c\n";
    assert_int_equal(izde_synonyms_parse(t, twice, sizeof twice - 1, &syn, &err),
                     IZDE_ERR_INVALID_ARG);
    static const char good[] = "ЁЛКА = Fir-Tree = ель\n# x\nNOC = National  Olympic Committee\n";
    assert_int_equal(izde_synonyms_parse(t, good, sizeof good - 1, &syn, &err), IZDE_OK);
    int g = izde_synonyms_find(syn, "елка");
    assert_true(g >= 0);
    assert_int_equal(izde_synonyms_group_size(syn, g), 3);
    assert_int_equal(izde_synonyms_find(syn, "fir tree"), g);
    assert_int_equal(izde_synonyms_find(syn, "national olympic committee"),
                     izde_synonyms_find(syn, "noc"));
    assert_int_equal(izde_synonyms_max_words(syn), 3);
    char *stored = izde_synonyms_serialise(syn);
    izde_synonyms *again = NULL;
    assert_int_equal(izde_synonyms_parse(t, stored, strlen(stored), &again, &err), IZDE_OK);
    char *stored2 = izde_synonyms_serialise(again);
    assert_string_equal(stored, stored2);
    free(stored);
    free(stored2);
    izde_synonyms_free(again);
    izde_synonyms_free(syn);
    assert_int_equal(izde_synonyms_load(t, "/nonexistent/syn.conf", &syn, &err), IZDE_ERR_IO);
    izde_text_free(t);
    (void)state;
}

static void test_stop_words_do_not_dominate(void **state)
{
    static const doc docs[] = {
        {"stop", "2020-01-01", "en", NULL, "the the the the the the olympic run", NULL},
        {"content", "2020-01-01", "en", NULL, "the olympic olympic run run run run", NULL},
        {"ru-stop", "2020-01-01", "ru", NULL, "и и и и и и спорт бег", NULL},
        {"ru-content", "2020-01-01", "ru", NULL, "и спорт спорт бег бег бег бег", NULL},
    };
    build(*state, docs, 4);
    ASSERT_IDS(*state, "the olympic", "content,stop");
    ASSERT_IDS(*state, "и спорт", "ru-content,ru-stop");
    ASSERT_IDS(*state, "the", "stop,content"); /* alone, a stop word still ranks normally */
}

static void test_kazakh_typed_without_kazakh_letters(void **state)
{
    static const doc docs[] = {
        {"native", "2020-01-01", "kk", NULL, "Қазақстанға жаңа спортшылар келді.", NULL},
        {"typed", "2020-01-01", "kk", NULL, "Казакстанга жана спортшылар келди.", NULL},
        {"book", "2020-01-01", "kk", NULL, "Жаттықтырушының кітабы және еңбегінің нәтижесі.", NULL},
        {"ru", "2020-01-01", "ru", NULL, "Сотрудничество с соседями.", NULL},
        {"court", "2020-01-01", "kk", NULL, "Спорт соты шешім шығарды, іс сотқа жетті.", NULL},
        {"capital", "2020-01-01", "kk", NULL, "Астанада жарыс өтті.", NULL},
        {"more", "2020-01-01", "kk", NULL, "Жүзден астам адам келді.", NULL},
    };
    fixture *f = *state;
    build(f, docs, 7);
    /* Folding works from the query side: text typed without Kazakh letters is matched as
     * it is written. */
    ASSERT_IDS(f, "Қазақстанға", "native");
    ASSERT_IDS(f, "Қазақстан", "native");         /* through the Kazakh stem */
    ASSERT_IDS(f, "казакстанга", "typed,native"); /* the typed form first, then folded */
    ASSERT_IDS(f, "казакстандагы", "native");     /* folded and inflected */
    ASSERT_IDS(f, "Qazaqstan", "native");         /* 2021 Latin alphabet */
    ASSERT_IDS(f, "kitap", "book");               /* informal Latin, consonant alternation */
    ASSERT_IDS(f, "Astana", "capital"); /* a headword as it is: not аста-на, so not астам */
    ASSERT_IDS(f, "кітап", "book");
    ASSERT_IDS(f, "еңбек", "book");
    ASSERT_IDS(f, "сот", "court"); /* a short stem: never сотрудничество */
    izde_search_request req;
    izde_search_request_init(&req);
    req.query = "китабы енбегинин";
    izde_results *r = NULL;
    assert_int_equal(izde_search(f->s, &req, &r, NULL), IZDE_OK);
    assert_non_null(r->suggestion); /* did you mean: the Kazakh spelling */
    assert_string_equal(r->suggestion, "кітабы еңбегінің");
    izde_results_free(r);
}

static void test_bad_queries(void **state)
{
    static const doc docs[] = {{"e1", "2019-01-01", "en", NULL, "text", NULL}};
    fixture *f = *state;
    build(f, docs, 1);
    izde_search_request req;
    izde_search_request_init(&req);
    izde_results *r = NULL;
    izde_error err;
    req.query = "   ";
    assert_int_equal(izde_search(f->s, &req, &r, &err), IZDE_ERR_INVALID_ARG);
    req.query = "\"open";
    req.strict = 1;
    assert_int_equal(izde_search(f->s, &req, &r, &err), IZDE_ERR_QUERY_SYNTAX);
    assert_non_null(strstr(err.msg, "position"));
    req.strict = 0;
    assert_int_equal(izde_search(f->s, &req, &r, &err), IZDE_OK);
    izde_results_free(r);
    req.query = "& text";
    assert_int_equal(izde_search(f->s, &req, &r, &err), IZDE_OK);
    assert_int_equal(r->total, 1); /* a word-less term constrains nothing */
    izde_results_free(r);
    req.query = "&";
    assert_int_equal(izde_search(f->s, &req, &r, &err), IZDE_OK);
    assert_int_equal(r->total, 0);
    izde_results_free(r);
}

/* A phrase word matches its other forms (день/дня: a fleeting vowel) and, typed without
 * Kazakh letters, its Kazakh spelling's forms (куни: күні, күнімен). */
static void test_phrases_across_forms(void **state)
{
    static const doc docs[] = {
        {"r1", "2020-06-23", "ru", NULL, "Праздник Олимпийского дня прошёл в парке.", NULL},
        {"r2", "2020-06-24", "ru", NULL, "Олимпийский чемпион провёл день в парке.", NULL},
        {"k1", "2020-06-23", "kk", NULL, "Олимпиада күнімен құттықтады.", NULL},
        {"k2", "2020-06-24", "kk", NULL, "Олимпиада ойындары мен спорт күні.", NULL},
        {"k3", "2020-06-25", "kk", NULL, "Жаңа нұсқаны орнатыңыз.", NULL},
        {"k4", "2020-06-26", "kk", NULL, "Нұсқа туралы. Орнату оңай.", NULL},
    };
    fixture *f = *state;
    build(f, docs, 6);
    ASSERT_IDS(f, "\"Олимпийский день\"", "r1");
    ASSERT_IDS(f, "\"Олимпиада куни\"", "k1");
    ASSERT_IDS(f, "\"Олимпиада күні\"", "k1");
    ASSERT_IDS(f, "дня парке", "r1,r2");
    /* a Kazakh phrase through every reading of its words (a verb by its dictionary form),
     * in order and adjacent only */
    ASSERT_IDS(f, "\"нұсқа орнату\"", "k3");
    ASSERT_IDS(f, "\"нұсқасын орнатты\"", "k3");
}

/* A phrase is one check of positions over each word's forms, the exact forms weighing most:
 * the exact phrase ranks above a shorter entry that has only other forms of its words, and
 * a word with no other forms in the index (xylophone) still takes part. */
static void test_exact_phrase_ranks_first(void **state)
{
    static const doc docs[] = {
        {"exact", "2020-01-01", "en", NULL, "Olympic games opened in the city.", NULL},
        {"forms", "2020-01-02", "en", NULL, "Olympics game opened in the city with fireworks.",
         NULL},
        {"apart", "2020-01-03", "en", NULL, "Olympic hopes. Games later.", NULL},
        {"lone-forms", "2020-01-04", "en", NULL,
         "Olympics xylophone band played in the city park all evening.", NULL},
        {"lone-exact", "2020-01-05", "en", NULL, "An olympic xylophone band.", NULL},
        {"ru-exact", "2020-01-06", "ru", NULL,
         "Олимпийский день прошёл в парке с музыкой и играми до вечера.", NULL},
        {"ru-forms", "2020-01-07", "ru", NULL, "Олимпийского дня праздник.", NULL},
    };
    fixture *f = *state;
    build(f, docs, 7);
    ASSERT_IDS(f, "\"olympic games\"", "exact,forms");
    ASSERT_IDS(f, "\"olympic xylophone\"", "lone-exact,lone-forms");
    ASSERT_IDS(f, "\"xylophone band\"", "lone-exact,lone-forms");
    ASSERT_IDS(f, "\"Олимпийский день\"", "ru-exact,ru-forms");
    ASSERT_IDS(f, "\"olympic games\" -fireworks", "exact");
    ASSERT_IDS(f, "title:\"olympic games\"", "");
}

/* Kazakh through the analyser: a base word finds its forms, not its derivations nor a Russian
 * word that starts like it, and the exact form ranks first. */
static void test_kazakh_forms(void **state)
{
    static const doc docs[] = {
        {"court", "2020-01-01", "kk", NULL, "Сот шешімі шықты.", NULL},
        {"coop", "2020-01-02", "ru", NULL, "Сотрудничество развивается.", NULL},
        {"its-picture", "2020-01-03", "kk", NULL, "Суретін жүктеңіз.", NULL},
        {"picture", "2020-01-04", "kk", NULL, "Сурет сәтті сақталды.", NULL},
        {"painter", "2020-01-05", "kk", NULL, "Суретші келді.", NULL},
        {"were-read", "2020-01-06", "kk", NULL, "Кітаптар оқылды.", NULL},
        {"reads", "2020-01-07", "kk", NULL, "Балалар кітап оқиды.", NULL},
        {"reader", "2020-01-08", "kk", NULL, "Оқушы келді.", NULL},
    };
    fixture *f = *state;
    build(f, docs, 8);
    ASSERT_IDS(f, "сот", "court");
    ASSERT_IDS(f, "сурет", "picture,its-picture");
    ASSERT_IDS(f, "суретін", "its-picture,picture");
    ASSERT_ID_SET(f, "оқу", "reads,were-read");
    ASSERT_ID_SET(f, "оқыды", "reads,were-read");
    ASSERT_ID_SET(f, "кітабы", "reads,were-read");
}

/* Whether the results JSON of query (with snippets) holds want. */
static int json_has(fixture *f, const char *query, const char *want)
{
    izde_search_request req;
    izde_search_request_init(&req);
    req.query = query;
    req.snippets = 1;
    izde_results *r = NULL;
    char *json = NULL;
    size_t len = 0;
    assert_int_equal(izde_search(f->s, &req, &r, NULL), IZDE_OK);
    assert_int_equal(izde_results_to_json(r, &json, &len, NULL), IZDE_OK);
    int found = strstr(json, want) != NULL;
    free(json);
    izde_results_free(r);
    return found;
}

/* Russian base words whose stem Snowball reads apart from their other forms' (short stems
 * with a fleeting vowel: рынок and рынка; уровень; запись): a query's base word still finds
 * those forms, in words, phrases and highlights. */
static void test_russian_fleeting_vowels(void **state)
{
    static const doc docs[] = {
        {"market", "2020-01-01", "ru", NULL, "Цены на рынке выросли.", NULL},
        {"cup", "2020-01-02", "ru", NULL, "Этап Кубка мира прошёл в Алматы.", NULL},
        {"races", "2020-01-03", "ru", NULL, "Сезон лыжных гонок открыт.", NULL},
        {"fighter", "2020-01-04", "ru", NULL, "Казахстанского борца наградили.", NULL},
        {"term", "2020-01-05", "ru", NULL, "Сроки сдачи продлили.", NULL},
        {"level", "2020-01-06", "ru", NULL, "Рост уровня жизни на уровне регионов.", NULL},
        {"records", "2020-01-07", "ru", NULL, "Записи переговоров опубликованы.", NULL},
        {"owner", "2020-01-08", "ru", NULL, "Клуб сменил владельца.", NULL},
        {"salt", "2020-01-09", "ru", NULL, "Добавьте соль по вкусу.", NULL},
        {"file", "2020-01-10", "ru", NULL, "Файл недоступен, он удален.", NULL},
        {"film", "2020-01-11", "ru", NULL, "Зрители смотрели фильм.", NULL},
        {"right", "2020-01-12", "ru", NULL, "Граждане имеют право голоса.", NULL},
        {"found", "2020-01-13", "ru", NULL, "Пропажу нашли в лесу.", NULL},
        {"meeting", "2020-01-14", "ru", NULL, "Министр проведёт встречу.", NULL},
        {"merge", "2020-01-15", "ru", NULL, "Данные сольют в одну базу.", NULL},
    };
    fixture *f = *state;
    build(f, docs, 15);
    ASSERT_IDS(f, "рынок", "market");
    ASSERT_IDS(f, "кубок", "cup");
    ASSERT_IDS(f, "\"кубок мира\"", "cup");
    ASSERT_IDS(f, "гонка", "races");
    ASSERT_IDS(f, "борец", "fighter");
    ASSERT_IDS(f, "срок", "term"); /* срок keeps its о: nothing to join, nothing lost */
    assert_true(json_has(f, "рынок", "<mark>рынке</mark>"));
    assert_true(json_has(f, "гонка", "<mark>гонок</mark>"));
    /* base words Snowball reads apart from their other forms (уровень → ур, уровня → уровн) */
    ASSERT_IDS(f, "уровень", "level");
    ASSERT_IDS(f, "\"уровень жизни\"", "level");
    ASSERT_IDS(f, "запись", "records");
    ASSERT_IDS(f, "владелец", "owner");
    ASSERT_IDS(f, "добавить", "salt");    /* the imperative in -ьте */
    ASSERT_IDS(f, "недоступный", "file"); /* short adjectives and participles */
    ASSERT_IDS(f, "\"удаленный\"", "file");
    assert_true(json_has(f, "недоступный", "<mark>недоступен</mark>"));
    ASSERT_IDS(f, "смотреть", "film"); /* the past of a verb in -еть */
    assert_true(json_has(f, "смотреть", "<mark>смотрели</mark>"));
    ASSERT_IDS(f, "иметь", "right"); /* the present of a verb in -еть that keeps its е */
    assert_true(json_has(f, "уровень", "<mark>уровне</mark>"));
    /* verbs whose stem changes: present and past, marked though they begin otherwise */
    ASSERT_IDS(f, "найти", "found");
    ASSERT_IDS(f, "провести", "meeting");
    ASSERT_IDS(f, "слить", "merge"); /* сольют, not соль */
    assert_true(json_has(f, "найти", "<mark>нашли</mark>"));
    assert_true(json_has(f, "слить", "<mark>сольют</mark>"));
}

/* English forms that Snowball stems apart from their base word (went, children, smaller): a
 * query's base word finds them, in words, phrases and highlights, but not through a stem
 * another word shares (rang: range; thought: thoughts). */
static void test_english_irregular_forms(void **state)
{
    static const doc docs[] = {
        {"went", "2020-01-01", "en", NULL, "The minister went to Astana.", NULL},
        {"kids", "2020-01-02", "en", NULL, "The children's hospital opened.", NULL},
        {"thoughts", "2020-01-03", "en", NULL, "His thoughts were elsewhere.", NULL},
        {"smaller", "2020-01-04", "en", NULL, "A smaller team won the cup.", NULL},
        {"rang", "2020-01-05", "en", NULL, "The bell rang twice.", NULL},
        {"range", "2020-01-06", "en", NULL, "A wide range of goods.", NULL},
        {"lives", "2020-01-07", "en", NULL, "Their lives changed.", NULL},
        {"women", "2020-01-08", "en", NULL, "Women's football grew.", NULL},
        {"colors", "2020-01-09", "en", NULL, "The colors of the flag.", NULL},
        {"experienced", "2020-01-10", "en", NULL, "The team experienced a setback.", NULL},
        {"rain", "2020-01-11", "en", NULL, "We won't see rain; there'll be snow.", NULL},
        {"crowd", "2020-01-12", "en", NULL, "Ten people came to the 9-го gathering.", NULL},
        {"city", "2020-01-13", "ru", NULL, "Турнир прошёл в Алматы.", NULL},
    };
    fixture *f = *state;
    build(f, docs, 13);
    ASSERT_IDS(f, "go", "went");
    ASSERT_IDS(f, "gone", "went");
    ASSERT_IDS(f, "\"go to astana\"", "went");
    ASSERT_IDS(f, "child", "kids");
    ASSERT_IDS(f, "small", "smaller");
    ASSERT_IDS(f, "ring", "rang");
    ASSERT_IDS(f, "life", "lives");
    ASSERT_IDS(f, "think", "");
    ASSERT_IDS(f, "woman", "women");
    ASSERT_IDS(f, "colour", "colors");
    ASSERT_IDS(f, "experience", "experienced"); /* Snowball: experi, experienc */
    assert_true(json_has(f, "go", "<mark>went</mark>"));
    assert_true(json_has(f, "child", "<mark>children&#39;s</mark>"));
    assert_true(json_has(f, "\"go to astana\"", "<mark>went to Astana</mark>"));
    /* contractions are their base word's forms; people is person's plural */
    ASSERT_IDS(f, "will", "rain");
    ASSERT_IDS(f, "there", "rain");
    assert_true(json_has(f, "will", "<mark>won&#39;t</mark>"));
    ASSERT_IDS(f, "person", "crowd");
    /* Latin-script Kazakh for words of three letters or more, marked in any entry; go is not
     * го */
    ASSERT_IDS(f, "Almaty", "city");
    assert_true(json_has(f, "Almaty", "<mark>Алматы</mark>"));
}

/* A Latin name with a Russian or Kazakh case ending is found by the name, and marked whole. */
static void test_latin_names_with_cyrillic_endings(void **state)
{
    static const doc docs[] = {
        {"ru", "2020-01-01", "ru", NULL, "Он написал об этом в Facebook'е.", NULL},
        {"kk", "2020-01-02", "kk", NULL, "Ол Facebookта жазды.", NULL},
        {"en", "2020-01-03", "en", NULL, "Posted on Facebook yesterday.", NULL},
        {"other", "2020-01-04", "ru", NULL, "Об этом написали в газете.", NULL},
    };
    fixture *f = *state;
    build(f, docs, 4);
    ASSERT_ID_SET(f, "facebook", "en,kk,ru");
    assert_true(json_has(f, "facebook", "<mark>Facebook&#39;е</mark>"));
    assert_true(json_has(f, "facebook", "<mark>Facebookта</mark>"));
    ASSERT_IDS(f, "Facebook'е", "ru");
}

/* Kazakh writes the endings of abbreviations, numbers and Latin names after a hyphen: the
 * phrase reads through them, and an ending alone is no word of the text. */
static void test_hyphenated_endings(void **state)
{
    static const doc docs[] = {
        {"noc", "2020-01-01", "kk", NULL, "ҰОК-тың президенті келді.", NULL},
        {"virgin", "2020-01-02", "kk", NULL, "Тың жерлер игерілді.", NULL},
        {"covid", "2020-01-03", "kk", NULL, "COVID-19-дан кейін жарыс өтті.", NULL},
    };
    fixture *f = *state;
    build(f, docs, 3);
    ASSERT_IDS(f, "\"ҰОК президенті\"", "noc");
    ASSERT_IDS(f, "\"ҰОК-тың президенті\"", "noc");
    ASSERT_IDS(f, "тың", "virgin");
    ASSERT_IDS(f, "\"COVID-19 кейін\"", "covid");
    assert_true(json_has(f, "ҰОК", "<mark>ҰОК</mark>-тың"));
}

/* A number finds itself written with its thousands grouped, either way round. */
static void test_grouped_numbers(void **state)
{
    static const doc docs[] = {
        {"comma", "2020-01-01", "en", NULL, "About 1,000 athletes came.", NULL},
        {"space", "2020-01-02", "ru", NULL, "Приехали 1 000 спортсменов.", NULL},
        {"plain", "2020-01-03", "en", NULL, "The 1000 metres race.", NULL},
        {"decimal", "2020-01-04", "ru", NULL, "Рост 1,000 процента и 100 очков.", NULL},
    };
    fixture *f = *state;
    build(f, docs, 4);
    ASSERT_ID_SET(f, "1000", "comma,decimal,plain,space");
    ASSERT_ID_SET(f, "1,000", "comma,decimal,plain,space");
    ASSERT_ID_SET(f, "100", "decimal");
    ASSERT_ID_SET(f, "1 000", "comma,decimal,plain,space"); /* typed with a space */
    ASSERT_ID_SET(f, "1 000 athletes", "comma");
    ASSERT_ID_SET(f, "1  000", "space"); /* two spaces: two words */
    assert_true(json_has(f, "1000", "<mark>1 000</mark>"));
    assert_true(json_has(f, "1,000", "<mark>1000</mark>"));
}

/* A Cyrillic word typed with a Latin look-alike letter is found by its Cyrillic spelling, and
 * the other way round. */
static void test_latin_lookalikes(void **state)
{
    static const doc docs[] = {
        {"latin-k", "2020-01-01", "ru", NULL, "Kазахстан и Pоссия подписали соглашение.", NULL},
        {"native", "2020-01-02", "ru", NULL, "Казахстан принял гостей.", NULL},
    };
    fixture *f = *state;
    build(f, docs, 2);
    ASSERT_ID_SET(f, "казахстан", "latin-k,native");
    ASSERT_ID_SET(f, "россии", "latin-k");
    ASSERT_ID_SET(f, "Kазахстан", "latin-k,native");
    assert_true(json_has(f, "казахстан", "<mark>Kазахстан</mark>"));
}

/* In an entry long enough for its snippet to be read from the places that hold a match
 * (IZDE_WAYPOINT_MIN_BYTES), the forms a Russian base word finds through its paradigm stem
 * (уровень: уровне) and a stem's other spelling (рынок: рынке) are marked as in a short one. */
static void test_russian_forms_in_long_entries(void **state)
{
    static const char filler[] = "Погода была хорошей и солнечной весь день. ";
    size_t n = 2 * IZDE_WAYPOINT_MIN_BYTES / (sizeof filler - 1) + 1, at = 0;
    char *body = malloc(n * (sizeof filler - 1) + 128);
    assert_non_null(body);
    for (size_t i = 0; i < n; i++, at += sizeof filler - 1) {
        memcpy(body + at, filler, sizeof filler - 1);
        if (i == n / 2) {
            static const char match[] = "Цены на рынке на уровне прошлого года. ";
            memcpy(body + at + sizeof filler - 1, match, sizeof match - 1);
            at += sizeof match - 1;
        }
    }
    body[at] = '\0';
    doc docs[] = {{"long", "2020-01-01", "ru", NULL, body, NULL}};
    fixture *f = *state;
    build(f, docs, 1);
    assert_true(json_has(f, "уровень", "<mark>уровне</mark>"));
    assert_true(json_has(f, "рынок", "<mark>рынке</mark>"));
    free(body);
}

typedef struct walk {
    char ids[8][64];
    char langs[8][3];
    size_t n, stop_after;
} walk;

static int collect(void *ctx, const izde_entry *e)
{
    walk *w = ctx;
    assert_true(w->n < 8);
    snprintf(w->ids[w->n], sizeof w->ids[0], "%s", e->id);
    memcpy(w->langs[w->n], e->lang, 3);
    assert_int_equal(izde_entry_validate(e, NULL), IZDE_OK);
    return ++w->n == w->stop_after;
}

/* Every stored entry, duplicates and all, in id order, with the decided language. */
static void test_each_entry(void **state)
{
    fixture *f = *state;
    static const doc docs[] = {
        {"b", "2020-01-01", NULL, "Title", "Same story about swimming.", NULL},
        {"a", "2021-01-01", "en", NULL, "Same story about swimming.", NULL},
        {"c-kk", "", NULL, NULL, "Қазақстан құрамасы жеңді.", "NOC"},
        {"B", "2019-01-01", "ru", NULL, "Сборная выиграла.", NULL},
    };
    build(f, docs, 4);
    walk w = {0};
    izde_error err;
    assert_int_equal(izde_searcher_each_entry(f->s, collect, &w, &err), IZDE_OK);
    assert_int_equal(w.n, 4);
    static const char *const order[] = {"B", "a", "b", "c-kk"};
    static const char *const langs[] = {"ru", "en", "en", "kk"}; /* b and c-kk detected */
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(w.ids[i], order[i]);
        assert_string_equal(w.langs[i], langs[i]);
    }
    walk first_two = {.stop_after = 2};
    assert_int_equal(izde_searcher_each_entry(f->s, collect, &first_two, &err), IZDE_OK);
    assert_int_equal(first_two.n, 2);
}

static uint32_t count_of(fixture *f, const char *query)
{
    izde_search_request req;
    izde_search_request_init(&req);
    req.query = query;
    uint32_t n = 0;
    izde_error err;
    if (izde_search_count(f->s, &req, &n, &err) != IZDE_OK)
        fail_msg("count %s: %s", query, err.msg);
    return n;
}

/* A prefix of up to four letters finds every word that begins so, through the words'
 * beginnings, where the index's words would be cut at the 200 most frequent: 250 words
 * share "жқаб", one is "жқа" and one "жқ". Longer prefixes still expand into words. */
static void test_short_prefixes_find_every_word(void **state)
{
    enum { N = 250 };
    static const char letters[] = "абвгдежзийклмнопрстуфхцчшщъыьэюя";
    static char ids[N + 2][8], bodies[N + 2][64];
    static doc docs[N + 2];
    for (size_t i = 0; i < N + 2; i++) {
        snprintf(ids[i], sizeof ids[i], "d%zu", i);
        if (i == N)
            snprintf(bodies[i], sizeof bodies[i], "Бұл жқ сөзі");
        else if (i == N + 1)
            snprintf(bodies[i], sizeof bodies[i], "Бұл жқа сөзі");
        else
            snprintf(bodies[i], sizeof bodies[i], "Бұл жқаб%.2s%.2s сөзі", letters + 2 * (i / 32),
                     letters + 2 * (i % 32));
        docs[i] = (doc){ids[i], "2020-01-01", "kk", NULL, bodies[i], NULL};
    }
    fixture *f = *state;
    build(f, docs, N + 2);
    assert_int_equal(count_of(f, "ж*"), N + 2);
    assert_int_equal(count_of(f, "жқ*"), N + 2);
    assert_int_equal(count_of(f, "ЖҚ*"), N + 2);
    assert_int_equal(count_of(f, "жқа*"), N + 1);
    assert_int_equal(count_of(f, "жқаб*"), N);
    assert_int_equal(count_of(f, "жқаба*"), 32); /* words: the second-last letter а */
    assert_int_equal(count_of(f, "жқабаа*"), 1);
    assert_int_equal(count_of(f, "жқв*"), 0);
    ASSERT_IDS(f, "жқа* сөзі -жқаб*", "d251");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_title_ranks_above_body),
        T(test_exact_form_ranks_above_stem),
        T(test_date_sort_and_stable_ties),
        T(test_recency_boost_lifts_newer_entries),
        T(test_duplicates_collapse),
        T(test_copy_added_later_is_collapsed),
        T(test_refresh_sees_each_commit),
        T(test_pages_same_with_and_without_facets),
        T(test_facets_count_the_whole_match_set),
        T(test_filters),
        T(test_spelling_and_completions),
        T(test_synonyms),
        T(test_synonyms_file_errors),
        T(test_stop_words_do_not_dominate),
        T(test_kazakh_typed_without_kazakh_letters),
        T(test_bad_queries),
        T(test_phrases_across_forms),
        T(test_exact_phrase_ranks_first),
        T(test_kazakh_forms),
        T(test_russian_fleeting_vowels),
        T(test_english_irregular_forms),
        T(test_latin_names_with_cyrillic_endings),
        T(test_hyphenated_endings),
        T(test_grouped_numbers),
        T(test_latin_lookalikes),
        T(test_russian_forms_in_long_entries),
        T(test_each_entry),
        T(test_short_prefixes_find_every_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
