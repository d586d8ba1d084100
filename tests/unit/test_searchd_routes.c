/* izde-searchd's router without sockets: request decoding, every error case, search results,
 * suggestions, entries, health, metrics, CORS, static files, index refreshes and the pool of
 * searchers shared by request threads, on a small index built in a mkdtemp folder. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include <izde/indexer.h>
#include <izde/query.h>
#include <izde/search.h>

#include "pool.h"
#include "request.h"
#include "router.h"
#include "slot.h"
#include "state.h"

#include "test_support.h"

static const char *const entries[] = {
    "{\"id\":\"en-swim\",\"date\":\"2021-07-30\",\"lang\":\"en\",\"title\":\"Kazakhstan "
    "swimmers complete their programme\",\"body\":\"Every swimmer gave their best in a "
    "strong field, the head coach of the NOC said.\",\"tags\":[\"NOC\",\"swimming\"]}",
    "{\"id\":\"en-run\",\"date\":\"2019-06-23\",\"lang\":\"en\",\"title\":\"Thousands run on "
    "Olympic Day\",\"body\":\"More than 5,000 people took part in the Olympic Day run of the "
    "NOC.\",\"tags\":[\"NOC\",\"running\"]}",
    "{\"id\":\"ru-tree\",\"date\":\"2018-12-28\",\"lang\":\"ru\",\"title\":\"Новогодняя ёлка "
    "для детей спортсменов\",\"body\":\"НОК (NOC) провёл новогоднюю ёлку для детей спортсменов и "
    "тренеров.\",\"tags\":[\"NOC\"]}",
    "{\"id\":\"kk-team\",\"date\":\"2020-01-15\",\"lang\":\"kk\",\"title\":\"Қазақстан "
    "құрамасы жарысқа аттанды\",\"body\":\"Қазақстан құрамасының спортшылары халықаралық "
    "жарысқа аттанды (NOC).\",\"tags\":[\"NOC\",\"team\"]}",
    "{\"id\":\"id with space/and slash\",\"date\":\"2020-02-02\",\"lang\":\"en\","
    "\"body\":\"An entry whose id needs percent-encoding in a URL.\"}",
};

typedef struct fixture {
    char *dir;
    sd_state st;
    sd_slot slot;
} fixture;

static void add_entries(const char *dir, const char *const *lines, size_t n)
{
    izde_indexer *ix = NULL;
    izde_error err;
    izde_index_opts o = {.jobs = 1};
    if (izde_indexer_open(dir, &o, &ix, &err) != IZDE_OK)
        fail_msg("indexer: %s", err.msg);
    for (size_t i = 0; i < n; i++) {
        izde_entry *e = NULL;
        if (izde_entry_from_json(lines[i], strlen(lines[i]), &e, &err) != IZDE_OK)
            fail_msg("entry %zu: %s", i, err.msg);
        if (izde_indexer_add(ix, e, &err) != IZDE_OK)
            fail_msg("add %zu: %s", i, err.msg);
        izde_entry_free(e);
    }
    assert_int_equal(izde_indexer_finish(ix, NULL, &err), IZDE_OK);
    izde_indexer_close(ix);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tmpdir_make();
    add_entries(f->dir, entries, sizeof entries / sizeof entries[0]);
    sd_state_init(&f->st, f->dir, NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sd_slot_close(&f->slot);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* A response and its body parsed as JSON (NULL when it is not JSON). */
typedef struct answer {
    sd_response r;
    json_t *json;
} answer;

static answer call_full(fixture *f, const char *method, const char *target, const char *origin,
                        int has_body)
{
    answer a = {0};
    sd_request req = {.method = method, .origin = origin, .has_body = has_body};
    izde_error err;
    assert_int_equal(sd_request_parse_target(&req, target, strlen(target), &err), IZDE_OK);
    sd_route(&f->st, &f->slot, &req, &a.r);
    sd_request_clear(&req);
    if (a.r.content_type && strstr(a.r.content_type, "json"))
        a.json = json_loadb(a.r.body, a.r.body_len, 0, NULL);
    return a;
}

