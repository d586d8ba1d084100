/* The query parser, table-driven: every construct, precedence, the three languages, every
 * malformed case in both modes, dates; then offsets, limits and a random-input loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <izde/query.h>

#define LENIENT 0
#define STRICT 1

struct parse_case {
    const char *q;
    int strict;
    const char *tree; /* expected izde_qnode_describe(), or NULL when an error is expected */
    izde_status code; /* expected error */
    const char *msg;  /* expected exact error message */
};

#define OK(q, mode, tree)                                                                          \
    {                                                                                              \
        q, mode, tree, IZDE_OK, NULL                                                               \
    }
#define BOTH(q, tree) OK(q, LENIENT, tree), OK(q, STRICT, tree)
#define FAIL(q, mode, code, msg)                                                                   \
    {                                                                                              \
        q, mode, NULL, code, msg                                                                   \
    }
#define SYNTAX(q, msg) FAIL(q, STRICT, IZDE_ERR_QUERY_SYNTAX, msg)

static void run_cases(const struct parse_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct parse_case *c = &cases[i];
        izde_qnode *root = NULL;
        izde_error err = {0};
        izde_status st = izde_query_parse(c->q, strlen(c->q), c->strict, &root, &err);
        if (c->tree) {
            if (st != IZDE_OK)
                fail_msg("[%s] %s: unexpected error %d: %s", c->strict ? "strict" : "lenient", c->q,
                         st, err.msg);
            char *d = izde_qnode_describe(root);
            assert_non_null(d);
            if (strcmp(d, c->tree) != 0)
                fail_msg("[%s] %s\n  got      %s\n  expected %s", c->strict ? "strict" : "lenient",
                         c->q, d, c->tree);
            free(d);
            izde_qnode_free(root);
        } else {
            if (st != c->code || err.code != c->code || strcmp(err.msg, c->msg) != 0) {
                char *d = root ? izde_qnode_describe(root) : NULL;
                fail_msg("[%s] %s\n  got      %d '%s' %s\n  expected %d '%s'",
                         c->strict ? "strict" : "lenient", c->q, st, err.msg, d ? d : "", c->code,
                         c->msg);
            }
            assert_null(root);
        }
    }
}

#define RUN(cases) run_cases(cases, sizeof cases / sizeof cases[0])

static void test_words_and_operators(void **state)
{
    (void)state;
    static const struct parse_case cases[] = {
        BOTH("olympic", "(WORD \"olympic\")"),
        BOTH("  olympic  ", "(WORD \"olympic\")"),
        BOTH("Olympic GAMES", "(AND (WORD \"Olympic\") (WORD \"GAMES\"))"),
        BOTH("a b c", "(AND (WORD \"a\") (WORD \"b\") (WORD \"c\"))"),
        BOTH("a AND b", "(AND (WORD \"a\") (WORD \"b\"))"),
        BOTH("a OR b", "(OR (WORD \"a\") (WORD \"b\"))"),
        BOTH("a OR b OR c", "(OR (WORD \"a\") (WORD \"b\") (WORD \"c\"))"),
        /* lower-case operators are words */
        BOTH("a or b", "(AND (WORD \"a\") (WORD \"or\") (WORD \"b\"))"),
        BOTH("a and not b", "(AND (WORD \"a\") (WORD \"and\") (WORD \"not\") (WORD \"b\"))"),
        BOTH("a Or b near c", "(AND (WORD \"a\") (WORD \"Or\") (WORD \"b\") (WORD \"near\") "
                              "(WORD \"c\"))"),
        BOTH("ORANGE NOTE ANDROID NEARBY",
             "(AND (WORD \"ORANGE\") (WORD \"NOTE\") (WORD \"ANDROID\") (WORD \"NEARBY\"))"),
        /* NOT and '-' */
        BOTH("a -b", "(AND (WORD \"a\") (NOT (WORD \"b\")))"),
        BOTH("a NOT b", "(AND (WORD \"a\") (NOT (WORD \"b\")))"),
        BOTH("-a", "(NOT (WORD \"a\"))"),
        BOTH("NOT a", "(NOT (WORD \"a\"))"),
        BOTH("-a -b", "(AND (NOT (WORD \"a\")) (NOT (WORD \"b\")))"),
        BOTH("NOT NOT a", "(WORD \"a\")"),
        BOTH("NOT -a", "(WORD \"a\")"),
        BOTH("x -(-a)", "(AND (WORD \"x\") (WORD \"a\"))"),
        BOTH("a -\"b c\"", "(AND (WORD \"a\") (NOT (PHRASE \"b c\")))"),
        BOTH("a -(b OR c)", "(AND (WORD \"a\") (NOT (OR (WORD \"b\") (WORD \"c\"))))"),
        BOTH("a -b*", "(AND (WORD \"a\") (NOT (PREFIX \"b\")))"),
        BOTH("a -tag:x", "(AND (WORD \"a\") (NOT (TAG \"x\")))"),
        BOTH("(-a)", "(NOT (WORD \"a\"))"),
        /* '-' only at the start of a term */
        BOTH("Nur-Sultan", "(WORD \"Nur-Sultan\")"),
        BOTH("Нұр-Сұлтан", "(WORD \"Нұр-Сұлтан\")"),
        BOTH("-Нұр-Сұлтан", "(NOT (WORD \"Нұр-Сұлтан\"))"),
        BOTH("a-", "(WORD \"a-\")"),
        BOTH("--a", "(NOT (WORD \"-a\"))"),
        BOTH("\"a\"-b", "(AND (PHRASE \"a\") (WORD \"-b\"))"),
        BOTH("(a)-b", "(AND (WORD \"a\") (WORD \"-b\"))"),
        BOTH("-OR", "(NOT (WORD \"OR\"))"),
        /* a dash between words is a separator, not a term */
        BOTH("Алматы - Астана", "(AND (WORD \"Алматы\") (WORD \"Астана\"))"),
        BOTH("Алматы — Астана", "(AND (WORD \"Алматы\") (WORD \"Астана\"))"),
        BOTH("a -- b", "(AND (WORD \"a\") (WORD \"b\"))"),
        /* prefixes */
        BOTH("olymp*", "(PREFIX \"olymp\")"),
        BOTH("olymp**", "(PREFIX \"olymp\")"),
        BOTH("олимп*", "(PREFIX \"олимп\")"),
        BOTH("*olymp", "(WORD \"*olymp\")"),
        BOTH("a*b", "(WORD \"a*b\")"),
        /* kept as typed */
        BOTH("www.olympic.kz", "(WORD \"www.olympic.kz\")"),
        BOTH("press@olympic.kz", "(WORD \"press@olympic.kz\")"),
        BOTH("http://x", "(WORD \"http://x\")"),
        BOTH("https://olympic.kz/news?id=5", "(WORD \"https://olympic.kz/news?id=5\")"),
        BOTH("foo:bar", "(WORD \"foo:bar\")"),
        BOTH("O'Brien", "(WORD \"O'Brien\")"),
        BOTH("back\\slash", "(WORD \"back\\\\slash\")"),
        BOTH("Қазақстан", "(WORD \"Қазақстан\")"),
        BOTH("Олимпийские игры", "(AND (WORD \"Олимпийские\") (WORD \"игры\"))"),
        BOTH("Ұлттық олимпиада комитеті",
             "(AND (WORD \"Ұлттық\") (WORD \"олимпиада\") (WORD \"комитеті\"))"),
        /* Unicode spaces and control characters separate words */
        BOTH("a\xC2\xA0"
             "b",
             "(AND (WORD \"a\") (WORD \"b\"))"),
        BOTH("a\xE2\x80\x83"
             "b\xE3\x80\x80"
             "c",
             "(AND (WORD \"a\") (WORD \"b\") (WORD \"c\"))"),
        BOTH("a\tb\nc\r", "(AND (WORD \"a\") (WORD \"b\") (WORD \"c\"))"),
        BOTH("\xEF\xBB\xBF"
             "a",
             "(WORD \"a\")"),
    };
    RUN(cases);
}

