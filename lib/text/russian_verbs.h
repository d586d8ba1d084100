/* Private to lib/text: the forms of Russian verbs whose present is built on another stem than
 * the infinitive (russian_verbs.c). */
#ifndef IZDE_RUSSIAN_VERBS_H
#define IZDE_RUSSIAN_VERBS_H

#include <stddef.h>

/* Receives one form (len bytes, not NUL-terminated; borrowed for the call) and the byte offset
 * where its prefixes end. */
typedef void (*text_ru_form_fn)(void *ctx, const char *form, size_t len, size_t root_at);

/* The forms of the normalised Russian infinitive word[0..len) (ё written е; reflexive -ся/-сь
 * too) that belong to a verb class whose present or past Snowball stems apart from the
 * infinitive: провести gives проведу, проведёт, провёл; найти найду, нашёл. Calls fn for each
 * (some may coincide in stem with the infinitive) and returns how many; 0 when the word is of
 * no such class. */
size_t text_ru_verb_forms(const char *word, size_t len, text_ru_form_fn fn, void *ctx);

#endif
