/* Feeding inputs to an indexing session, with rejections, progress and a summary. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include "run.h"

#include <izde/clock.h>
#include <izde/walk.h>

#include <izde/generations.h>
#include <izde/journal.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct run_state {
    const indexer_config *cfg;
    izde_indexer *ix;
    izde_walk walk; /* reads the inputs into ix (izde/walk.h) */
    double started, last_progress;
    int fatal;
} run_state;

/* Seconds on the monotonic clock. */
static double now_seconds(void)
{
    return izde_clock_ms() / 1e3;
}

static void show_progress(run_state *rs, int final)
{
    double t = now_seconds();
    if (!rs->cfg->progress || (!final && t - rs->last_progress < 0.5))
        return;
    rs->last_progress = t;
    double rate = t > rs->started ? (double)rs->walk.seen / (t - rs->started) : 0;
    fprintf(stderr, "\r%llu entries, %.0f entries/s%s", (unsigned long long)rs->walk.seen, rate,
            final ? "\n" : "");
}

static void warn_cb(void *ctx, const char *msg)
{
    run_state *rs = ctx;
    if (rs->cfg->progress)
        fputc('\r', stderr);
    fprintf(stderr, "warning: %s\n", msg);
}

static void report(void *ctx, const char *msg)
{
    run_state *rs = ctx;
    if (rs->cfg->progress)
        fputc('\r', stderr);
    fprintf(stderr, "%s\n", msg);
}

static void entry_cb(void *ctx, const izde_entry *e, izde_status st)
{
    (void)e;
    (void)st;
    show_progress(ctx, 0);
}

static int delete_ids(run_state *rs)
{
    izde_error err = {0};
    for (int i = 0; i < rs->cfg->n_delete; i++) {
        const char *id = rs->cfg->delete_ids[i];
        int found = 0;
        if (izde_indexer_delete(rs->ix, id, strlen(id), &found, &err) != IZDE_OK) {
            fprintf(stderr, "izde-indexer: cannot delete %s: %s\n", id, err.msg);
            rs->fatal = 1;
            return 0;
        }
        if (!found)
            fprintf(stderr, "warning: no entry with id %s\n", id);
    }
    return 1;
}

/* "N added, ... in T s (R entries/s); OUTCOME[ generation G][; DETAIL]" */
static void print_summary(run_state *rs, uint32_t gen, const char *outcome, const char *detail)
{
    const izde_index_stats *s = izde_indexer_stats(rs->ix);
    double secs = now_seconds() - rs->started;
    fprintf(stderr,
            "izde-indexer: %llu added, %llu updated, %llu unchanged, %llu deleted, "
            "%llu rejected in %.2f s (%.0f entries/s); %s",
            (unsigned long long)s->added, (unsigned long long)s->updated,
            (unsigned long long)s->unchanged, (unsigned long long)s->deleted,
            (unsigned long long)s->rejected, secs, secs > 0 ? (double)rs->walk.seen / secs : 0.0,
            outcome);
    if (gen)
        fprintf(stderr, " generation %u", (unsigned)gen);
    if (detail)
        fprintf(stderr, "; %s", detail);
    fputc('\n', stderr);
}

/* Takes the index folder's job lock (created with the folder when missing), so a rebuild by
 * izde-reindex and this run never write the same index at once. */
static int lock_index(const char *dir, int *out_fd)
{
    izde_error err = {0};
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "izde-indexer: cannot create index folder %s: %s\n", dir, strerror(errno));
        return EXIT_FATAL;
    }
    izde_status st = izde_gen_lock(dir, out_fd, &err);
    if (st == IZDE_OK)
        return EXIT_ALL_INDEXED;
    fprintf(stderr, "izde-indexer: %s; nothing was changed\n", err.msg);
    return st == IZDE_ERR_DB_LOCKED ? EXIT_BUSY : EXIT_FATAL;
}

/* An izde-searchd that accepts writes owns the live generation (izde/journal.h): an
 * incremental run would fight it for the index. A rebuild writes a new generation; the
 * daemon applies its journal to it after the switch. */
static int check_live_writer(const indexer_config *cfg)
{
    izde_error err = {0};
    int active = 0;
    if (cfg->index.rebuild)
        return EXIT_ALL_INDEXED;
    if (izde_journal_writer_active(cfg->db_dir, &active, &err) != IZDE_OK) {
        fprintf(stderr, "izde-indexer: %s\n", err.msg);
        return EXIT_FATAL;
    }
    if (!active)
        return EXIT_ALL_INDEXED;
    fprintf(stderr,
            "izde-indexer: an izde-searchd accepts writes to %s (%s/WRITER): send the entries "
            "to it (POST /entries), or use --rebuild; nothing was changed\n",
            cfg->db_dir, cfg->db_dir);
    return EXIT_BUSY;
}

int indexer_run(const indexer_config *cfg)
{
    run_state rs = {.cfg = cfg, .started = now_seconds()};
    izde_error err = {0};
    int lock_fd = -1;
    int code = lock_index(cfg->db_dir, &lock_fd);
    if (code == EXIT_ALL_INDEXED && (code = check_live_writer(cfg)) != EXIT_ALL_INDEXED)
        izde_gen_unlock(lock_fd);
    if (code != EXIT_ALL_INDEXED)
        return code;
    izde_status st = izde_indexer_open(cfg->db_dir, &cfg->index, &rs.ix, &err);
    if (st != IZDE_OK) {
        fprintf(stderr, "izde-indexer: %s\n", err.msg);
        izde_gen_unlock(lock_fd);
        return st == IZDE_ERR_DB_LOCKED ? EXIT_BUSY : EXIT_FATAL;
    }
    rs.walk = (izde_walk){.ix = rs.ix,
                          .stop = cfg->stop,
                          .reject = report,
                          .warn = warn_cb,
                          .entry = entry_cb,
                          .ctx = &rs};
    int ok = 1;
    for (int i = 0; ok && i < cfg->n_inputs; i++)
        ok = izde_walk_path(&rs.walk, cfg->inputs[i]);
    if (rs.walk.fatal)
        fprintf(stderr, "izde-indexer: %s\n", rs.walk.error.msg);
    if (ok && cfg->n_delete)
        ok = delete_ids(&rs);
    show_progress(&rs, 1);
    uint32_t gen = 0;
    /* a rebuild that does not finish is dropped whole; the live index stays as it was */
    const char *dropped = cfg->index.rebuild
                              ? "the rebuild was dropped, the live index is unchanged"
                              : "changes since the last commit were dropped";
    if (*cfg->stop) {
        print_summary(&rs, 0, "interrupted", dropped);
        code = EXIT_INTERRUPTED;
    } else if (!ok || rs.fatal || rs.walk.fatal) {
        print_summary(&rs, 0, "stopped by an error", dropped);
        code = EXIT_FATAL;
    } else if (izde_indexer_finish(rs.ix, &gen, &err) != IZDE_OK) {
        fprintf(stderr, "izde-indexer: %s\n", err.msg);
        code = EXIT_FATAL;
    } else {
        print_summary(&rs, gen, cfg->index.rebuild ? "rebuilt, now live:" : "live:", NULL);
        code = izde_indexer_stats(rs.ix)->rejected ? EXIT_SOME_REJECTED : EXIT_ALL_INDEXED;
    }
    izde_indexer_close(rs.ix);
    izde_gen_unlock(lock_fd);
    return code;
}
