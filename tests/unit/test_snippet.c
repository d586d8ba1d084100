/* Snippets: passage choice, word and UTF-8 boundaries, escaping, spans and phrases, in
 * English, Russian and Kazakh, plus odd and huge inputs.
 *
 * The matcher here is deliberately tiny: a list of normalised terms, where "swimmer*" matches
 * every token that starts with "swimmer" and anything else must match the token's term exactly.
 * A term's index in the list is its term index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <izde/snippet.h>
#include <izde/text.h>
#include <izde/utf8.h>

#include "test_support.h"

#define ELL "\xE2\x80\xA6" /* … */

typedef struct terms {
    const char *const *list; /* NULL-terminated */
} terms;

static int match_terms(void *ctx, const izde_token *tok)
{
    const terms *t = ctx;
    for (int i = 0; t->list[i]; i++) {
        size_t n = strlen(t->list[i]);
        if (n && t->list[i][n - 1] == '*') {
            if (tok->term_len >= n - 1 && !memcmp(tok->term, t->list[i], n - 1))
                return i;
        } else if (!strcmp(tok->term, t->list[i])) {
            return i;
        }
    }
    return -1;
}

/* The start test for match_terms (izde_snippet_may_fn): a word whose term's first byte can
 * be told must share it with a term. */
static int may_terms(void *ctx, const char *s, size_t len)
{
    const terms *t = ctx;
    int c = first_term_byte(s, len);
    for (int i = 0; c >= 0 && t->list[i]; i++)
        if ((unsigned char)t->list[i][0] == c || t->list[i][0] == '*')
            return 1;
    return c < 0;
}

/* A may_start for lower-case Cyrillic terms: a word may match when its first letter (two
 * bytes) is a term's. */
static int may_same_letter(void *ctx, const char *s, size_t len)
{
    const terms *t = ctx;
    for (int i = 0; len >= 2 && t->list[i]; i++)
        if (!memcmp(t->list[i], s, 2))
            return 1;
    return 0;
}

static int setup(void **state)
{
    izde_text *t = NULL;
    assert_int_equal(izde_text_new(&t, NULL), IZDE_OK);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    izde_text_free(*state);
    return 0;
}

/* ---- helpers that check what every snippet must satisfy -------------------------------- */

static size_t u8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static size_t cp_count(const char *s)
{
    size_t n = 0;
    for (size_t i = 0; s[i]; i += u8_len((unsigned char)s[i]))
        n++;
    return n;
}

/* The substring of s from code point start, length code points. Caller frees. */
static char *cp_substr(const char *s, size_t start, size_t length)
{
    size_t i = 0, cp = 0;
    while (s[i] && cp < start) {
        i += u8_len((unsigned char)s[i]);
        cp++;
    }
    size_t j = i;
    for (cp = 0; s[j] && cp < length; cp++)
        j += u8_len((unsigned char)s[j]);
    assert_int_equal(cp, length); /* the span lies inside plain */
    char *out = malloc(j - i + 1);
    assert_non_null(out);
    memcpy(out, s + i, j - i);
    out[j - i] = '\0';
    return out;
}

static char *escape(const char *s, size_t n)
{
    char *e = izde_html_escape(s, n);
    assert_non_null(e);
    return e;
}

/* html must be exactly plain escaped, with <mark></mark> around each span. */
static void check_html_relation(const izde_snippet *sn)
{
    size_t cap = strlen(sn->plain) * 6 + 16 * sn->n_spans + 1, len = 0;
    char *want = malloc(cap);
    assert_non_null(want);
    size_t i = 0, cp = 0;
    for (size_t k = 0; k <= sn->n_spans; k++) {
        size_t stop = k < sn->n_spans ? sn->spans[k].start : SIZE_MAX;
        size_t from = i;
        while (sn->plain[i] && cp < stop) {
            i += u8_len((unsigned char)sn->plain[i]);
            cp++;
        }
        char *e = escape(sn->plain + from, i - from);
        len += (size_t)snprintf(want + len, cap - len, "%s", e);
        free(e);
        if (k == sn->n_spans)
            break;
        from = i;
        for (size_t m = 0; m < sn->spans[k].length; m++) {
            i += u8_len((unsigned char)sn->plain[i]);
            cp++;
        }
        e = escape(sn->plain + from, i - from);
        len += (size_t)snprintf(want + len, cap - len, "<mark>%s</mark>", e);
        free(e);
    }
    assert_string_equal(sn->html, want);
    free(want);
}

/* Invariants of every snippet: valid UTF-8, folded and trimmed white space, spans sorted,
 * non-overlapping and inside plain, html = escape(plain) + marks. */
static void check_snippet(const izde_snippet *sn)
{
    assert_non_null(sn->plain);
    assert_non_null(sn->html);
    size_t n = strlen(sn->plain);
    assert_true(izde_utf8_valid(sn->plain, n));
    assert_true(izde_utf8_valid(sn->html, strlen(sn->html)));
    if (n) {
        assert_int_not_equal(sn->plain[0], ' ');
        assert_int_not_equal(sn->plain[n - 1], ' ');
    }
    assert_null(strstr(sn->plain, "  "));
    for (size_t i = 0; i < n; i++)
        assert_true((unsigned char)sn->plain[i] >= 0x20 && sn->plain[i] != 0x7F);
    assert_null(strstr(sn->plain, "\xC2\xA0"));
    size_t total = cp_count(sn->plain), end = 0;
    for (size_t k = 0; k < sn->n_spans; k++) {
        assert_true(sn->spans[k].length > 0);
        assert_true(sn->spans[k].start >= end);
        end = (size_t)sn->spans[k].start + sn->spans[k].length;
        assert_true(end <= total);
    }
    check_html_relation(sn);
}

/* The text's white-space-separated words (ASCII space, tab, newline, NBSP), to check that a
 * snippet never cuts one: each word of plain must be one of them. */
static int is_word_of(const char *text, const char *w, size_t wn)
{
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
               (p[0] == '\xC2' && p[1] == '\xA0'))
            p += *p == '\xC2' ? 2 : 1;
        const char *q = p;
        while (*q && !(*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r' ||
                       (q[0] == '\xC2' && q[1] == '\xA0')))
            q++;
        if ((size_t)(q - p) == wn && !memcmp(p, w, wn))
            return 1;
        p = q;
    }
    return 0;
}

