#define _XOPEN_SOURCE 700
#include "test_support.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <izde/xapian.h>

char *tmpdir_make(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/izde-test-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpl))
        abort();
    return strdup(tmpl);
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void tmpdir_remove(char *dir)
{
    if (!dir)
        return;
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

uint32_t tmpdb_docs(const char *path)
{
    izde_xreader *r = NULL;
    izde_error err;
    uint32_t n = 0;
    if (izde_xreader_open(path, &r, &err) != IZDE_OK ||
        izde_xreader_doccount(r, &n, &err) != IZDE_OK) {
        fprintf(stderr, "%s: %s\n", path, err.msg); /* no cmocka here: the fuzzers link this too */
        abort();
    }
    izde_xreader_close(r);
    return n;
}

int tmpdir_setup(void **state)
{
    *state = tmpdir_make();
    return 0;
}

int tmpdir_teardown(void **state)
{
    tmpdir_remove(*state);
    return 0;
}

char *write_file(const char *dir, const char *name, const char *text, size_t len)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (!path)
        abort();
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0)
        abort();
    return path;
}

int first_term_byte(const char *s, size_t len)
{
    unsigned char c = (unsigned char)s[0];
    if (c >= 0x80 || c == '_' || (len > 1 && (unsigned char)s[1] >= 0x80))
        return -1;
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}