static answer call(fixture *f, const char *target)
{
    return call_full(f, "GET", target, NULL, 0);
}

static void answer_free(answer *a)
{
    json_decref(a->json);
    sd_response_clear(&a->r);
}

static const char *header(const answer *a, const char *name)
{
    for (size_t i = 0; i < a->r.n_headers; i++)
        if (strcmp(a->r.headers[i].name, name) == 0)
            return a->r.headers[i].value;
    return NULL;
}

static const char *error_code(const answer *a)
{
    return json_string_value(json_object_get(json_object_get(a->json, "error"), "code"));
}

static const char *first_id(const answer *a)
{
    json_t *hit = json_array_get(json_object_get(a->json, "results"), 0);
    return json_string_value(json_object_get(hit, "id"));
}

/* ---- request decoding -------------------------------------------------------------------- */

static void test_target_decoding(void **state)
{
    (void)state;
    sd_request req = {.method = "GET"};
    const char *t = "/a+b%2Fc?q=one+two%21&&tag=x&tag=y&flag&empty=";
    assert_int_equal(sd_request_parse_target(&req, t, strlen(t), NULL), IZDE_OK);
    assert_false(req.bad_encoding);
    assert_string_equal(req.path, "/a+b/c"); /* '+' is a space only in the query string */
    assert_int_equal(req.n_params, 5);
    assert_string_equal(sd_request_param(&req, "q", NULL), "one two!");
    assert_string_equal(req.params[1].value, "x");
    assert_string_equal(req.params[2].value, "y");
    assert_string_equal(sd_request_param(&req, "flag", NULL), "");
    assert_string_equal(sd_request_param(&req, "empty", NULL), "");
    assert_null(sd_request_param(&req, "missing", NULL));
    sd_request_clear(&req);

    static const char *const bad[] = {"/search?q=%zz", "/search?q=%4",     "/search?q=a%",
                                      "/search?q=%C3", "/search?q=%ff%fe", "/search?q=%00",
                                      "/%E2%82?q=x",   "/search?%zz=1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sd_request b = {.method = "GET"};
        assert_int_equal(sd_request_parse_target(&b, bad[i], strlen(bad[i]), NULL), IZDE_OK);
        if (!b.bad_encoding)
            fail_msg("%s was accepted", bad[i]);
        sd_request_clear(&b);
    }
}

/* ---- errors ------------------------------------------------------------------------------ */

typedef struct error_case {
    const char *method, *target;
    int has_body;
    int status;
    const char *code;
} error_case;

static void test_error_cases(void **state)
{
    static const error_case cases[] = {
        {"GET", "/search", 0, 400, "missing_query"},
        {"GET", "/search?q=", 0, 400, "missing_query"},
        {"GET", "/search?q=+%20+", 0, 400, "missing_query"},
        {"GET", "/suggest", 0, 400, "missing_query"},
        {"GET", "/search?q=%zz", 0, 400, "bad_encoding"},
        {"GET", "/search?q=caf%C3", 0, 400, "bad_encoding"},
        {"GET", "/search?q=a%00b", 0, 400, "bad_encoding"},
        {"GET", "/search?q=a&from=2021-02-30", 0, 400, "bad_date"},
        {"GET", "/search?q=a&to=yesterday", 0, 400, "bad_date"},
        {"GET", "/search?q=a&from=2021-1-1", 0, 400, "bad_date"},
        {"GET", "/search?q=a&from=2021-03-01&to=2021-01-01", 0, 400, "bad_date"},
        {"GET", "/search?q=a&per_page=0", 0, 400, "bad_parameter"},
        {"GET", "/search?q=a&per_page=101", 0, 400, "bad_parameter"},
        {"GET", "/search?q=a&per_page=ten", 0, 400, "bad_parameter"},
        {"GET", "/search?q=a&page=0", 0, 400, "bad_parameter"},
        {"GET", "/search?q=a&page=-1", 0, 400, "bad_parameter"},
        {"GET", "/search?q=a&page=1001", 0, 400, "bad_parameter"},
        {"GET", "/search?q=a&page=99999999999999999999", 0, 400, "bad_parameter"},
        {"GET", "/search?q=a&lang=de", 0, 400, "bad_parameter"},
        {"GET", "/search?q=a&sort=popular", 0, 400, "bad_parameter"},
        {"GET", "/search?q=a&facets=yes", 0, 400, "bad_parameter"},
        {"GET", "/nowhere", 0, 404, "not_found"},
        {"GET", "/entries/", 0, 404, "not_found"},
        {"GET", "/entries/no-such-entry", 0, 404, "not_found"},
        {"GET", "/static/missing.js", 0, 404, "not_found"},
        {"POST", "/search?q=a", 0, 405, "method_not_allowed"},
        {"PATCH", "/entries/en-swim", 0, 405, "method_not_allowed"},
        {"DELETE", "/entries/en-swim", 0, 403, "writes_disabled"}, /* no admin key */
        {"GET", "/search?q=a", 1, 413, "request_too_large"},
    };
    fixture *f = *state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const error_case *c = &cases[i];
        answer a = call_full(f, c->method, c->target, NULL, c->has_body);
        if (a.r.status != c->status || !error_code(&a) || strcmp(error_code(&a), c->code))
            fail_msg("%s %s: got %d %s, want %d %s", c->method, c->target, a.r.status,
                     error_code(&a) ? error_code(&a) : "(no error code)", c->status, c->code);
        assert_string_equal(a.r.content_type, "application/json; charset=utf-8");
        assert_non_null(
            json_string_value(json_object_get(json_object_get(a.json, "error"), "message")));
        if (c->status == 405)
            assert_string_equal(header(&a, "Allow"), "GET, HEAD, OPTIONS");
        answer_free(&a);
    }
}