static void test_precedence(void **state)
{
    (void)state;
    static const struct parse_case cases[] = {
        BOTH("a b OR c", "(AND (WORD \"a\") (OR (WORD \"b\") (WORD \"c\")))"),
        BOTH("a OR b c", "(AND (OR (WORD \"a\") (WORD \"b\")) (WORD \"c\"))"),
        BOTH("a b OR c d", "(AND (WORD \"a\") (OR (WORD \"b\") (WORD \"c\")) (WORD \"d\"))"),
        BOTH("a AND b OR c", "(AND (WORD \"a\") (OR (WORD \"b\") (WORD \"c\")))"),
        BOTH("(a b) OR c", "(OR (AND (WORD \"a\") (WORD \"b\")) (WORD \"c\"))"),
        BOTH("a (b OR c) d", "(AND (WORD \"a\") (OR (WORD \"b\") (WORD \"c\")) (WORD \"d\"))"),
        BOTH("(a OR b) (c OR d)",
             "(AND (OR (WORD \"a\") (WORD \"b\")) (OR (WORD \"c\") (WORD \"d\")))"),
        /* NOT binds tighter than OR, looser than NEAR */
        BOTH("-a OR b", "(OR (NOT (WORD \"a\")) (WORD \"b\"))"),
        BOTH("a OR -b", "(OR (WORD \"a\") (NOT (WORD \"b\")))"),
        BOTH("a OR NOT b", "(OR (WORD \"a\") (NOT (WORD \"b\")))"),
        BOTH("-a NEAR b", "(NOT (NEAR/10 (WORD \"a\") (WORD \"b\")))"),
        BOTH("a NEAR b OR c", "(OR (NEAR/10 (WORD \"a\") (WORD \"b\")) (WORD \"c\"))"),
        BOTH("x a NEAR/2 b y",
             "(AND (WORD \"x\") (NEAR/2 (WORD \"a\") (WORD \"b\")) (WORD \"y\"))"),
        /* groups flatten into the same operator and vanish around one term */
        BOTH("(a)", "(WORD \"a\")"),
        BOTH("((((a))))", "(WORD \"a\")"),
        BOTH("a (b c)", "(AND (WORD \"a\") (WORD \"b\") (WORD \"c\"))"),
        BOTH("(a OR b) OR c", "(OR (WORD \"a\") (WORD \"b\") (WORD \"c\"))"),
        BOTH("a (b (c (d OR e)))",
             "(AND (WORD \"a\") (WORD \"b\") (WORD \"c\") (OR (WORD \"d\") (WORD \"e\")))"),
        BOTH("a OR (b OR (c d))", "(OR (WORD \"a\") (WORD \"b\") (AND (WORD \"c\") (WORD \"d\")))"),
        BOTH("((a OR b) -c) OR d",
             "(OR (AND (OR (WORD \"a\") (WORD \"b\")) (NOT (WORD \"c\"))) (WORD \"d\"))"),
    };
    RUN(cases);
}