static void check_whole_words(const izde_snippet *sn, const char *text)
{
    const char *p = sn->plain;
    while (*p) {
        const char *q = strchr(p, ' ');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (!(n == 3 && !memcmp(p, ELL, 3)) && !is_word_of(text, p, n))
            fail_msg("'%.*s' is not a whole word of the text (plain: %s)", (int)n, p, sn->plain);
        p += n;
        while (*p == ' ')
            p++;
    }
}

static izde_snippet *make_full(izde_text *t, const char *text, const char *const *list,
                               const int *const *phrases, const size_t *plens, size_t nph,
                               const izde_snippet_opts *opts)
{
    terms tm = {list};
    izde_snippet_query q = {match_terms, &tm, phrases, plens, nph, NULL, 0, NULL, 0, 0};
    izde_snippet *sn = NULL, *windowed = NULL;
    izde_error err = {0};
    izde_status st = izde_snippet_make(t, text, strlen(text), &q, opts, &sn, &err);
    if (st != IZDE_OK)
        fail_msg("izde_snippet_make: %s", err.msg);
    check_snippet(sn);
    /* Tokenizing only the runs that may match gives the very same snippet. */
    q.may_start = may_terms;
    assert_int_equal(izde_snippet_make(t, text, strlen(text), &q, opts, &windowed, &err), IZDE_OK);
    assert_string_equal(windowed->plain, sn->plain);
    assert_string_equal(windowed->html, sn->html);
    assert_int_equal(windowed->n_spans, sn->n_spans);
    if (sn->n_spans)
        assert_memory_equal(windowed->spans, sn->spans, sn->n_spans * sizeof *sn->spans);
    izde_snippet_free(windowed);
    /* Knowing how many terms there are changes nothing in a text read whole. */
    while (list[q.n_terms])
        q.n_terms++;
    izde_snippet *counted = NULL;
    assert_int_equal(izde_snippet_make(t, text, strlen(text), &q, opts, &counted, &err), IZDE_OK);
    check_snippet(counted);
    if (strlen(text) <= IZDE_SNIPPET_READ_ALL)
        assert_string_equal(counted->html, sn->html);
    izde_snippet_free(counted);
    return sn;
}

static izde_snippet *make(izde_text *t, const char *text, const char *const *list)
{
    return make_full(t, text, list, NULL, NULL, 0, NULL);
}

/* Asserts that the spans of sn are exactly the words in want (NULL-terminated). */
static void check_spans(const izde_snippet *sn, const char *const *want)
{
    size_t n = 0;
    while (want[n])
        n++;
    if (sn->n_spans != n)
        fail_msg("%zu spans, want %zu (html: %s)", sn->n_spans, n, sn->html);
    for (size_t k = 0; k < n; k++) {
        char *got = cp_substr(sn->plain, sn->spans[k].start, sn->spans[k].length);
        assert_string_equal(got, want[k]);
        free(got);
    }
}

static int starts_with(const char *s, const char *p)
{
    return !strncmp(s, p, strlen(p));
}

static int ends_with(const char *s, const char *p)
{
    size_t n = strlen(s), m = strlen(p);
    return n >= m && !strcmp(s + n - m, p);
}

/* ---- texts ------------------------------------------------------------------------------ */

static const char EN[] =
    "The National Olympic Committee of the Republic of Kazakhstan held its annual meeting "
    "today in the capital. Representatives of all regional branches attended the session and "
    "heard reports on the past season. The swimmers of the national team, who trained in "
    "Almaty for six months, are preparing for the Olympic Games in Tokyo, where they hope to "
    "reach the finals. Officials said the training camp would reopen in June with new "
    "coaches. Later the committee discussed the budget for next year and the role of "
    "volunteers in the organisation of youth competitions across the country.";

static const char RU[] =
    "Национальный олимпийский комитет Республики Казахстан провёл ежегодное собрание. В "
    "соревнованиях по плаванию приняли участие более ста двадцати спортсменов из пятнадцати "
    "стран, а также тренеры и судьи. Ёлка у здания комитета была украшена флагами всех "
    "стран-участниц. Организаторы отметили, что следующий турнир пройдёт в Алматы весной.";

static const char KK[] =
    "Қазақстанның Ұлттық олимпиада комитеті жыл сайынғы жиналысын өткізді. Жиналысқа барлық "
    "өңірлік бөлімшелердің өкілдері қатысты. Жүзушілер Токиодағы Олимпиада ойындарына "
    "дайындалып жатыр. Нұр-Сұлтан қаласында жаңа спорт кешені ашылды.";

/* ---- tests ------------------------------------------------------------------------------ */

