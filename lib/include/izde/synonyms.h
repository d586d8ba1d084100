/* izde/synonyms.h — groups of words and phrases that mean the same thing.
 *
 * Design: a synonyms file has one group per line, its members separated by '=':
 *     # the capital was renamed twice
 *     Astana = Nur-Sultan = Нұр-Сұлтан = Астана = Нур-Султан
 * Blank lines and lines starting with '#' are ignored. Each member goes through the text
 * pipeline, so case, ё and hyphens never matter; a member may be several words. The indexer
 * stores the normalised groups in the index (so they travel with each generation), and the
 * searcher reads them back: a query word or phrase that is a member also matches the other
 * members, ranked a little below itself.
 */
#ifndef IZDE_SYNONYMS_H
#define IZDE_SYNONYMS_H

#include <stddef.h>

#include <izde/error.h>
#include <izde/text.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct izde_synonyms izde_synonyms;

/* Parses the file format above. A malformed line (a group of fewer than two members) fails
 * with IZDE_ERR_INVALID_ARG and "line N: reason". Caller owns; izde_synonyms_free(). */
izde_status izde_synonyms_parse(izde_text *t, const char *text, size_t len, izde_synonyms **out_syn,
                                izde_error *err);
/* Reads and parses a file; messages are "path:N: reason". */
izde_status izde_synonyms_load(izde_text *t, const char *path, izde_synonyms **out_syn,
                               izde_error *err);
void izde_synonyms_free(izde_synonyms *s);

/* The normalised groups, one per line, members separated by '\t' (the form stored in the
 * index; parsing it again gives the same groups). Caller owns (free()). */
char *izde_synonyms_serialise(const izde_synonyms *s);

/* The group holding the normalised member key (words joined by single spaces), or -1. */
int izde_synonyms_find(const izde_synonyms *s, const char *key);
/* Members of group g. Borrowed; valid until izde_synonyms_free(s). */
size_t izde_synonyms_group_size(const izde_synonyms *s, int g);
const char *izde_synonyms_member(const izde_synonyms *s, int g, size_t i);
/* Adds another key under which group g is found (e.g. a member's words stemmed, so that an
 * inflected query word finds the group). Call izde_synonyms_sort_keys() after the last one. */
izde_status izde_synonyms_add_key(izde_synonyms *s, const char *key, int g, izde_error *err);
void izde_synonyms_sort_keys(izde_synonyms *s);
/* Number of groups. */
int izde_synonyms_count(const izde_synonyms *s);

/* Longest member, in words (bounds how far a query is scanned for multi-word members). */
size_t izde_synonyms_max_words(const izde_synonyms *s);

#ifdef __cplusplus
}
#endif
#endif
