#include <izde/stem.h>

#include <izde/kazakh.h>
#include <izde/text.h>
#include <izde/xapian.h>

#include <stdlib.h>
#include <string.h>

/* A cache of recent stems: news text repeats its words, and a cache hit is a hash and a
 * compare instead of a Snowball run or the Kazakh suffix rules. Two-way set-associative with
 * the older slot of a set replaced, so two frequent words that share a set both stay. 32,768
 * slots (3 MB, allocated untouched by calloc) hold a searcher's working vocabulary; the
 * 8,192 direct-mapped slots before missed on a realistic vocabulary. */
#define CACHE_SETS 16384
#define CACHE_WAYS 2
#define CACHE_WORD_MAX 47
typedef struct cache_slot {
    uint8_t lang, word_len, stem_len;
    char word[CACHE_WORD_MAX];
    char stem[CACHE_WORD_MAX + 1];
} cache_slot;

struct izde_stemmer {
    izde_xstem *english, *russian;
    cache_slot *cache;
};

izde_status izde_stemmer_new(izde_stemmer **out_stemmer, izde_error *err)
{
    izde_stemmer *s = calloc(1, sizeof *s);
    if (!s || !(s->cache = calloc((size_t)CACHE_SETS * CACHE_WAYS, sizeof *s->cache))) {
        free(s);
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    izde_status st = izde_xstem_new("english", &s->english, err);
    if (st == IZDE_OK)
        st = izde_xstem_new("russian", &s->russian, err);
    if (st != IZDE_OK) {
        izde_stemmer_free(s);
        return st;
    }
    *out_stemmer = s;
    return IZDE_OK;
}

void izde_stemmer_free(izde_stemmer *s)
{
    if (!s)
        return;
    izde_xstem_free(s->english);
    izde_xstem_free(s->russian);
    free(s->cache);
    free(s);
}

izde_stem_lang izde_stem_choose(const char *lang, uint32_t token_flags, const char *term,
                                size_t len)
{
    if (token_flags & IZDE_TOKEN_NUMBER)
        return IZDE_STEM_NONE;
    if (token_flags & IZDE_TOKEN_CYRILLIC) {
        if (lang && !strcmp(lang, "kk"))
            return IZDE_STEM_KK;
        if (lang && !strcmp(lang, "ru"))
            return IZDE_STEM_RU;
        return izde_kk_has_kazakh_letters(term, len) ? IZDE_STEM_KK : IZDE_STEM_RU;
    }
    if (token_flags & IZDE_TOKEN_LATIN)
        return IZDE_STEM_EN;
    return IZDE_STEM_NONE;
}

static size_t copy_term(const char *term, size_t len, char *out, size_t cap)
{
    size_t n = len < cap - 1 ? len : cap - 1;
    memcpy(out, term, n);
    out[n] = '\0';
    return n;
}

/* Short stems whose fleeting vowel no rule can safely drop (most short stems ending like
 * these keep their vowel), but common enough in news to matter: день/дня, отец/отца. The
 * forms of день have no vowel before their ending, so Snowball leaves each one whole. */
static const char *const short_fleeting[][2] = {
    {"ден", "дн"},   {"дня", "дн"},     {"дню", "дн"},     {"днем", "дн"},  {"дне", "дн"},
    {"дни", "дн"},   {"дней", "дн"},    {"дням", "дн"},    {"днями", "дн"}, {"днях", "дн"},
    {"отец", "отц"}, {"конец", "конц"}, {"ветер", "ветр"}, {"угол", "угл"},
};

/* Russian fleeting vowels: пловец/пловцы, спортсменок/спортсменки keep the vowel in one form
 * only, and Snowball leaves the stems apart. A stem ending in consonant + ец/ок/ек loses the
 * vowel, on the index and the query side alike; shorter stems only through short_fleeting. */
static size_t drop_fleeting_vowel(char *stem, size_t n)
{
    for (size_t i = 0; i < sizeof short_fleeting / sizeof *short_fleeting; i++) {
        size_t from = strlen(short_fleeting[i][0]), to = strlen(short_fleeting[i][1]);
        if (n == from && memcmp(stem, short_fleeting[i][0], from) == 0) {
            memcpy(stem, short_fleeting[i][1], to + 1);
            return to;
        }
    }
    static const char *const endings[] = {"ец", "ок", "ек"};
    static const char consonants[] = "бвгджзйклмнпрстфхцчшщ";
    if (n < 6 * 2)
        return n; /* at least 6 letters: short stems are too ambiguous */
    for (size_t i = 0; i < 3; i++) {
        const char *e = endings[i];
        if (memcmp(stem + n - 4, e, 4) != 0)
            continue;
        const char *prev = stem + n - 6;
        for (size_t k = 0; k + 1 < sizeof consonants; k += 2) {
            if (!memcmp(prev, consonants + k, 2)) {
                memmove(stem + n - 4, stem + n - 2, 3); /* drop the vowel, keep the NUL */
                return n - 2;
            }
        }
    }
    return n;
}

/* Snowball Russian, repeated until the stem stops changing (at most 3 rounds). One pass is
 * not consistent across a paradigm: it reads the noun ending of спортсмены as the verb
 * ending -ены (→ спортсм) but stems спортсменов to спортсмен; a second pass maps both to
 * спортсм. Stems never go below 3 bytes of a 2-byte script, i.e. 2 letters. Then fleeting
 * vowels are dropped (drop_fleeting_vowel). */
static size_t stem_russian(izde_stemmer *s, const char *term, size_t len, char *out, size_t cap)
{
    char tmp[IZDE_TERM_MAX + 16];
    size_t n = izde_xstem_apply(s->russian, term, len, out, cap);
    for (int round = 0; round < 2 && n > 0 && n < cap && n < sizeof tmp; round++) {
        size_t m = izde_xstem_apply(s->russian, out, n, tmp, sizeof tmp);
        if (m == 0 || m == n || m < 4 || m >= sizeof tmp)
            break;
        memcpy(out, tmp, m + 1);
        n = m;
    }
    return n > 0 && n < cap ? drop_fleeting_vowel(out, n) : n;
}

/* The set for a word: CACHE_WAYS slots, the most recently filled first. */
static cache_slot *cache_set(izde_stemmer *s, izde_stem_lang which, const char *term, size_t len)
{
    uint32_t h = 2166136261u ^ (uint32_t)which;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)term[i]) * 16777619u;
    return &s->cache[(size_t)(h % CACHE_SETS) * CACHE_WAYS];
}

