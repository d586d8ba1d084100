/* File-system helpers: see izde/fs.h. */
#define _XOPEN_SOURCE 700
#include <izde/fs.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

izde_status izde_fs_remove_tree(const char *path, izde_error *err)
{
    struct stat sb;
    if (lstat(path, &sb) == 0 && nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        return izde_error_set(err, IZDE_ERR_IO, "cannot remove %s: %s", path, strerror(errno));
    return IZDE_OK;
}

static int sync_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (flag != FTW_F && flag != FTW_DP)
        return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

izde_status izde_fs_sync_tree(const char *path, izde_error *err)
{
    if (nftw(path, sync_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        return izde_error_set(err, IZDE_ERR_IO, "cannot flush %s to disk: %s", path,
                              strerror(errno));
    return IZDE_OK;
}

izde_fs_stamp izde_fs_stamp_of(const char *path)
{
    izde_fs_stamp f = {0, 0, 0, 0, 0};
    struct stat sb;
    if (stat(path, &sb) != 0)
        return f;
    f.dev = (uint64_t)sb.st_dev;
    f.ino = (uint64_t)sb.st_ino;
    f.size = (uint64_t)sb.st_size;
    f.mtime_ns = (uint64_t)sb.st_mtim.tv_sec * 1000000000u + (uint64_t)sb.st_mtim.tv_nsec;
    f.ctime_ns = (uint64_t)sb.st_ctim.tv_sec * 1000000000u + (uint64_t)sb.st_ctim.tv_nsec;
    return f;
}

int izde_fs_stamp_same(const izde_fs_stamp *a, const izde_fs_stamp *b)
{
    return a->ino != 0 && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}
