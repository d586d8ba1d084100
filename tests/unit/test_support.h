/* Shared helpers for the unit tests: temporary folders and fixture paths. */
#ifndef IZDE_TEST_SUPPORT_H
#define IZDE_TEST_SUPPORT_H

#include <stddef.h>

/* Creates a fresh temporary folder (mkdtemp). Caller owns the string: pass to tmpdir_remove(). */
char *tmpdir_make(void);

/* Removes dir and everything below it, then frees the string. NULL is a no-op. */
void tmpdir_remove(char *dir);

/* Writes len bytes to dir/name; returns the full path (caller frees) or aborts the test. */
char *write_file(const char *dir, const char *name, const char *text, size_t len);

#endif
