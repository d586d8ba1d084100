/* Unit tests for entries: UTF-8 checks, dates, validation, the JSON form, the stored form and
 * the content hash (lib/model/entry.c, entry_json.c, entry_stored.c, lib/util/utf8.c). */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <izde/entry.h>
#include <izde/utf8.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

/* Parses json and fails the test unless it is accepted. Caller frees the entry. */
static izde_entry *parse_ok(const char *json)
{
    izde_entry *e = NULL;
    izde_error err = {0};
    izde_status st = izde_entry_from_json(json, strlen(json), &e, &err);
    if (st != IZDE_OK)
        fail_msg("rejected %s: %s", json, err.msg);
    assert_non_null(e);
    return e;
}

/* Asserts json is rejected with INVALID_ARG and a message containing want. */
static void assert_rejected(const char *json, size_t len, const char *want)
{
    izde_entry *e = (izde_entry *)1;
    izde_error err = {0};
    izde_status st = izde_entry_from_json(json, len, &e, &err);
    if (st != IZDE_ERR_INVALID_ARG || !strstr(err.msg, want))
        fail_msg("input %.*s: status %d, message \"%s\", wanted \"%s\"", (int)(len > 80 ? 80 : len),
                 json, st, err.msg, want);
    assert_null(e);
    assert_int_equal(err.code, IZDE_ERR_INVALID_ARG);
}

/* Round trip: entry -> JSON string. Caller frees. */
static char *to_json_ok(const izde_entry *e)
{
    char *json = NULL;
    size_t len = 0;
    izde_error err = {0};
    if (izde_entry_to_json(e, &json, &len, &err) != IZDE_OK)
        fail_msg("to_json: %s", err.msg);
    assert_int_equal(len, strlen(json));
    return json;
}

/* ---- UTF-8 ---- */

static void test_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len;
        size_t invalid_at; /* == len when valid */
    } cases[] = {
        {"", 0, 0},
        {"plain ascii", 11, 11},
        {"\xD2\x9B\xD0\xB0\xD0\xB7\xD0\xB0\xD2\x9B", 10, 10}, /* қазақ */
        {"\xE2\x80\x99", 3, 3},                               /* ’ */
        {"\xF0\x9F\x98\x80", 4, 4},                           /* U+1F600 */
        {"\xF4\x8F\xBF\xBF", 4, 4},                           /* U+10FFFF */
        {"a\0b", 3, 3},                                       /* NUL is well-formed */
        {"ab\xFF", 3, 2},                                     /* never valid byte */
        {"\xC0\xAF", 2, 0},                                   /* overlong '/' */
        {"\xE0\x80\xAF", 3, 0},                               /* overlong, 3 bytes */
        {"\xF0\x80\x80\xAF", 4, 0},                           /* overlong, 4 bytes */
        {"x\xED\xA0\x80", 4, 1},                              /* surrogate U+D800 */
        {"\xF4\x90\x80\x80", 4, 0},                           /* above U+10FFFF */
        {"ok\xD0", 3, 2},                                     /* cut short at the end */
        {"\xE2\x80", 2, 0},                                   /* cut short, 3-byte */
        {"\x80", 1, 0},                                       /* lone continuation */
        {"\xD0\xB0\xD0", 3, 2},                               /* good then cut */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t at = izde_utf8_invalid_at(cases[i].s, cases[i].len);
        if (at != cases[i].invalid_at)
            fail_msg("case %zu: invalid_at %zu, wanted %zu", i, at, cases[i].invalid_at);
        assert_int_equal(izde_utf8_valid(cases[i].s, cases[i].len),
                         cases[i].invalid_at == cases[i].len);
    }
    assert_true(izde_utf8_valid(NULL, 0));
    /* ASCII is skipped eight bytes at a time: a bad byte or a letter at every place of a
     * long run, and every length of it, read nothing past the end */
    char run[48];
    for (size_t at = 0; at < sizeof run; at++) {
        memset(run, 'a', sizeof run);
        run[at] = '\xFF';
        for (size_t len = 0; len <= sizeof run; len++) {
            char *copy = malloc(len ? len : 1);
            memcpy(copy, run, len);
            assert_int_equal(izde_utf8_invalid_at(copy, len), at < len ? at : len);
            free(copy);
        }
        if (at + 1 < sizeof run) {
            memcpy(run + at, "\xD0\xB0", 2);
            assert_int_equal(izde_utf8_invalid_at(run, sizeof run), sizeof run);
            run[at + 1] = 'b'; /* the letter cut short */
            assert_int_equal(izde_utf8_invalid_at(run, sizeof run), at);
        }
    }
    assert_int_equal(izde_utf8_bom_len("\xEF\xBB\xBF{", 4), 3);
    assert_int_equal(izde_utf8_bom_len("\xEF\xBB", 2), 0);
    assert_int_equal(izde_utf8_bom_len("{}", 2), 0);
}

/* ---- dates ---- */

