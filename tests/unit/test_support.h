/* Shared helpers for the unit tests: temporary folders, fixture paths, snippet start tests. */
#ifndef IZDE_TEST_SUPPORT_H
#define IZDE_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/* Creates a fresh temporary folder (mkdtemp). Caller owns the string: pass to tmpdir_remove(). */
char *tmpdir_make(void);

/* Removes dir and everything below it, then frees the string. NULL is a no-op. */
void tmpdir_remove(char *dir);

/* Documents visible in the Xapian database (or stub) at path, through izde_xreader (hidden
 * ones not counted); aborts when it cannot be read. */
uint32_t tmpdb_docs(const char *path);

/* cmocka setup and teardown of a test whose state is a fresh temporary folder. */
int tmpdir_setup(void **state);
int tmpdir_teardown(void **state);

/* Writes len bytes to dir/name; returns the full path (caller frees) or aborts the test. */
char *write_file(const char *dir, const char *name, const char *text, size_t len);

/* For a snippet start test (izde_snippet_may_fn) of a simple matcher: the first byte of the
 * term of a word that begins at s, when the raw bytes tell it (an ASCII letter or digit, not
 * followed by a byte above ASCII that might combine with it), lower-cased; else -1. */
int first_term_byte(const char *s, size_t len);

#endif