static void test_html_escape(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", ""},
        {"plain text", "plain text"},
        {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
        {"Tom & Jerry", "Tom &amp; Jerry"},
        {"\"double\" 'single'", "&quot;double&quot; &#39;single&#39;"},
        {"&amp;", "&amp;amp;"},
        {"Қазақстан & 😀 <b>", "Қазақстан &amp; 😀 &lt;b&gt;"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *e = izde_html_escape(cases[i].in, strlen(cases[i].in));
        assert_non_null(e);
        assert_string_equal(e, cases[i].out);
        free(e);
    }
    /* only len bytes are read */
    char *e = izde_html_escape("a<b", 2);
    assert_string_equal(e, "a&lt;");
    free(e);
    e = izde_html_escape(NULL, 0);
    assert_string_equal(e, "");
    free(e);
}

/* Table: a text, the query terms, the words that must come out highlighted (in order). */
struct span_case {
    const char *name, *text;
    const char *terms[4];
    const char *want[6];
};

static void test_spans_three_languages(void **state)
{
    static const struct span_case cases[] = {
        {"en stem by prefix", EN, {"swimmer*"}, {"swimmers"}},
        {"en two terms", EN, {"almaty", "tokyo"}, {"Almaty", "Tokyo"}},
        {"ru inflected", RU, {"спортсмен*"}, {"спортсменов"}},
        {"ru ё folded to е", RU, {"елка"}, {"Ёлка"}},
        {"ru two terms", RU, {"соревнован*", "плаванию"}, {"соревнованиях", "плаванию"}},
        {"kk case ending", KK, {"қазақстан*"}, {"Қазақстанның"}},
        {"kk two terms", KK, {"жүзушілер", "токио*"}, {"Жүзушілер", "Токиодағы"}},
        {"kk hyphenated by its joined alias", KK, {"нұрсұлтан"}, {"Нұр-Сұлтан"}},
        {"emoji before", "😀 Olympic", {"olympic"}, {"Olympic"}},
        {"outside the BMP", "𝔸 and 😀😀 meet 𝔸lpha here", {"alpha"}, {"𝔸lpha"}},
        {"combining marks", "e\xCC\x81te\xCC\x81 Olympic", {"olympic"}, {"Olympic"}},
        {"adjacent words stay apart",
         "the Olympic Games opened",
         {"olympic", "games"},
         {"Olympic", "Games"}},
        {"dotted word by a part", "see www.olympic.kz today", {"olympic"}, {"www.olympic.kz"}},
        {"word wins over its alias", "from Nur-Sultan", {"nur", "nursultan"}, {"Nur"}},
        {"ampersand next to a match", "R&D budget", {"d"}, {"D"}},
    };
    izde_text *t = *state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        izde_snippet *sn = make(t, cases[i].text, cases[i].terms);
        check_spans(sn, cases[i].want);
        check_whole_words(sn, cases[i].text);
        izde_snippet_free(sn);
    }
}

/* Offsets are code points: an astral character counts as one. */
static void test_code_point_offsets(void **state)
{
    izde_text *t = *state;
    static const char *const olympic[] = {"olympic", NULL};
    izde_snippet *sn = make(t, "😀 Olympic", olympic);
    assert_string_equal(sn->plain, "😀 Olympic");
    assert_string_equal(sn->html, "😀 <mark>Olympic</mark>");
    assert_int_equal(sn->n_spans, 1);
    assert_int_equal(sn->spans[0].start, 2);
    assert_int_equal(sn->spans[0].length, 7);
    izde_snippet_free(sn);

    /* e + combining acute is two code points */
    sn = make(t, "e\xCC\x81 Olympic", olympic);
    assert_int_equal(sn->spans[0].start, 3);
    izde_snippet_free(sn);

    static const char *const alpha[] = {"alpha", NULL};
    sn = make(t, "𝔸𝔸 𝔸lpha", alpha);
    assert_int_equal(sn->spans[0].start, 3);
    assert_int_equal(sn->spans[0].length, 5);
    izde_snippet_free(sn);
}

static void test_phrase_is_one_span(void **state)
{
    izde_text *t = *state;
    static const int olympic_games[] = {0, 1};
    static const int *const phrases[] = {olympic_games};
    static const size_t plens[] = {2};
    static const char *const en[] = {"olympic", "games", NULL};

    izde_snippet *sn = make_full(t, "the Olympic Games opened", en, phrases, plens, 1, NULL);
    static const char *const one[] = {"Olympic Games", NULL};
    check_spans(sn, one);
    assert_string_equal(sn->html, "the <mark>Olympic Games</mark> opened");
    izde_snippet_free(sn);

    /* white space inside the phrase folds, and the span covers the folded text */
    sn = make_full(t, "the Olympic \n\t Games opened", en, phrases, plens, 1, NULL);
    check_spans(sn, one);
    izde_snippet_free(sn);

    /* the terms in the other order are not the phrase; consecutive positions are, even
     * across punctuation (as for the index's phrase search) */
    sn = make_full(t, "Games Olympic and Olympic, Games", en, phrases, plens, 1, NULL);
    static const char *const apart[] = {"Games", "Olympic", "Olympic, Games", NULL};
    check_spans(sn, apart);
    izde_snippet_free(sn);

    /* Kazakh hyphenated name: its parts at consecutive positions make one span */
    static const char *const kk[] = {"нұр", "сұлтан", NULL};
    sn = make_full(t, KK, kk, phrases, plens, 1, NULL);
    static const char *const nur[] = {"Нұр-Сұлтан", NULL};
    check_spans(sn, nur);
    izde_snippet_free(sn);

    /* a three-word phrase with a stray first word elsewhere */
    static const int three[] = {0, 1, 2};
    static const int *const ph3[] = {three};
    static const size_t len3[] = {3};
    static const char *const ru[] = {"национальный", "олимпийский", "комитет", NULL};
    sn = make_full(t, RU, ru, ph3, len3, 1, NULL);
    assert_true(sn->n_spans >= 1);
    char *first = cp_substr(sn->plain, sn->spans[0].start, sn->spans[0].length);
    assert_string_equal(first, "Национальный олимпийский комитет");
    free(first);
    izde_snippet_free(sn);
}

static void test_passage_length_and_ellipses(void **state)
{
    izde_text *t = *state;
    static const char *const q[] = {"swimmer*", NULL};
    izde_snippet *sn = make(t, EN, q);
    size_t n = cp_count(sn->plain);
    assert_true(n >= 160 && n <= 240);
    assert_true(starts_with(sn->plain, ELL " "));
    assert_true(ends_with(sn->plain, " " ELL));
    assert_non_null(strstr(sn->plain, "swimmers"));
    check_whole_words(sn, EN);
    izde_snippet_free(sn);

    /* other lengths are honoured, roughly */
    static const size_t lengths[] = {60, 120, 300};
    for (size_t i = 0; i < 3; i++) {
        izde_snippet_opts o = {lengths[i], 0, 0};
        sn = make_full(t, EN, q, NULL, NULL, 0, &o);
        n = cp_count(sn->plain);
        assert_true(n <= lengths[i] + 40);
        assert_true(n >= lengths[i] * 2 / 3);
        assert_non_null(strstr(sn->plain, "swimmers"));
        check_whole_words(sn, EN);
        izde_snippet_free(sn);
    }

    /* a short text comes whole, without ellipses */
    sn = make(t, "  Short news about\tswimmers.  ", q);
    assert_string_equal(sn->plain, "Short news about swimmers.");
    izde_snippet_free(sn);

    /* a match at the very end: no trailing ellipsis, the budget goes before it */
    static const char *const last[] = {"country", NULL};
    sn = make(t, EN, last);
    assert_true(ends_with(sn->plain, "across the country."));
    assert_true(cp_count(sn->plain) >= 160);
    izde_snippet_free(sn);
}

