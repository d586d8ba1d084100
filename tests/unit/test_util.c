/* The utility layer every other layer builds on (lib/util): UTF-8 decoding and encoding,
 * the growable buffer, array growth, FNV-1a and bounded number parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <izde/array.h>
#include <izde/buf.h>
#include <izde/error.h>
#include <izde/hash.h>
#include <izde/number.h>
#include <izde/utf8.h>

/* Every code point that may be encoded round-trips through encode and decode, and decode
 * agrees with izde_utf8_valid on what it accepts. */
static void test_utf8_round_trip(void **state)
{
    (void)state;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        char b[4];
        size_t n = izde_utf8_encode(cp, b);
        uint32_t back = 0;
        assert_int_equal(izde_utf8_decode(b, n, &back), n);
        assert_int_equal(back, cp);
        assert_true(izde_utf8_valid(b, n));
        if (n > 1) /* cut short: ill-formed */
            assert_int_equal(izde_utf8_decode(b, n - 1, &back), 0);
    }
}

static void test_utf8_ill_formed(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len;
    } bad[] = {
        {"\xC0\xAF", 2},         /* overlong '/' */
        {"\xE0\x80\xAF", 3},     /* overlong, 3 bytes */
        {"\xED\xA0\x80", 3},     /* surrogate U+D800 */
        {"\xF4\x90\x80\x80", 4}, /* above U+10FFFF */
        {"\x80", 1},             /* lone continuation */
        {"\xD2", 1},             /* lead byte at the end */
        {"\xD2\x41", 2},         /* lead byte, then ASCII */
        {"", 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint32_t cp = 7;
        assert_int_equal(izde_utf8_decode(bad[i].s, bad[i].len, &cp), 0);
        assert_int_equal(cp, 7);
    }
    /* next steps over each bad byte with U+FFFD and ends. */
    const char s[] = "\xD2\x41\xD2\x9B";
    size_t i = 0;
    assert_int_equal(izde_utf8_next(s, 4, &i), IZDE_UTF8_REPLACEMENT);
    assert_int_equal(i, 1);
    assert_int_equal(izde_utf8_next(s, 4, &i), 'A');
    assert_int_equal(izde_utf8_next(s, 4, &i), 0x49B); /* қ */
    assert_int_equal(i, 4);
    assert_int_equal(izde_utf8_prev(s, 4), 2);
    assert_int_equal(izde_utf8_prev("a\xF0\x9F\x98\x80", 5), 1);
}

/* izde_utf8_invalid_at checks ASCII and two-byte text eight bytes at a time: over random
 * mixes of every kind of sequence, well- and ill-formed, at every alignment, it must name
 * the same first bad byte as decoding one sequence after another. */
static void test_utf8_invalid_at_random(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "a",
        " ",
        "Zq",
        "\xD0\xB6",
        "\xD2\x9B",
        "\xC2\xA0",
        "\xDF\xBF",
        "\xC2\x80",
        "\xE2\x80\x94",
        "\xF0\x9F\x98\x80",
        "\xC0\xAF",
        "\xC1\xBF",
        "\x80",
        "\xBF",
        "\xD2",
        "\xD2\x41",
        "\xE0\x80\xAF",
        "\xED\xA0\x80",
        "\xF4\x90\x80\x80",
        "\xF8",
        "\xFF",
        "\xE2\x80",
        "\xD0\xD0",
        "\x7F",
    };
    static const size_t weights[] = {40, 10, 10, 40, 20, 5, 5, 5, 5, 3, 1, 1,
                                     1,  1,  1,  1,  1,  1, 1, 1, 1, 1, 1, 5};
    const size_t np = sizeof pieces / sizeof *pieces;
    size_t total = 0;
    for (size_t k = 0; k < np; k++)
        total += weights[k];
    uint32_t seed = 99;
    char buf[256];
    size_t bad = 0, runs = 0;
    for (int round = 0; round < 40000; round++) {
        size_t len = 0, want = (size_t)round % 97;
        int clean = round % 3 == 0; /* well-formed pieces only: long runs checked whole */
        while (len < want) {
            seed = seed * 1103515245u + 12345u;
            size_t r = (seed >> 8) % total, k = 0;
            while (r >= weights[k])
                r -= weights[k++];
            if (clean && k >= 10 && k != np - 1)
                continue;
            size_t n = strlen(pieces[k]);
            memcpy(buf + len, pieces[k], n);
            len += n;
        }
        size_t at = 0;
        uint32_t cp;
        size_t n;
        while (at < len && (n = izde_utf8_decode(buf + at, len - at, &cp)) > 0)
            at += n;
        assert_int_equal(izde_utf8_invalid_at(buf, len), at);
        bad += at < len;
        runs++;
    }
    assert_true(bad > runs / 4 && bad < runs - runs / 4); /* both outcomes are common */
}

/* A message cut at its buffer's end, or quoting ill-formed bytes, stays valid UTF-8. */
/* The bytes of the first n code points: letters of one to four bytes, and n past the end. */
static void test_utf8_prefix_len(void **state)
{
    (void)state;
    const char *s = "a\xD2\x9B\xE2\x80\xA6\xF0\x9F\x98\x80z"; /* a қ … 😀 z */
    size_t len = strlen(s);
    static const size_t want[] = {0, 1, 3, 6, 10, 11, 11, 11};
    for (size_t n = 0; n < sizeof want / sizeof want[0]; n++)
        assert_int_equal(izde_utf8_prefix_len(s, len, n), want[n]);
    assert_int_equal(izde_utf8_prefix_len(s, 2, 1), 1); /* a cut letter is not counted past */
    assert_int_equal(izde_utf8_prefix_len("", 0, 3), 0);
}

