/* Open-addressing hash table over an array of words kept in insertion order; the words'
 * bytes live in one growing buffer. */
#include "word_counts.h"

#include "document.h"
#include <izde/schema.h>

#include <izde/array.h>

#include <stdlib.h>
#include <string.h>

typedef struct word {
    uint32_t offset; /* into chars; the word is NUL-terminated there */
    uint32_t len;
    uint32_t count;
} word;

typedef struct slot {
    uint64_t hash;
    uint32_t index; /* into words, plus one; 0: empty slot */
} slot;

struct word_counts {
    slot *slots;
    size_t cap; /* a power of two, at least twice the number of words */
    word *words;
    size_t n_words, words_cap;
    char *chars;
    size_t chars_len, chars_cap;
};

enum { INITIAL_SLOTS = 1024 };

word_counts *index_word_counts_new(void)
{
    word_counts *wc = calloc(1, sizeof *wc);
    if (wc && !(wc->slots = calloc(INITIAL_SLOTS, sizeof *wc->slots))) {
        free(wc);
        return NULL;
    }
    if (wc)
        wc->cap = INITIAL_SLOTS;
    return wc;
}

void index_word_counts_free(word_counts *wc)
{
    if (!wc)
        return;
    free(wc->slots);
    free(wc->words);
    free(wc->chars);
    free(wc);
}

/* The slot holding word, or the empty slot where it belongs. */
static slot *find(const word_counts *wc, uint64_t hash, const char *s, size_t len)
{
    for (size_t i = (size_t)hash & (wc->cap - 1);; i = (i + 1) & (wc->cap - 1)) {
        slot *sl = &wc->slots[i];
        if (!sl->index)
            return sl;
        const word *w = &wc->words[sl->index - 1];
        if (sl->hash == hash && w->len == len && memcmp(wc->chars + w->offset, s, len) == 0)
            return sl;
    }
}

static int grow_slots(word_counts *wc)
{
    size_t cap = wc->cap * 2;
    slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return 0;
    for (size_t i = 0; i < wc->cap; i++) {
        const slot *sl = &wc->slots[i];
        if (!sl->index)
            continue;
        size_t j = (size_t)sl->hash & (cap - 1);
        while (slots[j].index)
            j = (j + 1) & (cap - 1);
        slots[j] = *sl;
    }
    free(wc->slots);
    wc->slots = slots;
    wc->cap = cap;
    return 1;
}

/* Makes room for one more word of len bytes. */
static int reserve(word_counts *wc, size_t len)
{
    if ((wc->n_words + 1) * 2 > wc->cap && !grow_slots(wc))
        return 0;
    /* Words and their offsets are 32-bit (word_counts.h). */
    size_t chars_need = wc->chars_len + len + 1;
    if (wc->n_words + 1 >= UINT32_MAX || chars_need > UINT32_MAX)
        return 0;
    return izde_array_reserve(&wc->words, &wc->words_cap, wc->n_words + 1, sizeof *wc->words) &&
           izde_array_reserve(&wc->chars, &wc->chars_cap, chars_need, 1);
}

izde_status index_word_counts_add(word_counts *wc, const char *s, size_t len, uint32_t n,
                                  izde_error *err)
{
    if (n == 0)
        return IZDE_OK;
    uint64_t hash = izde_fnv1a(IZDE_SCHEMA_HASH_SEED, s, len);
    slot *sl = find(wc, hash, s, len);
    if (sl->index) {
        word *w = &wc->words[sl->index - 1];
        w->count = w->count > UINT32_MAX - n ? UINT32_MAX : w->count + n;
        return IZDE_OK;
    }
    if (len > UINT32_MAX || !reserve(wc, len))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    sl = find(wc, hash, s, len); /* the slots may have moved */
    word *w = &wc->words[wc->n_words++];
    *w = (word){(uint32_t)wc->chars_len, (uint32_t)len, n};
    memcpy(wc->chars + wc->chars_len, s, len);
    wc->chars[wc->chars_len + len] = '\0';
    wc->chars_len += len + 1;
    *sl = (slot){hash, (uint32_t)wc->n_words};
    return IZDE_OK;
}

size_t index_word_counts_size(const word_counts *wc)
{
    return wc->n_words;
}

izde_status index_word_counts_each_range(const word_counts *wc, size_t from, size_t to,
                                         word_counts_fn fn, void *ctx, izde_error *err)
{
    for (size_t i = from; i < to && i < wc->n_words; i++) {
        const word *w = &wc->words[i];
        izde_status st = fn(wc->chars + w->offset, w->len, w->count, ctx, err);
        if (st != IZDE_OK)
            return st;
    }
    return IZDE_OK;
}

izde_status index_word_counts_each(const word_counts *wc, word_counts_fn fn, void *ctx,
                                   izde_error *err)
{
    return index_word_counts_each_range(wc, 0, wc->n_words, fn, ctx, err);
}

void index_word_counts_clear(word_counts *wc)
{
    memset(wc->slots, 0, wc->cap * sizeof *wc->slots);
    wc->n_words = 0;
    wc->chars_len = 0;
}