static void test_date_parse(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int32_t day;      /* 0: rejected */
        const char *want; /* part of the message when rejected */
    } cases[] = {
        {"2021-02-01", 20210201, NULL},
        {"2020-02-29", 20200229, NULL}, /* leap year */
        {"2000-02-29", 20000229, NULL}, /* divisible by 400 */
        {"1000-01-01", 10000101, NULL},
        {"9999-12-31", 99991231, NULL},
        {"2021-02-01T10:00:00Z", 20210201, NULL},
        {"2021-02-01T10:00:00+06:00", 20210201, NULL},
        {"2021-02-01T23:59:60-0130", 20210201, NULL}, /* leap second, basic offset */
        {"2021-02-01T10:00:00.123456Z", 20210201, NULL},
        {"2021-02-01 10:00", 20210201, NULL},
        {"2021-02-01t10:00+05", 20210201, NULL},
        {"2021-02-30", 0, "impossible date 2021-02-30"},
        {"2021-13-01", 0, "impossible date 2021-13-01"},
        {"2019-02-29", 0, "impossible date 2019-02-29"}, /* not a leap year */
        {"1900-02-29", 0, "impossible date 1900-02-29"}, /* century, not leap */
        {"2021-04-31", 0, "impossible date"},
        {"2021-00-10", 0, "impossible date"},
        {"2021-01-00", 0, "impossible date"},
        {"0999-01-01", 0, "out of range"},
        {"2021-2-1", 0, "'2021-2-1' is not YYYY-MM-DD"},
        {"01/02/2021", 0, "is not YYYY-MM-DD"},
        {"2021-02-01T", 0, "is not YYYY-MM-DD"},
        {"2021-02-01T25:00", 0, "is not YYYY-MM-DD"},
        {"2021-02-01T10:61", 0, "is not YYYY-MM-DD"},
        {"2021-02-01T10:00:00+24:00", 0, "is not YYYY-MM-DD"},
        {"2021-02-01T10:00:00.Z", 0, "is not YYYY-MM-DD"},
        {"2021-02-01Z", 0, "is not YYYY-MM-DD"},
        {" 2021-02-01", 0, "is not YYYY-MM-DD"},
        {"2021-02-01 ", 0, "is not YYYY-MM-DD"},
        {"", 0, "not YYYY-MM-DD"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int32_t day = -1;
        izde_error err = {0};
        izde_status st = izde_date_parse(cases[i].s, strlen(cases[i].s), &day, &err);
        if (cases[i].day) {
            if (st != IZDE_OK || day != cases[i].day)
                fail_msg("'%s': status %d day %d: %s", cases[i].s, st, (int)day, err.msg);
        } else if (st != IZDE_ERR_INVALID_ARG || !strstr(err.msg, cases[i].want)) {
            fail_msg("'%s': status %d, message \"%s\", wanted \"%s\"", cases[i].s, st, err.msg,
                     cases[i].want);
        }
    }
    /* Only len bytes are read: the date may sit inside a longer buffer. */
    int32_t day = 0;
    assert_int_equal(izde_date_parse("2021-02-01garbage", 10, &day, NULL), IZDE_OK);
    assert_int_equal(day, 20210201);
    /* A message never echoes unprintable input. */
    izde_error err = {0};
    assert_int_equal(izde_date_parse("20\x01"
                                     "1-02-01",
                                     10, &day, &err),
                     IZDE_ERR_INVALID_ARG);
    assert_null(strchr(err.msg, '\x01'));
}

/* ---- from_json ---- */

static void test_from_json_minimal(void **state)
{
    (void)state;
    izde_entry *e = parse_ok("{\"id\":\"a1\",\"body\":\"Hello\"}");
    assert_string_equal(e->id, "a1");
    assert_string_equal(e->body, "Hello");
    assert_null(e->date);
    assert_int_equal(e->day, 0);
    assert_string_equal(e->lang, "");
    assert_null(e->title);
    assert_int_equal(e->n_tags, 0);
    assert_null(e->url);
    assert_null(e->source);
    assert_null(e->extra_json);
    izde_entry_free(e);
}

static void test_from_json_full(void **state)
{
    (void)state;
    izde_entry *e = parse_ok("{\"source\":\"s.jsonl\",\"url\":\"https://olympic.kz/\","
                             "\"tags\":[\"NOC\",\"Жаңалықтар\"],\"body\":\"Мәтін\","
                             "\"title\":\"Тақырып\",\"lang\":\"kk\",\"date\":\"2021-02-01\","
                             "\"id\":\"kk-1\"}");
    assert_string_equal(e->id, "kk-1");
    assert_string_equal(e->date, "2021-02-01");
    assert_int_equal(e->day, 20210201);
    assert_string_equal(e->lang, "kk");
    assert_string_equal(e->title, "Тақырып");
    assert_string_equal(e->body, "Мәтін");
    assert_int_equal(e->n_tags, 2);
    assert_string_equal(e->tags[0], "NOC");
    assert_string_equal(e->tags[1], "Жаңалықтар");
    assert_string_equal(e->url, "https://olympic.kz/");
    assert_string_equal(e->source, "s.jsonl");
    assert_null(e->extra_json);

    /* Canonical order on output, whatever the input order. */
    char *json = to_json_ok(e);
    assert_string_equal(json, "{\"id\":\"kk-1\",\"date\":\"2021-02-01\",\"lang\":\"kk\","
                              "\"title\":\"Тақырып\",\"body\":\"Мәтін\","
                              "\"tags\":[\"NOC\",\"Жаңалықтар\"],\"url\":\"https://olympic.kz/\","
                              "\"source\":\"s.jsonl\"}");
    free(json);
    izde_entry_free(e);
}

static void test_from_json_absent_forms(void **state)
{
    (void)state;
    /* null and "" mean absent for optional fields; an empty tag list is no tags. */
    izde_entry *e = parse_ok("{\"id\":\"a\",\"body\":\"b\",\"title\":\"\",\"date\":null,"
                             "\"lang\":\"\",\"url\":null,\"source\":\"\",\"tags\":[]}");
    assert_null(e->title);
    assert_null(e->date);
    assert_int_equal(e->day, 0);
    assert_string_equal(e->lang, "");
    assert_null(e->url);
    assert_null(e->source);
    assert_int_equal(e->n_tags, 0);
    char *json = to_json_ok(e);
    assert_string_equal(json, "{\"id\":\"a\",\"body\":\"b\"}");
    free(json);
    izde_entry_free(e);
}

