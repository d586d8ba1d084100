/* Unit tests for izde_kk_analyse: which readings a Kazakh word gets, on the index side (every
 * plausible one) and on the query side (a base word as itself). Table-driven; the forms are
 * the kinds izde is judged by (../shared/KAZAKH.md) and the misses bench/kazakh showed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <izde/kazakh.h>

#include "test_support.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct keys {
    char all[1024]; /* " key1 key2 ... " */
    size_t n;
} keys;

static void collect(void *ctx, const char *stem, size_t len)
{
    keys *k = ctx;
    size_t used = strlen(k->all);
    if (used + len + 2 < sizeof k->all) {
        memcpy(k->all + used, stem, len);
        k->all[used + len] = ' ';
        k->all[used + len + 1] = '\0';
    }
    k->n++;
}

static keys analyse(const char *word, unsigned flags)
{
    keys k = {" ", 0};
    size_t n = izde_kk_analyse(word, strlen(word), flags, collect, &k);
    assert_int_equal(n, k.n);
    return k;
}

static int has_key(const keys *k, const char *key) /* key: at most 256 bytes */
{
    char needle[300];
    snprintf(needle, sizeof needle, " %s ", key);
    return strstr(k->all, needle) != NULL;
}

typedef struct pair {
    const char *word, *key;
} pair;

/* A form and the dictionary word it must be indexed under. */
static const pair forms[] = {
    /* nouns: case, possessive, number, -дағы, stem edges */
    {"суретін", "сурет"},
    {"тіркелгіні", "тіркелгі"},
    {"мазмұны", "мазмұн"},
    {"нанымдан", "наным"},
    {"құрылғыға", "құрылғы"},
    {"құрылғыны", "құрылғы"},
    {"қолыңыздан", "қол"},
    {"қазақстандағы", "қазақстан"},
    {"спортшыларымыз", "спортшы"},
    {"кітабы", "кітап"},
    {"есебі", "есеп"},
    {"еңбегінің", "еңбек"},
    {"халқы", "халық"},
    {"орны", "орын"},
    {"ерні", "ерін"},
    {"модулі", "модуль"},
    {"процесі", "процесс"},
    {"объектілер", "объект"},
    {"күнін", "күн"},
    {"нұр-сұлтанда", "нұр-сұлтан"},
    /* verbs: tenses, persons, negation, passive, participles, converbs, verbal noun */
    {"оқиды", "оқу"},
    {"оқыды", "оқу"},
    {"оқып", "оқу"},
    {"оқыған", "оқу"},
    {"оқитын", "оқу"},
    {"оқимыз", "оқу"},
    {"оқылды", "оқу"},
    {"оқымайды", "оқу"},
    {"оқуға", "оқу"},
    {"жазылды", "жазу"},
    {"аяқталды", "аяқтау"},
    {"көрсетілген", "көрсету"},
    {"берілген", "беру"},
    {"таңдалған", "таңдау"},
    {"өзгерте", "өзгерту"},
    {"іздеп", "іздеу"},
    {"келмейді", "келу"},
    {"болса", "болу"},
    {"алынды", "алу"},
    {"тауып", "табу"},
    {"пайдаланғыңыз", "пайдалану"},
    /* the negative 3rd person imperative, beside the noun an unknown -ма stem may be */
    {"өзгермесін", "өзгеру"},
    {"сұралмасын", "сұрау"},
    {"баптамасын", "баптау"},
    {"баптамасын", "баптама"},
    /* roots in й: й + у is written ю, й + а я */
    {"қойды", "қою"},
    {"қойған", "қою"},
    {"қойып", "қою"},
    {"қояды", "қою"},
    {"қоятын", "қою"},
    {"азайған", "азаю"},
    {"азаяды", "азаю"},
    {"көбейеді", "көбею"},
    {"сүйген", "сүю"},
    /* after ю endings go as after у: the verbal noun's possessive and cases */
    {"азаюы", "азаю"},
    {"жоюы", "жою"},
    {"қоюды", "қою"},
    /* the negative converb -мастан; алмастан is also алмас "diamond" + ablative */
    {"тоқтамастан", "тоқтау"},
    {"өзгертпестен", "өзгерту"},
    {"алмастан", "алу"},
    {"алмастан", "алмас"},
    /* persons after a participle and the intention -мақ; 1st person singular -мын after н */
    {"жасағансыз", "жасау"},
    {"келетінсіз", "келу"},
    {"өшірмексіз", "өшіру"},
    {"бармақпыз", "бару"},
    {"келгенмін", "келу"},
    {"адаммын", "адам"},
    /* verbs hunspell-kk lacks, known by their verb-forming endings */
    {"сөндірілген", "сөндіру"},
    {"қалдыра", "қалдыру"},
    {"зақымдалған", "зақымдау"},
    {"қылған", "қылу"}, /* the past participle only verbs take */
    /* after л and a vowel the passive is -н, though hunspell-kk lists the -н verb too */
    {"төленді", "төлеу"},
    {"төленетін", "төлеу"},
    {"төленетін", "төлену"},
    {"хабарланған", "хабарлау"},
    /* hunspell-kk lists дерекқорына itself: its case ending still leaves the stem */
    {"дерекқорына", "дерекқор"},
    /* ...and so does its possessive, with the stem edge voiced too */
    {"өнімі", "өнім"},
    {"импорты", "импорт"},
    {"қиындығы", "қиындық"},
    /* known only as a verb's form (са-йтын), a word keeps a noun reading through a case */
    {"сайтын", "сайт"},
    /* the formal 2nd person predicative after a locative or ablative */
    {"үйдесіз", "үй"},
    {"режиміндесіз", "режим"},
    {"арнасындасыз", "арна"},
    /* a loan's double consonant is simplified before a consonant too */
    {"процесті", "процесс"},
    {"кластар", "класс"},
    {"прогреске", "прогресс"},
    /* a loan's у before a consonant takes either harmony; a dropped ь before any ending */
    {"ресурсты", "ресурс"},
    {"секундтан", "секунд"},
    {"панелді", "панель"},
    {"стилдер", "стиль"},
    /* the dropped vowel may be і after a back vowel */
    {"қаупі", "қауіп"},
    /* -ым/-ім nouns hunspell-kk lacks, beside "my" + a known stem (қосыл-ым-ды) */
    {"қосылымды", "қосылым"},
    {"өнімнің", "өнім"},
    {"өнімін", "өнім"},   /* beside өн-і-мін "I am its өн" */
    {"өнімінің", "өнім"}, /* through the headword өнімі */
    /* before -ып, у is a root's own or its б: both, where the lexicon has both verbs */
    {"жауып", "жабу"},
    {"жауып", "жауу"},
};

