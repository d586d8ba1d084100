/* Checking a rebuilt generation before it goes live: see check.h. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <izde/generations.h>
#include <izde/search.h>
#include <izde/text.h>

/* The longest word of s that is neither a number nor an alias: the least likely to be a
 * common word, and it was indexed exactly in this form. Caller owns; NULL when none. */
static izde_status longest_word(izde_text *t, izde_tokens *tokens, const char *s, char **out,
                                izde_error *err)
{
    *out = NULL;
    if (!s || !*s)
        return IZDE_OK;
    izde_status st = izde_text_tokenize(t, s, strlen(s), 0, tokens, err);
    if (st != IZDE_OK)
        return st;
    const izde_token *best = NULL;
    for (size_t i = 0; i < izde_tokens_count(tokens); i++) {
        const izde_token *tk = izde_tokens_get(tokens, i);
        if (tk->flags & (IZDE_TOKEN_ALIAS | IZDE_TOKEN_NUMBER))
            continue;
        if (!best || tk->term_len > best->term_len)
            best = tk;
    }
    if (!best)
        return IZDE_OK;
    /* quoted: a word ICU keeps whole may hold ':' and would read as a field */
    size_t n = best->term_len + 3;
    if (!(*out = malloc(n)))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    snprintf(*out, n, "\"%s\"", best->term);
    return IZDE_OK;
}

izde_status smoke_default_take(smoke_default *d, const izde_entry *e, izde_error *err)
{
    if (!d->id && !(d->id = strdup(e->id)))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    return IZDE_OK;
}

void smoke_default_clear(smoke_default *d)
{
    free(d->id);
    d->id = NULL;
}

/* The default query: the longest word of the stored entry's title, else of its body (the
 * stored version, since a later line of the export may have replaced the first). */
static izde_status default_query(const izde_entry *e, char **out, izde_error *err)
{
    izde_text *t = NULL;
    izde_tokens *tokens = izde_tokens_new();
    izde_status st =
        tokens ? izde_text_new(&t, err) : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    if (st == IZDE_OK)
        st = longest_word(t, tokens, e->title, out, err);
    if (st == IZDE_OK && !*out)
        st = longest_word(t, tokens, e->body, out, err);
    izde_text_free(t);
    izde_tokens_free(tokens);
    return st;
}

int64_t check_live_entries(const char *db_dir, int warn)
{
    izde_error err = {0};
    uint32_t cur = 0;
    if (izde_gen_current(db_dir, &cur, &err) != IZDE_OK || cur == 0) {
        if (err.code != IZDE_OK && warn)
            fprintf(stderr, "izde-reindex: warning: %s; the size check is skipped\n", err.msg);
        return -1;
    }
    izde_searcher *s = NULL;
    izde_index_info info;
    izde_status st = izde_searcher_open(db_dir, &s, &err);
    if (st == IZDE_OK)
        st = izde_searcher_info(s, &info, &err);
    izde_searcher_close(s);
    if (st != IZDE_OK && warn) {
        /* a broken live index is what a good rebuild should replace */
        fprintf(stderr,
                "izde-reindex: warning: the live generation %u cannot be read (%s); the size "
                "check is skipped\n",
                (unsigned)cur, err.msg);
    }
    return st == IZDE_OK ? (int64_t)info.entries : -1;
}

/* Returns 1 when query matches at least one entry, else 0 with out->reason. */
static int smoke_query(izde_searcher *s, const char *query, check_result *out)
{
    izde_error err = {0};
    izde_search_request req;
    izde_search_request_init(&req);
    req.query = query;
    uint32_t n = 0;
    if (izde_search_count(s, &req, &n, &err) != IZDE_OK) {
        snprintf(out->reason, sizeof out->reason, "smoke query %s failed: %s", query, err.msg);
        return 0;
    }
    if (n == 0) {
        snprintf(out->reason, sizeof out->reason, "smoke query %s matches nothing", query);
        return 0;
    }
    return 1;
}

static int smoke_checks(izde_searcher *s, const check_config *cfg, check_result *out)
{
    for (size_t i = 0; i < cfg->n_queries; i++)
        if (!smoke_query(s, cfg->queries[i], out))
            return 0;
    if (cfg->n_queries)
        return 1;
    const smoke_default *d = cfg->dflt;
    if (!d || !d->id) {
        snprintf(out->reason, sizeof out->reason, "no entry was indexed");
        return 0;
    }
    izde_error err = {0};
    izde_entry *e = NULL;
    char *query = NULL;
    if (izde_searcher_get_entry(s, d->id, strlen(d->id), &e, &err) != IZDE_OK) {
        snprintf(out->reason, sizeof out->reason, "the first entry, %s, is not found by id: %s",
                 d->id, err.msg);
        return 0;
    }
    int ok = 1;
    if (default_query(e, &query, &err) != IZDE_OK) {
        snprintf(out->reason, sizeof out->reason, "no smoke query from entry %s: %s", d->id,
                 err.msg);
        ok = 0;
    } else if (query) { /* none when the entry has only numbers */
        ok = smoke_query(s, query, out);
    }
    free(query);
    izde_entry_free(e);
    return ok;
}

int check_generation(const char *db_dir, uint32_t gen, const check_config *cfg, check_result *out)
{
    out->entries = -1;
    out->reason[0] = '\0';
    out->before = check_live_entries(db_dir, 1);

    izde_error err = {0};
    izde_searcher *s = NULL;
    izde_index_info info;
    izde_status st = izde_searcher_open_generation(db_dir, gen, &s, &err);
    if (st == IZDE_OK)
        st = izde_searcher_info(s, &info, &err);
    if (st != IZDE_OK) {
        snprintf(out->reason, sizeof out->reason, "generation %u does not open: %s", (unsigned)gen,
                 err.msg);
        izde_searcher_close(s);
        return 0;
    }
    out->entries = info.entries;

    int ok = 1;
    if (info.entries == 0) {
        snprintf(out->reason, sizeof out->reason, "the source gave no entries");
        ok = 0;
    } else if (out->before > 0) {
        /* the smallest count that is not below min_fraction of the live one */
        double share = cfg->min_fraction * (double)out->before;
        int64_t need = (int64_t)share;
        if ((double)need < share - 1e-9)
            need++;
        if (out->entries < need) {
            snprintf(out->reason, sizeof out->reason,
                     "%lld entries is fewer than %g of the live generation's %lld (needs %lld; "
                     "see --min-fraction)",
                     (long long)out->entries, cfg->min_fraction, (long long)out->before,
                     (long long)need);
            ok = 0;
        }
    }
    if (ok)
        ok = smoke_checks(s, cfg, out);
    izde_searcher_close(s);
    return ok;
}
