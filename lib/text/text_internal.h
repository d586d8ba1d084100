/* Private to lib/text: the pipeline handle and the word normaliser shared by
 * normalize.c and tokenize.c. */
#ifndef IZDE_TEXT_INTERNAL_H
#define IZDE_TEXT_INTERNAL_H

#include <izde/buf.h>
#include <izde/text.h>

#include <unicode/ubrk.h>
#include <unicode/unorm2.h>

struct izde_text {
    UBreakIterator *words;
    const UNormalizer2 *nfkc_cf, *nfd, *nfc;
    UChar *u16;      /* the text being tokenized, in UTF-16 */
    uint32_t *u8_at; /* u8_at[i]: byte offset in the UTF-8 text of UTF-16 unit i */
    size_t u16_cap, u8_at_cap;
    UChar *scratch[2]; /* normalisation work space */
    size_t scratch_cap[2];
};

/* Whether code point c is a lower-case Latin letter (ASCII, Latin-1 and Latin Extended-A/B, the
 * signs × ÷ aside) or a Cyrillic one. */
static inline int text_latin_letter(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 0xC0 && c < 0x250 && c != 0xD7 && c != 0xF7);
}

static inline int text_cyrillic_letter(uint32_t c)
{
    return c >= 0x0400 && c <= 0x052F;
}

/* Appends the normalised UTF-8 form of the UTF-16 word w[0..n) to out.
 * Returns IZDE_OK, or IZDE_ERR_NOMEM / IZDE_ERR_INTERNAL (ICU failure). */
izde_status text_normalize_word(izde_text *t, const UChar *w, int32_t n, izde_buf *out,
                                izde_error *err);

/* Decodes UTF-8 s into t->u16 (growing it) and fills t->u8_at. Returns the UTF-16 length in
 * *out_n; IZDE_ERR_INVALID_ARG on invalid UTF-8. */
izde_status text_load_utf16(izde_text *t, const char *s, size_t len, int32_t *out_n,
                            izde_error *err);

#endif