/* A word and a dictionary word it must not be indexed under: derivations make new words,
 * and a stem must not swallow longer words or other languages. */
static const pair not_forms[] = {
    {"пайдаланушы", "пайдалану"}, /* agent -ушы */
    {"суретші", "сурет"},         /* -ші */
    {"балалық", "бала"},          /* -лық */
    {"ақысыз", "ақы"},            /* -сыз */
    {"мәтінсіз", "мәт"},          /* -сіз after no locative or ablative: the privative */
    {"тамақсыз", "тау"},          /* -сыз after тамақ "food": not та-мақ-сыз */
    {"бағыттаушы", "бағыттауыш"}, /* -шы after a headword: no vowel put back */
    {"адамдай", "адам"},          /* -дай */
    {"қазақша", "қазақ"},         /* equative -ша */
    {"негізгі", "негіз"},         /* bare -гі */
    {"қолданыңыз", "қол"},        /* қол+дан+ыңыз is out of order: the verb "use" */
    {"сотрудничество", "сот"},    /* Russian */
    {"хабарлама", "хабарлау"},    /* the noun "message" */
    {"хабарламасы", "хабарлау"},
    {"көшірмесін", "көшіру"}, /* көшірме "copy" is a headword: its accusative */
    {"белгілер", "белгілеу"}, /* plural of белгі, not a participle */
    {"ұсынысын", "ұсыну"},    /* the noun ұсыныс */
    {"қолдану", "қолдау"},    /* a verb of its own, not the passive of қолдау */
    {"қолданады", "қолдау"},  /* after д the passive would be -л (қолдал-) */
    {"қоян", "қою"},          /* nouns in я keep it */
    {"азия", "азию"},
    {"дария", "дарию"},
};

/* A query word that is a dictionary form stands for itself alone. */
static const char *const bases[] = {"қала",  "алма", "адам",  "жер",    "тамақ", "баған",
                                    "сурет", "оқу",  "қалып", "музыка", "бар"};

static void test_forms(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(forms); i++) {
        keys k = analyse(forms[i].word, 0);
        if (!has_key(&k, forms[i].key))
            fail_msg("%s: keys%s, expected %s among them", forms[i].word, k.all, forms[i].key);
    }
}