static void test_length_limits(void **state)
{
    fixture *f = *state;
    char target[SD_TARGET_MAX + 64];
    int n = snprintf(target, sizeof target, "/search?q=");
    memset(target + n, 'a', IZDE_QUERY_MAX);
    target[n + IZDE_QUERY_MAX] = '\0';
    answer a = call(f, target); /* exactly the maximum: accepted */
    assert_int_equal(a.r.status, 200);
    answer_free(&a);
    strcat(target, "a");
    a = call(f, target);
    assert_int_equal(a.r.status, 400);
    assert_string_equal(error_code(&a), "query_too_long");
    answer_free(&a);
    memset(target + n, 'b', SD_TARGET_MAX);
    target[n + SD_TARGET_MAX] = '\0';
    a = call(f, target);
    assert_int_equal(a.r.status, 414);
    assert_string_equal(error_code(&a), "uri_too_long");
    answer_free(&a);
    /* 17 tags */
    n = snprintf(target, sizeof target, "/search?q=a");
    for (int i = 0; i <= SD_TAGS_MAX; i++)
        n += snprintf(target + n, sizeof target - (size_t)n, "&tag=t%d", i);
    a = call(f, target);
    assert_int_equal(a.r.status, 400);
    assert_string_equal(error_code(&a), "bad_parameter");
    answer_free(&a);
}

static void test_status_table(void **state)
{
    (void)state;
    static const struct {
        izde_status st;
        int http;
    } want[] = {
        {IZDE_ERR_INVALID_ARG, 400},  {IZDE_ERR_QUERY_SYNTAX, 400}, {IZDE_ERR_NOT_FOUND, 404},
        {IZDE_ERR_DB_NOT_FOUND, 503}, {IZDE_ERR_DB_MODIFIED, 503},  {IZDE_ERR_DB_LOCKED, 503},
        {IZDE_ERR_DB_CORRUPT, 503},   {IZDE_ERR_NOMEM, 503},        {IZDE_ERR_IO, 500},
        {IZDE_ERR_INTERNAL, 500},     {(izde_status)999, 500},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *code = NULL, *message = NULL;
        assert_int_equal(sd_status_http(want[i].st, &code, &message), want[i].http);
        assert_non_null(code);
        assert_non_null(message);
    }
}

