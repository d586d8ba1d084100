/* Word normalisation: NFKC + full case folding, stress marks off, ё→е, ’→'.
 *
 * Most words of our three languages are ASCII or plain Cyrillic, for which NFKC is the
 * identity and simple case folding equals full folding; they take a fast path that never
 * calls the normaliser. Everything else goes through ICU: NFKC_Casefold, then NFD so that
 * stress marks and the diaeresis of ё become separate code points we can drop, then NFC. */
#include "text_internal.h"
#include <izde/array.h>
#include <izde/utf8.h>

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#define CYR_FIRST 0x0400
#define CYR_LAST 0x04FF
#define COMBINING_GRAVE 0x0300
#define COMBINING_ACUTE 0x0301
#define COMBINING_DIAERESIS 0x0308
#define CYR_IE 0x0435 /* е */

static void append_utf8(izde_buf *b, UChar32 c)
{
    char tmp[4];
    izde_buf_append(b, tmp, izde_utf8_encode((uint32_t)c, tmp));
}

static int is_apostrophe(UChar c)
{
    return c == 0x2019 || c == 0x02BC || c == 0x2018;
}

/* Characters whose NFKC_Casefold form is their simple case fold. */
static int fast_path_ok(UChar c)
{
    if (c < 0x80)
        return 1;
    if (c >= CYR_FIRST && c <= CYR_LAST)
        return !(c >= 0x0483 && c <= 0x0489); /* Cyrillic combining marks */
    return is_apostrophe(c);
}

/* Letters that fold further once case is folded: ё and the stressed е/и. */
static UChar32 fold_letter(UChar32 c)
{
    switch (c) {
    case 0x0451: /* ё */
    case 0x0450: /* ѐ */
        return CYR_IE;
    case 0x045D: /* ѝ */
        return 0x0438;
    default:
        return c;
    }
}

static void normalize_fast(const UChar *w, int32_t n, izde_buf *out)
{
    for (int32_t i = 0; i < n; i++) {
        UChar c = w[i];
        if (c < 0x80)
            izde_buf_append(out, &(char){(char)(c >= 'A' && c <= 'Z' ? c + 32 : c)}, 1);
        else if (is_apostrophe(c))
            izde_buf_append(out, "'", 1);
        else
            append_utf8(out, fold_letter(u_foldCase(c, U_FOLD_CASE_DEFAULT)));
    }
}

static int grow_scratch(izde_text *t, int32_t need)
{
    /* ICU takes int32_t capacities: keep both below that. */
    if (need < 0 || need > INT32_MAX / 2)
        return 0;
    for (int i = 0; i < 2; i++)
        if (!izde_array_reserve(&t->scratch[i], &t->scratch_cap[i], (size_t)need, sizeof(UChar)))
            return 0;
    return 1;
}

/* Runs one ICU normaliser from src into scratch[dst], growing it when ICU asks for more. */
static int32_t run_normalizer(izde_text *t, const UNormalizer2 *norm, const UChar *src, int32_t n,
                              int dst, UErrorCode *status)
{
    for (;;) {
        UErrorCode st = U_ZERO_ERROR;
        int32_t got =
            unorm2_normalize(norm, src, n, t->scratch[dst], (int32_t)t->scratch_cap[dst], &st);
        if (st == U_BUFFER_OVERFLOW_ERROR) {
            if (!grow_scratch(t, got + 1)) {
                *status = U_MEMORY_ALLOCATION_ERROR;
                return 0;
            }
            continue;
        }
        *status = st;
        return got;
    }
}

/* Drops stress marks and the diaeresis of ё from a decomposed word, in place. */
static int32_t drop_marks(UChar *s, int32_t n)
{
    int32_t out = 0;
    for (int32_t i = 0; i < n; i++) {
        UChar c = s[i];
        if (c == COMBINING_ACUTE || c == COMBINING_GRAVE)
            continue;
        if (c == COMBINING_DIAERESIS && out > 0 && s[out - 1] == CYR_IE)
            continue;
        s[out++] = is_apostrophe(c) ? (UChar)'\'' : c;
    }
    return out;
}

static izde_status normalize_slow(izde_text *t, const UChar *w, int32_t n, izde_buf *out,
                                  izde_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    if (!grow_scratch(t, n * 3 + 8))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory normalising a word");
    /* Source and destination of unorm2_normalize must not overlap: ping-pong 0 -> 1 -> 0. */
    int32_t m = run_normalizer(t, t->nfkc_cf, w, n, 0, &st);
    if (U_SUCCESS(st))
        m = run_normalizer(t, t->nfd, t->scratch[0], m, 1, &st);
    if (U_SUCCESS(st)) {
        m = drop_marks(t->scratch[1], m);
        m = run_normalizer(t, t->nfc, t->scratch[1], m, 0, &st);
    }
    if (U_FAILURE(st))
        return izde_error_set(err,
                              st == U_MEMORY_ALLOCATION_ERROR ? IZDE_ERR_NOMEM : IZDE_ERR_INTERNAL,
                              "ICU normalisation failed: %s", u_errorName(st));
    for (int32_t i = 0; i < m;) {
        UChar32 c;
        U16_NEXT(t->scratch[0], i, m, c);
        append_utf8(out, c);
    }
    return IZDE_OK;
}

izde_status text_normalize_word(izde_text *t, const UChar *w, int32_t n, izde_buf *out,
                                izde_error *err)
{
    int fast = 1;
    for (int32_t i = 0; i < n && fast; i++)
        fast = fast_path_ok(w[i]);
    if (fast)
        normalize_fast(w, n, out);
    else {
        izde_status st = normalize_slow(t, w, n, out, err);
        if (st != IZDE_OK)
            return st;
    }
    if (out->failed)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory normalising a word");
    return IZDE_OK;
}

izde_status izde_text_normalize(izde_text *t, const char *s, size_t len, char **out,
                                size_t *out_len, izde_error *err)
{
    int32_t n = 0;
    izde_status st = text_load_utf16(t, s, len, &n, err);
    if (st != IZDE_OK)
        return st;
    izde_buf buf = {0};
    izde_buf_append(&buf, "", 0);
    st = text_normalize_word(t, t->u16, n, &buf, err);
    if (st != IZDE_OK) {
        free(buf.data);
        return st;
    }
    *out = buf.data;
    if (out_len)
        *out_len = buf.len;
    return IZDE_OK;
}