static void test_not_forms(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(not_forms); i++) {
        keys k = analyse(not_forms[i].word, 0);
        if (has_key(&k, not_forms[i].key))
            fail_msg("%s: keys%s, must not hold %s", not_forms[i].word, k.all, not_forms[i].key);
    }
}

static void test_query_base_words(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(bases); i++) {
        keys k = analyse(bases[i], IZDE_KK_QUERY);
        if (k.n != 1 || !has_key(&k, bases[i]))
            fail_msg("query %s: keys%s, expected itself alone", bases[i], k.all);
    }
}

/* A query word in another form still finds the dictionary word's forms. */
static void test_query_inflected(void **state)
{
    (void)state;
    static const pair q[] = {
        {"күні", "күн"}, {"оқыды", "оқу"}, {"суретін", "сурет"}, {"кітабы", "кітап"}};
    for (size_t i = 0; i < COUNT(q); i++) {
        keys k = analyse(q[i].word, IZDE_KK_QUERY);
        if (!has_key(&k, q[i].key) || !has_key(&k, q[i].word))
            fail_msg("query %s: keys%s, expected itself and %s", q[i].word, k.all, q[i].key);
    }
}

/* Words without a known stem keep the rule stem (the conservative analysis). */
static void test_unknown_words_keep_rule_stem(void **state)
{
    (void)state;
    static const char *const words[] = {"тоқаевтың", "бетбелгіні", "abc", "x", "2020"};
    for (size_t i = 0; i < COUNT(words); i++) {
        char rule[256];
        izde_kk_stem(words[i], strlen(words[i]), rule, sizeof rule);
        keys k = analyse(words[i], 0);
        if (!has_key(&k, rule))
            fail_msg("%s: keys%s, expected the rule stem %s", words[i], k.all, rule);
    }
}

/* The snippet prefilter (query_build.c) relies on every key of a word of 3+ letters starting
 * with the word's first two letters, and never being empty; checked on a word list. */
/* Bytes of the first `letters` UTF-8 letters of s (at most len), with the Latin i typed for
 * і counted as a letter of its own. */
static size_t letters_bytes(const char *s, size_t len, size_t letters)
{
    size_t i = 0;
    for (size_t n = 0; n < letters && i < len; n++) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

static void check_prefix(void *ctx, const char *stem, size_t len)
{
    const char *word = ctx;
    size_t wl = strlen(word), key_letters = 0;
    for (size_t i = 0; i < len; i++)
        key_letters += ((unsigned char)stem[i] & 0xC0) != 0x80;
    size_t want = key_letters >= 3 ? 2 : 1;
    size_t kb = letters_bytes(stem, len, want), wb = letters_bytes(word, wl, want);
    if (len == 0 || (kb == wb && memcmp(stem, word, kb) != 0 && !strchr(word, 'i')))
        fail_msg("%s: key %.*s does not start like the word", word, (int)len, stem);
}

static void test_keys_keep_the_word_start(void **state)
{
    (void)state;
    char path[1024], line[512];
    snprintf(path, sizeof path, "%s/kazakh_stems.tsv", IZDE_FIXTURES_DIR);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\t\n")] = '\0';
        izde_kk_analyse(line, strlen(line), 0, check_prefix, line);
        izde_kk_analyse(line, strlen(line), IZDE_KK_QUERY, check_prefix, line);
        n++;
    }
    fclose(f);
    assert_true(n > 5000);
}

/* Arbitrary bytes: no crash, at least one key, none longer than the word plus a few bytes. */
static void check_len(void *ctx, const char *stem, size_t len)
{
    (void)stem;
    size_t *max = ctx;
    assert_true(len <= *max);
}

static void test_arbitrary_bytes(void **state)
{
    (void)state;
    unsigned seed = 12345;
    char buf[96];
    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)(round % 90) + 1;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            /* mostly two-byte Cyrillic letters, with stray bytes and hyphens */
            unsigned r = (seed >> 16) % 100;
            buf[i] = r < 45   ? (char)0xD0
                     : r < 90 ? (char)(0x90 + (seed >> 8) % 48)
                     : r < 95 ? '-'
                              : (char)(seed >> 3);
        }
        size_t max = len + 8;
        assert_true(izde_kk_analyse(buf, len, round & 1 ? IZDE_KK_QUERY : 0, check_len, &max) >= 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_not_forms),
        cmocka_unit_test(test_query_base_words),
        cmocka_unit_test(test_query_inflected),
        cmocka_unit_test(test_unknown_words_keep_rule_stem),
        cmocka_unit_test(test_keys_keep_the_word_start),
        cmocka_unit_test(test_arbitrary_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