static void test_from_json_datetime(void **state)
{
    (void)state;
    static const struct {
        const char *date;
        int32_t day;
    } cases[] = {
        {"2021-02-01T10:00:00Z", 20210201},
        {"2020-12-31T23:30:00+06:00", 20201231},
        {"2019-06-28 08:15", 20190628},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char json[200];
        snprintf(json, sizeof json, "{\"id\":\"d\",\"body\":\"b\",\"date\":\"%s\"}", cases[i].date);
        izde_entry *e = parse_ok(json);
        assert_string_equal(e->date, cases[i].date); /* kept as given */
        assert_int_equal(e->day, cases[i].day);
        char *out = to_json_ok(e);
        assert_non_null(strstr(out, cases[i].date));
        free(out);
        izde_entry_free(e);
    }
}

static void test_from_json_rejects(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        const char *want;
    } cases[] = {
        {"{\"id\":\"a\",\"body\":", "invalid JSON"},
        {"", "invalid JSON"},
        {"{\"id\":\"a\",\"body\":\"b\"} x", "invalid JSON"},
        {"{\"id\":\"a\",\"body\":\"b\\u0000c\"}", "invalid JSON"},
        {"{\"id\":\"a\",\"id\":\"b\",\"body\":\"c\"}", "duplicate"},
        {"[1,2]", "not a JSON object but a list"},
        {"\"text\"", "not a JSON object but a string"},
        {"{\"id\":\"a\",\"body\":\"\xFF\"}", "invalid UTF-8 at byte 18"},
        {"{\"id\":\"a\",\"body\":\"\xC0\xAF\"}", "invalid UTF-8"},
        {"{\"id\":\"\xED\xA0\x80\",\"body\":\"b\"}", "invalid UTF-8 at byte 7"},
        {"{\"id\":\"a\"}", "body: missing"},
        {"{\"id\":\"a\",\"body\":null}", "body: missing"},
        {"{\"body\":\"b\"}", "id: missing"},
        {"{\"id\":null,\"body\":\"b\"}", "id: missing"},
        {"{\"id\":\"a\",\"body\":\"\"}", "body: empty"},
        {"{\"id\":\"a\",\"body\":\" \\n\\t \"}", "body: empty"},
        {"{\"id\":\"\",\"body\":\"b\"}", "id: empty"},
        {"{\"id\":\" a\",\"body\":\"b\"}", "id: leading or trailing whitespace"},
        {"{\"id\":\"a\\nb\",\"body\":\"b\"}", "id: control character at byte 1"},
        {"{\"id\":42,\"body\":\"b\"}", "id: must be a string, not a number"},
        {"{\"id\":\"a\",\"body\":[\"b\"]}", "body: must be a string, not a list"},
        {"{\"id\":\"a\",\"body\":\"b\",\"title\":true}", "title: must be a string, not a boolean"},
        {"{\"id\":\"a\",\"body\":\"b\",\"date\":\"2021-02-30\"}",
         "date: impossible date 2021-02-30"},
        {"{\"id\":\"a\",\"body\":\"b\",\"date\":\"2021-13-01\"}",
         "date: impossible date 2021-13-01"},
        {"{\"id\":\"a\",\"body\":\"b\",\"date\":\"1 Feb 2021\"}", "date: '1 Feb 2021' is not"},
        {"{\"id\":\"a\",\"body\":\"b\",\"date\":20210201}", "date: must be a string"},
        {"{\"id\":\"a\",\"body\":\"b\",\"lang\":\"de\"}", "lang: unsupported 'de'"},
        {"{\"id\":\"a\",\"body\":\"b\",\"lang\":\"english\"}", "lang: unsupported"},
        {"{\"id\":\"a\",\"body\":\"b\",\"tags\":\"news\"}",
         "tags: must be a list of strings, not a string"},
        {"{\"id\":\"a\",\"body\":\"b\",\"tags\":{\"a\":1}}",
         "tags: must be a list of strings, not an object"},
        {"{\"id\":\"a\",\"body\":\"b\",\"tags\":[\"x\",3]}",
         "tags[1]: must be a string, not a number"},
        {"{\"id\":\"a\",\"body\":\"b\",\"tags\":[\"x\",\" \"]}", "tags[1]: empty"},
        {"{\"id\":\"a\",\"body\":\"b\",\"url\":{}}", "url: must be a string, not an object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_rejected(cases[i].json, strlen(cases[i].json), cases[i].want);
    /* NUL bytes inside the buffer are not JSON. */
    assert_rejected("{\"id\":\"a\",\"body\":\"b\"}\0", 22, "invalid JSON");
}

/* A JSON entry whose field key holds n copies of 'x' ("tags": one such tag). Caller frees. */
static char *json_with_field(const char *key, size_t n)
{
    char *value = malloc(n + 1);
    size_t cap = n + 100;
    char *json = malloc(cap);
    assert_non_null(value);
    assert_non_null(json);
    memset(value, 'x', n);
    value[n] = '\0';
    if (strcmp(key, "id") == 0)
        snprintf(json, cap, "{\"id\":\"%s\",\"body\":\"b\"}", value);
    else if (strcmp(key, "body") == 0)
        snprintf(json, cap, "{\"id\":\"a\",\"body\":\"%s\"}", value);
    else if (strcmp(key, "tags") == 0)
        snprintf(json, cap, "{\"id\":\"a\",\"body\":\"b\",\"tags\":[\"%s\"]}", value);
    else
        snprintf(json, cap, "{\"id\":\"a\",\"body\":\"b\",\"%s\":\"%s\"}", key, value);
    free(value);
    return json;
}

static void test_from_json_limits(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        size_t max;
    } fields[] = {
        {"id", IZDE_ID_MAX},     {"title", IZDE_TITLE_MAX},  {"body", IZDE_BODY_MAX},
        {"url", IZDE_FIELD_MAX}, {"source", IZDE_FIELD_MAX}, {"tags", IZDE_FIELD_MAX},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        char *json = json_with_field(fields[i].key, fields[i].max);
        izde_entry_free(parse_ok(json));
        free(json);
        json = json_with_field(fields[i].key, fields[i].max + 1);
        char want[100];
        snprintf(want, sizeof want, "%s: too long (%zu bytes, limit %zu)",
                 strcmp(fields[i].key, "tags") == 0 ? "tags[0]" : fields[i].key, fields[i].max + 1,
                 fields[i].max);
        assert_rejected(json, strlen(json), want);
        free(json);
    }

    /* IZDE_TAGS_MAX tags are fine, one more is not. */
    char json[1024] = "{\"id\":\"a\",\"body\":\"b\",\"tags\":[";
    for (int i = 0; i < IZDE_TAGS_MAX; i++)
        strcat(json, i ? ",\"t\"" : "\"t\"");
    strcat(json, "]}");
    izde_entry *e = parse_ok(json);
    assert_int_equal(e->n_tags, IZDE_TAGS_MAX);
    izde_entry_free(e);
    json[strlen(json) - 2] = '\0';
    strcat(json, ",\"t\"]}");
    assert_rejected(json, strlen(json), "tags: too many (65, limit 64)");
}