static void test_phrases_and_near(void **state)
{
    (void)state;
    static const struct parse_case cases[] = {
        BOTH("\"olympic games\"", "(PHRASE \"olympic games\")"),
        BOTH("\"  olympic   games \"", "(PHRASE \"olympic   games\")"),
        BOTH("\"olympic\"", "(PHRASE \"olympic\")"),
        BOTH("a\"b c\"d", "(AND (WORD \"a\") (PHRASE \"b c\") (WORD \"d\"))"),
        BOTH("\"a\"\"b\"", "(AND (PHRASE \"a\") (PHRASE \"b\"))"),
        BOTH("NOT\"a b\"", "(NOT (PHRASE \"a b\"))"),
        BOTH("\"a OR b\" -c", "(AND (PHRASE \"a OR b\") (NOT (WORD \"c\")))"),
        BOTH("\"olymp* (games)\"", "(PHRASE \"olymp* (games)\")"),
        /* typographic quotes */
        BOTH("«Астана Опера»", "(PHRASE \"Астана Опера\")"),
        BOTH("театр «Астана Опера» OR балет",
             "(AND (WORD \"театр\") (OR (PHRASE \"Астана Опера\") (WORD \"балет\")))"),
        BOTH("“olympic games”", "(PHRASE \"olympic games\")"),
        BOTH("„Олимпийские игры“", "(PHRASE \"Олимпийские игры\")"),
        BOTH("«Ұлттық олимпиада комитеті» -хоккей",
             "(AND (PHRASE \"Ұлттық олимпиада комитеті\") (NOT (WORD \"хоккей\")))"),
        BOTH("Nur-Sultan\"x y\"", "(AND (WORD \"Nur-Sultan\") (PHRASE \"x y\"))"),
        /* NEAR */
        BOTH("a NEAR b", "(NEAR/10 (WORD \"a\") (WORD \"b\"))"),
        BOTH("a NEAR/5 b", "(NEAR/5 (WORD \"a\") (WORD \"b\"))"),
        BOTH("a NEAR/3 b NEAR/3 c", "(NEAR/3 (WORD \"a\") (WORD \"b\") (WORD \"c\"))"),
        BOTH("a NEAR/3 b NEAR/7 c", "(NEAR/7 (WORD \"a\") (WORD \"b\") (WORD \"c\"))"),
        BOTH("a NEAR b NEAR/3 c", "(NEAR/10 (WORD \"a\") (WORD \"b\") (WORD \"c\"))"),
        BOTH("\"olympic games\" NEAR/4 Астана",
             "(NEAR/4 (PHRASE \"olympic games\") (WORD \"Астана\"))"),
        BOTH("olymp* NEAR title:games", "(NEAR/10 (PREFIX \"olymp\") (WORD title \"games\"))"),
        BOTH("(a OR b) NEAR c", "(NEAR/10 (OR (WORD \"a\") (WORD \"b\")) (WORD \"c\"))"),
        BOTH("a NEAR/1 b", "(NEAR/1 (WORD \"a\") (WORD \"b\"))"),
        BOTH("a NEAR/1000 b", "(NEAR/1000 (WORD \"a\") (WORD \"b\"))"),
        BOTH("a NEAR/x b", "(AND (WORD \"a\") (WORD \"NEAR/x\") (WORD \"b\"))"),
        BOTH("a NEAR/ b", "(AND (WORD \"a\") (WORD \"NEAR/\") (WORD \"b\"))"),
        BOTH("a near/5 b", "(AND (WORD \"a\") (WORD \"near/5\") (WORD \"b\"))"),
        OK("a NEAR/0 b", LENIENT, "(NEAR/1 (WORD \"a\") (WORD \"b\"))"),
        OK("a NEAR/99999999999 b", LENIENT, "(NEAR/1000 (WORD \"a\") (WORD \"b\"))"),
        SYNTAX("a NEAR/0 b", "position 3: NEAR window must be between 1 and 1000"),
        SYNTAX("a NEAR/1001 b", "position 3: NEAR window must be between 1 and 1000"),
    };
    RUN(cases);
}

static void test_fields(void **state)
{
    (void)state;
    static const struct parse_case cases[] = {
        BOTH("title:olympic", "(WORD title \"olympic\")"),
        BOTH("Title:Olympic", "(WORD title \"Olympic\")"),
        BOTH("TITLE:olymp*", "(PREFIX title \"olymp\")"),
        BOTH("title:\"olympic games\"", "(PHRASE title \"olympic games\")"),
        BOTH("title:«Астана Опера»", "(PHRASE title \"Астана Опера\")"),
        BOTH("title:Нұр-Сұлтан", "(WORD title \"Нұр-Сұлтан\")"),
        BOTH("title:OR", "(WORD title \"OR\")"),
        BOTH("title:a:b", "(WORD title \"a:b\")"),
        BOTH("tag:NOC", "(TAG \"NOC\")"),
        BOTH("TAG:NOC", "(TAG \"NOC\")"),
        BOTH("tag:\"two words\"", "(TAG \"two words\")"),
        BOTH("tag:«Токио 2020»", "(TAG \"Токио 2020\")"),
        BOTH("lang:kk", "(LANG \"kk\")"),
        BOTH("lang:en", "(LANG \"en\")"),
        BOTH("Lang:RU", "(LANG \"ru\")"),
        BOTH("бокс lang:kk -tag:NOC", "(AND (WORD \"бокс\") (LANG \"kk\") (NOT (TAG \"NOC\")))"),
        BOTH("title:boxing OR tag:boxing", "(OR (WORD title \"boxing\") (TAG \"boxing\"))"),
        BOTH("(title:a OR title:\"b c\") lang:ru",
             "(AND (OR (WORD title \"a\") (PHRASE title \"b c\")) (LANG \"ru\"))"),
        BOTH("tag:a\"b\"", "(AND (TAG \"a\") (PHRASE \"b\"))"),
        /* bad values: one word in lenient mode, an error in strict mode */
        OK("lang:xx", LENIENT, "(WORD \"lang:xx\")"),
        SYNTAX("lang:xx", "position 6: unknown language 'xx' (en, kk or ru)"),
        OK("lang:", LENIENT, "(WORD \"lang:\")"),
        SYNTAX("lang:", "position 1: missing value after 'lang:'"),
        OK("news title: games", LENIENT,
           "(AND (WORD \"news\") (WORD \"title:\") (WORD \"games\"))"),
        SYNTAX("news Title: games", "position 6: missing value after 'Title:'"),
        OK("title:*", LENIENT, "(WORD \"title:*\")"),
        SYNTAX("title:*", "position 7: title: needs a word"),
        OK("title:\"\"", LENIENT, "(WORD \"title:\\\"\\\"\")"),
        SYNTAX("title:\"\"", "position 7: empty phrase"),
        OK("tag:", LENIENT, "(WORD \"tag:\")"),
        OK("title:(a b)", LENIENT, "(AND (WORD \"title:\") (WORD \"a\") (WORD \"b\"))"),
        OK("tag:\"x y", LENIENT, "(TAG \"x y\")"),
        SYNTAX("tag:\"x y", "position 5: unmatched quote"),
    };
    RUN(cases);
}