static void test_sentence_start(void **state)
{
    izde_text *t = *state;
    /* "Officials" starts the sentence 30 code points before "reopen" */
    static const char *const q[] = {"reopen", NULL};
    izde_snippet *sn = make(t, EN, q);
    assert_true(starts_with(sn->plain, ELL " Officials said"));
    izde_snippet_free(sn);

    /* Russian and Kazakh sentences (short passages, so that the text's end is not reached) */
    izde_snippet_opts o = {60, 0, 0};
    static const char *const ru[] = {"флагами", NULL};
    sn = make_full(t, RU, ru, NULL, NULL, 0, &o);
    assert_true(starts_with(sn->plain, ELL " Ёлка у здания"));
    izde_snippet_free(sn);
    static const char *const kk[] = {"ойындарына", NULL};
    sn = make_full(t, KK, kk, NULL, NULL, 0, &o);
    assert_true(starts_with(sn->plain, ELL " Жүзушілер Токиодағы"));
    izde_snippet_free(sn);
    /* the sentence start is too far (over 40 code points): a few words before the match */
    static const char *const far[] = {"тренеры", NULL};
    sn = make_full(t, RU, far, NULL, NULL, 0, &o);
    assert_true(starts_with(sn->plain, ELL " "));
    assert_false(starts_with(sn->plain, ELL " В соревнованиях"));
    assert_true(sn->spans[0].start >= 4 && sn->spans[0].start <= 20);
    izde_snippet_free(sn);

    /* far from any sentence start: a few words before the match */
    char text[2048];
    snprintf(text, sizeof text, "%s",
             "Intro. one two three four five six seven eight nine ten eleven twelve thirteen "
             "fourteen fifteen sixteen seventeen eighteen nineteen twenty twentyone twentytwo "
             "target twentythree twentyfour and more words follow here to fill the passage up "
             "with some text that is long enough for the budget of two hundred characters "
             "in all, and then some more words until the end of it all.");
    static const char *const tg[] = {"target", NULL};
    sn = make(t, text, tg);
    assert_true(starts_with(sn->plain, ELL " "));
    assert_true(sn->spans[0].start >= 6 && sn->spans[0].start <= 40);
    check_whole_words(sn, text);
    izde_snippet_free(sn);
}

static void fill_words(char *out, size_t cap, const char *word, size_t count)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < count && len + strlen(word) + 2 < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "", word);
}

static void test_fragments_far_apart(void **state)
{
    izde_text *t = *state;
    char filler[4096], text[4 * 4096 + 256];
    fill_words(filler, sizeof filler, "lorem ipsum", 150);
    snprintf(text, sizeof text, "Start %s alpha %s omega %s kappa %s end.", filler, filler, filler,
             filler);
    static const char *const q[] = {"alpha", "omega", "kappa", NULL};
    izde_snippet *sn = make(t, text, q);
    static const char *const want[] = {"alpha", "omega", "kappa", NULL};
    check_spans(sn, want);
    /* three fragments: leading, two separators, trailing */
    size_t seps = 0;
    for (const char *p = sn->plain; (p = strstr(p, " " ELL " ")); p += 3)
        seps++;
    assert_int_equal(seps, 2);
    assert_true(starts_with(sn->plain, ELL " "));
    assert_true(ends_with(sn->plain, " " ELL));
    assert_true(cp_count(sn->plain) <= 250);
    check_whole_words(sn, text);
    izde_snippet_free(sn);

    /* max_fragments 2 shows two of the three; 1 shows one */
    for (size_t mf = 1; mf <= 2; mf++) {
        izde_snippet_opts o = {0, mf, 0};
        sn = make_full(t, text, q, NULL, NULL, 0, &o);
        assert_int_equal(sn->n_spans, mf);
        izde_snippet_free(sn);
    }

    /* a far repeat of a term already shown adds no fragment */
    snprintf(text, sizeof text, "%s alpha %s alpha %s", filler, filler, filler);
    sn = make(t, text, q);
    assert_int_equal(sn->n_spans, 1);
    assert_null(strstr(sn->plain + 4, " " ELL " "));
    izde_snippet_free(sn);

    /* terms close together share one fragment: no separator */
    snprintf(text, sizeof text, "%s alpha and then omega %s", filler, filler);
    sn = make(t, text, q);
    assert_int_equal(sn->n_spans, 2);
    assert_non_null(strstr(sn->plain, "alpha and then omega"));
    izde_snippet_free(sn);
}

/* The densest window wins: more distinct terms first, then more matches. */
static void test_densest_window(void **state)
{
    izde_text *t = *state;
    char filler[4096], text[4 * 4096 + 256];
    fill_words(filler, sizeof filler, "lorem ipsum", 60);
    snprintf(text, sizeof text, "%s alpha alpha alpha %s alpha beta gamma %s alpha alpha beta %s",
             filler, filler, filler, filler);
    static const char *const q[] = {"alpha", "beta", "gamma", NULL};
    izde_snippet_opts one = {0, 1, 0};
    izde_snippet *sn = make_full(t, text, q, NULL, NULL, 0, &one);
    assert_non_null(strstr(sn->plain, "alpha beta gamma"));
    izde_snippet_free(sn);

    snprintf(text, sizeof text, "%s alpha lorem beta %s alpha beta alpha %s", filler, filler,
             filler);
    sn = make_full(t, text, q, NULL, NULL, 0, &one);
    assert_non_null(strstr(sn->plain, "alpha beta alpha"));
    izde_snippet_free(sn);
}

/* Two terms share one window exactly when the folded code points from the first's start to
 * the second's end are at most the window's width (opts.length for one fragment); the gap
 * between them mixes letters of one, two and three bytes with runs of white space (each
 * counting as one), and is counted exactly up to the width however long the text before. */
