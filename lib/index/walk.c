/* Walking entry files into an indexing session: see walk.h. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <izde/walk.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <izde/reader.h>

/* Keeps the error that stops the walk. */
static void fail(izde_walk *w, izde_status code, const char *msg)
{
    izde_error_set(&w->error, code, "%s", msg);
    w->fatal = 1;
}

/* Keeps the system's reason why what (a folder or a file) path cannot be read. */
static void fail_to_read(izde_walk *w, const char *what, const char *path)
{
    izde_error_set(&w->error, IZDE_ERR_IO, "cannot read %s%s: %s", what, path, strerror(errno));
    w->fatal = 1;
}

static void warn_cb(void *ctx, const char *msg)
{
    izde_walk *w = ctx;
    w->warn(w->ctx, msg);
}

/* Indexes every entry of one file; returns 0 when the run must stop. */
static int walk_file(izde_walk *w, const char *path)
{
    izde_error err = {0};
    izde_reader *r = NULL;
    if (izde_reader_open(path, warn_cb, w, &r, &err) != IZDE_OK) {
        fail(w, err.code, err.msg);
        return 0;
    }
    for (;;) {
        if (*w->stop)
            break;
        izde_entry *e = NULL;
        izde_status st = izde_reader_next(r, &e, &err);
        if (st == IZDE_ERR_INVALID_ARG) {
            w->reject(w->ctx, err.msg);
            izde_indexer_count_rejected(w->ix);
            continue;
        }
        if (st != IZDE_OK) {
            fail(w, err.code, err.msg);
            break;
        }
        if (!e)
            break;
        w->seen++;
        st = izde_indexer_add(w->ix, e, &err);
        if (st == IZDE_ERR_INVALID_ARG) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s: entry %s: %s", path, e->id ? e->id : "?", err.msg);
            w->reject(w->ctx, msg);
        } else if (st != IZDE_OK) {
            fail(w, err.code, err.msg);
        }
        if (!w->fatal && w->entry)
            w->entry(w->ctx, e, st);
        izde_entry_free(e);
        if (w->fatal)
            break;
    }
    izde_reader_close(r);
    return !w->fatal && !*w->stop;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Walks a folder in name order; hidden entries are skipped. */
static int walk_dir(izde_walk *w, const char *dir)
{
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--; /* "data/" and "data" name their files alike */
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, by_name);
    if (n < 0) {
        fail_to_read(w, "folder ", dir);
        return 0;
    }
    int ok = 1;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (ok && name[0] != '.') {
            size_t len = dl + strlen(name) + 2;
            char *child = malloc(len);
            if (!child) {
                fail(w, IZDE_ERR_NOMEM, "out of memory");
                ok = 0;
            } else {
                snprintf(child, len, "%.*s/%s", (int)dl, dir, name);
                struct stat sb;
                if (stat(child, &sb) == 0 && (S_ISDIR(sb.st_mode) || izde_reader_accepts(child)))
                    ok = izde_walk_path(w, child);
                free(child);
            }
        }
        free(names[i]);
    }
    free(names);
    return ok;
}

int izde_walk_path(izde_walk *w, const char *path)
{
    int is_stdin = strcmp(path, "-") == 0;
    struct stat sb;
    if (!is_stdin && stat(path, &sb) != 0) {
        fail_to_read(w, "", path);
        return 0;
    }
    if (!is_stdin && S_ISDIR(sb.st_mode))
        return walk_dir(w, path);
    /* A file named on the command line is read whatever its name: the reader tells its format
     * from its first bytes when the name does not (a feed saved as "rss.php"). */
    return walk_file(w, path);
}
