/* Synonym groups: parsing, the stored form, lookup. See izde/synonyms.h. */
#define _POSIX_C_SOURCE 200809L
#include <izde/array.h>
#include <izde/synonyms.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct member {
    char *key; /* normalised words joined by single spaces */
    int group;
} member;

struct izde_synonyms {
    member *members; /* sorted by key, for lookup */
    size_t n, cap;
    int *group_start; /* members of group g: indices into by_group */
    size_t *by_group;
    int n_groups;
    size_t max_words;
    member *keys; /* extra lookup keys (izde_synonyms_add_key), sorted by key */
    size_t n_keys, cap_keys;
};

static int by_key(const void *a, const void *b)
{
    return strcmp(((const member *)a)->key, ((const member *)b)->key);
}

/* Normalises one member: its words through the pipeline, joined by single spaces. */
static izde_status normalise_member(izde_text *t, izde_tokens *tk, const char *s, size_t len,
                                    char **out, size_t *out_words, izde_error *err)
{
    izde_status st = izde_text_tokenize(t, s, len, 0, tk, err);
    if (st != IZDE_OK)
        return st;
    size_t total = 1, words = 0;
    for (size_t i = 0; i < izde_tokens_count(tk); i++)
        total += izde_tokens_get(tk, i)->term_len + 1;
    char *key = calloc(1, total);
    if (!key)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < izde_tokens_count(tk); i++) {
        const izde_token *k = izde_tokens_get(tk, i);
        if (k->flags & IZDE_TOKEN_ALIAS)
            continue;
        if (words++)
            strcat(key, " ");
        strncat(key, k->term, k->term_len);
    }
    *out = key;
    *out_words = words;
    return IZDE_OK;
}

