/* The spelling dictionary's keys: see izde/spelling_keys.h. */
#include <izde/spelling_keys.h>
#include <izde/utf8.h>

#include <stdint.h>

/* The letters written as one byte, in code point order: letters[i] is byte KEY_FIRST + i, so
 * keys sort as their words do. */
static const uint16_t letters[] = {
    0x430, 0x431, 0x432, 0x433, 0x434, 0x435, 0x436, 0x437, 0x438, 0x439, 0x43A,
    0x43B, 0x43C, 0x43D, 0x43E, 0x43F, 0x440, 0x441, 0x442, 0x443, 0x444, 0x445,
    0x446, 0x447, 0x448, 0x449, 0x44A, 0x44B, 0x44C, 0x44D, 0x44E, 0x44F, /* а-я */
    0x451, 0x454, 0x456, 0x457, 0x45E, 0x491,                             /* ё є і ї ў ґ */
    0x493, 0x49B, 0x4A3, 0x4AF, 0x4B1, 0x4BB, 0x4D9, 0x4E9, /* ғ қ ң ү ұ һ ә ө */
};
#define KEY_FIRST 0x80
#define N_LETTERS (sizeof letters / sizeof letters[0])

/* The byte of code point cp, or 0 when it keeps its UTF-8 form. */
static unsigned char key_byte(uint32_t cp)
{
    if (cp >= 0x430 && cp <= 0x44F)
        return (unsigned char)(KEY_FIRST + (cp - 0x430));
    for (size_t i = 32; i < N_LETTERS; i++)
        if (letters[i] == cp)
            return (unsigned char)(KEY_FIRST + i);
    return 0;
}

size_t store_spelling_key(const char *word, size_t len, char *out)
{
    size_t at = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp = 0;
        size_t n = izde_utf8_decode(word + i, len - i, &cp);
        if (n == 0)
            return 0;
        unsigned char b = key_byte(cp);
        if (b)
            out[at++] = (char)b;
        else
            for (size_t k = 0; k < n; k++)
                out[at++] = word[i + k];
        i += n;
    }
    return at;
}

size_t store_spelling_word(const char *key, size_t len, char *out)
{
    size_t at = 0;
    for (size_t i = 0; i < len;) {
        unsigned char b = (unsigned char)key[i];
        uint32_t cp = 0;
        size_t n = 1;
        if (b >= KEY_FIRST && b < KEY_FIRST + N_LETTERS)
            cp = letters[b - KEY_FIRST];
        else if ((n = izde_utf8_decode(key + i, len - i, &cp)) == 0)
            return 0;
        at += izde_utf8_encode(cp, out + at);
        i += n;
    }
    return at;
}
