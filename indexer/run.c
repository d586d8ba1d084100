/* Feeding inputs to an indexing session, with rejections, progress and a summary. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include "run.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <izde/reader.h>

typedef struct run_state {
    const indexer_config *cfg;
    izde_indexer *ix;
    double started, last_progress;
    uint64_t seen;
    int fatal;
} run_state;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void show_progress(run_state *rs, int final)
{
    double t = now_seconds();
    if (!rs->cfg->progress || (!final && t - rs->last_progress < 0.5))
        return;
    rs->last_progress = t;
    double rate = t > rs->started ? (double)rs->seen / (t - rs->started) : 0;
    fprintf(stderr, "\r%llu entries, %.0f entries/s%s", (unsigned long long)rs->seen, rate,
            final ? "\n" : "");
}

static void warn_cb(void *ctx, const char *msg)
{
    run_state *rs = ctx;
    if (rs->cfg->progress)
        fputc('\r', stderr);
    fprintf(stderr, "warning: %s\n", msg);
}

static void report(run_state *rs, const char *msg)
{
    if (rs->cfg->progress)
        fputc('\r', stderr);
    fprintf(stderr, "%s\n", msg);
}

/* Indexes every entry of one file; returns 0 when the run must stop. */
static int index_file(run_state *rs, const char *path)
{
    izde_error err = {0};
    izde_reader *r = NULL;
    if (izde_reader_open(path, warn_cb, rs, &r, &err) != IZDE_OK) {
        fprintf(stderr, "izde-indexer: %s\n", err.msg);
        rs->fatal = 1;
        return 0;
    }
    for (;;) {
        if (*rs->cfg->stop)
            break;
        izde_entry *e = NULL;
        izde_status st = izde_reader_next(r, &e, &err);
        if (st == IZDE_ERR_INVALID_ARG) {
            report(rs, err.msg);
            izde_indexer_count_rejected(rs->ix);
            continue;
        }
        if (st != IZDE_OK) {
            fprintf(stderr, "izde-indexer: %s\n", err.msg);
            rs->fatal = 1;
            break;
        }
        if (!e)
            break;
        rs->seen++;
        st = izde_indexer_add(rs->ix, e, &err);
        if (st == IZDE_ERR_INVALID_ARG) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s: entry %s: %s", path, e->id ? e->id : "?", err.msg);
            report(rs, msg);
        } else if (st != IZDE_OK) {
            fprintf(stderr, "izde-indexer: %s\n", err.msg);
            rs->fatal = 1;
        }
        izde_entry_free(e);
        if (rs->fatal)
            break;
        show_progress(rs, 0);
    }
    izde_reader_close(r);
    return !rs->fatal && !*rs->cfg->stop;
}

static int index_path(run_state *rs, const char *path);

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Walks a folder in name order; hidden entries are skipped. */
static int index_dir(run_state *rs, const char *dir)
{
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--; /* "data/" and "data" name their files alike */
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, by_name);
    if (n < 0) {
        fprintf(stderr, "izde-indexer: cannot read folder %s: %s\n", dir, strerror(errno));
        rs->fatal = 1;
        return 0;
    }
    int ok = 1;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (ok && name[0] != '.') {
            size_t len = dl + strlen(name) + 2;
            char *child = malloc(len);
            if (!child) {
                rs->fatal = 1;
                ok = 0;
            } else {
                snprintf(child, len, "%.*s/%s", (int)dl, dir, name);
                struct stat sb;
                if (stat(child, &sb) == 0 && (S_ISDIR(sb.st_mode) || izde_reader_accepts(child)))
                    ok = index_path(rs, child);
                free(child);
            }
        }
        free(names[i]);
    }
    free(names);
    return ok;
}

static int index_path(run_state *rs, const char *path)
{
    struct stat sb;
    if (strcmp(path, "-") != 0 && stat(path, &sb) != 0) {
        fprintf(stderr, "izde-indexer: cannot read %s: %s\n", path, strerror(errno));
        rs->fatal = 1;
        return 0;
    }
    if (strcmp(path, "-") != 0 && S_ISDIR(sb.st_mode))
        return index_dir(rs, path);
    if (strcmp(path, "-") != 0 && !izde_reader_accepts(path)) {
        fprintf(stderr, "izde-indexer: %s: not a .jsonl file or a .txt news page\n", path);
        rs->fatal = 1;
        return 0;
    }
    return index_file(rs, path);
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

static void print_summary(run_state *rs, uint32_t gen, const char *outcome)
{
    const izde_index_stats *s = izde_indexer_stats(rs->ix);
    double secs = now_seconds() - rs->started;
    fprintf(stderr,
            "izde-indexer: %llu added, %llu updated, %llu unchanged, %llu deleted, "
            "%llu rejected in %.2f s (%.0f entries/s); %s",
            (unsigned long long)s->added, (unsigned long long)s->updated,
            (unsigned long long)s->unchanged, (unsigned long long)s->deleted,
            (unsigned long long)s->rejected, secs, secs > 0 ? (double)rs->seen / secs : 0.0,
            outcome);
    if (gen)
        fprintf(stderr, " generation %u", (unsigned)gen);
    fputc('\n', stderr);
}

int indexer_run(const indexer_config *cfg)
{
    run_state rs = {.cfg = cfg, .started = now_seconds()};
    izde_error err = {0};
    if (izde_indexer_open(cfg->db_dir, &cfg->index, &rs.ix, &err) != IZDE_OK) {
        fprintf(stderr, "izde-indexer: %s\n", err.msg);
        return EXIT_FATAL;
    }
    int ok = 1;
    for (int i = 0; ok && i < cfg->n_inputs; i++)
        ok = index_path(&rs, cfg->inputs[i]);
    if (ok && cfg->n_delete)
        ok = delete_ids(&rs);
    show_progress(&rs, 1);
    uint32_t gen = 0;
    int code;
    if (*cfg->stop) {
        print_summary(&rs, 0, "interrupted; changes since the last commit were dropped;");
        code = EXIT_INTERRUPTED;
    } else if (!ok || rs.fatal) {
        print_summary(&rs, 0, "stopped by an error; changes since the last commit were dropped;");
        code = EXIT_FATAL;
    } else if (izde_indexer_finish(rs.ix, &gen, &err) != IZDE_OK) {
        fprintf(stderr, "izde-indexer: %s\n", err.msg);
        code = EXIT_FATAL;
    } else {
        print_summary(&rs, gen, cfg->index.rebuild ? "rebuilt, now live:" : "live:");
        code = izde_indexer_stats(rs.ix)->rejected ? EXIT_SOME_REJECTED : EXIT_ALL_INDEXED;
    }
    izde_indexer_close(rs.ix);
    return code;
}
