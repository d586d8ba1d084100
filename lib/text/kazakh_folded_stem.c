/* Candidate stems of a keyboard-folded Kazakh word (izde_kk_fold output: қ→к, ғ→г, і→и, ...).
 *
 * Why candidates and not one stem: folding erases what the Kazakh stemmer relies on — vowel
 * harmony (ә/а, і/ы, ү/ұ become one letter) and the ғ/қ variants of suffixes — so a folded
 * word cannot be stemmed reliably (is казакстан "казакс" + ablative -тан?). The index stores
 * fold(stem(word)) for every Kazakh word, computed from the real spelling; a folded query
 * word is looked up through every way of reading its ending, and only readings that are
 * real folded stems in the index match anything.
 *
 * Readings: the word itself, and the word without an optional case or relative ending, then
 * an optional possessive ending, then an optional plural ending (in that order from the end),
 * keeping at least 3 letters. When a vowel-initial ending was removed, the stem's final б/г
 * is also tried as п/к (кітабы → китап, еңбегі → енбек): the alternation the stemmer
 * restores on the real spelling. */
#include <izde/kazakh.h>

#include <string.h>

static const char *const case_endings[] = {
    "ндагы", "ндеги", "дагы", "деги", "тагы", "теги", "нын", "нин", "дын", "дин", "тын", "тин",
    "дан",   "ден",   "тан",  "тен",  "нан",  "нен",  "нда", "нде", "мен", "пен", "бен", "га",
    "ге",    "ка",    "ке",   "на",   "не",   "да",   "де",  "та",  "те",  "ды",  "ди",  "ты",
    "ти",    "ны",    "ни",   "гы",   "ги",   "кы",   "ки",  "а",   "е",   "н",   NULL,
};
static const char *const possessive_endings[] = {
    "ымыз", "имиз", "ыныз", "иниз", "сыныз", "синиз", "мыз", "миз",
    "ныз",  "низ",  "сы",   "си",   "ы",     "и",     NULL,
};
static const char *const plural_endings[] = {
    "лар", "лер", "дар", "дер", "тар", "тер", NULL,
};

#define MIN_STEM_LETTERS 3

typedef struct candidates {
    size_t *lens;
    int *devoice;
    size_t n, max;
} candidates;

static size_t letters(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static int is_vowel_start(const char *ending)
{
    static const char *const vowels[] = {"а", "е", "ы", "и", "о", "у", "э", "я", "ю", NULL};
    for (size_t i = 0; vowels[i]; i++)
        if (!strncmp(ending, vowels[i], strlen(vowels[i])))
            return 1;
    return 0;
}

static void add(candidates *c, size_t len, int devoice)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->lens[i] == len && c->devoice[i] == devoice)
            return;
    if (c->n < c->max) {
        c->lens[c->n] = len;
        c->devoice[c->n++] = devoice;
    }
}

/* Records every reading of w[0..len) after stripping from level on (0 case, 1 possessive,
 * 2 plural); vowel tells whether the last ending removed began with a vowel. */
static void readings(const char *w, size_t len, int level, int vowel, candidates *c)
{
    static const char *const *const levels[] = {case_endings, possessive_endings, plural_endings};
    if (level == 3) {
        add(c, len, 0);
        if (vowel)
            add(c, len, 1);
        return;
    }
    readings(w, len, level + 1, vowel, c); /* this level's ending absent */
    for (size_t i = 0; levels[level][i]; i++) {
        const char *e = levels[level][i];
        size_t el = strlen(e);
        if (el < len && !memcmp(w + len - el, e, el) && letters(w, len - el) >= MIN_STEM_LETTERS)
            readings(w, len - el, level + 1, is_vowel_start(e), c);
    }
}

/* The devoiced spelling of a stem ending in б or г (п, к), written to out. */
static size_t devoiced(const char *w, size_t len, char *out, size_t cap)
{
    static const struct {
        const char *from, *to;
    } pairs[] = {{"б", "п"}, {"г", "к"}};
    for (size_t i = 0; i < 2; i++) {
        size_t fl = strlen(pairs[i].from);
        if (len >= fl && !memcmp(w + len - fl, pairs[i].from, fl) && len < cap) {
            memcpy(out, w, len - fl);
            memcpy(out + len - fl, pairs[i].to, strlen(pairs[i].to));
            out[len] = '\0';
            return len;
        }
    }
    return 0;
}

size_t izde_kk_folded_stems(const char *folded, size_t len, izde_kk_stem_fn fn, void *ctx)
{
    size_t lens[32];
    int devoice[32];
    candidates c = {lens, devoice, 0, 32};
    readings(folded, len, 0, 0, &c);
    size_t emitted = 0;
    char buf[256];
    for (size_t i = 0; i < c.n; i++) {
        if (!c.devoice[i]) {
            fn(ctx, folded, c.lens[i]);
            emitted++;
        } else if (devoiced(folded, c.lens[i], buf, sizeof buf)) {
            fn(ctx, buf, c.lens[i]);
            emitted++;
        }
    }
    return emitted;
}
