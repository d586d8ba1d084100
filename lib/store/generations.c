/* Generations of an index folder: see izde/generations.h for the layout. */
#define _XOPEN_SOURCE 700
#include <izde/generations.h>

#include <izde/fs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define PREVIOUS_NAME "PREVIOUS"
#define LOCK_NAME "LOCK"
#define GEN_FORMAT "gen-%06u"

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

char *izde_gen_path(const char *dir, uint32_t gen)
{
    char name[32];
    snprintf(name, sizeof name, GEN_FORMAT, (unsigned)gen);
    return join(dir, name);
}

/* Reads a small text file; *out_text is "" when the file does not exist. */
static izde_status read_small(const char *dir, const char *name, char *out_text, size_t cap,
                              izde_error *err)
{
    out_text[0] = '\0';
    char *path = join(dir, name);
    if (!path)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    FILE *f = fopen(path, "r");
    if (!f) {
        int e = errno;
        free(path);
        if (e == ENOENT)
            return IZDE_OK;
        return izde_error_set(err, IZDE_ERR_IO, "cannot read %s/%s: %s", dir, name, strerror(e));
    }
    size_t n = fread(out_text, 1, cap - 1, f);
    out_text[n] = '\0';
    fclose(f);
    free(path);
    return IZDE_OK;
}

izde_status izde_gen_current_delta(const char *dir, uint32_t *out_gen, int *out_delta,
                                   izde_error *err)
{
    char text[128];
    unsigned gen = 0;
    izde_status st = read_small(dir, IZDE_GEN_STUB, text, sizeof text, err);
    if (st != IZDE_OK)
        return st;
    *out_gen = 0;
    if (text[0] && sscanf(text, "auto gen-%u", &gen) != 1)
        return izde_error_set(err, IZDE_ERR_DB_CORRUPT, "%s/%s is not an izde stub file", dir,
                              IZDE_GEN_STUB);
    *out_gen = gen;
    if (out_delta) /* an unsharded stub, short enough to be read whole here */
        *out_delta = strstr(text, "/" IZDE_GEN_DELTA "\n") != NULL;
    return IZDE_OK;
}

izde_status izde_gen_current(const char *dir, uint32_t *out_gen, izde_error *err)
{
    return izde_gen_current_delta(dir, out_gen, NULL, err);
}

izde_status izde_gen_previous(const char *dir, uint32_t *out_gen, izde_error *err)
{
    char text[32];
    unsigned gen = 0;
    izde_status st = read_small(dir, PREVIOUS_NAME, text, sizeof text, err);
    if (st != IZDE_OK)
        return st;
    *out_gen = (text[0] && sscanf(text, "%u", &gen) == 1) ? gen : 0;
    return IZDE_OK;
}

/* Writes text to dir/name through a temporary file, fsync and rename: readers see either the
 * old or the new content, and a crash leaves one of them. */
static izde_status write_atomic(const char *dir, const char *name, const char *text,
                                izde_error *err)
{
    izde_status st = IZDE_OK;
    char tmp_name[64];
    snprintf(tmp_name, sizeof tmp_name, "%s.tmp.%ld", name, (long)getpid());
    char *tmp = join(dir, tmp_name), *dst = join(dir, name);
    int fd = -1;
    if (!tmp || !dst) {
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        goto out;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    size_t len = strlen(text);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) != 0 || close(fd) != 0) {
        st = izde_error_set(err, IZDE_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, dst) != 0) {
        st = izde_error_set(err, IZDE_ERR_IO, "cannot rename %s: %s", tmp, strerror(errno));
        unlink(tmp);
        goto out;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd); /* make the rename itself durable */
        close(dfd);
    }
out:
    free(tmp);
    free(dst);
    return st;
}

