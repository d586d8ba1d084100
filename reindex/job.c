/* izde-reindex's work: see job.h.
 *
 * Order of a rebuild, and what a kill -9 at each step leaves behind:
 *   1. take DIR/LOCK (flock: released by the kernel when the process dies);
 *   2. remove generation folders that are neither live nor previous (left by a killed run);
 *   3. build generation N+1 beside the live one (izde_indexer, defer_switch): a kill leaves
 *      a half-built folder that no reader ever opens; step 2 of the next run removes it;
 *   4. check N+1 (check.c): refused -> remove it; a kill leaves a finished but never-live
 *      folder, removed likewise;
 *   5. switch: one atomic rename of the stub (izde_gen_switch); readers see N or N+1;
 *   6. remove generations older than the previous one.
 */
#define _POSIX_C_SOURCE 200809L
#include "job.h"

#include "check.h"
#include "summary.h"
#include <izde/walk.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <izde/config.h>
#include <izde/generations.h>
#include <izde/indexer.h>
#include <izde/search.h>

/* Rejections reported in full on stderr; past this only their number (in the summary). */
#define MAX_REPORTED 100

typedef struct rebuild_state {
    const reindex_config *cfg;
    summary sum;
    izde_walk walk;
    smoke_default smoke;
    uint64_t reported;
    int fatal;
} rebuild_state;

static void reject_cb(void *ctx, const char *msg)
{
    rebuild_state *rs = ctx;
    if (rs->reported < MAX_REPORTED)
        fprintf(stderr, "%s\n", msg);
    else if (rs->reported == MAX_REPORTED)
        fprintf(stderr, "izde-reindex: more rejected entries are counted but not shown\n");
    rs->reported++;
}

static void warn_cb(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "warning: %s\n", msg);
}

static void entry_cb(void *ctx, const izde_entry *e, izde_status st)
{
    rebuild_state *rs = ctx;
    izde_error err = {0};
    if (st != IZDE_OK || rs->smoke.id || rs->fatal)
        return;
    if (smoke_default_take(&rs->smoke, e, &err) != IZDE_OK) {
        /* only memory can fail here */
        snprintf(rs->sum.reason, sizeof rs->sum.reason, "%s", err.msg);
        fprintf(stderr, "izde-reindex: %s\n", err.msg);
        rs->fatal = 1;
        *rs->cfg->stop = 1; /* ends the walk */
    }
}

/* Ends a run: the summary line, and its exit code. */
static int finish(summary *s, const char *outcome, int code, int log_fd)
{
    s->outcome = outcome;
    s->exit_code = code;
    summary_write(s, log_fd);
    return code;
}

/* Sets the reason of the summary and says it on stderr. */
static void set_reason(summary *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_reason(summary *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->reason, sizeof s->reason, fmt, ap);
    va_end(ap);
    fprintf(stderr, "izde-reindex: %s\n", s->reason);
}

/* Takes the index folder's job lock, creating the folder first when create is set (its
 * parent must exist). Returns REINDEX_OK, or the exit code to end with (the reason is set). */
static int lock_folder(const reindex_config *cfg, int create, summary *s, int *out_fd)
{
    izde_error err = {0};
    if (create && mkdir(cfg->db_dir, 0755) != 0 && errno != EEXIST) {
        set_reason(s, "cannot create index folder %s: %s", cfg->db_dir, strerror(errno));
        return REINDEX_FATAL;
    }
    izde_status st = izde_gen_lock(cfg->db_dir, out_fd, &err);
    if (st == IZDE_ERR_DB_LOCKED) {
        set_reason(s, "%s; not starting, nothing was changed", err.msg);
        return REINDEX_LOCKED;
    }
    if (st != IZDE_OK) {
        set_reason(s, "%s", err.msg);
        return REINDEX_FATAL;
    }
    return REINDEX_OK;
}

/* Reads the live and previous generation numbers into the summary. */
static int read_generations(const reindex_config *cfg, summary *s, uint32_t *out_prev)
{
    izde_error err = {0};
    if (izde_gen_current(cfg->db_dir, &s->live, &err) != IZDE_OK ||
        izde_gen_previous(cfg->db_dir, out_prev, &err) != IZDE_OK) {
        set_reason(s, "%s", err.msg);
        return 0;
    }
    return 1;
}

