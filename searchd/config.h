/* searchd/config.h — izde-searchd's settings from the command line and a config file.
 *
 * Design: every setting has one name, used both as a long option (--name VALUE) and as a key
 * of the config file every izde program reads (izde/config.h: name = VALUE). Options given on
 * the command line win over the file, whatever their order; $IZDE_DB wins over the file's db.
 */
#ifndef SD_CONFIG_H
#define SD_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <izde/config.h>
#include <izde/error.h>

/* Defaults of the limits (docs/searchd.md, --help). */
#define SD_DEFAULT_LISTEN "127.0.0.1:8080"
#define SD_DEFAULT_MAX_CONNECTIONS 1024
#define SD_DEFAULT_PER_IP_LIMIT 64
#define SD_DEFAULT_TIMEOUT 30
#define SD_DEFAULT_REQUEST_TIMEOUT 10
#define SD_DEFAULT_MAX_HEADER_KIB 32
#define SD_MAX_HEADER_KIB_MIN 8
#define SD_MAX_HEADER_KIB_MAX 1024
#define SD_THREADS_MAX 256

typedef struct sd_config {
    char *db;          /* index folder */
    char *listen;      /* ADDR:PORT, [ADDR6]:PORT or PORT */
    unsigned threads;  /* searchers (requests searched at once), 0 = one per core */
    char *cors_origin; /* NULL: no CORS headers */
    unsigned max_connections;
    unsigned per_ip_limit;    /* 0 = none */
    unsigned timeout;         /* seconds of inactivity before a connection is closed */
    unsigned request_timeout; /* seconds for a request to arrive complete */
    unsigned max_header_kib;  /* request line and headers of one connection, KiB */
    char *config_file;        /* --config, or NULL */
    char *admin_key_file;     /* config file only (write_keys.h); NULL: writes are off */
    char *search_key_file;    /* config file only; NULL: searching is open */
    unsigned from_args;       /* bit per setting given on the command line */
    const char *shards[64];   /* --db given again: searched instead of db's own entries */
    size_t n_shards;
    uint32_t shard_timeout_ms; /* --shard-timeout, 0 = the default */
} sd_config;

/* Sets the defaults (db is set by sd_config_apply()). IZDE_ERR_NOMEM on failure.
 * Caller owns the strings: sd_config_free(). */
izde_status sd_config_init(sd_config *cfg, izde_error *err);
void sd_config_free(sd_config *cfg);

/* Sets one setting by name ("db", "listen", "threads", "cors-origin", "max-connections",
 * "per-ip-limit", "timeout", "request-timeout", "max-header-size"; the key files are refused:
 * they come from the config file only, see write_keys.h), given on the command line (the file
 * then cannot override it). IZDE_ERR_INVALID_ARG with a message for an unknown name or a bad
 * value (the message does not repeat the name). */
izde_status sd_config_set(sd_config *cfg, const char *name, const char *value, izde_error *err);

/* Takes the settings of the config file that the command line did not give, then the index
 * folder: --db, else $IZDE_DB, else the file's db, else IZDE_DB_DEFAULT. err->msg says
 * "FILE:LINE: key: reason" for a bad value. */
izde_status sd_config_apply(sd_config *cfg, const izde_config *conf, izde_error *err);

/* Parses a listen address: "127.0.0.1:8080", "[::1]:8080", "localhost:8080" or "8080"
 * (127.0.0.1). Port 0 picks any free port. */
izde_status sd_listen_parse(const char *spec, struct sockaddr_storage *out, socklen_t *out_len,
                            izde_error *err);

/* "127.0.0.1:8080" or "[::1]:8080" for an address with the given port. */
void sd_addr_format(const struct sockaddr *sa, unsigned port, char *out, size_t cap);

#endif
