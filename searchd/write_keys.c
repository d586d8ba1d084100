/* API keys: loading them from files with safe modes, and checking requests (write_keys.h). */
#define _POSIX_C_SOURCE 200809L
#include "write_keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads the key of one file into *out (caller frees). */
static izde_status load_key(const char *what, const char *path, char **out, izde_error *err)
{
    char buf[SD_KEY_MAX + 4];
    struct stat sb;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return izde_error_set(err, IZDE_ERR_IO, "cannot read %s file %s: %s", what, path,
                              strerror(errno));
    izde_status st = IZDE_OK;
    ssize_t n = 0;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        st = izde_error_set(err, IZDE_ERR_INVALID_ARG, "%s file %s is not a regular file", what,
                            path);
    else if (sb.st_mode & (S_IRWXG | S_IRWXO))
        st = izde_error_set(err, IZDE_ERR_INVALID_ARG,
                            "%s file %s may be read by group or others (mode %04o): "
                            "chmod 600 it",
                            what, path, (unsigned)(sb.st_mode & 07777));
    else if ((n = read(fd, buf, sizeof buf - 1)) < 0)
        st = izde_error_set(err, IZDE_ERR_IO, "cannot read %s file %s: %s", what, path,
                            strerror(errno));
    close(fd);
    if (st != IZDE_OK)
        return st;
    size_t len = (size_t)n;
    if (len && buf[len - 1] == '\n')
        len--;
    if (len && buf[len - 1] == '\r')
        len--;
    int printable = 1;
    for (size_t i = 0; i < len; i++)
        printable &= buf[i] > ' ' && buf[i] < 0x7f;
    if (len < SD_KEY_MIN || len > SD_KEY_MAX || !printable) {
        st = izde_error_set(err, IZDE_ERR_INVALID_ARG,
                            "%s file %s must hold one key of %d to %d printable ASCII "
                            "characters without spaces (e.g. from: openssl rand -hex 32)",
                            what, path, SD_KEY_MIN, SD_KEY_MAX);
    } else if (!(*out = strndup(buf, len))) {
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    memset(buf, 0, sizeof buf);
    return st;
}

izde_status sd_keys_load(sd_keys *k, const char *admin_file, const char *search_file,
                         izde_error *err)
{
    memset(k, 0, sizeof *k);
    izde_status st = IZDE_OK;
    if (admin_file)
        st = load_key("admin-key", admin_file, &k->admin, err);
    if (st == IZDE_OK && search_file)
        st = load_key("search-key", search_file, &k->search, err);
    if (st == IZDE_OK && k->admin && k->search && strcmp(k->admin, k->search) == 0)
        st = izde_error_set(err, IZDE_ERR_INVALID_ARG,
                            "the admin key and the search key are the same: they must differ");
    if (st != IZDE_OK)
        sd_keys_free(k);
    return st;
}

static void forget(char **key)
{
    if (*key) {
        memset(*key, 0, strlen(*key));
        free(*key);
        *key = NULL;
    }
}

void sd_keys_free(sd_keys *k)
{
    forget(&k->admin);
    forget(&k->search);
}

/* Whether given[0..len) is key, in a time that depends on the length of key only. */
static int same_key(const char *given, size_t len, const char *key)
{
    size_t klen = strlen(key);
    volatile unsigned char diff = (unsigned char)(len != klen);
    for (size_t i = 0; i < klen; i++)
        diff |= (unsigned char)(key[i] ^ (i < len ? given[i] : 0));
    return diff == 0;
}

int sd_keys_check(const sd_keys *k, sd_access need, const char *authorization)
{
    const char *key = need == SD_ACCESS_ADMIN ? k->admin : k->search;
    if (need == SD_ACCESS_SEARCH && !key)
        return 0; /* searching is open */
    if (!authorization || strncasecmp(authorization, "Bearer ", 7) != 0)
        return 401;
    const char *given = authorization + 7;
    given += strspn(given, " ");
    size_t len = strcspn(given, " \t");
    if (len == 0)
        return 401;
    int ok = key && same_key(given, len, key);
    /* the admin key also searches; both comparisons run, whichever matches */
    if (need == SD_ACCESS_SEARCH && k->admin)
        ok |= same_key(given, len, k->admin);
    return ok ? 0 : 403;
}
