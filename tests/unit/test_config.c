/* The configuration file every program reads (izde/config.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <izde/config.h>

#include "test_support.h"

static int setup(void **state)
{
    *state = tmpdir_make();
    unsetenv("IZDE_CONFIG");
    unsetenv("IZDE_DB");
    return 0;
}

static int teardown(void **state)
{
    tmpdir_remove(*state);
    unsetenv("IZDE_CONFIG");
    unsetenv("IZDE_DB");
    return 0;
}

/* Reads text as a config file; returns the status and leaves the message in err. */
static izde_status read_text(const char *dir, const char *text, izde_config **out, izde_error *err)
{
    char *path = write_file(dir, "izde.conf", text, strlen(text));
    *out = NULL;
    izde_status st = izde_config_read(path, out, err);
    free(path);
    return st;
}

static void test_keys_values_comments_quotes(void **state)
{
    izde_config *c = NULL;
    izde_error err = {0};
    const char text[] = "# a comment\n"
                        "\n"
                        "  db   =   /var/lib/izde/index  \r\n"
                        "listen=\"127.0.0.1:8080\"\n"
                        "per_ip_limit = 0\n"
                        "\t# indented comment\n"
                        "cors-origin = \"https://a.kz, https://b.kz\"\n";
    assert_int_equal(read_text(*state, text, &c, &err), IZDE_OK);
    assert_non_null(izde_config_file(c));
    assert_string_equal(izde_config_get(c, "db"), "/var/lib/izde/index");
    assert_string_equal(izde_config_get(c, "listen"), "127.0.0.1:8080");
    assert_string_equal(izde_config_get(c, "per-ip-limit"), "0");
    assert_string_equal(izde_config_get(c, "cors-origin"), "https://a.kz, https://b.kz");
    assert_null(izde_config_get(c, "timeout"));
    assert_null(izde_config_get(c, "no-such-key"));
    izde_error why = {IZDE_ERR_INVALID_ARG, "must be a number"};
    assert_int_equal(izde_config_error(c, "per-ip-limit", &why, &err), IZDE_ERR_INVALID_ARG);
    assert_non_null(strstr(err.msg, "izde.conf:5: per-ip-limit: must be a number"));
    izde_config_free(c);
}

static void test_bad_lines_name_file_and_line(void **state)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"db = a\nbogus = 1\n", "izde.conf:2: unknown setting 'bogus'"},
        {"db = a\n\ndb = b\n", "izde.conf:3: db is set twice (lines 1 and 3)"},
        {"# x\nlisten =\n", "izde.conf:2: listen has no value"},
        {"listen 8080\n", "izde.conf:1: expected key = value"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        izde_config *c = NULL;
        izde_error err = {0};
        assert_int_equal(read_text(*state, cases[i].text, &c, &err), IZDE_ERR_INVALID_ARG);
        assert_null(c);
        if (!strstr(err.msg, cases[i].msg))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].msg);
    }
    izde_config *c = NULL;
    izde_error err = {0};
    assert_int_equal(izde_config_read("/nonexistent/izde.conf", &c, &err), IZDE_ERR_IO);
    assert_non_null(strstr(err.msg, "cannot read config file /nonexistent/izde.conf"));
}

static void test_environment_names_the_file_and_the_index(void **state)
{
    char *path = write_file(*state, "env.conf", "db = from-file\n", 15);
    izde_config *c = NULL;
    izde_error err = {0};
    setenv("IZDE_CONFIG", path, 1);
    assert_int_equal(izde_config_read(NULL, &c, &err), IZDE_OK);
    assert_string_equal(izde_config_file(c), path);
    assert_string_equal(izde_config_db(c, IZDE_DB_DEFAULT), "from-file");
    setenv("IZDE_DB", "from-env", 1);
    assert_string_equal(izde_config_db(c, IZDE_DB_DEFAULT), "from-env");
    setenv("IZDE_DB", "", 1); /* empty is unset */
    assert_string_equal(izde_config_db(c, NULL), "from-file");
    izde_config_free(c);

    /* an explicit path wins over $IZDE_CONFIG, and one that is missing is an error */
    setenv("IZDE_CONFIG", "/nonexistent/env.conf", 1);
    assert_int_equal(izde_config_read(path, &c, &err), IZDE_OK);
    izde_config_free(c);
    assert_int_equal(izde_config_read(NULL, &c, &err), IZDE_ERR_IO);
    free(path);

    /* no file at all: an empty configuration */
    setenv("IZDE_CONFIG", "/dev/null", 1);
    assert_int_equal(izde_config_read(NULL, &c, &err), IZDE_OK);
    assert_null(izde_config_get(c, "db"));
    assert_string_equal(izde_config_db(c, IZDE_DB_DEFAULT), IZDE_DB_DEFAULT);
    assert_null(izde_config_db(c, NULL));
    izde_config_free(c);
}

static void test_shipped_synonyms_of_a_build(void **state)
{
    (void)state;
    char path[4096];
    /* this program runs from its build folder: the copy of data/synonyms.conf in share/izde
     * beside it (tests/CMakeLists.txt, as lib/CMakeLists.txt puts one beside the programs) */
    assert_int_equal(izde_shipped_synonyms_file(path, sizeof path), 1);
    const char *tail = "/share/izde/synonyms.conf";
    assert_true(strlen(path) > strlen(tail));
    assert_string_equal(path + strlen(path) - strlen(tail), tail);
    izde_config *c = NULL;
    const char *setting = NULL;
    setenv("IZDE_CONFIG", "/dev/null", 1);
    assert_int_equal(izde_config_read(NULL, &c, NULL), IZDE_OK);
    assert_int_equal(izde_config_synonyms(c, &setting, NULL), IZDE_OK);
    assert_string_equal(setting, path);
    izde_index_opts o = {0};
    izde_config_index_synonyms(setting, &o);
    assert_true(o.synonyms_file == setting && !o.no_synonyms);
    izde_config_index_synonyms(IZDE_SYNONYMS_NONE, &o);
    assert_true(o.synonyms_file == NULL && o.no_synonyms);
    izde_config_free(c);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_keys_values_comments_quotes),
        T(test_bad_lines_name_file_and_line),
        T(test_environment_names_the_file_and_the_index),
        T(test_shipped_synonyms_of_a_build),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
