/* Checking a rebuilt generation before it goes live: it opens, it is not much smaller than
 * the live generation, and smoke queries find something in it. */
#ifndef IZDE_REINDEX_CHECK_H
#define IZDE_REINDEX_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include <izde/entry.h>
#include <izde/error.h>

/* The default smoke check, used when no smoke query is given: the first entry the rebuild
 * accepted must be found by its id, and the longest word of its stored title (of its body
 * when it has no title) must match at least one entry. */
typedef struct smoke_default {
    char *id; /* NULL until an entry was accepted */
} smoke_default;

/* Remembers e's id when it is the first accepted entry (does nothing once d->id is set). */
izde_status smoke_default_take(smoke_default *d, const izde_entry *e, izde_error *err);
void smoke_default_clear(smoke_default *d);

typedef struct check_config {
    double min_fraction;
    char **queries; /* given smoke queries; when none, the default check is used */
    size_t n_queries;
    const smoke_default *dflt;
} check_config;

typedef struct check_result {
    int64_t entries;  /* in the new generation, -1 when it does not open */
    int64_t before;   /* in the live generation, -1 when there is none (or it does not open) */
    char reason[600]; /* why the check refused, "" when it passed */
} check_result;

/* Entries of the live generation of db_dir, or -1 when there is none or it cannot be read
 * (said on stderr when warn is set, with the consequence: the size check is skipped). */
int64_t check_live_entries(const char *db_dir, int warn);

/* Checks generation gen of db_dir. Returns 1 when it passed, 0 when it was refused (with
 * out->reason). Problems with the live generation never refuse the new one: they are
 * reported on stderr and the size check is skipped. */
int check_generation(const char *db_dir, uint32_t gen, const check_config *cfg, check_result *out);

#endif
