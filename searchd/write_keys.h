/* searchd/write_keys.h — the API keys: who may search and who may write.
 *
 * Design: two keys, each read from a file named in the config file (admin-key-file,
 * search-key-file), never from the command line, where other users see it in the process
 * list. A key file must be a regular file that neither group nor others may access (chmod
 * 600), holding one key of SD_KEY_MIN..SD_KEY_MAX printable ASCII characters (a final newline
 * is dropped). The admin key allows writing and searching; the search key searching only.
 * Without an admin key writes are off; without a search key searching is open to anyone, as
 * it always was. A request gives its key as "Authorization: Bearer KEY"; it is compared in
 * constant time (the time depends only on the configured key's length) and never logged or
 * echoed.
 *
 * Thread safety: loaded once before the server starts; read-only afterwards.
 */
#ifndef SD_WRITE_KEYS_H
#define SD_WRITE_KEYS_H

#include <izde/error.h>

#define SD_KEY_MIN 16
#define SD_KEY_MAX 256

typedef struct sd_keys {
    char *admin;  /* NULL: writes are off */
    char *search; /* NULL: searching is open */
} sd_keys;

typedef enum sd_access {
    SD_ACCESS_SEARCH, /* /search, /suggest, GET /entries/ID */
    SD_ACCESS_ADMIN   /* PUT, DELETE, POST /entries */
} sd_access;

/* Reads the keys from the files (either may be NULL: that key is not configured).
 * IZDE_ERR_IO for a file that cannot be read, IZDE_ERR_INVALID_ARG for one that others may
 * read or whose key breaks the rules above, or for two equal keys; the message names the file,
 * never the key. Caller owns what it fills: sd_keys_free(). */
izde_status sd_keys_load(sd_keys *k, const char *admin_file, const char *search_file,
                         izde_error *err);
void sd_keys_free(sd_keys *k);

/* Whether the Authorization header (may be NULL) allows need: 0 when it does, 401 when no key
 * was given (or not as a Bearer token), 403 when the key is not the right one. */
int sd_keys_check(const sd_keys *k, sd_access need, const char *authorization);

#endif