static void test_window_edge_across_gap(void **state)
{
    izde_text *t = *state;
    static const char *const q[] = {"alpha", "omega", NULL};
    static const struct {
        const char *s;
        size_t cps; /* folded: a white space run is one */
        int space;
    } bits[] = {{"x", 1, 0},          {"\xD0\xB6", 1, 0},     {"ab", 2, 0},
                {"\xC2\xA0", 1, 1},   {"\xE2\x82\xAC", 1, 0}, {"\xD0\x96\xD0\xB6", 2, 0},
                {"  \t", 1, 1},       {"\xC2\xAB", 1, 0},     {" ", 1, 1},
                {"\x7F\n\n", 1, 1},   {"q.", 2, 0},           {"\xE2\x80\x83", 1, 1},
                {" \xC2\xA0\n", 1, 1}};
    const size_t nb = sizeof bits / sizeof *bits;
    char filler[4096], gap[2048], text[3 * 4096];
    fill_words(filler, sizeof filler, "lorem ipsum", 300);
    for (size_t length = 100; length <= 200; length += 100) {
        for (size_t want = length - 4; want <= length + 4; want++) {
            /* gap: want - 12 folded code points ("alpha " + gap + " omega" is want) */
            size_t g = 0, cps = 0, last_space = 1;
            uint32_t seed = (uint32_t)want;
            gap[0] = '\0';
            while (cps < want - 12) {
                /* mostly ASCII and two-byte pieces: counted eight bytes at a time */
                seed = seed * 1103515245u + 12345u;
                size_t b = (seed >> 8) % (nb * 4);
                b = b < nb ? b : b % 4 < 3 ? b % 4 : (b / 4) % 2 ? 8 : nb - 1;
                if (bits[b].space && (last_space || cps + 1 >= want - 12))
                    continue; /* a run inside the gap, never at its ends or beside another */
                if (cps + bits[b].cps > want - 12)
                    continue;
                g += (size_t)snprintf(gap + g, sizeof gap - g, "%s", bits[b].s);
                cps += bits[b].cps;
                last_space = bits[b].space;
            }
            snprintf(text, sizeof text, "%s alpha %s omega %s", filler, gap, filler);
            izde_snippet_opts o = {length, 3, 0};
            izde_snippet *sn = make_full(t, text, q, NULL, NULL, 0, &o);
            assert_int_equal(sn->n_spans, 2);
            const char *a = strstr(sn->plain, "alpha"), *z = strstr(sn->plain, "omega");
            assert_non_null(a);
            assert_non_null(z);
            int apart = strstr(a, " " ELL " ") && strstr(a, " " ELL " ") < z;
            if (apart != (want > length))
                fail_msg("length %zu, span %zu: %s", length, want, sn->plain);
            izde_snippet_free(sn);
        }
    }
}

static void test_no_match_lead(void **state)
{
    izde_text *t = *state;
    static const char *const q[] = {"nowhere", NULL};
    const char *texts[] = {EN, RU, KK};
    for (size_t i = 0; i < 3; i++) {
        izde_snippet *sn = make(t, texts[i], q);
        assert_int_equal(sn->n_spans, 0);
        assert_null(sn->spans);
        assert_true(ends_with(sn->plain, " " ELL));
        size_t n = cp_count(sn->plain);
        assert_true(n >= 150 && n <= 202);
        /* the start of the text, cut after a whole word */
        size_t body = strlen(sn->plain) - 4;
        assert_memory_equal(sn->plain, texts[i], body);
        assert_true(texts[i][body] == ' ');
        izde_snippet_free(sn);
    }
    /* no query at all */
    izde_snippet *sn = NULL;
    assert_int_equal(izde_snippet_make(t, EN, strlen(EN), NULL, NULL, &sn, NULL), IZDE_OK);
    check_snippet(sn);
    assert_true(starts_with(sn->plain, "The National Olympic"));
    izde_snippet_free(sn);
}

static void test_whole_mode(void **state)
{
    izde_text *t = *state;
    static const char *const q[] = {"olympic", "games", NULL};
    izde_snippet_opts whole = {0, 1, 1};
    izde_snippet *sn =
        make_full(t, "  Olympic\n\nGames <b>2020</b> & \"more\"  ", q, NULL, NULL, 0, &whole);
    assert_string_equal(sn->plain, "Olympic Games <b>2020</b> & \"more\"");
    assert_string_equal(sn->html, "<mark>Olympic</mark> <mark>Games</mark> &lt;b&gt;2020&lt;/b&gt; "
                                  "&amp; &quot;more&quot;");
    izde_snippet_free(sn);

    /* a long text is not cut */
    sn = make_full(t, EN, q, NULL, NULL, 0, &whole);
    assert_int_equal(strlen(sn->plain), strlen(EN));
    assert_null(strstr(sn->plain, ELL));
    assert_int_equal(sn->n_spans, 3);
    izde_snippet_free(sn);

    /* no match: the whole title, plain */
    static const char *const none[] = {"nothing", NULL};
    sn = make_full(t, "ҰОК Бас ассамблеясы", none, NULL, NULL, 0, &whole);
    assert_string_equal(sn->plain, "ҰОК Бас ассамблеясы");
    assert_string_equal(sn->html, "ҰОК Бас ассамблеясы");
    izde_snippet_free(sn);
}

static void test_escaping(void **state)
{
    izde_text *t = *state;
    static const char *const q[] = {"jerry", "script", "alert", NULL};
    const char *text = "Tom & Jerry <script>alert(1)</script> said \"hi\" and it's 'fine'";
    izde_snippet *sn = make(t, text, q);
    assert_string_equal(sn->plain, text);
    assert_string_equal(sn->html, "Tom &amp; <mark>Jerry</mark> &lt;<mark>script</mark>&gt;"
                                  "<mark>alert</mark>(1)&lt;/<mark>script</mark>&gt; said "
                                  "&quot;hi&quot; and it&#39;s &#39;fine&#39;");
    assert_null(strstr(sn->html, "<script"));
    izde_snippet_free(sn);

    /* no match: still escaped */
    static const char *const none[] = {"nothing", NULL};
    sn = make(t, "<script>alert(1)</script>", none);
    assert_string_equal(sn->html, "&lt;script&gt;alert(1)&lt;/script&gt;");
    izde_snippet_free(sn);
}