static izde_status add_member(izde_synonyms *s, char *key, int group, izde_error *err)
{
    if (!izde_array_reserve(&s->members, &s->cap, s->n + 1, sizeof *s->members)) {
        free(key);
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    s->members[s->n++] = (member){key, group};
    return IZDE_OK;
}

/* Parses one line's members (separated by sep) into group s->n_groups. */
static izde_status parse_line(izde_synonyms *s, izde_text *t, izde_tokens *tk, const char *line,
                              size_t len, char sep, size_t lineno, izde_error *err)
{
    size_t start = 0, members = 0;
    izde_status st = IZDE_OK;
    for (size_t i = 0; i <= len && st == IZDE_OK; i++) {
        if (i < len && line[i] != sep)
            continue;
        char *key = NULL;
        size_t words = 0;
        st = normalise_member(t, tk, line + start, i - start, &key, &words, err);
        if (st == IZDE_OK && words == 0)
            free(key); /* an empty member ("a = = b") is skipped */
        else if (st == IZDE_OK && izde_synonyms_find(s, key) >= 0) {
            free(key);
            st = izde_error_set(err, IZDE_ERR_INVALID_ARG,
                                "line %zu: a word or phrase is in "
                                "two groups",
                                lineno);
        } else if (st == IZDE_OK) {
            st = add_member(s, key, s->n_groups, err);
            members++;
            if (words > s->max_words)
                s->max_words = words;
        }
        start = i + 1;
    }
    if (st == IZDE_OK && members < 2)
        st = izde_error_set(err, IZDE_ERR_INVALID_ARG,
                            "line %zu: a group needs at least two members separated by '%c'",
                            lineno, sep);
    if (st == IZDE_OK)
        s->n_groups++;
    else if (err && strncmp(err->msg, "line", 4) != 0)
        izde_error_set(err, err->code, "line %zu: %.200s", lineno, err->msg);
    return st;
}

/* Builds the lookup tables once every line is in. */
static izde_status index_groups(izde_synonyms *s, izde_error *err)
{
    size_t groups = (size_t)s->n_groups;
    size_t *fill = calloc(groups ? groups : 1, sizeof *fill);
    s->group_start = calloc(groups + 1, sizeof *s->group_start);
    s->by_group = calloc(s->n ? s->n : 1, sizeof *s->by_group);
    if (!fill || !s->group_start || !s->by_group) {
        free(fill);
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    /* members arrive grouped in order, so group g starts at the first member of g */
    for (size_t i = s->n; i-- > 0;)
        s->group_start[s->members[i].group] = (int)i;
    s->group_start[groups] = (int)s->n;
    qsort(s->members, s->n, sizeof *s->members, by_key);
    for (size_t i = 0; i < s->n; i++) {
        int g = s->members[i].group;
        s->by_group[(size_t)s->group_start[g] + fill[g]++] = i;
    }
    free(fill);
    return IZDE_OK;
}

static izde_status parse(izde_text *t, const char *text, size_t len, char sep,
                         izde_synonyms **out_syn, izde_error *err)
{
    izde_synonyms *s = calloc(1, sizeof *s);
    izde_tokens *tk = izde_tokens_new();
    izde_status st = s && tk ? IZDE_OK : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    size_t lineno = 0, start = 0;
    /* Members are found with a linear scan while parsing (the table is sorted only at the
     * end); synonym files are small. */
    for (size_t i = 0; i <= len && st == IZDE_OK; i++) {
        if (i < len && text[i] != '\n')
            continue;
        lineno++;
        const char *line = text + start;
        size_t n = i - start;
        start = i + 1;
        while (n > 0 && (*line == ' ' || *line == '\t' || *line == '\r'))
            line++, n--;
        if (n == 0 || line[0] == '#')
            continue;
        st = parse_line(s, t, tk, line, n, sep, lineno, err);
    }
    if (st == IZDE_OK)
        st = index_groups(s, err);
    izde_tokens_free(tk);
    if (st != IZDE_OK) {
        izde_synonyms_free(s);
        return st;
    }
    *out_syn = s;
    return IZDE_OK;
}

izde_status izde_synonyms_parse(izde_text *t, const char *text, size_t len, izde_synonyms **out_syn,
                                izde_error *err)
{
    /* The stored form separates members with tabs; the file format with '='. */
    char sep = memchr(text, '=', len) || !memchr(text, '\t', len) ? '=' : '\t';
    return parse(t, text, len, sep, out_syn, err);
}

izde_status izde_synonyms_load(izde_text *t, const char *path, izde_synonyms **out_syn,
                               izde_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return izde_error_set(err, IZDE_ERR_IO, "cannot read synonyms file %s: %s", path,
                              strerror(errno));
    char *text = NULL;
    size_t len = 0, cap = 0;
    izde_status st = IZDE_OK;
    for (;;) {
        if (!izde_array_reserve(&text, &cap, len + 4096, 1)) {
            st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
            break;
        }
        size_t got = fread(text + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    if (st == IZDE_OK) {
        st = parse(t, text, len, '=', out_syn, err);
        if (st != IZDE_OK && err) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s:%s", path, err->msg + 5); /* "line N: ..." */
            snprintf(err->msg, sizeof err->msg, "%s", msg);
        }
    }
    free(text);
    return st;
}

void izde_synonyms_free(izde_synonyms *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->members[i].key);
    free(s->members);
    for (size_t i = 0; i < s->n_keys; i++)
        free(s->keys[i].key);
    free(s->keys);
    free(s->group_start);
    free(s->by_group);
    free(s);
}

char *izde_synonyms_serialise(const izde_synonyms *s)
{
    size_t total = 1;
    for (size_t i = 0; i < s->n; i++)
        total += strlen(s->members[i].key) + 1;
    char *out = calloc(1, total);
    for (int g = 0; out && g < s->n_groups; g++) {
        for (size_t i = 0; i < izde_synonyms_group_size(s, g); i++) {
            strcat(out, izde_synonyms_member(s, g, i));
            strcat(out, i + 1 < izde_synonyms_group_size(s, g) ? "\t" : "\n");
        }
    }
    return out;
}

int izde_synonyms_find(const izde_synonyms *s, const char *key)
{
    if (!s || !s->group_start) {
        /* still parsing: linear scan */
        for (size_t i = 0; s && i < s->n; i++)
            if (!strcmp(s->members[i].key, key))
                return s->members[i].group;
        return -1;
    }
    member probe = {(char *)key, 0};
    const member *m = bsearch(&probe, s->members, s->n, sizeof *s->members, by_key);
    if (!m && s->n_keys)
        m = bsearch(&probe, s->keys, s->n_keys, sizeof *s->keys, by_key);
    return m ? m->group : -1;
}

izde_status izde_synonyms_add_key(izde_synonyms *s, const char *key, int g, izde_error *err)
{
    if (!izde_array_reserve(&s->keys, &s->cap_keys, s->n_keys + 1, sizeof *s->keys))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    char *copy = strdup(key);
    if (!copy)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    s->keys[s->n_keys++] = (member){copy, g};
    return IZDE_OK;
}

void izde_synonyms_sort_keys(izde_synonyms *s)
{
    qsort(s->keys, s->n_keys, sizeof *s->keys, by_key);
}

int izde_synonyms_count(const izde_synonyms *s)
{
    return s ? s->n_groups : 0;
}

size_t izde_synonyms_group_size(const izde_synonyms *s, int g)
{
    if (g < 0 || g >= s->n_groups)
        return 0;
    return (size_t)(s->group_start[g + 1] - s->group_start[g]);
}

const char *izde_synonyms_member(const izde_synonyms *s, int g, size_t i)
{
    if (i >= izde_synonyms_group_size(s, g))
        return NULL;
    return s->members[s->by_group[(size_t)s->group_start[g] + i]].key;
}

size_t izde_synonyms_max_words(const izde_synonyms *s)
{
    return s ? s->max_words : 0;
}
