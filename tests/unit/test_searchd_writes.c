/* izde-searchd's writes without sockets: the keys (files, modes, constant-time checks), every
 * refusal of the write endpoints, PUT, DELETE and POST /entries through the journal and the
 * writer thread into the index, and the search key on the read endpoints. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include <izde/indexer.h>
#include <izde/reader.h>
#include <izde/search.h>

#include "config.h"
#include "request.h"
#include "router.h"
#include "slot.h"
#include "state.h"
#include "write_applier.h"
#include "write_keys.h"
#include "write_routes.h"

#include "test_support.h"

#define ADMIN "admin-key-0123456789abcdef"
#define SEARCH "search-key-0123456789abcdef"

typedef struct fixture {
    char *dir;
    sd_state st;
    sd_slot slot;
    sd_keys keys;
    sd_writer *writer;
} fixture;

static char *key_file(const char *dir, const char *name, const char *key, mode_t mode)
{
    char *path = write_file(dir, name, key, strlen(key));
    assert_int_equal(chmod(path, mode), 0);
    return path;
}

static void make_index(const char *dir)
{
    izde_indexer *ix = NULL;
    izde_entry *e = NULL;
    izde_error err = {0};
    const char line[] = "{\"id\":\"old\",\"body\":\"an entry from the indexer\"}";
    izde_index_opts o = {.jobs = 1};
    assert_int_equal(izde_indexer_open(dir, &o, &ix, &err), IZDE_OK);
    assert_int_equal(izde_jsonl_parse_line(line, sizeof line - 1, &e, &err), IZDE_OK);
    assert_int_equal(izde_indexer_add(ix, e, &err), IZDE_OK);
    assert_int_equal(izde_indexer_finish(ix, NULL, &err), IZDE_OK);
    izde_indexer_close(ix);
    izde_entry_free(e);
}

/* A daemon's state on a fresh index, with writes on (admin key) and, when keyed, a search key. */
static fixture *start(int writes, int keyed)
{
    fixture *f = calloc(1, sizeof *f);
    izde_error err = {0};
    f->dir = tmpdir_make();
    make_index(f->dir);
    char *admin = key_file(f->dir, "admin.key", ADMIN "\n", 0600);
    char *search = key_file(f->dir, "search.key", SEARCH, 0400);
    assert_int_equal(sd_keys_load(&f->keys, writes ? admin : NULL, keyed ? search : NULL, &err),
                     IZDE_OK);
    free(admin);
    free(search);
    sd_state_init(&f->st, f->dir, NULL);
    f->st.keys = &f->keys;
    if (writes) {
        assert_int_equal(sd_writer_open(f->dir, &f->writer, &err), IZDE_OK);
        f->st.writer = f->writer;
    }
    return f;
}

static int setup_writes(void **state)
{
    *state = start(1, 0);
    return 0;
}

static int setup_keyed(void **state)
{
    *state = start(1, 1);
    return 0;
}

