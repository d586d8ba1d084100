/* Endings after a hyphen (hyphen_ending.h). Kazakh writes the endings of abbreviations,
 * numbers and Latin names after a hyphen (ҰОК-тың, 2019-ы, Facebook-тағы), Russian those of
 * numerals (9-го, 90-х): such a part is not a word of its own. */
#include "hyphen_ending.h"

#include <izde/kazakh.h>
#include <izde/utf8.h>

#include <string.h>

#define ENDING_MAX_LETTERS 7
#define PROBE_MAX_BYTES 16

/* Nouns the lexicon knows whose last letter is of each class a Kazakh ending's allomorph may
 * follow (a vowel, л, р, м, з, a voiceless consonant that does not alternate), in each vowel
 * harmony: a part is an ending when the analyser reads probe + part as a form of the probe
 * (жұмыс-тың, кеме-ге), so no list of endings is kept here. */
static const char *const back_probes[] = {"бала", "қол", "жар", "адам", "қыз", "жұмыс"};
static const char *const front_probes[] = {"кеме", "ел", "жер", "әлем", "сөз", "жеміс"};
#define N_PROBES (sizeof back_probes / sizeof *back_probes)

/* The Kazakh ordinal after a number (5-ші), a derivation the analyser does not strip. */
static const char *const ordinals[] = {"ыншы", "інші", "ншы", "нші", "шы", "ші"};

/* The endings of Russian numerals written in figures (9-го, 90-х, 1-й, 10-ти, 2-му). */
static const char *const russian_numeral[] = {
    "й",  "я",  "е",  "х",   "м",  "ми",  "ю",   "го", "му", "ом", "ой", "ая", "ое",
    "ые", "ых", "ым", "ыми", "ий", "ого", "ому", "ей", "ем", "ти", "ью", "ех", "ям"};

static int in_list(const char *const *list, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && !memcmp(list[i], s, len))
            return 1;
    return 0;
}

typedef struct probe_run {
    const char *probe;
    int found;
} probe_run;

static void note_key(void *ctx, const char *key, size_t len)
{
    probe_run *r = ctx;
    r->found |= strlen(r->probe) == len && !memcmp(r->probe, key, len);
}

/* Whether the analyser reads probe + part as a form of probe. */
static int ends_probe(const char *probe, const char *part, size_t len)
{
    char word[PROBE_MAX_BYTES + 2 * ENDING_MAX_LETTERS + 1];
    size_t pl = strlen(probe);
    memcpy(word, probe, pl);
    memcpy(word + pl, part, len);
    probe_run r = {probe, 0};
    izde_kk_analyse(word, pl + len, 0, note_key, &r);
    return r.found;
}

/* The vowel harmony of the part: 1 back, 2 front, 3 either (no vowel of its own); 0 when the
 * part has a letter no Kazakh ending has, or is too long. */
static int ending_harmony(const char *part, size_t len)
{
    static const char *const back = "аоұы", *const front = "еәөүі";
    int side = 0;
    size_t i = 0, letters = 0;
    while (i < len) {
        uint32_t c = izde_utf8_next(part, len, &i);
        char one[5] = {0};
        size_t n = izde_utf8_encode(c, one);
        if (++letters > ENDING_MAX_LETTERS || c < 0x0430 || c > 0x04E9)
            return 0;
        if (n == 2 && strstr(back, one))
            side |= 1;
        else if (n == 2 && strstr(front, one))
            side |= 2;
    }
    return side == 0 ? 3 : side;
}

int text_hyphen_ending(const char *part, size_t len, int after_number)
{
    if (len == 0)
        return 0;
    if (after_number &&
        (in_list(ordinals, sizeof ordinals / sizeof *ordinals, part, len) ||
         in_list(russian_numeral, sizeof russian_numeral / sizeof *russian_numeral, part, len)))
        return 1;
    int side = ending_harmony(part, len);
    for (size_t i = 0; i < N_PROBES; i++)
        if (((side & 1) && ends_probe(back_probes[i], part, len)) ||
            ((side & 2) && ends_probe(front_probes[i], part, len)))
            return 1;
    return 0;
}