static void test_white_space_folding(void **state)
{
    izde_text *t = *state;
    static const char *const q[] = {"games", NULL};
    izde_snippet *sn =
        make(t, "\n\t Olympic\xC2\xA0\xC2\xA0Games\r\n\r\n\tin\x01Tokyo \xE2\x80\xAF ", q);
    assert_string_equal(sn->plain, "Olympic Games in Tokyo");
    static const char *const want[] = {"Games", NULL};
    check_spans(sn, want);
    izde_snippet_free(sn);
}

static void test_empty_and_odd_texts(void **state)
{
    izde_text *t = *state;
    static const char *const q[] = {"olympic", NULL};
    static const struct {
        const char *in, *plain;
    } cases[] = {
        {"", ""},
        {"   \n\t ", ""},
        {"😀😀😀", "😀😀😀"},
        {"!!! --- ???", "!!! --- ???"},
        {"\xCC\x81\xCC\x81 x", "\xCC\x81\xCC\x81 x"}, /* lone combining marks */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        izde_snippet *sn = make(t, cases[i].in, q);
        assert_string_equal(sn->plain, cases[i].plain);
        assert_int_equal(sn->n_spans, 0);
        izde_snippet_free(sn);
    }
    /* NULL text of length 0 is an empty text */
    izde_snippet *sn = NULL;
    assert_int_equal(izde_snippet_make(t, NULL, 0, NULL, NULL, &sn, NULL), IZDE_OK);
    assert_string_equal(sn->plain, "");
    izde_snippet_free(sn);
    izde_snippet_free(NULL);
}

static void test_invalid_utf8(void **state)
{
    izde_text *t = *state;
    static const char *const q[] = {"olympic", NULL};
    terms tm = {q};
    izde_snippet_query query = {match_terms, &tm, NULL, NULL, 0, NULL, 0, NULL, 0, 0};
    static const char *const bad[] = {"Olympic \xFF", "\xC3", "Olympic \xED\xA0\x80", "\xC0\xAF",
                                      "games and more \xFF games"};
    for (int windowed = 0; windowed < 2; windowed++) {
        query.may_start = windowed ? may_terms : NULL;
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            izde_snippet *sn = (izde_snippet *)1;
            izde_error err = {0};
            assert_int_equal(izde_snippet_make(t, bad[i], strlen(bad[i]), &query, NULL, &sn, &err),
                             IZDE_ERR_INVALID_ARG);
            assert_int_equal(err.code, IZDE_ERR_INVALID_ARG);
            assert_null(sn);
        }
    }
}

/* Long runs without white space: never a broken UTF-8 sequence, never a huge passage. */
static void test_runs_without_spaces(void **state)
{
    izde_text *t = *state;
    static const char *const q[] = {"olympic", NULL};
    char text[8192];
    size_t len = 0;
    for (int i = 0; i < 500; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "😀");
    izde_snippet *sn = make(t, text, q);
    assert_true(cp_count(sn->plain) <= 202);
    assert_true(starts_with(sn->plain, "😀😀"));
    izde_snippet_free(sn);

    /* one giant word: the lead is cut, as a last resort, between letters */
    memset(text, 'a', 3000);
    text[3000] = '\0';
    sn = make(t, text, q);
    assert_true(cp_count(sn->plain) <= 202);
    izde_snippet_free(sn);

    /* a match between giant words: only the match, with ellipses */
    memset(text, 'x', 1000);
    memcpy(text + 1000, " Olympic ", 9);
    memset(text + 1009, 'y', 1000);
    text[2009] = '\0';
    sn = make(t, text, q);
    assert_string_equal(sn->plain, ELL " Olympic " ELL);
    izde_snippet_free(sn);

    /* a long address after the match is cut at punctuation, not inside a word */
    snprintf(text, sizeof text, "Olympic https://www.olympic.kz/%s/news", "a/b/c/d/e/f/g/h/i/j/k");
    char longer[8192];
    len = (size_t)snprintf(longer, sizeof longer, "%s", text);
    for (int i = 0; i < 40; i++)
        len += (size_t)snprintf(longer + len, sizeof longer - len, "/segment%d", i);
    sn = make(t, longer, q);
    assert_true(cp_count(sn->plain) <= 202);
    assert_true(ends_with(sn->plain, " " ELL));
    /* the passage is the start of the text, cut after a '/' and not inside "segmentNN" */
    size_t body = strlen(sn->plain) - 4;
    assert_memory_equal(sn->plain, longer, body);
    assert_true(body > 100);
    assert_int_equal(sn->plain[body - 1], '/');
    izde_snippet_free(sn);
}

static void test_huge_text(void **state)
{
    izde_text *t = *state;
    const size_t size = 1u << 20;
    char *text = malloc(size + 64);
    assert_non_null(text);
    const char *unit = "Athletes of the republic trained hard this season. ";
    size_t ul = strlen(unit), len = 0;
    while (len + ul < size) {
        memcpy(text + len, unit, ul);
        len += ul;
    }
    memcpy(text + len, "The swimmers won.", 17);
    len += 17;
    text[len] = '\0';

    static const char *const q[] = {"swimmer*", NULL};
    izde_snippet *sn = make(t, text, q);
    static const char *const want[] = {"swimmers", NULL};
    check_spans(sn, want);
    assert_true(ends_with(sn->plain, "The swimmers won."));
    assert_true(cp_count(sn->plain) <= 242);
    izde_snippet_free(sn);

    /* matches everywhere */
    static const char *const common[] = {"athletes", "season", NULL};
    sn = make(t, text, common);
    assert_true(sn->n_spans >= 4);
    assert_true(cp_count(sn->plain) <= 242);
    izde_snippet_free(sn);

    /* one megabyte without a single space */
    memset(text, 'z', size);
    text[size] = '\0';
    sn = make(t, text, q);
    assert_true(cp_count(sn->plain) <= 202);
    izde_snippet_free(sn);
    free(text);
}

/* A 100 KB article whose only match, a phrase, lies near its end: the windowed snippet
 * (make_full checks it equals the whole-text one) shows it highlighted and escaped. */