static void test_dates(void **state)
{
    (void)state;
    static const struct parse_case cases[] = {
        BOTH("date:2019", "(DATE 20190101 20191231)"),
        BOTH("DATE:2019", "(DATE 20190101 20191231)"),
        BOTH("date:2019-02", "(DATE 20190201 20190228)"),
        BOTH("date:2020-02", "(DATE 20200201 20200229)"),
        BOTH("date:2000-02", "(DATE 20000201 20000229)"),
        BOTH("date:1900-02", "(DATE 19000201 19000228)"),
        BOTH("date:2019-04", "(DATE 20190401 20190430)"),
        BOTH("date:2019-12", "(DATE 20191201 20191231)"),
        BOTH("date:2019-3-8", "(DATE 20190308 20190308)"),
        BOTH("date:2019-03-08", "(DATE 20190308 20190308)"),
        BOTH("date:2020-02-29", "(DATE 20200229 20200229)"),
        BOTH("date:2018-06-01..2019-12-31", "(DATE 20180601 20191231)"),
        BOTH("date:2018..2019", "(DATE 20180101 20191231)"),
        BOTH("date:2018-06..2019-02", "(DATE 20180601 20190228)"),
        BOTH("date:2019..", "(DATE 20190101 0)"),
        BOTH("date:..2019-06", "(DATE 0 20190630)"),
        BOTH("date:2019..2019", "(DATE 20190101 20191231)"),
        BOTH("date:2019-03-08..2019-03-08", "(DATE 20190308 20190308)"),
        BOTH("date:\"2019\"", "(DATE 20190101 20191231)"),
        BOTH("after:2020-01-01", "(DATE 20200102 0)"),
        BOTH("after:2019", "(DATE 20200101 0)"),
        BOTH("after:2020-02", "(DATE 20200301 0)"),
        BOTH("after:2019-12-31", "(DATE 20200101 0)"),
        BOTH("after:2020-02-28", "(DATE 20200229 0)"),
        BOTH("after:2019-02-28", "(DATE 20190301 0)"),
        BOTH("before:2020-01-01", "(DATE 0 20191231)"),
        BOTH("before:2019", "(DATE 0 20181231)"),
        BOTH("before:2020-03", "(DATE 0 20200229)"),
        BOTH("before:2019-03-01", "(DATE 0 20190228)"),
        BOTH("Before:2020-05-01", "(DATE 0 20200430)"),
        BOTH("after:9999-12-31", "(DATE 99991231 0)"),
        BOTH("before:1000-01-01", "(DATE 0 9991231)"),
        BOTH("date:1000..9999", "(DATE 10000101 99991231)"),
        BOTH("бокс after:2019 before:2020-07",
             "(AND (WORD \"бокс\") (DATE 20200101 0) (DATE 0 20200630))"),
        /* invalid */
        SYNTAX("date:2019-13", "position 6: invalid date '2019-13'"),
        OK("date:2019-13", LENIENT, "(WORD \"date:2019-13\")"),
        SYNTAX("date:2019-00", "position 6: invalid date '2019-00'"),
        SYNTAX("date:2019-02-29", "position 6: invalid date '2019-02-29'"),
        SYNTAX("date:1900-02-29", "position 6: invalid date '1900-02-29'"),
        SYNTAX("date:2019-04-31", "position 6: invalid date '2019-04-31'"),
        SYNTAX("date:2019-01-00", "position 6: invalid date '2019-01-00'"),
        SYNTAX("date:0999", "position 6: invalid date '0999'"),
        SYNTAX("date:19", "position 6: invalid date '19'"),
        SYNTAX("date:20190", "position 6: invalid date '20190'"),
        SYNTAX("date:2019-001", "position 6: invalid date '2019-001'"),
        SYNTAX("date:2019-01-01x", "position 6: invalid date '2019-01-01x'"),
        SYNTAX("date:2019/01", "position 6: invalid date '2019/01'"),
        SYNTAX("date:soon", "position 6: invalid date 'soon'"),
        OK("date:soon", LENIENT, "(WORD \"date:soon\")"),
        SYNTAX("date:..", "position 6: invalid date '..'"),
        SYNTAX("date:2019...2020", "position 12: invalid date '.2020'"),
        SYNTAX("date:2019-01..2019-13", "position 15: invalid date '2019-13'"),
        SYNTAX("date:2020..2019", "position 6: date range '2020..2019' ends before it starts"),
        OK("date:2020..2019", LENIENT, "(WORD \"date:2020..2019\")"),
        SYNTAX("date:2019-05-02..2019-05-01",
               "position 6: date range '2019-05-02..2019-05-01' ends before it starts"),
        SYNTAX("after:2019..2020", "position 7: invalid date '2019..2020'"),
        SYNTAX("before:", "position 1: missing value after 'before:'"),
        OK("before:", LENIENT, "(WORD \"before:\")"),
        /* positions count characters, not bytes */
        SYNTAX("Астана date:2019-13", "position 13: invalid date '2019-13'"),
    };
    RUN(cases);
}

