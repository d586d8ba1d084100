/* izde/config.h — the configuration file every izde program reads.
 *
 * Design: one file serves izde-indexer, izde-query, izde-searchd and izde-reindex. It is the
 * file named by the program's --config FILE, else by $IZDE_CONFIG, else /etc/izde/izde.conf
 * when that exists (no file at all is fine: the built-in defaults apply). It holds
 * "key = value" lines; blank lines and lines starting with '#' are ignored, spaces around key
 * and value are dropped, and a value may be put in double quotes. Each key is also the long
 * option (--key VALUE) of the programs that use it; a program takes the keys it uses and
 * leaves the others, so izde-query is not troubled by izde-searchd's "listen". A key that no
 * program knows, a key given twice and a key without a value are errors: a typo must not be
 * ignored silently. deploy/izde.conf is a commented example.
 *
 * A setting comes from, first to last: the command line, the environment ($IZDE_DB for the
 * index folder), the file, the built-in default.
 *
 * Keys: db (all programs); synonyms, jobs (izde-indexer, izde-reindex); listen, threads,
 * cors-origin, max-connections, per-ip-limit, timeout, request-timeout, max-header-size, and the
 * config-only admin-key-file and search-key-file (izde-searchd). '_' may stand for '-'.
 */
#ifndef IZDE_CONFIG_H
#define IZDE_CONFIG_H

#include <izde/error.h>
#include <izde/indexer.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The file read when neither --config nor $IZDE_CONFIG names one, if it exists. */
#define IZDE_CONFIG_DEFAULT_FILE "/etc/izde/izde.conf"
/* The index folder when neither --db, $IZDE_DB nor the file's db gives one. */
#define IZDE_DB_DEFAULT "./index"
/* The synonyms value that stores no synonym groups (--no-synonyms, "synonyms = none"). */
#define IZDE_SYNONYMS_NONE "none"

typedef struct izde_config izde_config;

/* Reads the configuration: path when it is not NULL, else $IZDE_CONFIG when set and not
 * empty (both must exist), else IZDE_CONFIG_DEFAULT_FILE when it exists; when no file is
 * read, *out_config is an empty configuration. IZDE_ERR_IO ("cannot read config file PATH:
 * reason"), IZDE_ERR_INVALID_ARG ("PATH:LINE: reason") for a line that is not "key = value",
 * an unknown key, a key given twice or one without a value. Caller owns; izde_config_free(). */
izde_status izde_config_read(const char *path, izde_config **out_config, izde_error *err);
void izde_config_free(izde_config *c);

/* The file that was read, or NULL when none was. Borrowed; valid until izde_config_free(c). */
const char *izde_config_file(const izde_config *c);

/* The value the file gives key (one of the keys above), or NULL when it gives none.
 * Borrowed; valid until izde_config_free(c). */
const char *izde_config_get(const izde_config *c, const char *key);

/* Reports a value of the file that a program cannot use: sets err to
 * "FILE:LINE: KEY: why->msg" with why->code, and returns why->code. */
izde_status izde_config_error(const izde_config *c, const char *key, const izde_error *why,
                              izde_error *err);

/* The index folder when no --db was given: $IZDE_DB when set and not empty, else the file's
 * db, else fallback (IZDE_DB_DEFAULT, or NULL for a program that needs one named).
 * Borrowed; valid until izde_config_free(c). */
const char *izde_config_db(const izde_config *c, const char *fallback);

/* Where an installed izde keeps its synonym groups, from the folder of its programs: bin/ and
 * share/ of one prefix (GNUInstallDirs), /usr/bin -> /usr/share/izde/synonyms.conf. */
#define IZDE_SHIPPED_SYNONYMS_FROM_BIN "../share/izde/synonyms.conf"

/* The synonym groups shipped with izde: IZDE_SHIPPED_SYNONYMS_FROM_BIN from the folder of the
 * running program (an installed izde, whatever its prefix; a program run from its build
 * folder finds the copy CMake puts in build/share/izde). Writes the path into out (cap bytes)
 * and returns 1 when it exists; returns 0 when it does not, out then holding the path looked
 * for, for messages. */
int izde_shipped_synonyms_file(char *out, size_t cap);

/* For --help: izde_shipped_synonyms_file()'s path, with " (missing)" when it does not exist. */
void izde_shipped_synonyms_describe(char *out, size_t cap);

/* The opening of every program's --help paragraph on the config file. */
#define IZDE_CONFIG_HELP                                                                           \
    "Config file: " IZDE_CONFIG_DEFAULT_FILE " when it exists (or the file named by\n"             \
    "$IZDE_CONFIG or --config), shared by every izde program: \"key = value\" lines\n"

/* The synonyms setting of an indexing run when no --synonyms or --no-synonyms was given: the
 * file's synonyms, else izde_shipped_synonyms_file(). IZDE_ERR_IO with a message saying what
 * to do when that is missing. *out_setting is borrowed; valid until izde_config_free(c). */
izde_status izde_config_synonyms(izde_config *c, const char **out_setting, izde_error *err);

/* Sets the synonyms of an indexing run from a setting: IZDE_SYNONYMS_NONE stores no groups
 * (opts->no_synonyms), anything else is the file to store them from (opts->synonyms_file,
 * which then borrows setting). */
void izde_config_index_synonyms(const char *setting, izde_index_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