static void test_long_article_deep_match(void **state)
{
    izde_text *t = *state;
    static const char *const sentences[] = {
        "Athletes & coaches met <again> in the capital. ",
        "Спортсмены провели сборы в горах, \"как всегда\". ",
        "Қазақстан құрамасы жаңа маусымға дайындалды. ",
        "The board's report — long, dull — was read aloud. ",
    };
    const size_t size = 100 * 1024;
    char *text = malloc(size + 256);
    assert_non_null(text);
    size_t len = 0;
    for (size_t i = 0; len < size; i++) {
        const char *s = sentences[i % 4];
        memcpy(text + len, s, strlen(s));
        len += strlen(s);
    }
    len +=
        (size_t)sprintf(text + len, "Then the Olympic Games <opened> & closed. %s", sentences[1]);
    static const char *const q[] = {"olympic", "games", NULL};
    static const int ph[] = {0, 1};
    const int *phrases[] = {ph};
    const size_t plens[] = {2};
    izde_snippet *sn = make_full(t, text, q, phrases, plens, 1, NULL);
    assert_int_equal(sn->n_spans, 1);
    char *w = cp_substr(sn->plain, sn->spans[0].start, sn->spans[0].length);
    assert_string_equal(w, "Olympic Games");
    free(w);
    assert_non_null(strstr(sn->html, "<mark>Olympic Games</mark> &lt;opened&gt; &amp; closed."));
    assert_true(starts_with(sn->plain, ELL " "));
    izde_snippet_free(sn);
    free(text);
}

/* Appends sentences that match no query word to text until it holds at least size bytes. */
static size_t add_filler(char *text, size_t len, size_t size)
{
    static const char *const sentences[] = {
        "Спортсмены провели сборы в горах. ",
        "Қазақстан құрамасы жаңа маусымға дайындалды. ",
        "The board's report was read aloud. ",
    };
    for (size_t i = 0; len < size; i++)
        len += (size_t)sprintf(text + len, "%s", sentences[i % 3]);
    return len;
}

/* A long article read only until a window shows every term: the snippet of one word is its
 * first match past nothing else, not the denser cluster further on; two words are still
 * shown together where they first meet; what is not read is still checked for UTF-8. */
static void test_long_article_ends_early(void **state)
{
    izde_text *t = *state;
    char *text = malloc(64 * 1024);
    assert_non_null(text);
    size_t len = (size_t)sprintf(text, "Olympic champions came home. ");
    len = add_filler(text, len, 6 * 1024);
    len += (size_t)sprintf(text + len, "Many games were played. ");
    len = add_filler(text, len, 20 * 1024);
    len += (size_t)sprintf(text + len, "Olympic Olympic Olympic Games, said the Olympic team. ");
    len = add_filler(text, len, 40 * 1024);

    static const char *const one[] = {"olympic", NULL};
    terms tm = {one};
    izde_snippet_query q = {match_terms, &tm, NULL, NULL, 0, may_terms, 0, NULL, 0, 0};
    izde_snippet *whole = NULL, *early = NULL;
    izde_error err = {0};
    assert_int_equal(izde_snippet_make(t, text, len, &q, NULL, &whole, &err), IZDE_OK);
    assert_int_equal(whole->n_spans, 4); /* the densest cluster */
    q.n_terms = 1;
    assert_int_equal(izde_snippet_make(t, text, len, &q, NULL, &early, &err), IZDE_OK);
    check_snippet(early);
    assert_int_equal(early->n_spans, 1);
    assert_true(starts_with(early->plain, "Olympic champions came home."));
    izde_snippet_free(whole);
    izde_snippet_free(early);

    static const char *const two[] = {"olympic", "games", NULL};
    tm.list = two;
    q.n_terms = 2;
    assert_int_equal(izde_snippet_make(t, text, len, &q, NULL, &early, &err), IZDE_OK);
    assert_non_null(strstr(early->plain, "Olympic Olympic Olympic Games"));
    assert_null(strstr(early->plain, "champions"));
    izde_snippet_free(early);

    memcpy(text + len - 2, "\xFF", 1);
    early = (izde_snippet *)1;
    assert_int_equal(izde_snippet_make(t, text, len, &q, NULL, &early, &err), IZDE_ERR_INVALID_ARG);
    assert_null(early);
    free(text);
}

/* Given the ranges where matches begin, only the runs near them are read: the snippet is the
 * one read from the whole text (the second range starts inside its match's sentence, the
 * search goes back to where the runs of the whole text start); a text's invalid bytes outside
 * the ranges are still found unless the caller vouches for the text. */
static void test_ranges_read_only_matches(void **state)
{
    izde_text *t = *state;
    char *text = malloc(64 * 1024);
    assert_non_null(text);
    size_t len = add_filler(text, 0, 10 * 1024), first = len;
    len += (size_t)sprintf(text + len, "The Olympic flame. ");
    len = add_filler(text, len, 30 * 1024);
    size_t second = len + 9;
    len += (size_t)sprintf(text + len, "Olympic \"games\" were held (Olympic-games). ");
    len = add_filler(text, len, 50 * 1024);

    static const char *const two[] = {"olympic", "games", NULL};
    terms tm = {two};
    size_t ranges[] = {first, first + 40, second, second + 20};
    izde_snippet_query whole = {match_terms, &tm, NULL, NULL, 0, may_terms, 2, NULL, 0, 0};
    izde_snippet_query placed = whole;
    placed.ranges = ranges;
    placed.n_ranges = 2;
    izde_snippet *a = NULL, *want = NULL;
    izde_error err = {0};
    assert_int_equal(izde_snippet_make(t, text, len, &whole, NULL, &want, &err), IZDE_OK);
    assert_int_equal(izde_snippet_make(t, text, len, &placed, NULL, &a, &err), IZDE_OK);
    check_snippet(a);
    assert_string_equal(a->html, want->html);
    assert_non_null(strstr(a->html, "<mark>games</mark>"));
    izde_snippet_free(a);
    izde_snippet_free(want);

    memcpy(text + first / 2, "\xFF", 1); /* not in a range */
    a = (izde_snippet *)1;
    assert_int_equal(izde_snippet_make(t, text, len, &placed, NULL, &a, &err),
                     IZDE_ERR_INVALID_ARG);
    assert_null(a);
    placed.text_valid = 1; /* not read at all */
    assert_int_equal(izde_snippet_make(t, text, len, &placed, NULL, &a, &err), IZDE_OK);
    izde_snippet_free(a);
    free(text);
}