static void test_error_message_stays_utf8(void **state)
{
    (void)state;
    izde_error err;
    char word[400];
    for (size_t i = 0; i + 2 <= sizeof word - 1; i += 2)
        memcpy(word + i, "\xD2\x9B", 2); /* қ */
    word[sizeof word - 1] = '\0';
    for (size_t lead = 0; lead < 3; lead++) {
        izde_error_set(&err, IZDE_ERR_INVALID_ARG, "%.*s%s", (int)lead, "xxx", word);
        assert_true(izde_utf8_valid(err.msg, strlen(err.msg)));
        assert_true(strlen(err.msg) >= sizeof err.msg - 2);
    }
    izde_error_set(&err, IZDE_ERR_INVALID_ARG, "bad value '%s'",
                   "a\xC0\xAF"
                   "b");
    assert_string_equal(err.msg, "bad value 'a");
}

static void test_buf(void **state)
{
    (void)state;
    izde_buf b = {0};
    izde_buf_append(&b, "", 0);
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    for (int i = 0; i < 1000; i++)
        izde_buf_printf(&b, "%d,", i);
    assert_false(b.failed);
    assert_int_equal(b.len, strlen(b.data));
    assert_memory_equal(b.data + b.len - 4, "999,", 4);
    izde_buf_append_str(&b, "abc");
    izde_buf_append_own(&b, b.len - 3, 3); /* may move the storage it reads from */
    assert_memory_equal(b.data + b.len - 6, "abcabc", 6);
    /* A size that cannot be met fails once and for all. */
    assert_false(izde_buf_reserve(&b, SIZE_MAX - 2));
    assert_true(b.failed);
    size_t len = b.len;
    izde_buf_append(&b, "x", 1);
    assert_int_equal(b.len, len);
    izde_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void test_array(void **state)
{
    (void)state;
    uint64_t *items = NULL;
    size_t cap = 0;
    for (size_t n = 1; n <= 1000; n++) {
        assert_true(izde_array_reserve(&items, &cap, n, sizeof *items));
        assert_true(cap >= n);
        items[n - 1] = n;
    }
    assert_int_equal(items[999], 1000);
    size_t before = cap;
    assert_false(izde_array_reserve(&items, &cap, SIZE_MAX / 4, sizeof *items));
    assert_int_equal(cap, before); /* untouched on failure, still owned */
    assert_int_equal(items[0], 1);
    free(items);
}

static void test_fnv1a(void **state)
{
    (void)state;
    /* Reference values of FNV-1a 64 (the published test vectors). */
    assert_true(izde_fnv1a(IZDE_FNV1A_INIT, "", 0) == 0xcbf29ce484222325ULL);
    assert_true(izde_fnv1a(IZDE_FNV1A_INIT, "a", 1) == 0xaf63dc4c8601ec8cULL);
    assert_true(izde_fnv1a(IZDE_FNV1A_INIT, "foobar", 6) == 0x85944171f73967e8ULL);
    /* Folding in parts is the same as one call. */
    uint64_t h = izde_fnv1a(izde_fnv1a(IZDE_FNV1A_INIT, "foo", 3), "bar", 3);
    assert_true(h == 0x85944171f73967e8ULL);
}

static void test_numbers(void **state)
{
    (void)state;
    uint64_t u = 42;
    assert_true(izde_parse_uint("0", 0, 10, &u) && u == 0);
    assert_true(izde_parse_uint("18446744073709551615", 0, UINT64_MAX, &u));
    assert_true(u == UINT64_MAX);
    static const char *bad_uint[] = {
        "", "-1", "+1", " 1", "1 ", "0x10", "1e3", "11", "18446744073709551616"};
    for (size_t i = 0; i < sizeof bad_uint / sizeof bad_uint[0]; i++) {
        u = 42;
        assert_false(izde_parse_uint(bad_uint[i], 1, 10, &u));
        assert_int_equal(u, 42);
    }
    uint32_t v = 7;
    assert_true(izde_parse_u32("10", 0, 10, &v) && v == 10);
    assert_false(izde_parse_u32("11", 0, 10, &v));
    assert_false(izde_parse_u32("0", 1, 10, &v));
    assert_false(izde_parse_u32("99999999999999999999", 0, 4000000000u, &v));
    assert_int_equal(v, 10);
    int day = 0;
    assert_true(izde_parse_digits("07x", 2, 1, 2, &day) && day == 7);
    assert_false(izde_parse_digits("2024", 4, 1, 2, &day));
    assert_false(izde_parse_digits("1a", 2, 1, 2, &day));
    assert_false(izde_parse_digits("", 0, 1, 2, &day));
    assert_int_equal(day, 7);
    double d = 0;
    assert_true(izde_parse_double("0.25", 0, 1, &d) && d == 0.25);
    static const char *bad_double[] = {"", " 0.5", "0.5x", "nan", "inf", "1.5", "-0.1"};
    for (size_t i = 0; i < sizeof bad_double / sizeof bad_double[0]; i++) {
        d = 7;
        assert_false(izde_parse_double(bad_double[i], 0, 1, &d));
        assert_true(d == 7);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_round_trip),
        cmocka_unit_test(test_utf8_ill_formed),
        cmocka_unit_test(test_utf8_invalid_at_random),
        cmocka_unit_test(test_utf8_prefix_len),
        cmocka_unit_test(test_error_message_stays_utf8),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_array),
        cmocka_unit_test(test_fnv1a),
        cmocka_unit_test(test_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