/* No index: 503 without the folder's path in the answer; /metrics still works. */
static void test_no_index(void **state)
{
    (void)state;
    fixture f = {.dir = tmpdir_make()};
    sd_state_init(&f.st, f.dir, NULL);
    answer a = call(&f, "/search?q=swimmer");
    assert_int_equal(a.r.status, 503);
    assert_string_equal(error_code(&a), "index_unavailable");
    assert_null(strstr(a.r.body, f.dir));
    assert_non_null(strstr(a.r.detail, f.dir)); /* the log gets the detail */
    answer_free(&a);
    a = call(&f, "/health");
    assert_int_equal(a.r.status, 503);
    answer_free(&a);
    a = call(&f, "/metrics");
    assert_int_equal(a.r.status, 200);
    assert_null(strstr(a.r.body, "izde_searchd_index_entries"));
    answer_free(&a);
    sd_slot_close(&f.slot);
    tmpdir_remove(f.dir);
}

/* ---- search ------------------------------------------------------------------------------ */

static void test_search_results(void **state)
{
    fixture *f = *state;
    answer a = call(f, "/search?q=swimmer");
    assert_int_equal(a.r.status, 200);
    assert_string_equal(a.r.content_type, "application/json; charset=utf-8");
    assert_string_equal(header(&a, "Cache-Control"), "no-cache");
    assert_non_null(a.json);
    assert_string_equal(json_string_value(json_object_get(a.json, "query")), "swimmer");
    assert_int_equal(json_integer_value(json_object_get(a.json, "total")), 1);
    assert_string_equal(first_id(&a), "en-swim");
    json_t *hit = json_array_get(json_object_get(a.json, "results"), 0);
    assert_non_null(strstr(json_string_value(json_object_get(hit, "snippet")), "<mark>"));
    assert_non_null(strstr(json_string_value(json_object_get(hit, "title_html")), "<mark>"));
    /* facets only when asked for, as in izde-query: null, not left out */
    assert_non_null(json_object_get(a.json, "facets"));
    assert_true(json_is_null(json_object_get(a.json, "facets")));
    answer_free(&a);
    a = call(f, "/search?q=swimmer&facets=1");
    assert_int_equal(a.r.status, 200);
    json_t *facets = json_object_get(a.json, "facets");
    assert_true(json_is_object(facets));
    assert_true(json_array_size(json_object_get(facets, "year")) == 1);
    answer_free(&a);
}

/* The same JSON as izde_results_to_json() on the same request (as izde-query prints it),
 * apart from took_ms. */
static void same_json_as_library(fixture *f, const char *target, int facets)
{
    answer a = call(f, target);
    assert_int_equal(a.r.status, 200);
    izde_searcher *s = NULL;
    izde_results *r = NULL;
    izde_search_request req;
    char *text = NULL;
    size_t len = 0;
    izde_search_request_init(&req);
    req.query = "NOC";
    req.sort = IZDE_SORT_DATE;
    req.limit = 2;
    req.offset = 2;
    req.facets = facets;
    assert_int_equal(izde_searcher_open(f->dir, &s, NULL), IZDE_OK);
    assert_int_equal(izde_search(s, &req, &r, NULL), IZDE_OK);
    assert_int_equal(izde_results_to_json(r, &text, &len, NULL), IZDE_OK);
    json_t *want = json_loadb(text, len, 0, NULL);
    json_object_del(want, "took_ms");
    json_object_del(a.json, "took_ms");
    assert_true(json_equal(want, a.json));
    assert_int_equal(json_integer_value(json_object_get(a.json, "offset")), 2);
    assert_int_equal(json_integer_value(json_object_get(a.json, "limit")), 2);
    json_decref(want);
    free(text);
    izde_results_free(r);
    izde_searcher_close(s);
    answer_free(&a);
}

static void test_search_same_json_as_library(void **state)
{
    fixture *f = *state;
    same_json_as_library(f, "/search?q=NOC&sort=date&per_page=2&page=2", 0);
    same_json_as_library(f, "/search?q=NOC&sort=date&per_page=2&page=2&facets=1", 1);
}

