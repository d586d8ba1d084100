/* Candidate stems of keyboard-folded Kazakh words (izde_kk_folded_stems), table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <izde/kazakh.h>

typedef struct collected {
    char all[2048];
} collected;

static void collect(void *ctx, const char *stem, size_t len)
{
    collected *c = ctx;
    strcat(c->all, "|");
    strncat(c->all, stem, len);
}

struct folded_case {
    const char *word;   /* as typed on a Russian keyboard */
    const char *native; /* the Kazakh spelling it stands for */
};

/* The candidates of the folded word must include fold(stem(native spelling)). */
static void test_candidates_reach_the_native_stem(void **state)
{
    (void)state;
    static const struct folded_case cases[] = {
        {"казакстан", "қазақстан"},           {"казакстанга", "қазақстанға"},
        {"казакстандагы", "қазақстандағы"},   {"казакстаннын", "қазақстанның"},
        {"казакстаннан", "қазақстаннан"},     {"спортшылар", "спортшылар"},
        {"спортшыларымыз", "спортшыларымыз"}, {"китабы", "кітабы"},
        {"енбегинин", "еңбегінің"},           {"алматыда", "алматыда"},
        {"олимпиадага", "олимпиадаға"},       {"жарыстарда", "жарыстарда"},
        {"комитетинин", "комитетінің"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char stem[256], folded[256];
        size_t sl = izde_kk_stem(cases[i].native, strlen(cases[i].native), stem, sizeof stem);
        size_t fl = izde_kk_fold(stem, sl, folded, sizeof folded);
        collected c = {""};
        size_t n = izde_kk_folded_stems(cases[i].word, strlen(cases[i].word), collect, &c);
        assert_true(n >= 1 && n <= 32);
        char needle[300];
        snprintf(needle, sizeof needle, "|%.*s|", (int)fl, folded);
        strcat(c.all, "|");
        if (!strstr(c.all, needle))
            fail_msg("%s: candidates %s lack %s (stem of %s)", cases[i].word, c.all, folded,
                     cases[i].native);
    }
}

static void test_short_words_stay_whole(void **state)
{
    (void)state;
    collected c = {""};
    assert_int_equal(izde_kk_folded_stems("сот", strlen("сот"), collect, &c), 1);
    assert_string_equal(c.all, "|сот");
    collected d = {""};
    izde_kk_folded_stems("сотка", strlen("сотка"), collect, &d);
    assert_non_null(strstr(d.all, "|сот")); /* сот + dative: a candidate; the index decides */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_candidates_reach_the_native_stem),
        cmocka_unit_test(test_short_words_stay_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