/* ---- unknown fields and the JSON form ---- */

static void test_unknown_fields_round_trip(void **state)
{
    (void)state;
    const char *in = "{\"zeta\":1,\"id\":\"x\",\"nested\":{\"a\":[1,2,null],\"b\":\"ä\"},"
                     "\"body\":\"Text\",\"lang\":\"ru\",\"flag\":false,\"alpha\":\"Ω\"}";
    izde_entry *e = parse_ok(in);
    assert_string_equal(e->lang, "ru");
    assert_non_null(e->extra_json);
    assert_string_equal(e->extra_json,
                        "{\"zeta\":1,\"nested\":{\"a\":[1,2,null],\"b\":\"ä\"},\"flag\":false,"
                        "\"alpha\":\"Ω\"}");
    char *out = to_json_ok(e);
    /* known fields first in canonical order, then the unknown ones in input order */
    assert_string_equal(out, "{\"id\":\"x\",\"lang\":\"ru\",\"body\":\"Text\",\"zeta\":1,"
                             "\"nested\":{\"a\":[1,2,null],\"b\":\"ä\"},\"flag\":false,"
                             "\"alpha\":\"Ω\"}");
    /* and reading the output back gives the same entry and the same output */
    izde_entry *again = parse_ok(out);
    assert_string_equal(again->extra_json, e->extra_json);
    assert_true(izde_entry_content_hash(again) == izde_entry_content_hash(e));
    char *out2 = to_json_ok(again);
    assert_string_equal(out2, out);
    free(out2);
    free(out);
    izde_entry_free(again);
    izde_entry_free(e);
}

static void test_to_json_escapes(void **state)
{
    (void)state;
    /* Newlines and quotes stay inside one line of output. */
    izde_entry *e = parse_ok("{\"id\":\"q\",\"body\":\"line 1\\nline \\\"2\\\"\\t\\\\\"}");
    assert_string_equal(e->body, "line 1\nline \"2\"\t\\");
    char *out = to_json_ok(e);
    assert_null(strchr(out, '\n'));
    assert_string_equal(out, "{\"id\":\"q\",\"body\":\"line 1\\nline \\\"2\\\"\\t\\\\\"}");
    free(out);
    izde_entry_free(e);
}

static void test_to_json_rejects(void **state)
{
    (void)state;
    izde_entry *e = izde_entry_new();
    char *out = (char *)1;
    size_t len = 7;
    izde_error err = {0};
    assert_non_null(e);

    /* An invalid entry is never written. */
    assert_int_equal(izde_entry_to_json(e, &out, &len, &err), IZDE_ERR_INVALID_ARG);
    assert_null(out);
    assert_int_equal(len, 0);
    assert_string_equal(err.msg, "id: missing");

    e->id = strdup("a");
    e->body = strdup("b");
    e->extra_json = strdup("{\"body\":\"other\"}");
    assert_int_equal(izde_entry_to_json(e, &out, &len, &err), IZDE_ERR_INVALID_ARG);
    assert_non_null(strstr(err.msg, "extra_json: 'body' is a known field"));

    free(e->extra_json);
    e->extra_json = strdup("[1]");
    assert_int_equal(izde_entry_to_json(e, &out, &len, &err), IZDE_ERR_INVALID_ARG);
    assert_non_null(strstr(err.msg, "extra_json: not a JSON object"));

    free(e->extra_json);
    e->extra_json = strdup("{\"k\":\"v\"}");
    assert_int_equal(izde_entry_to_json(e, &out, &len, &err), IZDE_OK);
    assert_string_equal(out, "{\"id\":\"a\",\"body\":\"b\",\"k\":\"v\"}");
    free(out);
    izde_entry_free(e);
}

/* ---- validation of entries built in code ---- */

