/* The spelling dictionary: a rebuild writes it once from the finished vocabulary rather than
 * word by word while indexing (Xapian rewrites its n-gram lists at every commit); an
 * incremental run adds the new words of each batch (spelling.h says when). */
#include "spelling.h"

#include <izde/spelling_keys.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

enum { WORDS_PER_COMMIT = 50000 }; /* bounds the writer's memory for the n-gram lists */
enum { KEY_MAX = 256 };            /* above Xapian's longest term */

/* word as the dictionary writes it (izde/spelling_keys.h), into key; its length, 0 when the
 * word cannot be written (not UTF-8, too long). */
static size_t key_of(const char *word, size_t len, char key[KEY_MAX])
{
    return len <= KEY_MAX ? store_spelling_key(word, len, key) : 0;
}

typedef struct collect {
    word_counts *words;
    uint32_t min_docs;
    izde_status st;
    izde_error *err;
} collect;

/* Plain words are the unprefixed terms (prefixes are upper-case ASCII, schema.h); numbers
 * are left out, as an incremental run leaves them out. */
static int collect_word(void *ctx, const char *term, size_t len, uint32_t termfreq)
{
    collect *c = ctx;
    if (len < 3 || (term[0] >= 'A' && term[0] <= 'Z') || (term[0] >= '0' && term[0] <= '9') ||
        termfreq < c->min_docs)
        return 0;
    c->st = index_word_counts_add(c->words, term, len, termfreq, c->err);
    return c->st != IZDE_OK;
}

/* One writer's share of the dictionary: the words from..to (in byte order) into dest. */
typedef struct part {
    const word_counts *words;
    size_t from, to, per_commit;
    const char *dest;
    pthread_t thread;
    int started; /* thread is running write_part */
    izde_status st;
    izde_error err;
} part;

typedef struct add_ctx {
    izde_xwriter *writer;
    size_t added, per_commit; /* per_commit 0: the caller commits */
} add_ctx;

static izde_status add_word(const char *word, size_t len, uint32_t count, void *ctx,
                            izde_error *err)
{
    add_ctx *a = ctx;
    char key[KEY_MAX];
    size_t kl = key_of(word, len, key);
    if (kl == 0)
        return IZDE_OK;
    izde_status st = izde_xwriter_add_spelling(a->writer, key, kl, count, err);
    if (st == IZDE_OK && a->per_commit && ++a->added % a->per_commit == 0)
        st = izde_xwriter_commit(a->writer, err);
    return st;
}

static void *write_part(void *arg)
{
    part *p = arg;
    izde_xwriter *w = NULL;
    p->st = izde_xwriter_open(p->dest, IZDE_XWRITER_CREATE | IZDE_XWRITER_NO_SYNC, &w, &p->err);
    if (p->st != IZDE_OK)
        return NULL;
    add_ctx a = {w, 0, p->per_commit};
    p->st = index_word_counts_each_range(p->words, p->from, p->to, add_word, &a, &p->err);
    if (p->st == IZDE_OK)
        p->st = izde_xwriter_commit(w, &p->err);
    if (p->st == IZDE_OK)
        p->st = izde_xwriter_close(w, &p->err);
    else
        izde_xwriter_abandon(w, NULL); /* p->err holds the first error */
    return NULL;
}

static izde_status read_vocabulary(const char *const *sources, size_t n, word_counts *words,
                                   izde_error *err)
{
    izde_xreader *r = NULL;
    izde_status st = izde_xreader_open_many(sources, n, &r, err);
    if (st != IZDE_OK)
        return st;
    uint32_t docs = 0;
    st = izde_xreader_doccount(r, &docs, err);
    collect c = {words, docs >= SPELLING_SMALL_INDEX ? 2 : 1, IZDE_OK, err};
    if (st == IZDE_OK)
        st = izde_xreader_terms(r, "", 0, SIZE_MAX, collect_word, &c, err);
    izde_xreader_close(r);
    return st != IZDE_OK ? st : c.st;
}

/* Writes the parts, the first in this thread and the others in threads of their own. */
static izde_status write_parts(part *parts, size_t n_parts, izde_error *err)
{
    for (size_t i = 1; i < n_parts; i++) {
        parts[i].started = pthread_create(&parts[i].thread, NULL, write_part, &parts[i]) == 0;
        if (!parts[i].started)
            parts[i].st =
                izde_error_set(&parts[i].err, IZDE_ERR_INTERNAL, "cannot start a spelling thread");
    }
    write_part(&parts[0]);
    izde_status st = IZDE_OK;
    for (size_t i = 0; i < n_parts; i++) {
        if (parts[i].started)
            pthread_join(parts[i].thread, NULL);
        if (st == IZDE_OK && parts[i].st != IZDE_OK) {
            st = parts[i].st;
            if (err)
                *err = parts[i].err;
        }
    }
    return st;
}

