/* Kazakh keyboard folding and Latin-script transliteration.
 *
 * Folding maps the nine Kazakh-only letters to the Russian letters people type for them on a
 * Russian keyboard, so that "казакстан" finds "қазақстан". It is plain code-point mapping and
 * needs no ICU.
 *
 * Transliteration turns Kazakh written in Latin letters back into Cyrillic with two ICU rule
 * sets, chosen per word:
 *  - the official alphabet of 2021 when the word has one of its special letters
 *    (ä ğ ñ ö ū ü ş ı, or İ which case folding leaves as i + U+0307). There ı is і, i is и
 *    (й after a vowel: üiıne → үйіне), y is ы, u is у;
 *  - otherwise the informal romanisation of chats and URLs: digraphs sh ch zh gh kh (ш ч ж ғ
 *    х), ya yu (я ю), ng → ң at the end of a word or before a consonant, i → і but й after a
 *    vowel (aidos → айдос), y → ы but й after a, e or o (qalay → қалай), q → қ, j → ж, c → ц,
 *    w → у, x → кс.
 * In both, h → х (the alphabet's H stands for х and һ; х is far more frequent, and folding
 * makes the two equal anyway). Letters without a Kazakh reading pass through unchanged.
 */
#include <izde/kazakh.h>
#include <izde/utf8.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ustring.h>
#include <unicode/utrans.h>

uint32_t izde_kk_fold_cp(uint32_t c, int cyrillic_word)
{
    switch (c) {
    case 0x4D9:
        return 0x430; /* ә → а */
    case 0x4D8:
        return 0x410;
    case 0x493:
        return 0x433; /* ғ → г */
    case 0x492:
        return 0x413;
    case 0x49B:
        return 0x43A; /* қ → к */
    case 0x49A:
        return 0x41A;
    case 0x4A3:
        return 0x43D; /* ң → н */
    case 0x4A2:
        return 0x41D;
    case 0x4E9:
        return 0x43E; /* ө → о */
    case 0x4E8:
        return 0x41E;
    case 0x4B1:
        return 0x443; /* ұ → у */
    case 0x4B0:
        return 0x423;
    case 0x4AF:
        return 0x443; /* ү → у */
    case 0x4AE:
        return 0x423;
    case 0x4BB:
        return 0x445; /* һ → х */
    case 0x4BA:
        return 0x425;
    case 0x456:
        return 0x438; /* і → и */
    case 0x406:
        return 0x418;
    case 0x69:
        return cyrillic_word ? 0x438 : c; /* Latin i typed for і */
    case 0x49:
        return cyrillic_word ? 0x418 : c;
    default:
        return c;
    }
}

static int is_cyrillic(uint32_t c)
{
    return c >= 0x400 && c <= 0x4FF;
}

static int has_cyrillic(const char *word, size_t len)
{
    size_t i = 0;
    while (i < len)
        if (is_cyrillic(izde_utf8_next(word, len, &i)))
            return 1;
    return 0;
}

/* Appends the UTF-8 form of c to out if it fits below cap - 1; returns the bytes it needs. */
static size_t put_cp(char *out, size_t at, size_t cap, uint32_t c)
{
    char b[4];
    size_t n = izde_utf8_encode(c, b);
    if (cap > 0 && at + n < cap)
        memcpy(out + at, b, n);
    return n;
}

size_t izde_kk_fold(const char *word, size_t len, char *out, size_t cap)
{
    int cyr = word && has_cyrillic(word, len);
    size_t i = 0, at = 0, fit = 0;
    while (word && i < len) {
        at += put_cp(out, at, cap, izde_kk_fold_cp(izde_utf8_next(word, len, &i), cyr));
        if (cap > 0 && at < cap)
            fit = at;
    }
    if (cap > 0)
        out[fit] = '\0';
    return fit; /* never more than was written: callers use it as the length of out */
}

int izde_kk_has_kazakh_letters(const char *word, size_t len)
{
    int latin_i = 0, cyr = 0;
    size_t i = 0;
    while (word && i < len) {
        uint32_t c = izde_utf8_next(word, len, &i);
        if (c != 0x69 && c != 0x49 && izde_kk_fold_cp(c, 0) != c)
            return 1;
        latin_i |= c == 0x69 || c == 0x49;
        cyr |= is_cyrillic(c);
    }
    return latin_i && cyr;
}

int izde_kk_word_folded(const char *lang, int cyrillic, const char *word, size_t len)
{
    return cyrillic && ((lang && !strcmp(lang, "kk")) || izde_kk_has_kazakh_letters(word, len));
}

/* ---- transliteration ---- */

/* Letters shared by both rule sets. Rules are tried in order, so digraphs come first. */
#define COMMON_RULES                                                                               \
    "ä > ә; ğ > ғ; ñ > ң; ö > ө; ū > ұ; ü > ү; ş > ш; ç > ч; ı > і;"             \
    "á > ә; ǵ > ғ; ń > ң; ó > ө; ú > ү; ý > у;"                                        \
    "a > а; b > б; d > д; e > е; f > ф; g > г; h > х; j > ж; k > к; l > л; m > м;"      \
    "n > н; o > о; p > п; q > қ; r > р; s > с; t > т; u > у; v > в; z > з;"              \
    "c > ц; w > у; x > кс;"

