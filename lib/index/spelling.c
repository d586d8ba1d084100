/* The spelling dictionary of a rebuild, written once from the finished vocabulary rather than
 * word by word while indexing (Xapian rewrites its n-gram lists at every commit). */
#include "spelling.h"

#include <stdint.h>

enum { WORDS_PER_COMMIT = 50000 }; /* bounds the writer's memory for the n-gram lists */

typedef struct collect {
    word_counts *words;
    uint32_t min_docs;
    izde_status st;
    izde_error *err;
} collect;

/* Plain words are the unprefixed terms: prefixes are upper-case ASCII (schema.h). */
static int collect_word(void *ctx, const char *term, size_t len, uint32_t termfreq)
{
    collect *c = ctx;
    if (len < 3 || (term[0] >= 'A' && term[0] <= 'Z') || termfreq < c->min_docs)
        return 0;
    c->st = word_counts_add(c->words, term, len, termfreq, c->err);
    return c->st != IZDE_OK;
}

typedef struct add_ctx {
    izde_xwriter *writer;
    size_t added;
} add_ctx;

static izde_status add_word(const char *word, size_t len, uint32_t count, void *ctx,
                            izde_error *err)
{
    add_ctx *a = ctx;
    izde_status st = izde_xwriter_add_spelling(a->writer, word, len, count, err);
    if (st == IZDE_OK && ++a->added % WORDS_PER_COMMIT == 0)
        st = izde_xwriter_commit(a->writer, err);
    return st;
}

static izde_status read_vocabulary(const char *const *sources, size_t n, word_counts *words,
                                   izde_error *err)
{
    izde_xreader *r = NULL;
    izde_status st = izde_xreader_open_many(sources, n, &r, err);
    if (st != IZDE_OK)
        return st;
    collect c = {words, izde_xreader_doccount(r) >= SPELLING_SMALL_INDEX ? 2 : 1, IZDE_OK, err};
    st = izde_xreader_terms(r, "", 0, SIZE_MAX, collect_word, &c, err);
    izde_xreader_close(r);
    return st != IZDE_OK ? st : c.st;
}

izde_status spelling_build(const char *const *sources, size_t n, const char *dest, izde_error *err)
{
    word_counts *words = word_counts_new();
    if (!words)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    /* In byte order, as the vocabulary comes: each commit then touches few tree blocks. */
    izde_status st = read_vocabulary(sources, n, words, err);
    izde_xwriter *w = NULL;
    if (st == IZDE_OK)
        st = izde_xwriter_open(dest, IZDE_XWRITER_CREATE | IZDE_XWRITER_NO_SYNC, &w, err);
    if (st == IZDE_OK) {
        add_ctx a = {w, 0};
        st = word_counts_each(words, add_word, &a, err);
        if (st == IZDE_OK)
            st = izde_xwriter_commit(w, err);
        if (st == IZDE_OK)
            izde_xwriter_close(w);
        else
            izde_xwriter_abandon(w);
    }
    word_counts_free(words);
    return st;
}

typedef struct batch_ctx {
    izde_xwriter *writer;
    word_counts *add; /* the words to add, collected before any is added */
} batch_ctx;

/* Xapian merges pending dictionary changes before it looks a word up, so every lookup comes
 * before the first addition. */
static izde_status check_word(const char *word, size_t len, uint32_t count, void *ctx,
                              izde_error *err)
{
    batch_ctx *b = ctx;
    uint32_t docs = 0, known = 0;
    izde_status st = izde_xwriter_freqs(b->writer, word, len, &docs, &known, err);
    if (st != IZDE_OK || known > 0 || docs == 0)
        return st;
    return word_counts_add(b->add, word, len, count, err);
}

static izde_status add_word_to(const char *word, size_t len, uint32_t count, void *writer,
                               izde_error *err)
{
    return izde_xwriter_add_spelling(writer, word, len, count, err);
}

izde_status spelling_add_batch(izde_xwriter *w, const word_counts *words, izde_error *err)
{
    batch_ctx b = {w, word_counts_new()};
    if (!b.add)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    izde_status st = word_counts_each(words, check_word, &b, err);
    if (st == IZDE_OK)
        st = word_counts_each(b.add, add_word_to, w, err);
    word_counts_free(b.add);
    return st;
}