/* Where the parts split: at equal shares of the keys' bytes rather than of words. Xapian's
 * work for a word grows with its length in bytes (its n-grams are of bytes), and the byte
 * order puts the Latin words first and the Cyrillic ones after them: when their keys took two
 * bytes a letter, equal numbers of words left the first thread idle for a third of the phase
 * (bench/README.md). */
typedef struct split {
    size_t total, seen, at, n_parts, next;
    part *parts;
} split;

static izde_status sum_bytes(const char *word, size_t len, uint32_t count, void *ctx,
                             izde_error *err)
{
    (void)count, (void)err;
    char key[KEY_MAX];
    ((split *)ctx)->total += key_of(word, len, key);
    return IZDE_OK;
}

/* Starts part next at this word once the bytes before it reach next / n_parts of all. */
static izde_status mark_bound(const char *word, size_t len, uint32_t count, void *ctx,
                              izde_error *err)
{
    (void)count, (void)err;
    split *s = ctx;
    char key[KEY_MAX];
    while (s->next < s->n_parts && s->seen * s->n_parts >= s->total * s->next)
        s->parts[s->next++].from = s->at;
    s->seen += key_of(word, len, key);
    s->at++;
    return IZDE_OK;
}

static void split_parts(const word_counts *words, part *parts, size_t n_parts)
{
    split s = {.n_parts = n_parts, .next = 1, .parts = parts};
    index_word_counts_each(words, sum_bytes, &s, NULL);
    index_word_counts_each(words, mark_bound, &s, NULL);
    size_t total = index_word_counts_size(words);
    for (; s.next < n_parts; s.next++) /* fewer words than parts */
        parts[s.next].from = total;
    parts[0].from = 0;
    for (size_t i = 0; i < n_parts; i++)
        parts[i].to = i + 1 < n_parts ? parts[i + 1].from : total;
}

izde_status index_spelling_build(const char *const *sources, size_t n, const char *const *dests,
                                 size_t n_dests, izde_error *err)
{
    word_counts *words = index_word_counts_new();
    part *parts = calloc(n_dests, sizeof *parts);
    izde_status st =
        words && parts ? IZDE_OK : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    /* In byte order, as the vocabulary comes: each commit then touches few tree blocks. */
    if (st == IZDE_OK)
        st = read_vocabulary(sources, n, words, err);
    if (st == IZDE_OK) {
        for (size_t i = 0; i < n_dests; i++) /* same memory in all as in one writer */
            parts[i] = (part){
                .words = words, .per_commit = WORDS_PER_COMMIT / n_dests + 1, .dest = dests[i]};
        split_parts(words, parts, n_dests);
        st = write_parts(parts, n_dests, err);
    }
    free(parts);
    index_word_counts_free(words);
    return st;
}

typedef struct batch_ctx {
    izde_xwriter *writer, *beside;
    word_counts *add; /* the words to add, collected before any is added */
} batch_ctx;

/* Xapian merges pending dictionary changes before it looks a word up, so every lookup comes
 * before the first addition. */
static izde_status check_word(const char *word, size_t len, uint32_t count, void *ctx,
                              izde_error *err)
{
    batch_ctx *b = ctx;
    uint32_t docs = 0, known = 0, docs_beside = 0, known_beside = 0;
    char key[KEY_MAX];
    size_t kl = key_of(word, len, key);
    if (kl == 0)
        return IZDE_OK;
    izde_status st = izde_xwriter_freqs(b->writer, word, len, key, kl, &docs, &known, err);
    if (st == IZDE_OK && b->beside)
        st = izde_xwriter_freqs(b->beside, word, len, key, kl, &docs_beside, &known_beside, err);
    if (st != IZDE_OK || known + known_beside > 0 || docs + docs_beside == 0)
        return st;
    return index_word_counts_add(b->add, word, len, count, err);
}

izde_status index_spelling_add_batch(izde_xwriter *w, izde_xwriter *beside,
                                     const word_counts *words, izde_error *err)
{
    batch_ctx b = {w, beside, index_word_counts_new()};
    if (!b.add)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    izde_status st = index_word_counts_each(words, check_word, &b, err);
    add_ctx a = {w, 0, 0};
    if (st == IZDE_OK)
        st = index_word_counts_each(b.add, add_word, &a, err);
    index_word_counts_free(b.add);
    return st;
}