izde_status izde_gen_switch(const char *dir, uint32_t gen, izde_error *err)
{
    uint32_t cur = 0;
    izde_status st = izde_gen_current(dir, &cur, err);
    if (st != IZDE_OK)
        return st;
    char text[64];
    /* PREVIOUS before the stub: a crash between the two renames leaves the old generation
     * live and recorded as its own predecessor, so nothing a reader sees changes and at worst
     * the older rollback target is pruned. The other order could prune the generation that
     * was live until then. */
    if (cur != 0 && cur != gen) {
        snprintf(text, sizeof text, "%u\n", (unsigned)cur);
        st = write_atomic(dir, PREVIOUS_NAME, text, err);
        if (st != IZDE_OK)
            return st;
    }
    char **dbs = NULL;
    size_t n = 0;
    st = izde_gen_stub_dbs(dir, gen, &dbs, &n, err);
    if (st != IZDE_OK)
        return st;
    /* One line per database: Xapian opens a sharded generation as one through it too. */
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        cap += strlen(dbs[i]) + 8;
    char *stub = malloc(cap);
    size_t len = 0;
    for (size_t i = 0; stub && i < n; i++)
        len += (size_t)snprintf(stub + len, cap - len, "auto %s\n", dbs[i] + strlen(dir) + 1);
    st = stub ? write_atomic(dir, IZDE_GEN_STUB, stub, err)
              : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    free(stub);
    izde_gen_dbs_free(dbs, n);
    return st;
}