/* Builds the new generation from the source; returns 1 when it finished. */
static int build(rebuild_state *rs, uint32_t *out_gen)
{
    const reindex_config *cfg = rs->cfg;
    izde_error err = {0};
    izde_index_opts opts = {
        .rebuild = 1, .defer_switch = 1, .jobs = cfg->jobs, .shards = cfg->shards};
    izde_config_index_synonyms(cfg->synonyms, &opts);
    izde_indexer *ix = NULL;
    if (izde_indexer_open(cfg->db_dir, &opts, &ix, &err) != IZDE_OK) {
        set_reason(&rs->sum, "%s", err.msg);
        return 0;
    }
    rs->walk = (izde_walk){.ix = ix,
                           .stop = cfg->stop,
                           .reject = reject_cb,
                           .warn = warn_cb,
                           .entry = entry_cb,
                           .ctx = rs};
    int ok = izde_walk_path(&rs->walk, cfg->source);
    if (rs->walk.fatal)
        fprintf(stderr, "izde-reindex: %s\n", rs->walk.error.msg);
    if (ok && izde_indexer_finish(ix, out_gen, &err) != IZDE_OK) {
        set_reason(&rs->sum, "%s", err.msg);
        ok = 0;
    }
    rs->sum.rejected = (int64_t)izde_indexer_stats(ix)->rejected;
    if (rs->walk.fatal)
        snprintf(rs->sum.reason, sizeof rs->sum.reason, "%s", rs->walk.error.msg);
    izde_indexer_close(ix); /* an unfinished generation is removed here */
    return ok;
}

/* Steps 2 to 6 of the file comment, under the lock. */
static int rebuild_locked(rebuild_state *rs)
{
    const reindex_config *cfg = rs->cfg;
    summary *s = &rs->sum;
    izde_error err = {0};
    unsigned removed = 0;
    uint32_t prev = 0, gen = 0;
    if (izde_gen_cleanup(cfg->db_dir, &removed, &err) != IZDE_OK) {
        set_reason(s, "%s", err.msg);
        return REINDEX_FATAL;
    }
    if (removed)
        fprintf(stderr, "izde-reindex: removed %u left-over generation folder%s in %s\n", removed,
                removed == 1 ? "" : "s", cfg->db_dir);
    if (!read_generations(cfg, s, &prev))
        return REINDEX_FATAL;

    int built = build(rs, &gen);
    if (*cfg->stop && !rs->fatal) {
        if (built)
            izde_gen_remove(cfg->db_dir, gen, NULL);
        set_reason(s, "interrupted by a signal before the switch; the live index is untouched");
        return REINDEX_INTERRUPTED;
    }
    if (!built || rs->fatal)
        return REINDEX_FATAL;
    s->built = gen;

    check_config cc = {.min_fraction = cfg->min_fraction,
                       .queries = cfg->smoke_queries,
                       .n_queries = cfg->n_smoke_queries,
                       .dflt = &rs->smoke};
    check_result cr;
    int passed = check_generation(cfg->db_dir, gen, &cc, &cr);
    s->entries = cr.entries;
    s->before = cr.before;
    if (!passed) {
        if (izde_gen_remove(cfg->db_dir, gen, &err) != IZDE_OK)
            fprintf(stderr, "izde-reindex: %s\n", err.msg);
        set_reason(s, "refused generation %u: %s; it was removed, the live index is untouched",
                   (unsigned)gen, cr.reason);
        return REINDEX_REFUSED;
    }
    if (*cfg->stop) {
        izde_gen_remove(cfg->db_dir, gen, NULL);
        set_reason(s, "interrupted by a signal before the switch; the live index is untouched");
        return REINDEX_INTERRUPTED;
    }
    if (izde_gen_switch(cfg->db_dir, gen, &err) != IZDE_OK) {
        set_reason(s, "cannot switch to generation %u: %s", (unsigned)gen, err.msg);
        izde_gen_remove(cfg->db_dir, gen, NULL);
        return REINDEX_FATAL;
    }
    s->replaced = s->live;
    s->live = gen;
    /* the new generation is live from here on: a failed cleanup only leaves disk space */
    if (izde_gen_cleanup(cfg->db_dir, NULL, &err) != IZDE_OK)
        fprintf(stderr, "izde-reindex: warning: %s\n", err.msg);
    return s->rejected > 0 ? REINDEX_SOME_REJECTED : REINDEX_OK;
}

