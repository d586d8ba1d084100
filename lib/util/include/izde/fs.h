/* izde/fs.h — file-system helpers for index folders (lib/util). */
#ifndef IZDE_FSUTIL_H
#define IZDE_FSUTIL_H

#include <izde/error.h>

/* Removes path and everything below it; a missing path is not an error. */
izde_status izde_fs_remove_tree(const char *path, izde_error *err);

/* Flushes every file below path, and the folders themselves, to the disk (fsync). */
izde_status izde_fs_sync_tree(const char *path, izde_error *err);

#endif