static int is_dir(const char *path)
{
    struct stat sb;
    return path && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

izde_status izde_gen_dbs(const char *dir, uint32_t gen, char ***out_paths, size_t *out_n,
                         izde_error *err)
{
    char *base = izde_gen_path(dir, gen), *meta = base ? join(base, IZDE_GEN_META) : NULL;
    char **paths = NULL;
    size_t n = 0;
    izde_status st = meta ? IZDE_OK : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    if (st == IZDE_OK && !is_dir(meta)) { /* one database: the generation itself */
        paths = malloc(sizeof *paths);
        if (paths) {
            paths[n++] = base;
            base = NULL;
        }
    } else if (st == IZDE_OK) {
        paths = malloc((IZDE_GEN_MAX_SHARDS + 1) * sizeof *paths);
        if (paths) {
            paths[n++] = meta;
            meta = NULL;
        }
        for (unsigned i = 0; paths && i < IZDE_GEN_MAX_SHARDS; i++) {
            char name[32];
            snprintf(name, sizeof name, IZDE_GEN_SHARD_FORMAT, i);
            char *shard = join(base, name);
            if (!shard) {
                st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
                break;
            }
            if (!is_dir(shard)) {
                free(shard);
                break;
            }
            paths[n++] = shard;
        }
    }
    if (st == IZDE_OK && !paths)
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    for (size_t i = 0; paths && i < n; i++)
        if (!paths[i])
            st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    free(base);
    free(meta);
    if (st != IZDE_OK) {
        izde_gen_dbs_free(paths, n);
        return st;
    }
    *out_paths = paths;
    *out_n = n;
    return IZDE_OK;
}

izde_status izde_gen_delta(const char *dir, uint32_t gen, char **out_path, izde_error *err)
{
    char *base = izde_gen_path(dir, gen), *delta = base ? join(base, IZDE_GEN_DELTA) : NULL;
    free(base);
    if (!delta)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    if (!is_dir(delta)) {
        free(delta);
        delta = NULL;
    }
    *out_path = delta;
    return IZDE_OK;
}

izde_status izde_gen_stub_dbs(const char *dir, uint32_t gen, char ***out_paths, size_t *out_n,
                              izde_error *err)
{
    char **dbs = NULL, *delta = NULL;
    size_t n = 0;
    izde_status st = izde_gen_dbs(dir, gen, &dbs, &n, err);
    if (st == IZDE_OK)
        st = izde_gen_delta(dir, gen, &delta, err);
    char **all = st == IZDE_OK && delta ? realloc(dbs, (n + 1) * sizeof *dbs) : dbs;
    if (st == IZDE_OK && !all)
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    if (st != IZDE_OK) {
        free(delta);
        izde_gen_dbs_free(dbs, n);
        return st;
    }
    if (delta)
        all[n++] = delta;
    *out_paths = all;
    *out_n = n;
    return IZDE_OK;
}

void izde_gen_dbs_free(char **paths, size_t n)
{
    for (size_t i = 0; paths && i < n; i++)
        free(paths[i]);
    free(paths);
}

izde_status izde_gen_rollback(const char *dir, uint32_t *out_gen, izde_error *err)
{
    uint32_t cur = 0, prev = 0;
    izde_status st = izde_gen_current(dir, &cur, err);
    if (st == IZDE_OK)
        st = izde_gen_previous(dir, &prev, err);
    if (st != IZDE_OK)
        return st;
    char *path = prev ? izde_gen_path(dir, prev) : NULL;
    struct stat sb;
    int exists = path && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
    free(path);
    if (!exists)
        return izde_error_set(err, IZDE_ERR_NOT_FOUND,
                              "no previous generation to roll back to in %s", dir);
    st = izde_gen_switch(dir, prev, err);
    if (st == IZDE_OK && out_gen)
        *out_gen = prev;
    return st;
}

izde_status izde_gen_remove(const char *dir, uint32_t gen, izde_error *err)
{
    char *path = izde_gen_path(dir, gen);
    if (!path)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    izde_status st = izde_fs_remove_tree(path, err);
    /* and the shard folder a parallel rebuild of this generation may have left */
    size_t n = strlen(path) + 8;
    char *tmp = st == IZDE_OK ? malloc(n) : NULL;
    if (tmp) {
        snprintf(tmp, n, "%s.tmp", path);
        st = izde_fs_remove_tree(tmp, err);
    }
    free(tmp);
    free(path);
    return st;
}

izde_status izde_gen_cleanup(const char *dir, unsigned *out_removed, izde_error *err)
{
    uint32_t cur = 0, prev = 0;
    unsigned removed = 0;
    izde_status st = izde_gen_current(dir, &cur, err);
    if (st == IZDE_OK)
        st = izde_gen_previous(dir, &prev, err);
    if (st != IZDE_OK)
        return st;
    DIR *d = opendir(dir);
    if (!d)
        return izde_error_set(err, IZDE_ERR_IO, "cannot list %s: %s", dir, strerror(errno));
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        unsigned gen;
        char tail[8] = "";
        int n = sscanf(de->d_name, "gen-%u%7s", &gen, tail);
        int leftover = n == 2 && !strcmp(tail, ".tmp"); /* shards of a parallel rebuild */
        if (n < 1 || (n == 2 && !leftover) || (!leftover && (gen == cur || gen == prev)))
            continue;
        char *path = leftover ? join(dir, de->d_name) : NULL;
        if (leftover && !path) {
            st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
            break;
        }
        /* a left-over shard folder goes alone: its generation may be the live one */
        st = leftover ? izde_fs_remove_tree(path, err) : izde_gen_remove(dir, gen, err);
        free(path);
        if (st != IZDE_OK)
            break;
        removed++;
    }
    closedir(d);
    if (out_removed)
        *out_removed = removed;
    return st;
}

izde_status izde_gen_lock(const char *dir, int *out_fd, izde_error *err)
{
    char *path = join(dir, LOCK_NAME);
    if (!path)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    free(path);
    if (fd < 0)
        return izde_error_set(err, IZDE_ERR_IO, "cannot open lock file in %s: %s", dir,
                              strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        if (e == EWOULDBLOCK)
            return izde_error_set(err, IZDE_ERR_DB_LOCKED,
                                  "another indexing run holds the lock on %s", dir);
        return izde_error_set(err, IZDE_ERR_IO, "cannot lock %s: %s", dir, strerror(e));
    }
    *out_fd = fd;
    return IZDE_OK;
}

void izde_gen_unlock(int fd)
{
    if (fd >= 0)
        close(fd);
}
