/* Latin look-alikes in Cyrillic words (confusables.h): text copied from scans, or typed on a
 * keyboard switched to Latin for a letter, spells Kазахстан with a Latin K, which no query
 * typed in Cyrillic would find. */
#include "confusables.h"
#include "text_internal.h"

#include <izde/text.h>
#include <izde/utf8.h>

#include <string.h>

#define MAX_WORD_BYTES 512

/* After case folding, K and k alike. Not b and h: B and H are В and Н, but b is more like ь
 * and h like the Kazakh һ (жиhаз), so a word with them is left as it is. */
uint32_t izde_text_cyrillic_twin(uint32_t c)
{
    switch (c) {
    case 'a':
        return 0x0430; /* а */
    case 'c':
        return 0x0441; /* с */
    case 'e':
        return 0x0435; /* е */
    case 'k':
        return 0x043A; /* к */
    case 'm':
        return 0x043C; /* м */
    case 'o':
        return 0x043E; /* о */
    case 'p':
        return 0x0440; /* р */
    case 't':
        return 0x0442; /* т, as T */
    case 'x':
        return 0x0445; /* х */
    case 'y':
        return 0x0443; /* у */
    default:
        return 0;
    }
}

/* Whether the word's Latin letters are all twins and fewer than its Cyrillic ones, and do
 * not make a Latin name of two letters or more that Cyrillic letters only follow. */
static int has_confusables(const char *w, size_t len)
{
    size_t latin = 0, cyrillic = 0, lead = 0;
    int in_lead = 1;
    for (size_t i = 0; i < len;) {
        uint32_t c = izde_utf8_next(w, len, &i);
        if (text_latin_letter(c)) {
            if (!izde_text_cyrillic_twin(c))
                return 0;
            latin++;
            lead += in_lead;
        } else {
            in_lead = 0;
            cyrillic += text_cyrillic_letter(c);
        }
    }
    int latin_name = lead >= 2 && lead == latin;
    return latin > 0 && cyrillic > latin && !latin_name;
}

int text_cyrillic_confusables(izde_buf *arena, size_t off)
{
    size_t len = arena->len - off;
    if (len > MAX_WORD_BYTES || !has_confusables(arena->data + off, len))
        return 0;
    char word[MAX_WORD_BYTES];
    memcpy(word, arena->data + off, len);
    arena->len = off;
    for (size_t i = 0; i < len;) {
        size_t at = i;
        uint32_t c = izde_utf8_next(word, len, &i), twin = izde_text_cyrillic_twin(c);
        char enc[4];
        if (twin)
            izde_buf_append(arena, enc, izde_utf8_encode(twin, enc));
        else
            izde_buf_append(arena, word + at, i - at);
    }
    return 1;
}