static void test_lenient_recovery(void **state)
{
    (void)state;
    static const struct parse_case cases[] = {
        /* quotes */
        OK("a \"b c", LENIENT, "(AND (WORD \"a\") (PHRASE \"b c\"))"),
        OK("a \"b c d\" \"e", LENIENT, "(AND (WORD \"a\") (PHRASE \"b c d\") (PHRASE \"e\"))"),
        OK("«Астана Опера", LENIENT, "(PHRASE \"Астана Опера\")"),
        OK("a \"\" b", LENIENT, "(AND (WORD \"a\") (WORD \"b\"))"),
        OK("a \" \" b", LENIENT, "(AND (WORD \"a\") (WORD \"b\"))"),
        OK("a \"", LENIENT, "(WORD \"a\")"),
        OK("a -\"\" b", LENIENT, "(AND (WORD \"a\") (WORD \"b\"))"),
        OK("a OR \"\" b", LENIENT, "(OR (WORD \"a\") (WORD \"b\"))"),
        /* parentheses */
        OK("a b)", LENIENT, "(AND (WORD \"a\") (WORD \"b\"))"),
        OK(") a", LENIENT, "(WORD \"a\")"),
        OK("a) OR b", LENIENT, "(OR (WORD \"a\") (WORD \"b\"))"),
        OK("(a b", LENIENT, "(AND (WORD \"a\") (WORD \"b\"))"),
        OK("(a OR (b c", LENIENT, "(OR (WORD \"a\") (AND (WORD \"b\") (WORD \"c\")))"),
        OK("x (a OR b", LENIENT, "(AND (WORD \"x\") (OR (WORD \"a\") (WORD \"b\")))"),
        OK("a () b", LENIENT, "(AND (WORD \"a\") (WORD \"b\"))"),
        OK("a (()) b", LENIENT, "(AND (WORD \"a\") (WORD \"b\"))"),
        OK("a (\"\") b", LENIENT, "(AND (WORD \"a\") (WORD \"b\"))"),
        OK("a -() b", LENIENT, "(AND (WORD \"a\") (WORD \"b\"))"),
        OK("a OR () b", LENIENT, "(OR (WORD \"a\") (WORD \"b\"))"),
        OK("a (", LENIENT, "(WORD \"a\")"),
        OK("))((a", LENIENT, "(WORD \"a\")"),
        OK("-(a", LENIENT, "(NOT (WORD \"a\"))"),
        OK("a OR (", LENIENT, "(AND (WORD \"a\") (WORD \"OR\"))"),
        OK("a OR -", LENIENT, "(AND (WORD \"a\") (WORD \"OR\"))"),
        /* stray operators are words */
        OK("OR a", LENIENT, "(AND (WORD \"OR\") (WORD \"a\"))"),
        OK("a OR", LENIENT, "(AND (WORD \"a\") (WORD \"OR\"))"),
        OK("OR", LENIENT, "(WORD \"OR\")"),
        OK("a OR OR b", LENIENT, "(AND (WORD \"a\") (WORD \"OR\") (WORD \"OR\") (WORD \"b\"))"),
        OK("a AND OR b", LENIENT, "(AND (WORD \"a\") (WORD \"AND\") (WORD \"OR\") (WORD \"b\"))"),
        OK("AND a", LENIENT, "(AND (WORD \"AND\") (WORD \"a\"))"),
        OK("a NOT", LENIENT, "(AND (WORD \"a\") (WORD \"NOT\"))"),
        OK("NOT", LENIENT, "(WORD \"NOT\")"),
        OK("NOT NOT", LENIENT, "(AND (WORD \"NOT\") (WORD \"NOT\"))"),
        OK("a OR NOT", LENIENT, "(AND (WORD \"a\") (WORD \"OR\") (WORD \"NOT\"))"),
        OK("(a OR) b", LENIENT, "(AND (WORD \"a\") (WORD \"OR\") (WORD \"b\"))"),
        OK("(OR a)", LENIENT, "(AND (WORD \"OR\") (WORD \"a\"))"),
        OK("a NEAR", LENIENT, "(AND (WORD \"a\") (WORD \"NEAR\"))"),
        OK("NEAR/5 a", LENIENT, "(AND (WORD \"NEAR/5\") (WORD \"a\"))"),
        OK("a NEAR -b", LENIENT, "(AND (WORD \"a\") (WORD \"NEAR\") (NOT (WORD \"b\")))"),
        OK("a NEAR tag:x", LENIENT, "(AND (WORD \"a\") (WORD \"NEAR\") (TAG \"x\"))"),
        OK("lang:kk NEAR b", LENIENT, "(AND (LANG \"kk\") (WORD \"NEAR\") (WORD \"b\"))"),
        OK("a NEAR NEAR b", LENIENT,
           "(AND (WORD \"a\") (WORD \"NEAR\") (WORD \"NEAR\") (WORD \"b\"))"),
        /* lone '*' */
        OK("a * b", LENIENT, "(AND (WORD \"a\") (WORD \"b\"))"),
        OK("a -* b", LENIENT, "(AND (WORD \"a\") (WORD \"b\"))"),
        OK("(*) a", LENIENT, "(WORD \"a\")"),
        /* nothing left */
        FAIL("\"\" ()", LENIENT, IZDE_ERR_INVALID_ARG, "empty query"),
        FAIL("*", LENIENT, IZDE_ERR_INVALID_ARG, "empty query"),
        FAIL("-", LENIENT, IZDE_ERR_INVALID_ARG, "empty query"),
        FAIL("( ) ) ( \"", LENIENT, IZDE_ERR_INVALID_ARG, "empty query"),
        FAIL("- — –", STRICT, IZDE_ERR_INVALID_ARG, "empty query"),
    };
    RUN(cases);
}