static void test_search_languages_and_filters(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *target, *first_id;
        int total;
    } cases[] = {
        {"/search?q=%D1%81%D0%BF%D0%BE%D1%80%D1%82%D1%81%D0%BC%D0%B5%D0%BD%D0%BE%D0%B2", "ru-tree",
         1}, /* спортсменов */
        {"/search?q=%D2%9A%D0%B0%D0%B7%D0%B0%D2%9B%D1%81%D1%82%D0%B0%D0%BD", "kk-team",
         1}, /* Қазақстан (the English entries say Kazakhstan) */
        {"/search?q=NOC&lang=ru", "ru-tree", 1},
        {"/search?q=NOC&tag=NOC&tag=running", "en-run", 1},
        {"/search?q=NOC&tag=running&tag=swimming", NULL, 0},
        {"/search?q=NOC&from=2020-01-01&to=2020-12-31", "kk-team", 1},
        {"/search?q=NOC&sort=date", "en-swim", 4},
        {"/search?q=NOC&lang=&from=&tag=", NULL, 4}, /* empty form fields mean no filter */
        {"/search?q=Olympic+Day", "en-run", 1},
        {"/search?q=zzzzqqq", NULL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        answer a = call(f, cases[i].target);
        if (a.r.status != 200)
            fail_msg("%s: status %d", cases[i].target, a.r.status);
        int total = (int)json_integer_value(json_object_get(a.json, "total"));
        if (total != cases[i].total)
            fail_msg("%s: total %d, want %d", cases[i].target, total, cases[i].total);
        if (cases[i].first_id && (!first_id(&a) || strcmp(first_id(&a), cases[i].first_id)))
            fail_msg("%s: first %s, want %s", cases[i].target, first_id(&a), cases[i].first_id);
        answer_free(&a);
    }
}

static void test_search_paging_and_facets_off(void **state)
{
    fixture *f = *state;
    answer a = call(f, "/search?q=NOC&per_page=3&page=2&facets=0");
    assert_int_equal(a.r.status, 200);
    assert_int_equal(json_integer_value(json_object_get(a.json, "offset")), 3);
    assert_int_equal(json_integer_value(json_object_get(a.json, "limit")), 3);
    assert_int_equal(json_array_size(json_object_get(a.json, "results")), 1);
    assert_true(json_is_null(json_object_get(a.json, "facets")));
    answer_free(&a);
    a = call(f, "/search?q=swimer"); /* lenient, with a spelling suggestion */
    assert_int_equal(a.r.status, 200);
    answer_free(&a);
    a = call(f, "/search?q=%22unclosed+(quote");
    assert_int_equal(a.r.status, 200); /* syntax is read leniently over HTTP */
    answer_free(&a);
}

/* ---- other endpoints --------------------------------------------------------------------- */

static void test_suggest(void **state)
{
    fixture *f = *state;
    answer a = call(f, "/suggest?q=olympic+swi");
    assert_int_equal(a.r.status, 200);
    assert_string_equal(json_string_value(json_object_get(a.json, "query")), "olympic swi");
    json_t *list = json_object_get(a.json, "suggestions");
    assert_true(json_array_size(list) >= 1 && json_array_size(list) <= SD_SUGGEST_MAX);
    for (size_t i = 0; i < json_array_size(list); i++)
        assert_non_null(strstr(json_string_value(json_array_get(list, i)), "olympic swi"));
    answer_free(&a);
    a = call(f, "/suggest?q=qqqzzz");
    assert_int_equal(a.r.status, 200);
    assert_int_equal(json_array_size(json_object_get(a.json, "suggestions")), 0);
    answer_free(&a);
}

static void test_entries(void **state)
{
    fixture *f = *state;
    answer a = call(f, "/entries/en-swim");
    assert_int_equal(a.r.status, 200);
    assert_string_equal(json_string_value(json_object_get(a.json, "id")), "en-swim");
    assert_string_equal(json_string_value(json_object_get(a.json, "lang")), "en");
    assert_int_equal(json_array_size(json_object_get(a.json, "tags")), 2);
    answer_free(&a);
    a = call(f, "/entries/id%20with%20space%2Fand%20slash");
    assert_int_equal(a.r.status, 200);
    assert_string_equal(json_string_value(json_object_get(a.json, "id")),
                        "id with space/and slash");
    answer_free(&a);
    a = call(f, "/entries/id+with+space%2Fand+slash"); /* '+' in a path is a plus */
    assert_int_equal(a.r.status, 404);
    answer_free(&a);
    a = call(f, "/entries/%D0%BD%D0%B5%D1%82");
    assert_int_equal(a.r.status, 404);
    assert_string_equal(error_code(&a), "not_found");
    answer_free(&a);
}

