/* izde/fs.h — file-system helpers for index folders (lib/util). */
#ifndef IZDE_FSUTIL_H
#define IZDE_FSUTIL_H

#include <izde/error.h>

#include <stdint.h>

/* Removes path and everything below it; a missing path is not an error. */
izde_status izde_fs_remove_tree(const char *path, izde_error *err);

/* Flushes every file below path, and the folders themselves, to the disk (fsync). */
izde_status izde_fs_sync_tree(const char *path, izde_error *err);

/* What tells a file from the next one renamed over it: its device, inode, size and times.
 * All zero when the file cannot be looked at. */
typedef struct izde_fs_stamp {
    uint64_t dev, ino, size, mtime_ns, ctime_ns;
} izde_fs_stamp;

izde_fs_stamp izde_fs_stamp_of(const char *path);
/* Whether a and b are the same file, unchanged; never when either is unknown (all zero). */
int izde_fs_stamp_same(const izde_fs_stamp *a, const izde_fs_stamp *b);

#endif
