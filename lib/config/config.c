/* The configuration file of the izde programs: see izde/config.h. */
#define _XOPEN_SOURCE 700
#include <izde/config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every key of every program: the file is shared, so each program knows them all. */
static const char *const keys[] = {"db",
                                   "synonyms",
                                   "jobs",
                                   "listen",
                                   "threads",
                                   "cors-origin",
                                   "max-connections",
                                   "per-ip-limit",
                                   "timeout",
                                   "request-timeout",
                                   "max-header-size",
                                   "admin-key-file",
                                   "search-key-file"};
#define N_KEYS (sizeof keys / sizeof keys[0])

struct izde_config {
    char *file;           /* NULL when no file was read */
    char shipped[4096];   /* izde_shipped_synonyms_file(), filled when asked for */
    char *values[N_KEYS]; /* NULL when the file does not set the key */
    unsigned lines[N_KEYS];
};

static int key_index(const char *name)
{
    char norm[32];
    size_t n = strlen(name);
    if (n >= sizeof norm)
        return -1;
    for (size_t i = 0; i <= n; i++)
        norm[i] = name[i] == '_' ? '-' : name[i];
    for (size_t i = 0; i < N_KEYS; i++)
        if (strcmp(norm, keys[i]) == 0)
            return (int)i;
    return -1;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* One line: blank, a comment or "key = value". */
static izde_status read_line(izde_config *c, char *line, unsigned lineno, izde_error *err)
{
    char *s = trim(line);
    if (*s == '\0' || *s == '#')
        return IZDE_OK;
    char *eq = strchr(s, '=');
    if (!eq)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "expected key = value");
    *eq = '\0';
    char *key = trim(s), *value = trim(eq + 1);
    size_t n = strlen(value);
    if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
        value[n - 1] = '\0';
        value++;
    }
    int k = key_index(key);
    if (k < 0)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "unknown setting '%s'", key);
    if (c->values[k])
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "%s is set twice (lines %u and %u)",
                              keys[k], c->lines[k], lineno);
    if (!*value)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG,
                              "%s has no value (to leave it unset, remove the line)", keys[k]);
    if (!(c->values[k] = strdup(value)))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    c->lines[k] = lineno;
    return IZDE_OK;
}

static izde_status read_file(izde_config *c, const char *path, izde_error *err)
{
    if (!(c->file = strdup(path)))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    FILE *f = fopen(path, "r");
    if (!f)
        return izde_error_set(err, IZDE_ERR_IO, "cannot read config file %s: %s", path,
                              strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    izde_status rc = IZDE_OK;
    while (rc == IZDE_OK && getline(&line, &cap, f) != -1) {
        izde_error e = {0};
        lineno++;
        rc = read_line(c, line, lineno, &e);
        if (rc != IZDE_OK)
            izde_error_set(err, rc, "%s:%u: %s", path, lineno, e.msg);
    }
    if (rc == IZDE_OK && ferror(f))
        rc = izde_error_set(err, IZDE_ERR_IO, "cannot read config file %s: read error", path);
    free(line);
    fclose(f);
    return rc;
}

izde_status izde_config_read(const char *path, izde_config **out_config, izde_error *err)
{
    izde_config *c = calloc(1, sizeof *c);
    if (!c)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    const char *env = getenv("IZDE_CONFIG");
    if (!path && env && *env)
        path = env;
    /* the default file is optional; one that exists but cannot be read is an error */
    if (!path && access(IZDE_CONFIG_DEFAULT_FILE, F_OK) == 0)
        path = IZDE_CONFIG_DEFAULT_FILE;
    izde_status rc = path ? read_file(c, path, err) : IZDE_OK;
    if (rc != IZDE_OK) {
        izde_config_free(c);
        return rc;
    }
    *out_config = c;
    return IZDE_OK;
}

void izde_config_free(izde_config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < N_KEYS; i++)
        free(c->values[i]);
    free(c->file);
    free(c);
}

const char *izde_config_file(const izde_config *c)
{
    return c->file;
}

const char *izde_config_get(const izde_config *c, const char *key)
{
    int k = key_index(key);
    return k < 0 ? NULL : c->values[k];
}

izde_status izde_config_error(const izde_config *c, const char *key, const izde_error *why,
                              izde_error *err)
{
    int k = key_index(key);
    return izde_error_set(err, why->code, "%s:%u: %s: %s", c->file ? c->file : "(no file)",
                          k < 0 ? 0 : c->lines[k], key, why->msg);
}

const char *izde_config_db(const izde_config *c, const char *fallback)
{
    const char *env = getenv("IZDE_DB");
    if (env && *env)
        return env;
    const char *db = izde_config_get(c, "db");
    return db ? db : fallback;
}

int izde_shipped_synonyms_file(char *out, size_t cap)
{
    char exe[4000], installed[4096] = ""; /* room for the suffix after any link */
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(installed, sizeof installed, "%s/%s", exe, IZDE_SHIPPED_SYNONYMS_FROM_BIN);
        }
    }
    char resolved[PATH_MAX];
    if (installed[0] && realpath(installed, resolved)) { /* /usr/share/..., not /usr/bin/../ */
        snprintf(out, cap, "%s", resolved);
        return 1;
    }
    snprintf(out, cap, "%s", installed[0] ? installed : IZDE_SHIPPED_SYNONYMS_FROM_BIN);
    return 0;
}

void izde_shipped_synonyms_describe(char *out, size_t cap)
{
    if (!izde_shipped_synonyms_file(out, cap)) {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, " (missing)");
    }
}

izde_status izde_config_synonyms(izde_config *c, const char **out_setting, izde_error *err)
{
    const char *s = izde_config_get(c, "synonyms");
    if (s) {
        *out_setting = s;
        return IZDE_OK;
    }
    /* kept in the configuration, so the setting lives as long as the file's settings */
    if (!izde_shipped_synonyms_file(c->shipped, sizeof c->shipped))
        return izde_error_set(err, IZDE_ERR_IO,
                              "the synonym groups shipped with izde are missing (%s): give "
                              "--synonyms FILE or --no-synonyms, or set synonyms in the config "
                              "file",
                              c->shipped);
    *out_setting = c->shipped;
    return IZDE_OK;
}

void izde_config_index_synonyms(const char *setting, izde_index_opts *opts)
{
    opts->no_synonyms = strcmp(setting, IZDE_SYNONYMS_NONE) == 0;
    opts->synonyms_file = opts->no_synonyms ? NULL : setting;
}