static void test_strict_errors(void **state)
{
    (void)state;
    static const struct parse_case cases[] = {
        SYNTAX("a b c \"d e", "position 7: unmatched quote"),
        SYNTAX("«Астана Опера", "position 1: unmatched quote"),
        SYNTAX("OR a", "position 1: OR needs a term on both sides"),
        SYNTAX("a OR", "position 3: OR needs a term on both sides"),
        SYNTAX("a OR OR b", "position 3: OR needs a term on both sides"),
        SYNTAX("(a OR) b", "position 4: OR needs a term on both sides"),
        SYNTAX("AND a", "position 1: AND needs a term on both sides"),
        SYNTAX("a NOT", "position 3: NOT needs a term after it"),
        SYNTAX("(a NOT) b", "position 4: NOT needs a term after it"),
        SYNTAX("NOT) a", "position 4: unmatched ')'"),
        OK("NOT) a", LENIENT, "(NOT (WORD \"a\"))"),
        SYNTAX("a NEAR", "position 3: NEAR needs a word or a phrase on both sides"),
        SYNTAX("a NEAR/5 -b", "position 3: NEAR needs a word or a phrase on both sides"),
        SYNTAX("a NEAR lang:kk", "position 3: NEAR needs a word or a phrase on both sides"),
        SYNTAX("a b)", "position 4: unmatched ')'"),
        SYNTAX("a b) c (", "position 4: unmatched ')'"),
        SYNTAX("(a b", "position 1: unmatched '('"),
        SYNTAX("x ((a) b", "position 3: unmatched '('"),
        SYNTAX("a ()", "position 3: empty parentheses"),
        SYNTAX("a \"\"", "position 3: empty phrase"),
        SYNTAX("a \"  \" b", "position 3: empty phrase"),
        SYNTAX("a * b", "position 3: '*' needs a word before it"),
        SYNTAX("a -*", "position 4: '*' needs a word before it"),
        SYNTAX("\"\" ()", "position 1: empty phrase"),
        /* the earliest problem wins, whichever step finds it */
        SYNTAX("a OR OR b)", "position 3: OR needs a term on both sides"),
        SYNTAX("a b) OR", "position 4: unmatched ')'"),
        SYNTAX("date:soon OR", "position 6: invalid date 'soon'"),
        /* positions count code points in Cyrillic and Kazakh text */
        SYNTAX("Олимпиада \"ойындары", "position 11: unmatched quote"),
        SYNTAX("Қазақстан OR", "position 11: OR needs a term on both sides"),
        SYNTAX("бокс lang:қз", "position 11: unknown language 'қз' (en, kk or ru)"),
        SYNTAX("«Астана» )", "position 10: unmatched ')'"),
        SYNTAX("a\xC2\xA0"
               "OR",
               "position 3: OR needs a term on both sides"),
        /* a dash between words is not a problem */
        OK("Алматы - Астана", STRICT, "(AND (WORD \"Алматы\") (WORD \"Астана\"))"),
    };
    RUN(cases);
}

static void test_input_errors(void **state)
{
    (void)state;
    static const struct parse_case cases[] = {
        FAIL("", LENIENT, IZDE_ERR_INVALID_ARG, "empty query"),
        FAIL("", STRICT, IZDE_ERR_INVALID_ARG, "empty query"),
        FAIL("   ", LENIENT, IZDE_ERR_INVALID_ARG, "empty query"),
        FAIL(" \t\n", STRICT, IZDE_ERR_INVALID_ARG, "empty query"),
        FAIL("\xC2\xA0\xE2\x80\x80\xE2\x80\x8A\xE3\x80\x80", LENIENT, IZDE_ERR_INVALID_ARG,
             "empty query"),
        FAIL("a \xFF", LENIENT, IZDE_ERR_INVALID_ARG, "invalid UTF-8"),
        FAIL("\xC0\xAF", STRICT, IZDE_ERR_INVALID_ARG, "invalid UTF-8"),      /* overlong '/' */
        FAIL("\xED\xA0\x80", LENIENT, IZDE_ERR_INVALID_ARG, "invalid UTF-8"), /* surrogate */
        FAIL("\xF4\x90\x80\x80", LENIENT, IZDE_ERR_INVALID_ARG, "invalid UTF-8"),
        FAIL("\xD0", LENIENT, IZDE_ERR_INVALID_ARG, "invalid UTF-8"), /* cut short */
        FAIL("\xE2\x80", LENIENT, IZDE_ERR_INVALID_ARG, "invalid UTF-8"),
        FAIL("a\x80"
             "b",
             LENIENT, IZDE_ERR_INVALID_ARG, "invalid UTF-8"),
    };
    RUN(cases);
}

static void test_length_limit(void **state)
{
    (void)state;
    char q[IZDE_QUERY_MAX + 2];
    izde_qnode *root = NULL;
    izde_error err = {0};

    memset(q, 'a', sizeof q);
    assert_int_equal(izde_query_parse(q, IZDE_QUERY_MAX, 1, &root, &err), IZDE_OK);
    assert_int_equal(root->kind, IZDE_Q_WORD);
    assert_int_equal(root->text_len, IZDE_QUERY_MAX);
    assert_int_equal(strlen(root->text), IZDE_QUERY_MAX);
    izde_qnode_free(root);

    root = NULL;
    assert_int_equal(izde_query_parse(q, IZDE_QUERY_MAX + 1, 0, &root, &err), IZDE_ERR_INVALID_ARG);
    assert_string_equal(err.msg, "query longer than 1024 bytes");
    assert_null(root);

    /* NUL inside the query is a separator, never a truncated word */
    assert_int_equal(izde_query_parse("a\0b", 3, 0, &root, &err), IZDE_OK);
    char *d = izde_qnode_describe(root);
    assert_string_equal(d, "(AND (WORD \"a\") (WORD \"b\"))");
    free(d);
    izde_qnode_free(root);

    /* only len bytes are read */
    assert_int_equal(izde_query_parse("ab OR", 2, 1, &root, &err), IZDE_OK);
    assert_string_equal(root->text, "ab");
    izde_qnode_free(root);

    assert_int_equal(izde_query_parse(NULL, 0, 0, &root, &err), IZDE_ERR_INVALID_ARG);
    assert_string_equal(err.msg, "empty query");
    assert_int_equal(izde_query_parse(NULL, 3, 0, &root, NULL), IZDE_ERR_INVALID_ARG);
    assert_int_equal(izde_query_parse("a", 1, 0, NULL, &err), IZDE_ERR_INVALID_ARG);
}