static void test_validate(void **state)
{
    (void)state;
    izde_error err = {0};
    assert_int_equal(izde_entry_validate(NULL, &err), IZDE_ERR_INVALID_ARG);

    izde_entry *e = izde_entry_new();
    assert_non_null(e);
    e->id = strdup("v1");
    e->body = strdup("text");
    assert_int_equal(izde_entry_validate(e, &err), IZDE_OK);

    /* day must agree with date */
    e->date = strdup("2021-02-01");
    assert_int_equal(izde_entry_validate(e, &err), IZDE_ERR_INVALID_ARG);
    assert_string_equal(err.msg, "day: 0 does not match date 2021-02-01");
    e->day = 20210201;
    assert_int_equal(izde_entry_validate(e, &err), IZDE_OK);
    free(e->date);
    e->date = NULL;
    assert_int_equal(izde_entry_validate(e, &err), IZDE_ERR_INVALID_ARG);
    assert_non_null(strstr(err.msg, "without a date"));
    e->day = 0;

    memcpy(e->lang, "KK", 3); /* lower case only */
    assert_int_equal(izde_entry_validate(e, &err), IZDE_ERR_INVALID_ARG);
    assert_string_equal(err.msg, "lang: unsupported 'KK' (expected en, kk or ru)");
    memcpy(e->lang, "en", 3);
    assert_int_equal(izde_entry_validate(e, &err), IZDE_OK);

    free(e->body);
    e->body = strdup("bad \xC3");
    assert_int_equal(izde_entry_validate(e, &err), IZDE_ERR_INVALID_ARG);
    assert_string_equal(err.msg, "body: invalid UTF-8 at byte 4");

    izde_entry_free(e);
    izde_entry_free(NULL); /* no-op */
}

/* ---- content hash ---- */

static izde_entry *hash_base(void)
{
    return parse_ok("{\"id\":\"h\",\"date\":\"2021-02-01\",\"lang\":\"en\",\"title\":\"T\","
                    "\"body\":\"Body\",\"tags\":[\"a\",\"b\"],\"url\":\"u\",\"source\":\"s\","
                    "\"x\":1}");
}

static void test_content_hash(void **state)
{
    (void)state;
    /* Each variant differs from the base in one field, or only in where a field boundary
     * falls; every one must hash differently from the base. */
    static const char *const variants[] = {
        "{\"id\":\"h2\",\"date\":\"2021-02-01\",\"lang\":\"en\",\"title\":\"T\",\"body\":\"Body\","
        "\"tags\":[\"a\",\"b\"],\"url\":\"u\",\"source\":\"s\",\"x\":1}",
        "{\"id\":\"h\",\"date\":\"2021-02-02\",\"lang\":\"en\",\"title\":\"T\",\"body\":\"Body\","
        "\"tags\":[\"a\",\"b\"],\"url\":\"u\",\"source\":\"s\",\"x\":1}",
        "{\"id\":\"h\",\"lang\":\"en\",\"title\":\"T\",\"body\":\"Body\",\"tags\":[\"a\",\"b\"],"
        "\"url\":\"u\",\"source\":\"s\",\"x\":1}",
        "{\"id\":\"h\",\"date\":\"2021-02-01\",\"lang\":\"kk\",\"title\":\"T\",\"body\":\"Body\","
        "\"tags\":[\"a\",\"b\"],\"url\":\"u\",\"source\":\"s\",\"x\":1}",
        "{\"id\":\"h\",\"date\":\"2021-02-01\",\"title\":\"T\",\"body\":\"Body\",\"tags\":[\"a\","
        "\"b\"],\"url\":\"u\",\"source\":\"s\",\"x\":1}",
        "{\"id\":\"h\",\"date\":\"2021-02-01\",\"lang\":\"en\",\"title\":\"T2\",\"body\":\"Body\","
        "\"tags\":[\"a\",\"b\"],\"url\":\"u\",\"source\":\"s\",\"x\":1}",
        "{\"id\":\"h\",\"date\":\"2021-02-01\",\"lang\":\"en\",\"body\":\"Body\",\"tags\":[\"a\","
        "\"b\"],\"url\":\"u\",\"source\":\"s\",\"x\":1}",
        "{\"id\":\"h\",\"date\":\"2021-02-01\",\"lang\":\"en\",\"title\":\"T\",\"body\":\"Body!\","
        "\"tags\":[\"a\",\"b\"],\"url\":\"u\",\"source\":\"s\",\"x\":1}",
        "{\"id\":\"h\",\"date\":\"2021-02-01\",\"lang\":\"en\",\"title\":\"TB\",\"body\":\"ody\","
        "\"tags\":[\"a\",\"b\"],\"url\":\"u\",\"source\":\"s\",\"x\":1}",
        "{\"id\":\"h\",\"date\":\"2021-02-01\",\"lang\":\"en\",\"title\":\"T\",\"body\":\"Body\","
        "\"tags\":[\"ab\"],\"url\":\"u\",\"source\":\"s\",\"x\":1}",
        "{\"id\":\"h\",\"date\":\"2021-02-01\",\"lang\":\"en\",\"title\":\"T\",\"body\":\"Body\","
        "\"tags\":[\"b\",\"a\"],\"url\":\"u\",\"source\":\"s\",\"x\":1}",
        "{\"id\":\"h\",\"date\":\"2021-02-01\",\"lang\":\"en\",\"title\":\"T\",\"body\":\"Body\","
        "\"tags\":[\"a\"],\"url\":\"u\",\"source\":\"s\",\"x\":1}",
        "{\"id\":\"h\",\"date\":\"2021-02-01\",\"lang\":\"en\",\"title\":\"T\",\"body\":\"Body\","
        "\"tags\":[\"a\",\"b\"],\"url\":\"u2\",\"source\":\"s\",\"x\":1}",
        "{\"id\":\"h\",\"date\":\"2021-02-01\",\"lang\":\"en\",\"title\":\"T\",\"body\":\"Body\","
        "\"tags\":[\"a\",\"b\"],\"source\":\"s\",\"x\":1}",
        "{\"id\":\"h\",\"date\":\"2021-02-01\",\"lang\":\"en\",\"title\":\"T\",\"body\":\"Body\","
        "\"tags\":[\"a\",\"b\"],\"url\":\"u\",\"source\":\"s2\",\"x\":1}",
        "{\"id\":\"h\",\"date\":\"2021-02-01\",\"lang\":\"en\",\"title\":\"T\",\"body\":\"Body\","
        "\"tags\":[\"a\",\"b\"],\"url\":\"us\",\"x\":1}",
        "{\"id\":\"h\",\"date\":\"2021-02-01\",\"lang\":\"en\",\"title\":\"T\",\"body\":\"Body\","
        "\"tags\":[\"a\",\"b\"],\"url\":\"u\",\"source\":\"s\",\"x\":2}",
        "{\"id\":\"h\",\"date\":\"2021-02-01\",\"lang\":\"en\",\"title\":\"T\",\"body\":\"Body\","
        "\"tags\":[\"a\",\"b\"],\"url\":\"u\",\"source\":\"s\"}",
    };
    izde_entry *base = hash_base();
    uint64_t h = izde_entry_content_hash(base);
    izde_entry *same = hash_base();
    assert_true(izde_entry_content_hash(same) == h);
    izde_entry_free(same);

    uint64_t seen[sizeof variants / sizeof variants[0]];
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        izde_entry *v = parse_ok(variants[i]);
        seen[i] = izde_entry_content_hash(v);
        if (seen[i] == h)
            fail_msg("variant %zu hashes like the base", i);
        for (size_t j = 0; j < i; j++)
            if (seen[j] == seen[i])
                fail_msg("variants %zu and %zu hash alike", j, i);
        izde_entry_free(v);
    }

    /* Moving a byte across a boundary changes the hash even when the byte could pass for a
     * separator. */
    izde_entry *x = parse_ok("{\"id\":\"h\",\"title\":\"T\\u0001\",\"body\":\"Body\"}");
    izde_entry *y = parse_ok("{\"id\":\"h\",\"title\":\"T\",\"body\":\"\\u0001Body\"}");
    assert_true(izde_entry_content_hash(x) != izde_entry_content_hash(y));
    izde_entry_free(x);
    izde_entry_free(y);

    /* A title "" (kept when built in code) differs from no title. */
    izde_entry *t = hash_base();
    free(t->title);
    t->title = NULL;
    uint64_t none = izde_entry_content_hash(t);
    t->title = strdup("");
    assert_true(izde_entry_content_hash(t) != none);
    izde_entry_free(t);
    izde_entry_free(base);
}