static void test_health_and_metrics(void **state)
{
    fixture *f = *state;
    answer a = call(f, "/health");
    assert_int_equal(a.r.status, 200);
    assert_string_equal(json_string_value(json_object_get(a.json, "status")), "ok");
    assert_int_equal(json_integer_value(json_object_get(a.json, "entries")), 5);
    assert_int_equal(json_integer_value(json_object_get(a.json, "generation")), 1);
    assert_true(strlen(json_string_value(json_object_get(a.json, "built"))) >= 19);
    assert_true(json_is_integer(json_object_get(a.json, "reopens")));
    answer_free(&a);

    sd_metrics_record(&f->st.metrics, SD_EP_SEARCH, 200, 700000);  /* 0.7 ms */
    sd_metrics_record(&f->st.metrics, SD_EP_SEARCH, 400, 3000000); /* 3 ms */
    sd_metrics_record(&f->st.metrics, SD_EP_OTHER, 0, 100);
    a = call(f, "/metrics");
    assert_int_equal(a.r.status, 200);
    assert_string_equal(a.r.content_type, "text/plain; version=0.0.4; charset=utf-8");
    const char *want[] = {
        "# TYPE izde_searchd_requests_total counter\n",
        "izde_searchd_requests_total{endpoint=\"search\",code=\"200\"} 1\n",
        "izde_searchd_requests_total{endpoint=\"search\",code=\"400\"} 1\n",
        "izde_searchd_requests_total{endpoint=\"other\",code=\"unknown\"} 1\n",
        "izde_searchd_request_duration_seconds_bucket{endpoint=\"search\",le=\"0.0005\"} 0\n",
        "izde_searchd_request_duration_seconds_bucket{endpoint=\"search\",le=\"0.001\"} 1\n",
        "izde_searchd_request_duration_seconds_bucket{endpoint=\"search\",le=\"0.005\"} 2\n",
        "izde_searchd_request_duration_seconds_bucket{endpoint=\"search\",le=\"+Inf\"} 2\n",
        "izde_searchd_request_duration_seconds_sum{endpoint=\"search\"} 0.003700\n",
        "izde_searchd_request_duration_seconds_count{endpoint=\"search\"} 2\n",
        "izde_searchd_index_entries 5\n",
        "izde_searchd_index_generation 1\n",
        "izde_searchd_reopens_total ",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(a.r.body, want[i]))
            fail_msg("metrics lack %s\n%s", want[i], a.r.body);
    answer_free(&a);
}

static void test_cors(void **state)
{
    fixture *f = *state;
    answer a = call_full(f, "GET", "/health", "https://news.example", 0);
    assert_null(header(&a, "Access-Control-Allow-Origin")); /* none configured */
    answer_free(&a);

    f->st.cors_origin = "*";
    a = call_full(f, "GET", "/search?q=swimmer", "https://news.example", 0);
    assert_string_equal(header(&a, "Access-Control-Allow-Origin"), "*");
    answer_free(&a);
    a = call_full(f, "GET", "/search", NULL, 0); /* errors carry the header too */
    assert_string_equal(header(&a, "Access-Control-Allow-Origin"), "*");
    answer_free(&a);

    f->st.cors_origin = "https://a.example, https://news.example";
    a = call_full(f, "GET", "/health", "https://news.example", 0);
    assert_string_equal(header(&a, "Access-Control-Allow-Origin"), "https://news.example");
    assert_string_equal(header(&a, "Vary"), "Origin");
    answer_free(&a);
    a = call_full(f, "GET", "/health", "https://evil.example", 0);
    assert_null(header(&a, "Access-Control-Allow-Origin"));
    answer_free(&a);

    a = call_full(f, "OPTIONS", "/search", "https://a.example", 0);
    assert_int_equal(a.r.status, 204);
    assert_int_equal(a.r.body_len, 0);
    assert_string_equal(header(&a, "Access-Control-Allow-Origin"), "https://a.example");
    assert_string_equal(header(&a, "Access-Control-Allow-Methods"), "GET, HEAD, OPTIONS");
    assert_non_null(header(&a, "Access-Control-Allow-Headers"));
    assert_string_equal(header(&a, "Access-Control-Max-Age"), "86400");
    answer_free(&a);
    f->st.cors_origin = NULL;
}

