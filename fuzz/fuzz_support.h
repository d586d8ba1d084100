/* Shared by the fuzz targets: checks that abort on a broken invariant (libFuzzer reports an
 * abort as a crash and keeps the input), files for the readers, and the small index that the
 * query and router targets search.
 *
 * Every target is one file with LLVMFuzzerTestOneInput (and LLVMFuzzerInitialize when it
 * needs set-up); what a target asserts beyond "no crash, no sanitizer report" is said at its
 * top. Set-up that lives for the whole process (an index, an ICU handle) is made once in
 * LLVMFuzzerInitialize and removed at exit.
 */
#ifndef IZDE_FUZZ_SUPPORT_H
#define IZDE_FUZZ_SUPPORT_H

#include <stddef.h>

#include <izde/entry.h>
#include <izde/text.h>

/* Aborts with a message naming the broken invariant when cond is false. */
#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                                     \
    } while (0)

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 4, 5)));

/* A folder for the whole process, removed at exit. Borrowed, static. */
const char *fuzz_workdir(void);

/* Whether two entries hold the same data (every field, extras included). */
int fuzz_entry_equal(const izde_entry *a, const izde_entry *b);

/* What every entry a reader or a decoder gives must satisfy: it validates, serialises, and
 * its JSON reads back (with both decoders) as the same entry. */
void fuzz_check_entry(const izde_entry *e);

/* Writes data to fuzz_workdir()/name and reads it with izde_reader_open/next to the end,
 * checking every entry with fuzz_check_entry and every status against the reader contract. */
void fuzz_read_file(const char *name, const unsigned char *data, size_t size);

/* A text pipeline handle and a token list for the whole process, freed at exit.
 * Borrowed, static. */
izde_text *fuzz_text(void);
izde_tokens *fuzz_tokens(void);

/* Builds an index of every entry of the project's data/ folder (English, Kazakh and Russian
 * news, and the dated news page) in fuzz_workdir()/index, once per process, and returns its
 * folder. Borrowed, static. */
const char *fuzz_index(void);

#endif