/* Asserts a and b hold the same entry, field by field (NULL and "" differ). */
static void assert_same_entry(const izde_entry *a, const izde_entry *b)
{
    const char *fa[] = {a->id, a->date, a->title, a->body, a->url, a->source, a->extra_json};
    const char *fb[] = {b->id, b->date, b->title, b->body, b->url, b->source, b->extra_json};
    for (size_t i = 0; i < sizeof fa / sizeof *fa; i++) {
        if (!fa[i] || !fb[i])
            assert_true(fa[i] == fb[i]);
        else
            assert_string_equal(fa[i], fb[i]);
    }
    assert_string_equal(a->lang, b->lang);
    assert_int_equal(a->day, b->day);
    assert_int_equal(a->n_tags, b->n_tags);
    for (size_t i = 0; i < a->n_tags; i++)
        assert_string_equal(a->tags[i], b->tags[i]);
}

/* Encodes e and fails the test unless it works. Caller frees. */
static char *encode_ok(const izde_entry *e, size_t *out_len)
{
    char *data = NULL;
    izde_error err = {0};
    if (izde_entry_encode(e, &data, out_len, &err) != IZDE_OK)
        fail_msg("encode %s: %s", e->id, err.msg);
    return data;
}

/* Decodes len bytes copied to a buffer of exactly that size, so a read past the end is
 * caught by the sanitizer build. */
static izde_status decode_exact(const char *data, size_t len, izde_entry **out, izde_error *err)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, data, len);
    izde_status st = izde_entry_decode(copy, len, out, err);
    free(copy);
    return st;
}

/* e encoded, then decoded: the same entry. Every shorter prefix: an error, no entry. */
static void check_round_trip(const izde_entry *e)
{
    size_t len = 0;
    char *data = encode_ok(e, &len);
    izde_entry *back = NULL;
    izde_error err = {0};
    if (decode_exact(data, len, &back, &err) != IZDE_OK)
        fail_msg("decode %s: %s", e->id, err.msg);
    assert_same_entry(e, back);
    izde_entry_free(back);
    /* one decoder kept across entries: the same answers, also after damage */
    izde_entry_decoder *d = NULL;
    assert_int_equal(izde_entry_decoder_new(&d, &err), IZDE_OK);
    size_t cuts[] = {len / 2, len - 1, len};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        izde_entry *got = (izde_entry *)1;
        izde_status st = izde_entry_decode_with(d, data, cuts[i], &got, &err);
        assert_int_equal(st, cuts[i] == len ? IZDE_OK : IZDE_ERR_DB_CORRUPT);
        if (st == IZDE_OK)
            assert_same_entry(e, got);
        else
            assert_null(got);
        izde_entry_free(st == IZDE_OK ? got : NULL);
    }
    izde_entry_decoder_free(d);
    /* every length for small entries; for long ones, every length around each field */
    size_t step = len > 20000 ? 997 : 1;
    for (size_t n = 0; n < len; n += (n < 64 || len - n < 64) ? 1 : step) {
        izde_entry *cut = (izde_entry *)1;
        izde_status st = decode_exact(data, n, &cut, &err);
        if (st != IZDE_ERR_DB_CORRUPT)
            fail_msg("%s cut to %zu of %zu bytes: status %d", e->id, n, len, st);
        assert_null(cut);
        assert_true(strlen(err.msg) > 0);
    }
    free(data);
}

