/* Language from letters alone: good enough for news entries, which are long and written in
 * one language, and cheap (one pass over the bytes, no tables). */
#include <izde/text.h>

#include <string.h>

/* Kazakh-only letters, lower and upper case, as the second byte after 0xD2/0xD3 in UTF-8. */
static int is_kazakh_letter(unsigned char b0, unsigned char b1)
{
    if (b0 == 0xD3)
        return b1 == 0x98 || b1 == 0x99 || b1 == 0xA8 || b1 == 0xA9; /* Ә ә Ө ө */
    if (b0 == 0xD2)
        return b1 == 0x92 || b1 == 0x93 || b1 == 0x9A || b1 == 0x9B || /* Ғ ғ Қ қ */
               b1 == 0xA2 || b1 == 0xA3 || b1 == 0xB0 || b1 == 0xB1 || /* Ң ң Ұ ұ */
               b1 == 0xAE || b1 == 0xAF || b1 == 0xBA || b1 == 0xBB || /* Ү ү Һ һ */
               b1 == 0x86 || b1 == 0x96;                               /* І і */
    return 0;
}

const char *izde_lang_detect(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t latin = 0, cyrillic = 0, kazakh = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = u[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            latin++;
        else if ((c >= 0xD0 && c <= 0xD3) && i + 1 < len) {
            cyrillic++;
            kazakh += (size_t)is_kazakh_letter(c, u[i + 1]);
            i++;
        }
    }
    /* Kazakh text has 6-12% Kazakh-only letters; a Russian text quoting a Kazakh name or
     * two has far fewer, so a 3% share separates them. */
    if (cyrillic > 0 && kazakh * 100 >= cyrillic * 3)
        return "kk";
    if (cyrillic > latin)
        return "ru";
    return "en";
}

int izde_lang_valid(const char *lang)
{
    return lang && (!strcmp(lang, "en") || !strcmp(lang, "kk") || !strcmp(lang, "ru"));
}