/* Random texts from words of the three languages, emoji, punctuation and odd white space:
 * every snippet keeps the invariants, never cuts a word, and highlights only matching words. */
/* The scan for runs that may match skips the letters inside a word a run at a time: a sign
 * or a mark among them (U+0482-U+0489 have Cyrillic lead bytes) ends the skip, so a word
 * after a sign is still found; letters of every Cyrillic lead byte stay inside their word. */
static void test_scan_inside_words(void **state)
{
    izde_text *t = *state;
    static const char *const q[] = {"olympic", NULL};
    static const char *const found[] = {
        "lorem xy\xD2\x82olympic ipsum", /* U+0482, a sign: "xy" and "olympic" */
        "lorem xy\xD2\x82\xD2\x82olympic. ipsum",
    };
    static const char *const inside[] = {
        "lorem xy\xD2\x88olympic ipsum", /* U+0488, an enclosing mark: one word */
        "lorem xy\xD2\x8Bolympic ipsum", /* U+048B, U+04C0, U+0400: letters */
        "lorem xy\xD3\x80olympic \xD0\x80olympic ipsum olympics",
    };
    static const char *const want[] = {"olympic", NULL}, *const none[] = {NULL};
    for (size_t i = 0; i < sizeof found / sizeof *found; i++) {
        izde_snippet *sn = make(t, found[i], q);
        check_spans(sn, want);
        izde_snippet_free(sn);
    }
    for (size_t i = 0; i < sizeof inside / sizeof *inside; i++) {
        izde_snippet *sn = make(t, inside[i], q);
        check_spans(sn, none);
        izde_snippet_free(sn);
    }
    /* The same inside Cyrillic letters, which are skipped eight bytes at a time. */
    static const char *const cq[] = {"олимп", NULL};
    terms tm = {cq};
    izde_snippet_query cyr = {match_terms, &tm, NULL, NULL, 0, may_same_letter, 0, NULL, 0, 0};
    static const char *const cyr_found[] = {"lorem абвг\xD2\x82олимп ipsum",
                                            "lorem абвгдежзий\xD2\x82олимп ipsum"};
    for (size_t i = 0; i < 3; i++) {
        const char *text = i < 2 ? cyr_found[i] : "lorem абвг\xD2\x88олимп ipsum";
        izde_snippet *sn = NULL;
        izde_error err = {0};
        assert_int_equal(izde_snippet_make(t, text, strlen(text), &cyr, NULL, &sn, &err), IZDE_OK);
        assert_int_equal(sn->n_spans, i < 2);
        izde_snippet_free(sn);
    }
}

static void test_random_texts(void **state)
{
    izde_text *t = *state;
    static const char *const words[] = {
        "Olympic",
        "games",
        "swimmers",
        "Қазақстанның",
        "спортсменов",
        "ёлка",
        "Нұр-Сұлтан",
        "😀",
        "𝔸lpha",
        "e\xCC\x81te\xCC\x81",
        "R&D",
        "<b>",
        "\"quoted\"",
        "it's",
        "www.olympic.kz",
        "(Almaty)",
        "end.",
        "Start",
        "—",
        "123",
        "2020-2021",
        "🇰🇿",
        "елка\xD2\x83",  /* U+0483, a mark: no plain letter though its lead is Cyrillic */
        "ш\xD2\x82елка", /* U+0482, a sign: two words */
        "\xD3\x80олимп", /* U+04C0, a letter */
        "Swimmers\xD2\x89елка",
    };
    static const char *const spaces[] = {" ", " ", " ", "  ", "\n", "\t", "\xC2\xA0", ". ", ", "};
    static const char *const q[] = {"olympic", "swimmer*", "қазақстан*", "елка", "2020", NULL};
    const size_t nw = sizeof words / sizeof words[0], ns = sizeof spaces / sizeof spaces[0];
    uint32_t seed = 12345;
    char text[8192];
    for (int round = 0; round < 300; round++) {
        size_t len = 0, count = 1 + (size_t)(round * 7 % 160);
        for (size_t i = 0; i < count; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *w = words[(seed >> 8) % nw];
            seed = seed * 1103515245u + 12345u;
            const char *s = spaces[(seed >> 8) % ns];
            len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", w, s);
        }
        izde_snippet_opts o = {(size_t)(40 + round % 5 * 60), (size_t)(round % 4), round % 11 == 0};
        izde_snippet *sn = make_full(t, text, q, NULL, NULL, 0, &o);
        if (!o.whole)
            assert_true(cp_count(sn->plain) <= o.length + 60);
        check_whole_words(sn, text);
        /* each span is a word the matcher accepts */
        for (size_t k = 0; k < sn->n_spans; k++) {
            char *w = cp_substr(sn->plain, sn->spans[k].start, sn->spans[k].length);
            izde_tokens *tk = izde_tokens_new();
            assert_int_equal(izde_text_tokenize(t, w, strlen(w), 0, tk, NULL), IZDE_OK);
            int matched = 0;
            terms tm = {q};
            for (size_t i = 0; i < izde_tokens_count(tk); i++)
                matched |= match_terms(&tm, izde_tokens_get(tk, i)) >= 0;
            if (!matched)
                fail_msg("span '%s' matches no term", w);
            izde_tokens_free(tk);
            free(w);
        }
        izde_snippet_free(sn);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_escape),
        cmocka_unit_test_setup_teardown(test_spans_three_languages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_code_point_offsets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_phrase_is_one_span, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passage_length_and_ellipses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sentence_start, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fragments_far_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_densest_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_window_edge_across_gap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_match_lead, setup, teardown),
        cmocka_unit_test_setup_teardown(test_whole_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escaping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_white_space_folding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_and_odd_texts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_runs_without_spaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_huge_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_article_deep_match, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ranges_read_only_matches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_article_ends_early, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_inside_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_texts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