static void test_stored_round_trip(void **state)
{
    (void)state;
    /* the least an entry has */
    izde_entry *e = parse_ok("{\"id\":\"a\",\"body\":\"x\"}");
    check_round_trip(e);
    izde_entry_free(e);
    /* every field, awkward characters, characters outside the BMP, extras */
    e = parse_ok("{\"id\":\"id \\\"1\\\"\",\"date\":\"2021-02-01T10:00:00+06:00\",\"lang\":\"kk\","
                 "\"title\":\"\\u0007Т\\\\ 😀\",\"body\":\"line\\nnext \\ud834\\udd1e ұлт\","
                 "\"tags\":[\"a\\\"\",\"б\",\"𝄞\"],\"url\":\"https://x.kz/a?b=1\","
                 "\"source\":\"x.kz\",\"z\":1,\"more\":[1,{\"k\":null}]}");
    check_round_trip(e);
    /* present but empty, as code may build it: "" stays "", not absent */
    free(e->title);
    e->title = strdup("");
    free(e->url);
    e->url = strdup("");
    check_round_trip(e);
    izde_entry_free(e);
    /* the longest of everything: a 1 MiB body of 4-byte characters, every tag */
    e = parse_ok("{\"id\":\"long\",\"body\":\"x\"}");
    free(e->body);
    e->body = malloc(IZDE_BODY_MAX + 1);
    for (size_t i = 0; i < IZDE_BODY_MAX; i += 4)
        memcpy(e->body + i, "\xf0\x9f\x98\x80", 4);
    e->body[IZDE_BODY_MAX] = '\0';
    e->title = malloc(IZDE_TITLE_MAX + 1);
    memset(e->title, 't', IZDE_TITLE_MAX);
    e->title[IZDE_TITLE_MAX] = '\0';
    e->tags = calloc(IZDE_TAGS_MAX, sizeof *e->tags);
    for (e->n_tags = 0; e->n_tags < IZDE_TAGS_MAX; e->n_tags++) {
        char tag[16];
        snprintf(tag, sizeof tag, "tag%zu", e->n_tags);
        e->tags[e->n_tags] = strdup(tag);
    }
    check_round_trip(e);
    izde_entry_free(e);
}

/* Patches byte at of an encoded entry and expects the decoder to refuse it with want. */
static void assert_decode_refuses(const char *data, size_t len, size_t at, char byte,
                                  const char *want)
{
    char *copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, data, len);
    copy[at] = byte;
    izde_entry *e = (izde_entry *)1;
    izde_error err = {0};
    izde_status st = decode_exact(copy, len, &e, &err);
    if (st != IZDE_ERR_DB_CORRUPT || !strstr(err.msg, want))
        fail_msg("byte %zu = %d: status %d, \"%s\", wanted \"%s\"", at, byte, st, err.msg, want);
    assert_null(e);
    free(copy);
}

static void test_stored_damage_is_refused(void **state)
{
    (void)state;
    izde_entry *e = parse_ok("{\"id\":\"ab\",\"lang\":\"en\",\"body\":\"hello\",\"tags\":[\"t\"]}");
    size_t len = 0;
    char *data = encode_ok(e, &len);
    /* layout: 0, version, day (4), id: length 4 + "ab", date absent 4, lang 4 + "en",
     * title 4, body 4 + "hello", url 4, source 4, extras 4, tags 4 + (4 + "t") */
    assert_int_equal(len, 6 + 6 + 4 + 6 + 4 + 9 + 4 + 4 + 4 + 4 + 5);
    assert_int_equal(data[1], 1); /* zstd does not shrink it: layout 1 */
    assert_decode_refuses(data, len, 1, 3, "layout 3");
    assert_decode_refuses(data, len, 6, 'x', "id"); /* a length past the end */
    assert_decode_refuses(data, len, 11, '\0', "NUL");
    assert_decode_refuses(data, len, 10, '\xff', "UTF-8");
    assert_decode_refuses(data, len, 21, 'e', "lang"); /* "ee" is no language */
    assert_decode_refuses(data, len, 30, '\x80', "UTF-8");
    assert_decode_refuses(data, len, 2, 1, "date"); /* a day without a date */
    assert_decode_refuses(data, len, 47, 65, "tags");
    /* a tag marked absent */
    char *absent = malloc(len);
    memcpy(absent, data, len);
    memset(absent + len - 5, 0xff, 4);
    izde_entry *out = (izde_entry *)1;
    izde_error err = {0};
    assert_int_equal(decode_exact(absent, len - 1, &out, &err), IZDE_ERR_DB_CORRUPT);
    assert_null(out);
    free(absent);
    /* bytes after the end */
    char *longer = malloc(len + 1);
    memcpy(longer, data, len);
    longer[len] = 0;
    assert_int_equal(decode_exact(longer, len + 1, &out, &err), IZDE_ERR_DB_CORRUPT);
    assert_non_null(strstr(err.msg, "after the end"));
    free(longer);
    assert_int_equal(izde_entry_decode(NULL, 0, &out, &err), IZDE_ERR_DB_CORRUPT);
    free(data);

    /* what does not validate is not encoded, so what is stored decodes */
    free(e->body);
    e->body = strdup("   ");
    assert_int_equal(izde_entry_encode(e, &data, &len, &err), IZDE_ERR_INVALID_ARG);
    assert_null(data);
    free(e->body);
    e->body = strdup("x");
    e->extra_json = strdup("{\"id\":1}");
    assert_int_equal(izde_entry_encode(e, &data, &len, &err), IZDE_ERR_INVALID_ARG);
    izde_entry_free(e);
}

