/* The delta database of an unsharded generation: see delta.h. */
#define _POSIX_C_SOURCE 200809L
#include "delta.h"

#include <izde/array.h>
#include <izde/fs.h>
#include <izde/generations.h>
#include <izde/schema.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* dir/gen-N/delta with suffix (".new", ".old" or ""). Caller owns (free()). */
static char *delta_path(const char *dir, uint32_t gen, const char *suffix)
{
    char *base = izde_gen_path(dir, gen);
    size_t n = base ? strlen(base) + strlen(IZDE_GEN_DELTA) + strlen(suffix) + 2 : 0;
    char *path = base ? malloc(n) : NULL;
    if (path)
        snprintf(path, n, "%s/%s%s", base, IZDE_GEN_DELTA, suffix);
    free(base);
    return path;
}

static izde_status rename_dir(const char *from, const char *to, izde_error *err)
{
    if (rename(from, to) != 0)
        return izde_error_set(err, IZDE_ERR_IO, "cannot rename %s to %s: %s", from, to,
                              strerror(errno));
    return IZDE_OK;
}

/* Takes the delta out of the generation: out of the stub first (readers reopen without it),
 * then off the disk. */
static izde_status remove_delta(const char *dir, uint32_t gen, izde_error *err)
{
    char *live = delta_path(dir, gen, ""), *old = delta_path(dir, gen, ".old");
    izde_status st = live && old ? izde_fs_remove_tree(old, err) /* left by a crash */
                                 : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    if (st == IZDE_OK)
        st = rename_dir(live, old, err);
    if (st == IZDE_OK)
        st = izde_gen_switch(dir, gen, err);
    if (st == IZDE_OK)
        st = izde_fs_remove_tree(old, err);
    free(live);
    free(old);
    return st;
}

/* A new, empty delta: written under another name and renamed, so that a reader never finds a
 * half-created database, then named in the stub. Its document ids start above main's, so
 * that a search tells main's hidden documents by their ids (IZDE_X_META_HIDDEN_FLOOR). */
static izde_status create_delta(const char *dir, uint32_t gen, const char *path, izde_xwriter *main,
                                izde_error *err)
{
    char *fresh = delta_path(dir, gen, ".new");
    izde_xwriter *w = NULL;
    uint32_t last = 0;
    izde_status st = fresh ? izde_fs_remove_tree(fresh, err)
                           : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    if (st == IZDE_OK)
        st = izde_xwriter_last_docid(main, &last, err);
    if (st == IZDE_OK)
        st = izde_xwriter_open(fresh, IZDE_XWRITER_CREATE, &w, err);
    if (st == IZDE_OK)
        st = izde_xwriter_reserve_docids(w, last, err);
    if (st != IZDE_OK && w)
        izde_xwriter_abandon(w, NULL);
    else if (st == IZDE_OK)
        st = izde_xwriter_close(w, err);
    if (st == IZDE_OK)
        st = izde_fs_sync_tree(fresh, err);
    if (st == IZDE_OK)
        st = rename_dir(fresh, path, err);
    if (st == IZDE_OK)
        st = izde_gen_switch(dir, gen, err);
    free(fresh);
    return st;
}

/* Whether the delta at path was folded into main already (a fold cut short before it
 * removed the delta). */
static izde_status was_folded(izde_xwriter *main, izde_xwriter *delta, int *out_folded,
                              izde_error *err)
{
    char uuid[37], *folded = NULL;
    izde_status st = izde_xwriter_uuid(delta, uuid, err);
    if (st == IZDE_OK)
        st = izde_xwriter_metadata(main, IZDE_META_FOLDED, &folded, err);
    *out_folded = st == IZDE_OK && !strcmp(folded, uuid);
    free(folded);
    return st;
}

