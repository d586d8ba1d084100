/* Private to lib/text: Latin letters typed inside a Cyrillic word (confusables.c). */
#ifndef IZDE_CONFUSABLES_H
#define IZDE_CONFUSABLES_H

#include <izde/buf.h>

/* Rewrites the normalised word at arena[off..arena->len) in Cyrillic when it is a Cyrillic
 * word with Latin look-alike letters typed in it (kазахстан with a Latin k, pоссия): every
 * Latin letter one of а е к м о р с т у х's twins, fewer Latin letters than Cyrillic ones,
 * and not a Latin name of two or more letters with a Cyrillic ending (Toyotaның). Latin i is
 * left to Kazakh keyboard folding. Returns whether it rewrote the word (arena->failed on
 * failure to grow). */
int text_cyrillic_confusables(izde_buf *arena, size_t off);

#endif
