/* "Did you mean" for Kazakh typed on a Russian keyboard (see unfold.h). */
#define _POSIX_C_SOURCE 200809L
#include "unfold.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SPELLINGS 4096
#define MAX_LETTERS 40

/* Each foldable letter and the Kazakh letters that fold to it (UTF-8). */
static const struct {
    const char *typed;
    const char *kazakh[2];
} foldable[] = {
    {"а", {"ә", NULL}}, {"г", {"ғ", NULL}}, {"к", {"қ", NULL}}, {"н", {"ң", NULL}},
    {"о", {"ө", NULL}}, {"у", {"ұ", "ү"}},  {"х", {"һ", NULL}}, {"и", {"і", NULL}},
};

typedef struct search {
    izde_xreader *r;
    char typed[MAX_LETTERS][3];          /* each letter as typed, NUL-terminated */
    const char *options[MAX_LETTERS][3]; /* its spellings: as typed, then Kazakh letters */
    size_t n_options[MAX_LETTERS];
    size_t n_letters;
    char buf[MAX_LETTERS * 2 + 1];
    char best[MAX_LETTERS * 2 + 1];
    uint32_t best_freq;
    size_t tried;
    izde_status st; /* the first failed lookup ends the walk */
    izde_error *err;
} search;

static void walk(search *s, size_t i, size_t at)
{
    if (s->tried >= MAX_SPELLINGS || s->st != IZDE_OK)
        return;
    if (i == s->n_letters) {
        s->tried++;
        uint32_t f = 0;
        s->st = izde_xreader_termfreq(s->r, s->buf, at, &f, s->err);
        if (s->st == IZDE_OK && f > s->best_freq) {
            s->best_freq = f;
            memcpy(s->best, s->buf, at);
            s->best[at] = '\0';
        }
        return;
    }
    for (size_t k = 0; k < s->n_options[i]; k++) {
        memcpy(s->buf + at, s->options[i][k], 2); /* every letter here is 2 bytes */
        walk(s, i + 1, at + 2);
    }
}

/* Splits a Cyrillic word into letters with their possible spellings; 0 when the word is not
 * a candidate (other scripts, too long, nothing foldable). */
static int split(search *s, const char *word, size_t len)
{
    int any = 0;
    if (len % 2 != 0 || len / 2 > MAX_LETTERS)
        return 0;
    for (size_t i = 0; i < len; i += 2) {
        unsigned char b0 = (unsigned char)word[i];
        if (b0 < 0xD0 || b0 > 0xD3)
            return 0; /* only Cyrillic letters */
        size_t l = s->n_letters++;
        memcpy(s->typed[l], word + i, 2);
        s->typed[l][2] = '\0';
        s->options[l][0] = s->typed[l];
        s->n_options[l] = 1;
        for (size_t f = 0; f < sizeof foldable / sizeof foldable[0]; f++) {
            if (memcmp(word + i, foldable[f].typed, 2) != 0)
                continue;
            for (size_t k = 0; k < 2 && foldable[f].kazakh[k]; k++)
                s->options[l][s->n_options[l]++] = foldable[f].kazakh[k];
            any = 1;
        }
    }
    return any;
}

izde_status search_unfold_best(izde_xreader *r, const char *word, size_t len, char **out,
                               izde_error *err)
{
    *out = NULL;
    search *s = calloc(1, sizeof *s);
    if (!s)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    s->r = r;
    s->err = err;
    if (split(s, word, len)) {
        walk(s, 0, 0);
        if (s->st == IZDE_OK && s->best_freq > 0 && strlen(s->best) == len &&
            memcmp(s->best, word, len) != 0 && !(*out = strdup(s->best)))
            s->st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    izde_status st = s->st;
    free(s);
    return st;
}