/* Decodes data and expects IZDE_ERR_DB_CORRUPT with want in the message. */
static void assert_refused_whole(const void *data, size_t len, const char *want)
{
    izde_entry *e = (izde_entry *)1;
    izde_error err = {0};
    izde_status st = decode_exact(data, len, &e, &err);
    if (st != IZDE_ERR_DB_CORRUPT || !strstr(err.msg, want))
        fail_msg("status %d, \"%s\", wanted \"%s\"", st, err.msg, want);
    assert_null(e);
}

/* 0, 2, then a zstd frame of the n bytes at raw: layout 2 around whatever raw holds. */
static char *zstd_layout(const void *raw, size_t n, size_t *out_len)
{
    size_t cap = 2 + ZSTD_compressBound(n);
    char *z = malloc(cap);
    assert_non_null(z);
    size_t k = ZSTD_compress(z + 2, cap - 2, raw, n, 3);
    assert_false(ZSTD_isError(k));
    z[0] = 0;
    z[1] = 2;
    *out_len = 2 + k;
    return z;
}

/* Entries zstd shrinks are stored as a zstd frame of layout 1 (index format 5); layout 1
 * itself (formats 3 and 4) still decodes; frames that do not hold one entry are damage. */
static void test_stored_zstd(void **state)
{
    (void)state;
    izde_entry *e = parse_ok("{\"id\":\"z\",\"lang\":\"ru\",\"title\":\"Новости\","
                             "\"body\":\"x\",\"tags\":[\"t\"]}");
    free(e->body);
    e->body = strdup("Степной ветер гнал пыль по дороге, и дорога гнала пыль по степи. "
                     "Степной ветер гнал пыль по дороге, и дорога гнала пыль по степи.");
    size_t len = 0;
    char *data = encode_ok(e, &len);
    assert_int_equal(data[0], 0);
    assert_int_equal(data[1], 2);
    check_round_trip(e);

    /* the frame's content is layout 1: decoded on its own, it is the same entry */
    unsigned long long raw_len = ZSTD_getFrameContentSize(data + 2, len - 2);
    assert_true(raw_len > len && raw_len < 4096);
    char *raw = malloc(raw_len);
    assert_int_equal(ZSTD_decompress(raw, raw_len, data + 2, len - 2), raw_len);
    assert_int_equal(raw[1], 1);
    izde_entry *back = NULL;
    izde_error err = {0};
    assert_int_equal(decode_exact(raw, raw_len, &back, &err), IZDE_OK);
    assert_same_entry(e, back);
    izde_entry_free(back);

    /* a frame of a damaged layout 1, of a layout 2, of JSON, of nothing useful */
    size_t zl = 0;
    raw[6] = 'x'; /* the id's length runs past the end */
    char *z = zstd_layout(raw, raw_len, &zl);
    assert_refused_whole(z, zl, "id");
    free(z);
    z = zstd_layout(data, len, &zl);
    assert_refused_whole(z, zl, "holds no entry");
    free(z);
    z = zstd_layout("{\"id\":\"a\",\"body\":\"x\"}", 22, &zl);
    assert_refused_whole(z, zl, "holds no entry");
    free(z);
    z = zstd_layout("\0\1", 2, &zl);
    assert_refused_whole(z, zl, "not a zstd frame of an entry");
    free(z);
    /* not a frame at all, and a frame whose checksum-free body is cut */
    char junk[] = {0, 2, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};
    assert_refused_whole(junk, sizeof junk, "not a zstd frame");
    assert_refused_whole(data, len - 1, "stored entry");
    /* a frame that claims more than any entry can be is refused before it is unpacked */
    char *big = calloc(5u << 20, 1);
    big[1] = 1;
    z = zstd_layout(big, 5u << 20, &zl);
    assert_refused_whole(z, zl, "not a zstd frame of an entry");
    free(z);
    free(big);
    free(raw);
    free(data);
    izde_entry_free(e);
}

/* An index of format 2 stored the JSON form: it still reads, through jansson. */
static void test_stored_json_of_format_2(void **state)
{
    (void)state;
    izde_entry *e =
        parse_ok("{\"id\":\"a\",\"date\":\"2021-02-01\",\"lang\":\"kk\",\"title\":\"Т\","
                 "\"body\":\"б \\ud83d\\ude00\",\"tags\":[\"NOC\"],\"url\":\"u\","
                 "\"source\":\"s\",\"z\":[1]}");
    char *json = to_json_ok(e);
    izde_entry *back = NULL;
    izde_error err = {0};
    assert_int_equal(decode_exact(json, strlen(json), &back, &err), IZDE_OK);
    assert_same_entry(e, back);
    izde_entry_free(back);
    /* damaged JSON is damage to the index, not a bad request */
    back = (izde_entry *)1;
    assert_int_equal(decode_exact(json, strlen(json) - 1, &back, &err), IZDE_ERR_DB_CORRUPT);
    assert_null(back);
    assert_non_null(strstr(err.msg, "stored entry"));
    free(json);
    izde_entry_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_date_parse),
        cmocka_unit_test(test_from_json_minimal),
        cmocka_unit_test(test_from_json_full),
        cmocka_unit_test(test_from_json_absent_forms),
        cmocka_unit_test(test_from_json_datetime),
        cmocka_unit_test(test_from_json_rejects),
        cmocka_unit_test(test_from_json_limits),
        cmocka_unit_test(test_unknown_fields_round_trip),
        cmocka_unit_test(test_to_json_escapes),
        cmocka_unit_test(test_to_json_rejects),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_content_hash),
        cmocka_unit_test(test_stored_round_trip),
        cmocka_unit_test(test_stored_damage_is_refused),
        cmocka_unit_test(test_stored_zstd),
        cmocka_unit_test(test_stored_json_of_format_2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