/* Before-contexts see the text already converted, hence the Cyrillic vowels in them. */
static const char official_rules[] = "$v = [аеоуыіәөүұ];"
                                     "$v { i \\u0307 > й; i \\u0307 > и;"
                                     "$v { i > й; i > и; y > ы;" COMMON_RULES;

static const char informal_rules[] = "sh > ш; ch > ч; zh > ж; gh > ғ; kh > х; ya > я; yu > ю;"
                                     "ng } [^aeiouy] > ң;"
                                     "[аео] { y } [^aeiou] > й;"
                                     "[аеоұүыәө] { i > й; i > і; y > ы;" COMMON_RULES;

struct izde_kk_translit {
    UTransliterator *official, *informal;
};

static izde_status open_rules(const char *id, const char *rules, UTransliterator **out,
                              izde_error *err)
{
    UChar uid[32], urules[sizeof informal_rules + sizeof official_rules];
    int32_t n = 0;
    UErrorCode st = U_ZERO_ERROR;
    UParseError pe;
    u_uastrcpy(uid, id);
    u_strFromUTF8(urules, (int32_t)(sizeof urules / sizeof urules[0]), &n, rules, -1, &st);
    if (U_FAILURE(st))
        return izde_error_set(err, IZDE_ERR_INTERNAL, "kazakh rules: %s", u_errorName(st));
    *out = utrans_openU(uid, -1, UTRANS_FORWARD, urules, n, &pe, &st);
    if (U_FAILURE(st))
        return izde_error_set(err, IZDE_ERR_INTERNAL, "kazakh rules %s, line %d: %s", id,
                              (int)pe.line, u_errorName(st));
    return IZDE_OK;
}

izde_status izde_kk_translit_new(izde_kk_translit **out_t, izde_error *err)
{
    izde_kk_translit *t = calloc(1, sizeof *t);
    if (!t)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    izde_status st = open_rules("izde-kk-official", official_rules, &t->official, err);
    if (st == IZDE_OK)
        st = open_rules("izde-kk-informal", informal_rules, &t->informal, err);
    if (st != IZDE_OK) {
        izde_kk_translit_free(t);
        return st;
    }
    *out_t = t;
    return IZDE_OK;
}

void izde_kk_translit_free(izde_kk_translit *t)
{
    if (!t)
        return;
    if (t->official)
        utrans_close(t->official);
    if (t->informal)
        utrans_close(t->informal);
    free(t);
}

/* Whether the word uses a letter that only the 2021 alphabet has. */
static int is_official(const char *word, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t c = izde_utf8_next(word, len, &i);
        if (c == 0xE4 || c == 0x11F || c == 0xF1 || c == 0xF6 || c == 0x16B || c == 0xFC ||
            c == 0x15F || c == 0x131 || c == 0x307)
            return 1;
    }
    return 0;
}

izde_status izde_kk_translit_latin(izde_kk_translit *t, const char *word, size_t len, char **out,
                                   size_t *out_len, izde_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    UChar *u = NULL;
    char *res = NULL;
    int32_t n = 0, cap, limit, res_len = 0;
    izde_status rc = IZDE_OK;

    if (!t || !out || (!word && len > 0) || len > INT32_MAX / 4)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "transliteration: bad argument");
    /* Every Latin letter gives at most two UTF-16 units (x → кс); one more for the space. */
    cap = (int32_t)len * 2 + 4;
    u = malloc((size_t)cap * sizeof *u);
    if (!u) {
        rc = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        goto out;
    }
    u_strFromUTF8(u, cap, &n, word ? word : "", (int32_t)len, &st);
    if (U_FAILURE(st)) {
        rc = izde_error_set(err, IZDE_ERR_INVALID_ARG, "transliteration: invalid UTF-8");
        goto out;
    }
    /* A trailing space lets the rules see the end of the word as a non-letter (qalay, mening). */
    u[n++] = 0x20;
    limit = n;
    utrans_transUChars(is_official(word, len) ? t->official : t->informal, u, &n, cap, 0, &limit,
                       &st);
    if (U_SUCCESS(st) && n > 0 && u[n - 1] == 0x20)
        n--;
    if (U_SUCCESS(st))
        u_strToUTF8(NULL, 0, &res_len, u, n, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR)
        st = U_ZERO_ERROR;
    if (U_FAILURE(st)) {
        rc = izde_error_set(err, IZDE_ERR_INTERNAL, "transliteration: %s", u_errorName(st));
        goto out;
    }
    res = malloc((size_t)res_len + 1);
    if (!res) {
        rc = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        goto out;
    }
    u_strToUTF8(res, res_len + 1, NULL, u, n, &st);
    if (U_FAILURE(st)) {
        rc = izde_error_set(err, IZDE_ERR_INTERNAL, "transliteration: %s", u_errorName(st));
        goto out;
    }
    *out = res;
    res = NULL;
    if (out_len)
        *out_len = (size_t)res_len;
out:
    free(res);
    free(u);
    return rc;
}
