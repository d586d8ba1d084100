#include <izde/stem.h>

#include "russian_verbs.h"

#include <izde/hash.h>
#include <izde/kazakh.h>
#include <izde/text.h>
#include <izde/utf8.h>
#include <izde/xapian.h>

#include <stdlib.h>
#include <string.h>
#include <uchar.h>

/* A cache of recent stems: news text repeats its words, and a cache hit is a hash and a
 * compare instead of a Snowball run or the Kazakh analysis. Two-way set-associative with
 * the older slot of a set replaced, so two frequent words that share a set both stay. 32,768
 * slots (6 MB, allocated untouched by calloc) hold a searcher's working vocabulary; the
 * 8,192 direct-mapped slots before missed on a realistic vocabulary. A slot holds every stem
 * of its word (a Kazakh word may have several), back to back with their NULs. */
#define CACHE_SETS 16384
#define CACHE_WAYS 2
#define CACHE_WORD_MAX 47
#define CACHE_STEMS_MAX 120
typedef struct cache_slot {
    uint8_t lang, word_len, n_stems, stems_len;
    char word[CACHE_WORD_MAX];
    char stems[CACHE_STEMS_MAX];
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

static int is_russian_consonant(uint32_t c)
{
    static const char32_t consonants[] = U"бвгджзйклмнпрстфхцчшщ";
    for (size_t i = 0; consonants[i]; i++)
        if (c == consonants[i])
            return 1;
    return 0;
}

static int ends_with(const char *s, size_t len, const char *end)
{
    size_t n = strlen(end);
    return len >= n && !memcmp(s + len - n, end, n);
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
    if (n < 6 * 2)
        return n; /* at least 6 letters: short stems are too ambiguous */
    for (size_t i = 0; i < 3; i++) {
        uint32_t prev = 0;
        if (ends_with(stem, n, endings[i]) && izde_utf8_decode(stem + n - 6, 2, &prev) == 2 &&
            is_russian_consonant(prev)) {
            memmove(stem + n - 4, stem + n - 2, 3); /* drop the vowel, keep the NUL */
            return n - 2;
        }
    }
    return n;
}

/* Encodes n letters and hands them to fn. */
static void emit_letters(const uint32_t *c, size_t n, izde_stem_fn fn, void *ctx)
{
    if (!fn)
        return;
    char out[8 * 4];
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += izde_utf8_encode(c[i], out + len);
    fn(ctx, out, len);
}

size_t izde_stem_ru_fleeting(const char *stem, size_t len, izde_stem_fn fn, void *ctx)
{
    uint32_t c[6];
    size_t n = 0;
    for (size_t i = 0, k; i < len; i += k, n++) {
        k = n < 6 ? izde_utf8_decode(stem + i, len - i, &c[n]) : 0;
        if (k == 0 || c[n] < U'а' || c[n] > U'я')
            return 0; /* not a short stem of Russian letters */
    }
    if (n < 4 || n > 5 || !is_russian_consonant(c[2]))
        return 0;
    uint32_t last = c[n - 1];
    if (n == 5 &&
        (((c[3] == U'о' || c[3] == U'е') && last == U'к') || (c[3] == U'е' && last == U'ц'))) {
        uint32_t without[4] = {c[0], c[1], c[2], last};
        emit_letters(without, 4, fn, ctx);
        return 1;
    }
    if (n != 4 || (last != U'к' && last != U'ц'))
        return 0;
    static const uint32_t vowels[] = {U'е', U'о'}; /* ц takes е only */
    size_t found = 0;
    for (size_t i = 0; i < (last == U'к' ? 2u : 1u); i++, found++) {
        uint32_t with[5] = {c[0], c[1], c[2], vowels[i], last};
        emit_letters(with, 5, fn, ctx);
    }
    return found;
}

/* The Russian base words whose genitive izde_stem_ru_paradigm stems: a word ending in `end`
 * (at least min_letters long, and with a consonant before `end` when asked), whose genitive
 * ends in `genitive` instead; for a verb, the imperative plural (-ьте, -ойте) stands in for
 * the genitive. */
static const struct {
    const char *end, *genitive;
    size_t min_letters;
    int after_consonant;
} paradigm_endings[] = {
    {"пись", "писи", 0, 0}, /* запись, записи */
    {"лец", "льца", 5, 0},  /* владелец, владельца */
    {"еец", "ейца", 5, 0},  /* европеец, европейца */
    {"ень", "ня", 6, 1},    /* уровень, уровня */
    {"йка", "ек", 5, 0},    /* настройка: its genitive plural, настроек */
    {"оить", "ойте", 6, 0}, /* настроить, настройте */
    {"ыть", "ойте", 6, 0},  /* открыть, откройте */
    {"ить", "ьте", 5, 1}, /* добавить, добавьте: Snowball strips -ь but not -ьте */
};

/* Whether the last letter of s[0..len) is a Russian consonant. */
static int ends_in_consonant(const char *s, size_t len)
{
    size_t letters = izde_utf8_count(s, len);
    size_t at = letters ? izde_utf8_prefix_len(s, len, letters - 1) : len;
    uint32_t c = 0;
    return at < len && izde_utf8_decode(s + at, len - at, &c) && is_russian_consonant(c);
}

/* word[0..keep) + end into out (cap bytes, NUL-terminated); its length, 0 when it does not
 * fit. */
static size_t respell(const char *word, size_t keep, const char *end, char *out, size_t cap)
{
    size_t el = strlen(end);
    if (keep + el >= cap)
        return 0;
    memcpy(out, word, keep);
    memcpy(out + keep, end, el + 1);
    return keep + el;
}

/* The genitive izde_stem_ru_paradigm stems, into out; its length, 0 when none. */
static size_t ru_genitive(const char *word, size_t len, char *out, size_t cap)
{
    for (size_t i = 0; i < sizeof paradigm_endings / sizeof *paradigm_endings; i++) {
        const char *end = paradigm_endings[i].end, *gen = paradigm_endings[i].genitive;
        if (!ends_with(word, len, end) ||
            izde_utf8_count(word, len) < paradigm_endings[i].min_letters)
            continue;
        size_t keep = len - strlen(end);
        if (paradigm_endings[i].after_consonant && !ends_in_consonant(word, keep))
            return 0;
        return respell(word, keep, gen, out, cap);
    }
    return 0;
}

size_t izde_stem_ru_paradigm(izde_stemmer *s, const char *word, size_t len, char *out, size_t cap)
{
    char gen[IZDE_TERM_MAX + 16], own[IZDE_TERM_MAX + 16];
    size_t gl = len + 8 <= sizeof gen ? ru_genitive(word, len, gen, sizeof gen) : 0;
    if (gl == 0 || gl + 8 > cap)
        return 0;
    size_t n = izde_stem(s, IZDE_STEM_RU, gen, gl, out, cap);
    size_t own_len = izde_stem(s, IZDE_STEM_RU, word, len, own, sizeof own);
    /* a shorter stem is Snowball reading too much of the form as endings */
    return strcmp(out, own) && n >= own_len ? n : 0;
}

/* The stem (lang) of word[0..keep) + end into out; its length, 0 when it does not fit. */
static size_t stem_respelt(izde_stemmer *s, izde_stem_lang lang, const char *word, size_t keep,
                           const char *end, char *out, size_t cap)
{
    char form[IZDE_TERM_MAX + 16];
    size_t fl = respell(word, keep, end, form, sizeof form);
    return fl ? izde_stem(s, lang, form, fl, out, cap) : 0;
}

/* Gathers the distinct stems of a verb's forms other than its own (izde_stem_ru_verb_stems). */
typedef struct verb_stems {
    izde_stemmer *s;
    const char *own;
    char seen[1024]; /* stems handed on, each NUL-terminated, back to back */
    size_t used, n;
    izde_stem_fn fn;
    void *ctx;
} verb_stems;

static void pass_verb_stem(verb_stems *v, const char *stem, size_t len)
{
    /* a stem of two letters is a short word's too (пою → по, дам → да) */
    if (!strcmp(stem, v->own) || izde_utf8_count(stem, len) < 3)
        return;
    for (size_t at = 0; at < v->used; at += strlen(v->seen + at) + 1)
        if (!strcmp(v->seen + at, stem))
            return;
    if (v->used + len + 1 > sizeof v->seen)
        return;
    memcpy(v->seen + v->used, stem, len + 1);
    v->used += len + 1;
    v->n++;
    if (v->fn)
        v->fn(v->ctx, stem, len);
}

/* A stem that ends within the prefixes is another word's (надо-ем → над, the preposition). */
static void stem_verb_form(void *ctx, const char *form, size_t len, size_t root_at)
{
    verb_stems *v = ctx;
    char out[IZDE_TERM_MAX + 16];
    size_t n = izde_stem(v->s, IZDE_STEM_RU, form, len, out, sizeof out);
    if (n > root_at)
        pass_verb_stem(v, out, n);
}

/* Hands on the stem of word[0..keep) + end (when whole: only one that begins with
 * word[0..keep)). */
static void respelt_verb_stem(verb_stems *v, const char *word, size_t keep, const char *end,
                              int whole)
{
    char out[IZDE_TERM_MAX + 16];
    size_t n = stem_respelt(v->s, IZDE_STEM_RU, word, keep, end, out, sizeof out);
    if (n > 0 && !(whole && (n < keep || memcmp(out, word, keep))))
        pass_verb_stem(v, out, n);
}

size_t izde_stem_ru_verb_stems(izde_stemmer *s, const char *word, size_t len, izde_stem_fn fn,
                               void *ctx)
{
    static const char *const kinds[][2] = {
        {"еть", "ел"}, /* смотреть: смотрел, смотрела */
        {"уть", "ул"}, /* вернуть: вернул */
        {"оть", "ол"}, /* колоть: колол */
    };
    char own[IZDE_TERM_MAX + 16];
    if (izde_utf8_count(word, len) < 4 || len + 8 > sizeof own)
        return 0;
    izde_stem(s, IZDE_STEM_RU, word, len, own, sizeof own);
    verb_stems v = {.s = s, .own = own, .used = 0, .n = 0, .fn = fn, .ctx = ctx};
    text_ru_verb_forms(word, len, stem_verb_form, &v);
    for (size_t k = 0; izde_utf8_count(word, len) >= 5 && k < sizeof kinds / sizeof *kinds; k++) {
        if (!ends_with(word, len, kinds[k][0]))
            continue;
        size_t keep = len - strlen(kinds[k][0]);
        respelt_verb_stem(&v, word, keep, kinds[k][1], 0);
        if (k == 0) { /* the present of -еть verbs like иметь: имеет, имеют, имеешь */
            static const char *const present[] = {"ешь", "ет", "ют"};
            for (size_t i = 0; i < 3; i++)
                respelt_verb_stem(&v, word, len - 4, present[i], 1);
        }
        if (k == 1 && ends_with(word, len, "нуть")) { /* вернуть: вернёт, вернут, вернёшь */
            static const char *const present[] = {"ет", "ут", "ешь"};
            for (size_t i = 0; i < 3; i++)
                respelt_verb_stem(&v, word, keep, present[i], 0);
        }
    }
    return v.n;
}

size_t izde_stem_en_inflected(izde_stemmer *s, const char *word, size_t len, izde_stem_fn fn,
                              void *ctx)
{
    char own[IZDE_TERM_MAX + 16], out[2][IZDE_TERM_MAX + 16];
    if (len < 4 || len + 8 > sizeof own || word[len - 1] != 'e')
        return 0;
    size_t ol = izde_stem(s, IZDE_STEM_EN, word, len, own, sizeof own), found = 0;
    static const char *const ends[] = {"ed", "ing"}; /* after the word without its e */
    for (size_t i = 0; i < 2; i++) {
        size_t n = stem_respelt(s, IZDE_STEM_EN, word, len - 1, ends[i], out[i], sizeof out[i]);
        /* only a longer stem that begins with the word's: experience (experi), experienced
         * (experienc); not one another word may have */
        if (n <= ol || memcmp(out[i], own, ol) || (i == 1 && found && !strcmp(out[0], out[1])))
            continue;
        if (fn)
            fn(ctx, out[i], n);
        found++;
    }
    return found;
}

/* Emits prefix word[0..keep) + end, when it fits. */
static void emit_spelt(const char *word, size_t keep, const char *end, izde_stem_fn fn, void *ctx)
{
    char out[IZDE_TERM_MAX + 8];
    size_t n = fn ? respell(word, keep, end, out, sizeof out) : 0;
    if (n)
        fn(ctx, out, n);
}

size_t izde_stem_ru_short_forms(const char *word, size_t len, izde_stem_fn fn, void *ctx)
{
    if (izde_utf8_count(word, len) < 6 ||
        !(ends_with(word, len, "ный") || ends_with(word, len, "ной")))
        return 0;
    size_t base = len - 4; /* up to and with the н */
    if (ends_with(word, base, "нн")) {
        /* a participle: удаленный → удален, удалена, удалено, удалены */
        static const char *const ends[] = {"", "а", "о", "ы"};
        for (size_t i = 0; i < 4; i++)
            emit_spelt(word, base - 2, ends[i], fn, ctx);
        return 4;
    }
    size_t before = base - 2; /* the stretch before the н */
    uint32_t last = 0;
    size_t at = izde_utf8_prefix_len(word, before, izde_utf8_count(word, before) - 1);
    izde_utf8_decode(word + at, before - at, &last);
    if (last == 0x44C || last == 0x439)
        emit_spelt(word, at, "ен", fn, ctx); /* сильный → силен, спокойный → спокоен */
    else if (is_russian_consonant(last))
        emit_spelt(word, before, "ен", fn, ctx); /* возможный → возможен */
    else
        emit_spelt(word, base, "", fn, ctx); /* зеленый → зелен */
    return 1;
}

/* Snowball's stem of term into out, its length; 0 when stemming failed, and the callers then
 * keep the word itself: the one way it fails is running out of memory, and an unstemmed word
 * is still a term that matches itself, so a search or an index degrades rather than fails. */
static size_t snowball(izde_xstem *x, const char *term, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    return izde_xstem_apply(x, term, len, out, cap, &n, NULL) == IZDE_OK ? n : 0;
}

/* The word an English contraction is made on, which Snowball leaves whole (it strips 's
 * only): there'll, there'd, we've, they're, i'm → there, we, they, i; couldn't → could; can't,
 * won't, shan't → can, will, shall. Sets *base and returns its length; len (and word) when the
 * word is no contraction. */
static size_t english_contraction(const char *word, size_t len, const char **base)
{
    static const char *const irregular[][2] = {
        {"can't", "can"}, {"won't", "will"}, {"shan't", "shall"}, {"ain't", "ain't"}};
    static const char *const clitics[] = {"n't", "'ll", "'ve", "'re", "'d", "'m"};
    *base = word;
    for (size_t i = 0; i < sizeof irregular / sizeof *irregular; i++)
        if (strlen(irregular[i][0]) == len && !memcmp(word, irregular[i][0], len)) {
            *base = irregular[i][1];
            return strlen(*base);
        }
    for (size_t i = 0; i < sizeof clitics / sizeof *clitics; i++) {
        size_t m = strlen(clitics[i]);
        if (len > m && !memcmp(word + len - m, clitics[i], m) && word[len - m - 1] != '\'')
            return len - m;
    }
    return len;
}

/* Snowball Russian, repeated until the stem stops changing (at most 3 rounds). One pass is
 * not consistent across a paradigm: it reads the noun ending of спортсмены as the verb
 * ending -ены (→ спортсм) but stems спортсменов to спортсмен; a second pass maps both to
 * спортсм. Stems never go below 3 bytes of a 2-byte script, i.e. 2 letters. Then fleeting
 * vowels are dropped (drop_fleeting_vowel). */
static size_t stem_russian(izde_stemmer *s, const char *term, size_t len, char *out, size_t cap)
{
    char tmp[IZDE_TERM_MAX + 16];
    size_t n = snowball(s->russian, term, len, out, cap);
    for (int round = 0; round < 2 && n > 0 && n < cap && n < sizeof tmp; round++) {
        size_t m = snowball(s->russian, out, n, tmp, sizeof tmp);
        if (m == 0 || m == n || m < 4 || m >= sizeof tmp)
            break;
        memcpy(out, tmp, m + 1);
        n = m;
    }
    return n > 0 && n < cap ? drop_fleeting_vowel(out, n) : n;
}

/* The set for a word: CACHE_WAYS slots, the most recently filled first. */
static cache_slot *cache_set(izde_stemmer *s, unsigned key, const char *term, size_t len)
{
    uint64_t h = izde_fnv1a(IZDE_FNV1A_INIT ^ key, term, len);
    return &s->cache[(size_t)(h % CACHE_SETS) * CACHE_WAYS];
}

/* The stems of one word, back to back with their NULs as a cache slot holds them; room for
 * more than a slot has (a long Kazakh word may have seven readings of 30 bytes), since a
 * list that does not fit in a slot is only left uncached. */
#define STEMS_MAX 512
typedef struct stem_list {
    char stems[STEMS_MAX];
    size_t used, n;
    int overflow; /* a stem did not fit: not cacheable */
} stem_list;

static void list_add(void *ctx, const char *stem, size_t len)
{
    stem_list *l = ctx;
    if (l->used + len + 1 > sizeof l->stems) {
        l->overflow = 1;
        return;
    }
    memcpy(l->stems + l->used, stem, len);
    l->stems[l->used + len] = '\0';
    l->used += len + 1;
    l->n++;
}

static void stem_one(izde_stemmer *s, izde_stem_lang which, const char *term, size_t len, char *out,
                     size_t cap, stem_list *l);

/* Kazakh: every reading izde_kk_analyse gives (the word, known stems or guesses). */
static void stem_kazakh(const char *term, size_t len, unsigned flags, stem_list *l)
{
    izde_kk_analyse(term, len, (flags & IZDE_STEM_QUERY) ? IZDE_KK_QUERY : 0, list_add, l);
}

/* Fills l with the stems of term, through the cache when the word fits in a slot. */
static void stems_of(izde_stemmer *s, izde_stem_lang which, const char *term, size_t len,
                     unsigned flags, stem_list *l)
{
    unsigned key = (unsigned)which | ((flags & IZDE_STEM_QUERY) ? 8u : 0u);
    cache_slot *set = NULL;
    if (which != IZDE_STEM_NONE && len <= CACHE_WORD_MAX) {
        set = cache_set(s, key, term, len);
        for (size_t w = 0; w < CACHE_WAYS; w++) {
            const cache_slot *slot = &set[w];
            if (slot->lang == key && slot->word_len == len && !memcmp(slot->word, term, len)) {
                memcpy(l->stems, slot->stems, slot->stems_len);
                l->used = slot->stems_len;
                l->n = slot->n_stems;
                return;
            }
        }
    }
    if (which == IZDE_STEM_KK) {
        stem_kazakh(term, len, flags, l);
    } else {
        char out[IZDE_TERM_MAX + 16];
        stem_one(s, which, term, len, out, sizeof out, l);
    }
    if (set && !l->overflow && l->n > 0 && l->n < 256 && l->used <= CACHE_STEMS_MAX) {
        memmove(&set[1], &set[0], (CACHE_WAYS - 1) * sizeof *set); /* the oldest goes */
        set[0].lang = (uint8_t)key;
        set[0].word_len = (uint8_t)len;
        set[0].n_stems = (uint8_t)l->n;
        set[0].stems_len = (uint8_t)l->used;
        memcpy(set[0].word, term, len);
        memcpy(set[0].stems, l->stems, l->used);
    }
}

/* Leaves out of l the stems more than 8 bytes longer than the word (izde/stem.h): callers
 * size their buffers by that bound. */
static void drop_overlong(stem_list *l, size_t len)
{
    size_t kept = 0, n = 0;
    for (size_t i = 0, at = 0; i < l->n; i++) {
        size_t k = strlen(l->stems + at);
        if (k <= len + 8) {
            memmove(l->stems + kept, l->stems + at, k + 1);
            kept += k + 1;
            n++;
        }
        at += k + 1;
    }
    l->used = kept;
    l->n = n;
}

size_t izde_stem_each(izde_stemmer *s, izde_stem_lang which, const char *term, size_t len,
                      unsigned flags, izde_stem_fn fn, void *ctx)
{
    stem_list l = {.used = 0, .n = 0, .overflow = 0};
    stems_of(s, which, term, len, flags, &l);
    drop_overlong(&l, len);
    if (l.n == 0) {
        fn(ctx, term, len);
        return 1;
    }
    for (size_t i = 0, at = 0; i < l.n; i++) {
        size_t n = strlen(l.stems + at);
        fn(ctx, l.stems + at, n);
        at += n + 1;
    }
    return l.n;
}

/* Looks for one spelling among those izde_stem_ru_fleeting gives. */
typedef struct wanted_spelling {
    const char *stem; /* NUL-terminated */
    int found;
} wanted_spelling;

static void note_wanted(void *ctx, const char *spelling, size_t len)
{
    wanted_spelling *w = ctx;
    w->found |= strlen(w->stem) == len && !memcmp(w->stem, spelling, len);
}

int izde_stem_has(izde_stemmer *s, izde_stem_lang which, const char *term, size_t len,
                  const char *stem)
{
    stem_list l = {.used = 0, .n = 0, .overflow = 0};
    stems_of(s, which, term, len, 0, &l);
    drop_overlong(&l, len);
    if (l.n == 0)
        return strlen(stem) == len && !memcmp(stem, term, len);
    for (size_t i = 0, at = 0; i < l.n; i++) {
        const char *mine = l.stems + at;
        size_t n = strlen(mine);
        if (!strcmp(mine, stem))
            return 1;
        wanted_spelling w = {stem, 0};
        if (which == IZDE_STEM_RU && izde_stem_ru_fleeting(mine, n, note_wanted, &w) && w.found)
            return 1;
        at += n + 1;
    }
    return 0;
}

size_t izde_stem(izde_stemmer *s, izde_stem_lang which, const char *term, size_t len, char *out,
                 size_t cap)
{
    stem_list l = {.used = 0, .n = 0, .overflow = 0};
    stems_of(s, which, term, len, IZDE_STEM_QUERY, &l);
    /* One stem for several readings: the shortest, which the others' forms share most
     * often (күні → күн, not the headword күні). */
    const char *best = NULL;
    size_t n = 0;
    for (size_t i = 0, at = 0; i < l.n; i++) {
        size_t k = strlen(l.stems + at);
        if (!best || k < n) {
            best = l.stems + at;
            n = k;
        }
        at += k + 1;
    }
    if (!best || n == 0 || n >= cap)
        return copy_term(term, len, out, cap);
    memcpy(out, best, n + 1);
    return n;
}

/* English, Russian or no stemmer: one stem into l (the term itself when stemming fails). */
static void stem_one(izde_stemmer *s, izde_stem_lang which, const char *term, size_t len, char *out,
                     size_t cap, stem_list *l)
{
    size_t n = 0;
    switch (which) {
    case IZDE_STEM_EN: {
        const char *base;
        size_t bl = english_contraction(term, len, &base);
        n = snowball(s->english, base, bl, out, cap);
        break;
    }
    case IZDE_STEM_RU:
        n = stem_russian(s, term, len, out, cap);
        break;
    case IZDE_STEM_KK:
    case IZDE_STEM_NONE:
        break;
    }
    if (n == 0 || n >= cap)
        n = copy_term(term, len, out, cap);
    list_add(l, out, n);
}