static void test_nesting_depth(void **state)
{
    (void)state;
    char q[256];
    izde_qnode *root = NULL;
    izde_error err = {0};
    size_t n = 0;

    /* 32 levels: fine in both modes */
    for (int i = 0; i < 32; i++)
        q[n++] = '(';
    q[n++] = 'a';
    for (int i = 0; i < 32; i++)
        q[n++] = ')';
    assert_int_equal(izde_query_parse(q, n, 1, &root, &err), IZDE_OK);
    assert_int_equal(root->kind, IZDE_Q_WORD);
    izde_qnode_free(root);

    /* 40 levels alternating AND and OR: the deeper ones are ignored in lenient mode */
    n = 0;
    for (int i = 0; i < 40; i++) {
        memcpy(q + n, i % 2 ? "x OR (" : "y (", i % 2 ? 6 : 3);
        n += i % 2 ? 6 : 3;
    }
    q[n++] = 'z';
    for (int i = 0; i < 40; i++)
        q[n++] = ')';
    assert_int_equal(izde_query_parse(q, n, 0, &root, &err), IZDE_OK);
    size_t depth = 0;
    for (const izde_qnode *c = root; c->n_children; c = c->children[c->n_children - 1])
        depth++;
    assert_int_equal(depth, 34); /* 33 nodes for 32 levels, the last OR, its leaf */
    izde_qnode_free(root);

    root = NULL;
    assert_int_equal(izde_query_parse(q, n, 1, &root, &err), IZDE_ERR_QUERY_SYNTAX);
    assert_string_equal(err.msg, "position 147: parentheses nested deeper than 32");
    assert_null(root);

    /* a long chain of NOTs cancels out without depth */
    n = 0;
    for (int i = 0; i < 60; i++) {
        memcpy(q + n, "NOT ", 4);
        n += 4;
    }
    q[n++] = 'a';
    assert_int_equal(izde_query_parse(q, n, 1, &root, &err), IZDE_OK);
    assert_int_equal(root->kind, IZDE_Q_WORD);
    izde_qnode_free(root);
}

static void test_offsets_and_fields(void **state)
{
    (void)state;
    const char *q = "Астана -title:\"опера театр\" (b OR c*) tag:NOC";
    izde_qnode *root = NULL;
    izde_error err = {0};
    assert_int_equal(izde_query_parse(q, strlen(q), 1, &root, &err), IZDE_OK);
    assert_int_equal(root->kind, IZDE_Q_AND);
    assert_int_equal(root->n_children, 4);
    assert_int_equal(root->offset, 0);

    const izde_qnode *w = root->children[0];
    assert_int_equal(w->kind, IZDE_Q_WORD);
    assert_int_equal(w->offset, 0);
    assert_int_equal(w->text_len, strlen("Астана"));
    assert_memory_equal(q + w->offset, w->text, w->text_len);

    const izde_qnode *neg = root->children[1];
    assert_int_equal(neg->kind, IZDE_Q_NOT);
    assert_int_equal(neg->n_children, 1);
    assert_int_equal(neg->offset, strlen("Астана "));
    const izde_qnode *ph = neg->children[0];
    assert_int_equal(ph->kind, IZDE_Q_PHRASE);
    assert_int_equal(ph->field, IZDE_QF_TITLE);
    assert_int_equal(ph->offset, strlen("Астана -"));
    assert_string_equal(ph->text, "опера театр");
    assert_int_equal(ph->text_len, strlen("опера театр"));

    const izde_qnode * or = root->children[2];
    assert_int_equal(or->kind, IZDE_Q_OR);
    assert_int_equal(or->offset, strlen("Астана -title:\"опера театр\" ("));
    assert_int_equal(or->children[1]->kind, IZDE_Q_PREFIX);
    assert_string_equal(or->children[1]->text, "c");
    assert_int_equal(or->children[1]->offset, strlen("Астана -title:\"опера театр\" (b OR "));
    assert_int_equal(or->children[1]->field, IZDE_QF_ANY);

    const izde_qnode *tag = root->children[3];
    assert_int_equal(tag->kind, IZDE_Q_TAG);
    assert_string_equal(tag->text, "NOC");
    assert_int_equal(tag->offset, strlen(q) - strlen("tag:NOC"));
    izde_qnode_free(root);

    /* DATE and NEAR carry their numbers, and no text */
    q = "x NEAR/4 y date:2019-02";
    assert_int_equal(izde_query_parse(q, strlen(q), 1, &root, &err), IZDE_OK);
    assert_int_equal(root->children[0]->kind, IZDE_Q_NEAR);
    assert_int_equal(root->children[0]->window, 4);
    assert_null(root->children[0]->text);
    assert_int_equal(root->children[1]->from_day, 20190201);
    assert_int_equal(root->children[1]->to_day, 20190228);
    assert_null(root->children[1]->text);
    assert_int_equal(root->children[1]->offset, 11);
    izde_qnode_free(root);

    /* a stray operator is a word at its own place */
    q = "a OR";
    assert_int_equal(izde_query_parse(q, strlen(q), 0, &root, &err), IZDE_OK);
    assert_int_equal(root->children[1]->offset, 2);
    assert_string_equal(root->children[1]->text, "OR");
    izde_qnode_free(root);
}

static void test_describe(void **state)
{
    (void)state;
    izde_qnode word = {.kind = IZDE_Q_WORD, .text = "say \"hi\" \\o/", .text_len = 12};
    izde_qnode title = {.kind = IZDE_Q_PREFIX, .field = IZDE_QF_TITLE, .text = "ol", .text_len = 2};
    izde_qnode *kids[] = {&word, &title};
    izde_qnode near = {.kind = IZDE_Q_NEAR, .window = 7, .children = kids, .n_children = 2};
    char *d = izde_qnode_describe(&near);
    assert_string_equal(d, "(NEAR/7 (WORD \"say \\\"hi\\\" \\\\o/\") (PREFIX title \"ol\"))");
    free(d);

    izde_qnode date = {.kind = IZDE_Q_DATE, .from_day = 0, .to_day = 20191231};
    d = izde_qnode_describe(&date);
    assert_string_equal(d, "(DATE 0 20191231)");
    free(d);

    d = izde_qnode_describe(NULL);
    assert_string_equal(d, "");
    free(d);
    izde_qnode_free(NULL);
}

/* Every node is well formed, starts inside the query, and a plain word or prefix is the
 * query's own text at its offset (the builder relies on that to point at misspellings);
 * control characters, possible only inside the quotes of a bad field value, read as spaces. */