static void test_static_files(void **state)
{
    fixture *f = *state;
    answer a = call(f, "/");
    assert_int_equal(a.r.status, 200);
    assert_string_equal(a.r.content_type, "text/html; charset=utf-8");
    assert_non_null(strstr(a.r.body, "<title>izde — search</title>"));
    assert_non_null(header(&a, "Content-Security-Policy"));
    const char *etag = header(&a, "ETag");
    assert_non_null(etag);
    sd_request req = {.method = "GET", .if_none_match = etag};
    sd_response r;
    assert_int_equal(sd_request_parse_target(&req, "/", 1, NULL), IZDE_OK);
    sd_route(&f->st, &f->slot, &req, &r);
    assert_int_equal(r.status, 304);
    assert_int_equal(r.body_len, 0);
    sd_request_clear(&req);
    sd_response_clear(&r);
    answer_free(&a);
    static const char *const files[][2] = {
        {"/static/app.js", "text/javascript; charset=utf-8"},
        {"/static/style.css", "text/css; charset=utf-8"},
        {"/static/icon.svg", "image/svg+xml"},
    };
    for (size_t i = 0; i < 3; i++) {
        a = call_full(f, "HEAD", files[i][0], NULL, 0);
        assert_int_equal(a.r.status, 200);
        assert_string_equal(a.r.content_type, files[i][1]);
        assert_true(a.r.body_len > 0);
        answer_free(&a);
    }
}

/* New commits are seen on the next request, and SIGHUP's epoch reopens. */
static void test_refresh_and_reopen(void **state)
{
    fixture *f = *state;
    static const char *const more[] = {
        "{\"id\":\"en-box\",\"date\":\"2022-05-01\",\"lang\":\"en\",\"title\":\"Boxers win "
        "gold\",\"body\":\"The boxers won three gold medals in Tashkent.\"}",
    };
    answer a = call(f, "/search?q=Tashkent");
    assert_int_equal(json_integer_value(json_object_get(a.json, "total")), 0);
    answer_free(&a);
    add_entries(f->dir, more, 1);
    a = call(f, "/search?q=Tashkent");
    assert_int_equal(json_integer_value(json_object_get(a.json, "total")), 1);
    answer_free(&a);
    unsigned long reopens = atomic_load(&f->st.metrics.reopens);
    assert_true(reopens >= 1);
    izde_searcher *before = f->slot.searcher;
    atomic_fetch_add(&f->st.reload_epoch, 1);
    a = call(f, "/health");
    assert_int_equal(json_integer_value(json_object_get(a.json, "entries")), 6);
    assert_int_equal(json_integer_value(json_object_get(a.json, "reopens")), reopens + 1);
    assert_ptr_not_equal(f->slot.searcher, before);
    answer_free(&a);
}

/* ---- the pool of searchers ------------------------------------------------------------- */

static void test_pool_checkout(void **state)
{
    (void)state;
    sd_pool p;
    izde_error err;
    assert_int_equal(sd_pool_init(&p, 0, &err), IZDE_ERR_INVALID_ARG);
    assert_int_equal(sd_pool_init(&p, 2, &err), IZDE_OK);
    sd_slot *a = sd_pool_acquire(&p);
    assert_ptr_equal(a, &p.slots[0]); /* a lone client gets the same slot every time */
    sd_pool_release(&p, a);
    assert_ptr_equal(sd_pool_acquire(&p), a);
    sd_slot *b = sd_pool_acquire(&p);
    assert_ptr_not_equal(a, b);
    assert_int_equal(p.peak_busy, 2);
    sd_pool_release(&p, b);
    sd_pool_release(&p, a);
    sd_pool_close(&p);
    sd_pool_close(NULL);
}