izde_status index_delta_open(index_delta *d, izde_xwriter *main, const char *dir, uint32_t gen,
                             izde_error *err)
{
    memset(d, 0, sizeof *d);
    char *path = delta_path(dir, gen, "");
    if (!path)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    char *existing = NULL;
    int folded = 0;
    izde_status st = izde_gen_delta(dir, gen, &existing, err);
    if (st == IZDE_OK && existing)
        st = izde_xwriter_open(path, 0, &d->writer, err);
    if (st == IZDE_OK && existing)
        st = was_folded(main, d->writer, &folded, err);
    if (st == IZDE_OK && folded) {
        izde_xwriter_abandon(d->writer, NULL);
        d->writer = NULL;
        st = remove_delta(dir, gen, err);
    }
    if (st == IZDE_OK && (!existing || folded))
        st = create_delta(dir, gen, path, main, err);
    if (st == IZDE_OK && !d->writer)
        st = izde_xwriter_open(path, 0, &d->writer, err);
    if (st == IZDE_OK)
        st = izde_xwriter_hidden(main, &d->hidden, &d->n_hidden, err);
    d->cap_hidden = d->n_hidden;
    free(existing);
    free(path);
    if (st != IZDE_OK)
        index_delta_close(d, 0, NULL);
    return st;
}

/* Index of the first hidden id not below docid. */
static size_t hidden_at(const index_delta *d, uint32_t docid)
{
    size_t lo = 0, hi = d->n_hidden;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->hidden[mid] < docid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int index_delta_hides(const index_delta *d, uint32_t docid)
{
    size_t at = hidden_at(d, docid);
    return at < d->n_hidden && d->hidden[at] == docid;
}

izde_status index_delta_hide(index_delta *d, uint32_t docid, izde_error *err)
{
    size_t at = hidden_at(d, docid);
    if (at < d->n_hidden && d->hidden[at] == docid)
        return IZDE_OK;
    if (!izde_array_reserve(&d->hidden, &d->cap_hidden, d->n_hidden + 1, sizeof *d->hidden))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    memmove(d->hidden + at + 1, d->hidden + at, (d->n_hidden - at) * sizeof *d->hidden);
    d->hidden[at] = docid;
    d->n_hidden++;
    d->hidden_changed = 1;
    return IZDE_OK;
}

izde_status index_delta_commit(index_delta *d, izde_xwriter *main, izde_error *err)
{
    uint32_t floor = 0;
    izde_status st = izde_xwriter_commit(d->writer, err);
    if (st == IZDE_OK && d->hidden_changed)
        st = izde_xwriter_docid_floor(d->writer, &floor, err);
    if (st == IZDE_OK && d->hidden_changed)
        st = izde_xwriter_set_hidden(main, d->hidden, d->n_hidden, floor, err);
    if (st == IZDE_OK)
        d->hidden_changed = 0;
    return st;
}

izde_status index_delta_count(index_delta *d, uint32_t *out_count, izde_error *err)
{
    return izde_xwriter_doccount(d->writer, out_count, err);
}

izde_status index_delta_fold(index_delta *d, izde_xwriter *main, const char *dir, uint32_t gen,
                             izde_error *err)
{
    char uuid[37];
    izde_status st = izde_xwriter_uuid(d->writer, uuid, err);
    if (st == IZDE_OK)
        st = izde_xwriter_delete_docids(main, d->hidden, d->n_hidden, err);
    if (st == IZDE_OK)
        st = izde_xwriter_absorb(main, d->writer, IZDE_PREFIX_ID, err);
    if (st == IZDE_OK)
        st = izde_xwriter_set_hidden(main, NULL, 0, 0, err);
    /* With the fold recorded in the same commit, a session that finds this delta again knows
     * to remove it rather than search it beside the copies of its entries. */
    if (st == IZDE_OK)
        st = izde_xwriter_set_metadata(main, IZDE_META_FOLDED, uuid, err);
    if (st == IZDE_OK)
        st = izde_xwriter_commit(main, err);
    izde_status closed = index_delta_close(d, 0, st == IZDE_OK ? err : NULL);
    if (st == IZDE_OK)
        st = closed;
    return st == IZDE_OK ? remove_delta(dir, gen, err) : st;
}

izde_status index_delta_close(index_delta *d, int commit, izde_error *err)
{
    izde_status st =
        commit ? izde_xwriter_close(d->writer, err) : izde_xwriter_abandon(d->writer, err);
    d->writer = NULL;
    free(d->hidden);
    d->hidden = NULL;
    d->n_hidden = d->cap_hidden = 0;
    return st;
}