static void check_tree(const izde_qnode *n, const char *q, size_t len, int depth)
{
    assert_true(depth < 200);
    assert_true(n->offset < len);
    switch (n->kind) {
    case IZDE_Q_WORD:
    case IZDE_Q_PHRASE:
    case IZDE_Q_PREFIX:
    case IZDE_Q_TAG:
    case IZDE_Q_LANG:
        assert_non_null(n->text);
        assert_true(n->text_len > 0);
        assert_int_equal(strlen(n->text), n->text_len);
        assert_int_equal(n->n_children, 0);
        if ((n->kind == IZDE_Q_WORD || n->kind == IZDE_Q_PREFIX) && n->field == IZDE_QF_ANY) {
            assert_true(n->offset + n->text_len <= len);
            for (size_t i = 0; i < n->text_len; i++) {
                unsigned char c = (unsigned char)q[n->offset + i];
                assert_int_equal(n->text[i], c < 0x20 || c == 0x7F ? ' ' : (char)c);
            }
        }
        break;
    case IZDE_Q_NOT:
        assert_int_equal(n->n_children, 1);
        assert_true(n->children[0]->kind != IZDE_Q_NOT);
        break;
    case IZDE_Q_AND:
    case IZDE_Q_OR:
    case IZDE_Q_NEAR:
        assert_true(n->n_children >= 2);
        if (n->kind == IZDE_Q_NEAR)
            assert_true(n->window >= 1 && n->window <= 1000);
        for (size_t i = 0; i < n->n_children; i++)
            assert_true(n->children[i]->kind != n->kind || n->kind == IZDE_Q_NEAR);
        break;
    case IZDE_Q_DATE:
        assert_null(n->text);
        assert_true(n->from_day || n->to_day);
        assert_true(!n->from_day || !n->to_day || n->from_day <= n->to_day);
        break;
    }
    for (size_t i = 0; i < n->n_children; i++)
        check_tree(n->children[i], q, len, depth + 1);
}

/* A small generator with its state on the caller's stack (xorshift). */
static uint32_t next_random(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void test_random_inputs(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "a",        "olymp",      "Астана", "Қазақ", " ",   "  ",       "\"",
        "«",        "»",          "“",      "”",     "(",   ")",        "-",
        "*",        ":",          "OR",     "AND",   "NOT", "NEAR",     "NEAR/3",
        "NEAR/0",   "title:",     "tag:",   "lang:", "kk",  "date:",    "after:",
        "before:",  "2019",       "-02",    "-29",   "..",  "\xC2\xA0", "\xE3\x80\x80",
        "\t",       "Nur-Sultan", "@",      ".",     "\\",  "\xFF",     "\xD0",
        "\xE2\x80", "\x80",       "\0",     "x*",    "—",   "/",
    };
    const size_t n_pieces = sizeof pieces / sizeof pieces[0];
    uint32_t seed = 0x2019CAFEu;
    char q[IZDE_QUERY_MAX + 64];
    size_t ok = 0, rejected = 0;

    for (int round = 0; round < 20000; round++) {
        size_t len = 0, want = next_random(&seed) % (round % 50 == 0 ? 1100 : 40);
        while (len < want) {
            const char *p = pieces[next_random(&seed) % n_pieces];
            size_t pl = p[0] ? strlen(p) : 1;
            if (len + pl > sizeof q)
                break;
            memcpy(q + len, p, pl);
            len += pl;
        }
        char *lenient_tree = NULL;
        for (int strict = 0; strict <= 1; strict++) {
            izde_qnode *root = NULL;
            izde_error err = {0};
            izde_status st = izde_query_parse(q, len, strict, &root, &err);
            if (st == IZDE_OK) {
                assert_non_null(root);
                check_tree(root, q, len, 0);
                char *d = izde_qnode_describe(root);
                assert_non_null(d);
                assert_true(d[0] == '(');
                if (strict) /* strict accepts only what lenient reads the same way */
                    assert_string_equal(d, lenient_tree);
                else
                    lenient_tree = d;
                if (strict)
                    free(d);
                izde_qnode_free(root);
                ok++;
                continue;
            }
            assert_null(root);
            assert_int_equal(err.code, st);
            assert_true(err.msg[0] != '\0');
            if (st == IZDE_ERR_QUERY_SYNTAX)
                assert_true(strict && strncmp(err.msg, "position ", 9) == 0);
            else
                assert_int_equal(st, IZDE_ERR_INVALID_ARG);
            rejected++;
        }
        free(lenient_tree);
    }
    /* the alphabet must exercise both outcomes */
    assert_true(ok > 1000);
    assert_true(rejected > 1000);
}

/* Lenient mode never fails on valid UTF-8 with something to search for, and strict mode
 * accepts exactly what lenient mode parses the same way... at least on these. */
static void test_strict_accepts_clean_queries(void **state)
{
    (void)state;
    static const char *const clean[] = {
        "Олимпийские игры OR Олимпиада -футбол",
        "title:\"Ұлттық олимпиада комитеті\" lang:kk date:2019..2020-06",
        "(бокс OR борьба) NEAR/5 чемпионат after:2019-12-31",
        "press@olympic.kz www.olympic.kz Nur-Sultan",
        "tag:«Токио 2020» «Астана Опера» олимп*",
    };
    for (size_t i = 0; i < sizeof clean / sizeof clean[0]; i++) {
        izde_qnode *a = NULL, *b = NULL;
        izde_error err = {0};
        assert_int_equal(izde_query_parse(clean[i], strlen(clean[i]), 0, &a, &err), IZDE_OK);
        assert_int_equal(izde_query_parse(clean[i], strlen(clean[i]), 1, &b, &err), IZDE_OK);
        char *da = izde_qnode_describe(a), *db = izde_qnode_describe(b);
        assert_string_equal(da, db);
        free(da);
        free(db);
        izde_qnode_free(a);
        izde_qnode_free(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_and_operators),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_phrases_and_near),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_lenient_recovery),
        cmocka_unit_test(test_strict_errors),
        cmocka_unit_test(test_input_errors),
        cmocka_unit_test(test_length_limit),
        cmocka_unit_test(test_nesting_depth),
        cmocka_unit_test(test_offsets_and_fields),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_random_inputs),
        cmocka_unit_test(test_strict_accepts_clean_queries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