typedef struct pool_load {
    fixture *f;
    sd_pool *pool;
    atomic_int users[3]; /* threads holding each slot right now */
    atomic_int overlap;  /* a slot held by two threads at once */
    atomic_int failed;
    pthread_barrier_t pair; /* the first requests meet in twos, each holding a searcher */
} pool_load;

static void *pool_client(void *arg)
{
    pool_load *l = arg;
    static const char *const targets[] = {"/search?q=NOC", "/search?q=swimmer&facets=1",
                                          "/suggest?q=sw", "/health"};
    for (int i = 0; i < 60; i++) {
        sd_request req = {.method = "GET"};
        sd_response r = {0};
        const char *t = targets[i % 4];
        if (sd_request_parse_target(&req, t, strlen(t), NULL) != IZDE_OK) {
            atomic_fetch_add(&l->failed, 1);
            continue;
        }
        sd_slot *slot = sd_pool_acquire(l->pool);
        size_t k = (size_t)(slot - l->pool->slots);
        if (atomic_fetch_add(&l->users[k], 1) != 0)
            atomic_fetch_add(&l->overlap, 1);
        if (i == 0) /* so two searchers are in use at once however the threads are scheduled */
            pthread_barrier_wait(&l->pair);
        sd_route(&l->f->st, slot, &req, &r);
        atomic_fetch_sub(&l->users[k], 1);
        sd_pool_release(l->pool, slot);
        if (r.status != 200)
            atomic_fetch_add(&l->failed, 1);
        sd_response_clear(&r);
        sd_request_clear(&req);
    }
    return NULL;
}

/* Six request threads on three searchers: every request answered, no searcher used by two
 * threads at once, and more than one searcher in use. */
static void test_pool_under_load(void **state)
{
    fixture *f = *state;
    sd_pool pool;
    assert_int_equal(sd_pool_init(&pool, 3, NULL), IZDE_OK);
    pool_load l = {.f = f, .pool = &pool};
    assert_int_equal(pthread_barrier_init(&l.pair, NULL, 2), 0);
    pthread_t th[6];
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(pthread_create(&th[i], NULL, pool_client, &l), 0);
    for (size_t i = 0; i < 6; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(atomic_load(&l.failed), 0);
    assert_int_equal(atomic_load(&l.overlap), 0);
    assert_true(pool.peak_busy >= 2 && pool.peak_busy <= 3);
    assert_int_equal(pool.n_free, 3);
    pthread_barrier_destroy(&l.pair);
    sd_pool_close(&pool);
}

typedef struct waiter {
    sd_pool *pool;
    atomic_int got;
} waiter;

static void *wait_for_slot(void *arg)
{
    waiter *w = arg;
    sd_slot *s = sd_pool_acquire(w->pool);
    atomic_store(&w->got, 1);
    sd_pool_release(w->pool, s);
    return NULL;
}

/* A request that finds every searcher busy waits until one is given back. */
static void test_pool_waits_when_busy(void **state)
{
    (void)state;
    sd_pool pool;
    assert_int_equal(sd_pool_init(&pool, 1, NULL), IZDE_OK);
    sd_slot *held = sd_pool_acquire(&pool);
    waiter w = {.pool = &pool};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, wait_for_slot, &w), 0);
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL);
    assert_int_equal(atomic_load(&w.got), 0);
    sd_pool_release(&pool, held);
    pthread_join(th, NULL);
    assert_int_equal(atomic_load(&w.got), 1);
    sd_pool_close(&pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_decoding),
        cmocka_unit_test(test_status_table),
        cmocka_unit_test(test_no_index),
        cmocka_unit_test_setup_teardown(test_error_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_length_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_results, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_same_json_as_library, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_languages_and_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_paging_and_facets_off, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suggest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_health_and_metrics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_static_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_and_reopen, setup, teardown),
        cmocka_unit_test(test_pool_checkout),
        cmocka_unit_test_setup_teardown(test_pool_under_load, setup, teardown),
        cmocka_unit_test(test_pool_waits_when_busy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