static size_t stem_uncached(izde_stemmer *s, izde_stem_lang which, const char *term, size_t len,
                            char *out, size_t cap);

size_t izde_stem(izde_stemmer *s, izde_stem_lang which, const char *term, size_t len, char *out,
                 size_t cap)
{
    if (which == IZDE_STEM_NONE || len > CACHE_WORD_MAX)
        return stem_uncached(s, which, term, len, out, cap);
    cache_slot *set = cache_set(s, which, term, len);
    for (size_t w = 0; w < CACHE_WAYS; w++) {
        const cache_slot *slot = &set[w];
        if (slot->lang == which && slot->word_len == len && !memcmp(slot->word, term, len) &&
            slot->stem_len < cap) {
            memcpy(out, slot->stem, slot->stem_len + 1u);
            return slot->stem_len;
        }
    }
    size_t n = stem_uncached(s, which, term, len, out, cap);
    if (n <= CACHE_WORD_MAX) {
        memmove(&set[1], &set[0], (CACHE_WAYS - 1) * sizeof *set); /* the oldest goes */
        set[0].lang = (uint8_t)which;
        set[0].word_len = (uint8_t)len;
        set[0].stem_len = (uint8_t)n;
        memcpy(set[0].word, term, len);
        memcpy(set[0].stem, out, n + 1);
    }
    return n;
}

static size_t stem_uncached(izde_stemmer *s, izde_stem_lang which, const char *term, size_t len,
                            char *out, size_t cap)
{
    size_t n = 0;
    switch (which) {
    case IZDE_STEM_EN:
        n = izde_xstem_apply(s->english, term, len, out, cap);
        break;
    case IZDE_STEM_RU:
        n = stem_russian(s, term, len, out, cap);
        break;
    case IZDE_STEM_KK:
        n = izde_kk_stem(term, len, out, cap);
        break;
    case IZDE_STEM_NONE:
        break;
    }
    if (n == 0 || n >= cap)
        return copy_term(term, len, out, cap);
    return n;
}