static const char *outcome_of(int code)
{
    switch (code) {
    case REINDEX_OK:
    case REINDEX_SOME_REJECTED:
        return "ok";
    case REINDEX_REFUSED:
        return "refused";
    case REINDEX_LOCKED:
        return "locked";
    case REINDEX_INTERRUPTED:
        return "interrupted";
    default:
        return "failed";
    }
}

int reindex_rebuild(const reindex_config *cfg)
{
    rebuild_state rs = {.cfg = cfg};
    rs.sum = (summary){.action = "rebuild",
                       .entries = -1,
                       .before = -1,
                       .rejected = -1,
                       .started = summary_clock(),
                       .db_dir = cfg->db_dir,
                       .source = cfg->source};
    struct stat sb;
    int lock_fd = -1, code;
    izde_gen_current(cfg->db_dir, &rs.sum.live, NULL); /* for the summary; 0 when unknown */
    /* a missing export folder is a setup problem (exit 2), not an empty export (refused) */
    if (stat(cfg->source, &sb) != 0) {
        set_reason(&rs.sum, "cannot read source folder %s: %s", cfg->source, strerror(errno));
        code = REINDEX_FATAL;
    } else if (!S_ISDIR(sb.st_mode)) {
        set_reason(&rs.sum, "source %s is not a folder", cfg->source);
        code = REINDEX_FATAL;
    } else if ((code = lock_folder(cfg, 1, &rs.sum, &lock_fd)) == REINDEX_OK) {
        code = rebuild_locked(&rs);
        izde_gen_unlock(lock_fd);
    }
    smoke_default_clear(&rs.smoke);
    return finish(&rs.sum, outcome_of(code), code, cfg->log_fd);
}

int reindex_rollback(const reindex_config *cfg)
{
    summary s = {.action = "rollback",
                 .entries = -1,
                 .before = -1,
                 .rejected = -1,
                 .started = summary_clock(),
                 .db_dir = cfg->db_dir};
    izde_error err = {0};
    int lock_fd = -1, code;
    struct stat sb;
    izde_gen_current(cfg->db_dir, &s.live, NULL); /* for the summary; 0 when unknown */
    if (stat(cfg->db_dir, &sb) != 0) {
        set_reason(&s, "no index folder %s (%s): nothing to roll back to", cfg->db_dir,
                   strerror(errno));
        code = REINDEX_FATAL;
    } else {
        code = lock_folder(cfg, 0, &s, &lock_fd);
    }
    if (code != REINDEX_OK)
        return finish(&s, outcome_of(code), code, cfg->log_fd);
    uint32_t prev = 0;
    char *prev_path = NULL;
    if (!read_generations(cfg, &s, &prev)) {
        code = REINDEX_FATAL;
    } else if (!prev || prev == s.live || !(prev_path = izde_gen_path(cfg->db_dir, prev)) ||
               stat(prev_path, &sb) != 0) {
        set_reason(&s, "no previous generation to roll back to in %s", cfg->db_dir);
        code = REINDEX_FATAL;
    } else {
        s.before = check_live_entries(cfg->db_dir, 0);
        /* check that it opens before it goes live again */
        izde_searcher *r = NULL;
        izde_index_info info;
        izde_status st = izde_searcher_open_generation(cfg->db_dir, prev, &r, &err);
        if (st == IZDE_OK)
            st = izde_searcher_info(r, &info, &err);
        izde_searcher_close(r);
        if (st != IZDE_OK) {
            set_reason(&s, "refused: the previous generation %u does not open: %s", (unsigned)prev,
                       err.msg);
            code = REINDEX_REFUSED;
        } else if (izde_gen_rollback(cfg->db_dir, NULL, &err) != IZDE_OK) {
            set_reason(&s, "%s", err.msg);
            code = REINDEX_FATAL;
        } else {
            s.entries = info.entries;
            s.replaced = s.live;
            s.live = prev;
        }
    }
    free(prev_path);
    izde_gen_unlock(lock_fd);
    return finish(&s, outcome_of(code), code, cfg->log_fd);
}