static int setup_off(void **state)
{
    *state = start(0, 0);
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sd_writer_close(f->writer);
    sd_slot_close(&f->slot);
    sd_keys_free(&f->keys);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

typedef struct answer {
    sd_response r;
    json_t *json;
} answer;

static answer call(fixture *f, const char *method, const char *target, const char *key,
                   const char *body)
{
    answer a = {0};
    char auth[128];
    snprintf(auth, sizeof auth, "Bearer %s", key ? key : "");
    sd_request req = {.method = method,
                      .authorization = key ? auth : NULL,
                      .body = body,
                      .body_len = body ? strlen(body) : 0,
                      .has_body = body != NULL};
    izde_error err;
    assert_int_equal(sd_request_parse_target(&req, target, strlen(target), &err), IZDE_OK);
    sd_route(&f->st, &f->slot, &req, &a.r);
    sd_request_clear(&req);
    a.json = json_loadb(a.r.body, a.r.body_len, 0, NULL);
    return a;
}

static void done(answer *a)
{
    json_decref(a->json);
    sd_response_clear(&a->r);
}

static const char *error_code(const answer *a)
{
    return json_string_value(json_object_get(json_object_get(a->json, "error"), "code"));
}

static const char *error_message(const answer *a)
{
    return json_string_value(json_object_get(json_object_get(a->json, "error"), "message"));
}

static void expect_error(fixture *f, const char *method, const char *target, const char *key,
                         const char *body, int status, const char *code)
{
    answer a = call(f, method, target, key, body);
    assert_int_equal(a.r.status, status);
    assert_string_equal(error_code(&a), code);
    /* keys are never echoed */
    assert_null(strstr(a.r.body, ADMIN));
    assert_null(strstr(a.r.body, SEARCH));
    done(&a);
}

/* Waits until the writer has committed record seq (the index then serves it). */
static void wait_committed(fixture *f, uint64_t seq)
{
    struct timespec tick = {0, 10 * 1000 * 1000};
    for (int i = 0; i < 3000; i++) {
        sd_writer_info info;
        sd_writer_get_info(f->writer, &info);
        if (info.committed >= seq)
            return;
        nanosleep(&tick, NULL);
    }
    fail_msg("record %llu was not committed in 30 s", (unsigned long long)seq);
}

/* The status of GET /entries/ID after the commit of seq. */
static int entry_status(fixture *f, const char *id, uint64_t seq)
{
    char target[128];
    wait_committed(f, seq);
    snprintf(target, sizeof target, "/entries/%s", id);
    answer a = call(f, "GET", target, NULL, NULL);
    int status = a.r.status;
    done(&a);
    return status;
}

static uint64_t seq_of(const answer *a)
{
    return (uint64_t)json_integer_value(json_object_get(a->json, "seq"));
}

static void test_writes_off(void **state)
{
    fixture *f = *state;
    answer a = call(f, "PUT", "/entries/x", ADMIN, "{\"body\":\"b\"}");
    assert_int_equal(a.r.status, 403);
    assert_string_equal(error_code(&a), "writes_disabled");
    assert_non_null(strstr(error_message(&a), "admin-key-file"));
    done(&a);
    expect_error(f, "DELETE", "/entries/old", NULL, NULL, 403, "writes_disabled");
    expect_error(f, "POST", "/entries", NULL, "{}", 403, "writes_disabled");
    /* reading is as before */
    a = call(f, "GET", "/entries/old", NULL, NULL);
    assert_int_equal(a.r.status, 200);
    done(&a);
}

static void test_refusals(void **state)
{
    fixture *f = *state;
    const char body[] = "{\"body\":\"text\"}";
    answer a = call(f, "PUT", "/entries/x", NULL, body);
    assert_int_equal(a.r.status, 401);
    assert_string_equal(error_code(&a), "unauthorized");
    int challenged = 0;
    for (size_t i = 0; i < a.r.n_headers; i++)
        challenged |= !strcmp(a.r.headers[i].name, "WWW-Authenticate");
    assert_true(challenged);
    done(&a);
    expect_error(f, "PUT", "/entries/x", "wrong-key-0123456789abcdef", body, 403, "forbidden");
    expect_error(f, "PUT", "/entries/x", ADMIN "x", body, 403, "forbidden");
    expect_error(f, "PUT", "/entries/x", "admin-key-0123456789abcde", body, 403, "forbidden");
    expect_error(f, "DELETE", "/entries/x", SEARCH, NULL, 403, "forbidden");
    expect_error(f, "PUT", "/entries/x", ADMIN, "{\"id\":\"y\",\"body\":\"b\"}", 400,
                 "id_mismatch");
    expect_error(f, "PUT", "/entries/x", ADMIN, "", 400, "bad_entry");
    expect_error(f, "POST", "/entries", ADMIN, "\n \n", 400, "bad_request");
    expect_error(f, "GET", "/entries", ADMIN, NULL, 405, "method_not_allowed");

    sd_request big = {.method = "POST", .authorization = "Bearer " ADMIN, .body_too_large = 1};
    izde_error err;
    sd_response r = {0};
    assert_int_equal(sd_request_parse_target(&big, "/entries", 8, &err), IZDE_OK);
    sd_route(&f->st, &f->slot, &big, &r);
    assert_int_equal(r.status, 413);
    assert_non_null(strstr(r.body, "request_too_large"));
    sd_request_clear(&big);
    sd_response_clear(&r);
    /* a body too large is refused after the key: an anonymous client learns nothing more */
    big.authorization = NULL;
    assert_int_equal(sd_request_parse_target(&big, "/entries", 8, &err), IZDE_OK);
    sd_route(&f->st, &f->slot, &big, &r);
    assert_int_equal(r.status, 401);
    sd_request_clear(&big);
    sd_response_clear(&r);

    assert_int_equal(sd_write_body_max("PUT", "/entries/a?x=1", 14), SD_PUT_BODY_MAX);
    assert_int_equal(sd_write_body_max("POST", "/entries", 8), SD_BULK_BODY_MAX);
    assert_int_equal(sd_write_body_max("POST", "/entries/a", 10), 0);
    assert_int_equal(sd_write_body_max("GET", "/search", 7), 0);
}

/* A bad entry is refused with the words of the JSONL reader (izde-indexer's). */
static void test_bad_entry_messages(void **state)
{
    fixture *f = *state;
    static const char *const bodies[] = {
        "{\"id\":\"x\",\"body\":\"b\",\"date\":\"2021-02-30\"}",
        "{\"id\":\"x\",\"body\":\"  \"}",
        "{\"id\":\"x\",\"body\":\"b\",\"lang\":\"fr\"}",
        "{\"id\":\"x\",\"body\":\"b\"",
        "[\"x\"]",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        izde_entry *e = NULL;
        izde_error why = {0};
        assert_int_equal(izde_jsonl_parse_line(bodies[i], strlen(bodies[i]), &e, &why),
                         IZDE_ERR_INVALID_ARG);
        answer a = call(f, "PUT", "/entries/x", ADMIN, bodies[i]);
        assert_int_equal(a.r.status, 400);
        assert_string_equal(error_code(&a), "bad_entry");
        assert_string_equal(error_message(&a), why.msg);
        done(&a);
    }
}

static void test_put_delete(void **state)
{
    fixture *f = *state;
    /* the id comes from the path when the body has none */
    answer a = call(f, "PUT", "/entries/new%20one", ADMIN,
                    "{\"title\":\"Fresh\",\"body\":\"a quokka was seen\",\"date\":\"2024-05-01\"}");
    assert_int_equal(a.r.status, 200);
    assert_string_equal(json_string_value(json_object_get(a.json, "id")), "new one");
    uint64_t seq = seq_of(&a);
    assert_true(seq >= 1);
    done(&a);
    assert_int_equal(entry_status(f, "new%20one", seq), 200);
    a = call(f, "GET", "/search?q=quokka", NULL, NULL);
    assert_int_equal(json_integer_value(json_object_get(a.json, "total")), 1);
    done(&a);

    /* the same id in the body is fine; the entry is replaced */
    a = call(f, "PUT", "/entries/old", ADMIN, "{\"id\":\"old\",\"body\":\"now about wombats\"}");
    assert_int_equal(a.r.status, 200);
    seq = seq_of(&a);
    done(&a);
    assert_int_equal(entry_status(f, "old", seq), 200);
    a = call(f, "GET", "/search?q=wombats", NULL, NULL);
    assert_int_equal(json_integer_value(json_object_get(a.json, "total")), 1);
    done(&a);

    a = call(f, "DELETE", "/entries/old", ADMIN, NULL);
    assert_int_equal(a.r.status, 200);
    seq = seq_of(&a);
    done(&a);
    assert_int_equal(entry_status(f, "old", seq), 404);
    /* deleting what is not there is no error */
    a = call(f, "DELETE", "/entries/never", ADMIN, NULL);
    assert_int_equal(a.r.status, 200);
    done(&a);
}

static void test_bulk(void **state)
{
    fixture *f = *state;
    const char body[] = "\xEF\xBB\xBF{\"id\":\"b1\",\"body\":\"first of the batch\"}\r\n"
                        "\n"
                        "{\"id\":\"b2\",\"body\":\"x\",\"date\":\"2021-02-30\"}\n"
                        "not json\n"
                        "{\"id\":\"b3\",\"body\":\"third of the batch\"}";
    answer a = call(f, "POST", "/entries", ADMIN, body);
    assert_int_equal(a.r.status, 200);
    assert_int_equal(json_integer_value(json_object_get(a.json, "accepted")), 2);
    assert_int_equal(json_integer_value(json_object_get(a.json, "rejected")), 2);
    json_t *results = json_object_get(a.json, "results");
    assert_int_equal(json_array_size(results), 4);
    static const int lines[] = {1, 3, 4, 5};
    static const char *const ids[] = {"b1", "b2", NULL, "b3"};
    for (size_t i = 0; i < 4; i++) {
        json_t *r = json_array_get(results, i);
        assert_int_equal(json_integer_value(json_object_get(r, "line")), lines[i]);
        const char *id = json_string_value(json_object_get(r, "id"));
        if (ids[i])
            assert_string_equal(id, ids[i]);
        else
            assert_null(id);
        assert_int_equal(json_is_true(json_object_get(r, "ok")), i == 0 || i == 3);
    }
    assert_string_equal(json_string_value(json_object_get(json_array_get(results, 1), "error")),
                        "date: impossible date 2021-02-30");
    uint64_t seq = seq_of(&a);
    done(&a);
    assert_int_equal(entry_status(f, "b1", seq), 200);
    assert_int_equal(entry_status(f, "b3", seq), 200);
    assert_int_equal(entry_status(f, "b2", seq), 404);
}

/* With a search key, reading the entries needs it (or the admin key); health stays open. */
static void test_search_key(void **state)
{
    fixture *f = *state;
    expect_error(f, "GET", "/search?q=entry", NULL, NULL, 401, "unauthorized");
    expect_error(f, "GET", "/suggest?q=ent", "nope-nope-nope-nope-nope", NULL, 403, "forbidden");
    expect_error(f, "GET", "/entries/old", "nope-nope-nope-nope-nope", NULL, 403, "forbidden");
    const char *good[] = {SEARCH, ADMIN};
    for (size_t i = 0; i < 2; i++) {
        answer a = call(f, "GET", "/search?q=entry", good[i], NULL);
        assert_int_equal(a.r.status, 200);
        done(&a);
    }
    answer a = call(f, "GET", "/health", NULL, NULL);
    assert_int_equal(a.r.status, 200);
    assert_non_null(json_object_get(json_object_get(a.json, "writes"), "committed"));
    done(&a);
    expect_error(f, "PUT", "/entries/x", SEARCH, "{\"body\":\"b\"}", 403, "forbidden");
}

static void test_key_files(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    sd_keys k;
    izde_error err = {0};
    char *open_file = key_file(dir, "open.key", ADMIN, 0644);
    char *short_file = key_file(dir, "short.key", "short", 0600);
    char *spaced = key_file(dir, "spaced.key", "a key with spaces in it", 0600);
    char *same = key_file(dir, "same.key", ADMIN, 0600);
    char *good = key_file(dir, "good.key", ADMIN "\r\n", 0600);

    assert_int_equal(sd_keys_load(&k, open_file, NULL, &err), IZDE_ERR_INVALID_ARG);
    assert_non_null(strstr(err.msg, "chmod 600"));
    assert_non_null(strstr(err.msg, "0644"));
    assert_null(strstr(err.msg, ADMIN));
    assert_int_equal(sd_keys_load(&k, short_file, NULL, &err), IZDE_ERR_INVALID_ARG);
    assert_int_equal(sd_keys_load(&k, spaced, NULL, &err), IZDE_ERR_INVALID_ARG);
    assert_int_equal(sd_keys_load(&k, good, same, &err), IZDE_ERR_INVALID_ARG);
    assert_non_null(strstr(err.msg, "must differ"));
    assert_int_equal(sd_keys_load(&k, "/nonexistent/key", NULL, &err), IZDE_ERR_IO);
    assert_int_equal(sd_keys_load(&k, dir, NULL, &err), IZDE_ERR_INVALID_ARG); /* a folder */

    assert_int_equal(sd_keys_load(&k, good, NULL, &err), IZDE_OK);
    assert_string_equal(k.admin, ADMIN); /* the line end is not part of the key */
    assert_null(k.search);
    assert_int_equal(sd_keys_check(&k, SD_ACCESS_SEARCH, NULL), 0); /* open */
    assert_int_equal(sd_keys_check(&k, SD_ACCESS_ADMIN, NULL), 401);
    assert_int_equal(sd_keys_check(&k, SD_ACCESS_ADMIN, "Basic " ADMIN), 401);
    assert_int_equal(sd_keys_check(&k, SD_ACCESS_ADMIN, "Bearer "), 401);
    assert_int_equal(sd_keys_check(&k, SD_ACCESS_ADMIN, "Bearer " ADMIN), 0);
    assert_int_equal(sd_keys_check(&k, SD_ACCESS_ADMIN, "bearer  " ADMIN), 0);
    assert_int_equal(sd_keys_check(&k, SD_ACCESS_ADMIN, "Bearer " ADMIN "0"), 403);
    assert_int_equal(sd_keys_check(&k, SD_ACCESS_ADMIN, "Bearer admin"), 403);
    sd_keys_free(&k);
    assert_null(k.admin);

    /* from the command line the key files are refused: others see it in the process list */
    sd_config cfg;
    assert_int_equal(sd_config_init(&cfg, &err), IZDE_OK);
    assert_int_equal(sd_config_set(&cfg, "admin-key-file", good, &err), IZDE_ERR_INVALID_ARG);
    assert_non_null(strstr(err.msg, "config file only"));
    assert_int_equal(sd_config_set(&cfg, "search-key-file", good, &err), IZDE_ERR_INVALID_ARG);
    sd_config_free(&cfg);
    free(open_file);
    free(short_file);
    free(spaced);
    free(same);
    free(good);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_writes_off, setup_off, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup_writes, teardown),
        cmocka_unit_test_setup_teardown(test_bad_entry_messages, setup_writes, teardown),
        cmocka_unit_test_setup_teardown(test_put_delete, setup_writes, teardown),
        cmocka_unit_test_setup_teardown(test_bulk, setup_writes, teardown),
        cmocka_unit_test_setup_teardown(test_search_key, setup_keyed, teardown),
        cmocka_unit_test(test_key_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
