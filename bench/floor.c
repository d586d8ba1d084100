/* bench/floor.c — the floor: what bare Xapian costs, through izde's C wrapper
 * (izde/xapian.h) only.
 *
 *   floor build --tsv corpus.tsv --db DIR
 *       A minimal single-threaded Xapian build of the corpus: each word of title and body
 *       lower-cased and indexed as a plain term with its position (no stems, no prefixes,
 *       no spelling data), the id as a unique term, the TSV line as document data;
 *       a commit every 5,000 documents (izde's batch size).
 *   floor compact SRC DST
 *       xapian-compact of SRC into DST.
 *   floor search --db DIR --queries queries.tsv --threads N [--passes P]
 *       Over izde's index: the same normalised terms as a plain AND / OR / PHRASE (or a
 *       wildcard for prefixes, at most 200 terms like izde), top 10, no snippets, no JSON, no
 *       document data. One reader per thread.
 */
#include "common.h"

#include <pthread.h>

#include <izde/xapian.h>

static void xdie(const char *what, const izde_error *err)
{
    bench_die("floor", what, err->msg);
}

/* ---- build -------------------------------------------------------------------------------- */

/* Lower-cases one UTF-8 code point sequence in place for the scripts in the corpus (ASCII,
 * Russian and Kazakh Cyrillic); returns the new length (never longer). */
static size_t lower_utf8(char *s, size_t n)
{
    unsigned char *p = (unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (p[i] < 0x80) {
            if (p[i] >= 'A' && p[i] <= 'Z')
                p[i] += 32;
            i++;
            continue;
        }
        if (i + 1 < n && (p[i] & 0xe0) == 0xc0) {
            unsigned c = ((p[i] & 31u) << 6) | (p[i + 1] & 63u);
            if (c >= 0x410 && c <= 0x42f)
                c += 32;
            else if (c == 0x406)
                c = 0x456;
            else if (c >= 0x490 && c <= 0x4ff && !(c & 1))
                c += 1;
            p[i] = (unsigned char)(0xc0 | (c >> 6));
            p[i + 1] = (unsigned char)(0x80 | (c & 63));
            i += 2;
            continue;
        }
        i++;
    }
    return n;
}

static int is_word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static void add_words(izde_xdoc *d, char *s, size_t n, uint32_t *pos)
{
    izde_error err;
    for (size_t i = 0; i < n;) {
        while (i < n && !is_word_byte((unsigned char)s[i]))
            i++;
        size_t st = i;
        while (i < n && is_word_byte((unsigned char)s[i]))
            i++;
        if (i > st && i - st <= 120) {
            lower_utf8(s + st, i - st);
            if (izde_xdoc_add_posting(d, s + st, i - st, (*pos)++, 1, &err) != IZDE_OK)
                xdie("add_posting", &err);
        }
    }
}

static int build(const char *tsv, const char *dir)
{
    FILE *f = fopen(tsv, "r");
    if (!f)
        bench_die("floor", "cannot open", tsv);
    izde_error err;
    izde_xwriter *w = NULL;
    if (izde_xwriter_open(dir, 1, &w, &err) != IZDE_OK)
        xdie("cannot create the index", &err);
    izde_xdoc *d = NULL;
    if (izde_xdoc_new(&d, &err) != IZDE_OK)
        xdie("cannot make a document", &err);
    char *line = NULL, *copy = NULL;
    size_t cap = 0, copy_cap = 0, n = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        if ((size_t)len + 1 > copy_cap)
            copy = realloc(copy, copy_cap = (size_t)len + 1);
        memcpy(copy, line, (size_t)len + 1);
        char *col[6];
        char *p = copy;
        for (int c = 0; c < 6; c++) {
            col[c] = p;
            char *tab = strchr(p, '\t');
            if (tab)
                *tab = '\0';
            p = tab ? tab + 1 : p + strlen(p);
        }
        if (izde_xdoc_clear(d, &err) != IZDE_OK)
            xdie("cannot make a document", &err);
        uint32_t pos = 1;
        add_words(d, col[1], strlen(col[1]), &pos);
        pos += 100;
        add_words(d, col[2], strlen(col[2]), &pos);
        char idterm[64];
        int il = snprintf(idterm, sizeof idterm, "Q%s", col[0]);
        if (izde_xdoc_add_boolean_term(d, idterm, (size_t)il, &err) != IZDE_OK ||
            izde_xdoc_set_data(d, line, (size_t)len, &err) != IZDE_OK ||
            izde_xwriter_replace(w, idterm, (size_t)il, d, &err) != IZDE_OK)
            xdie("cannot add a document", &err);
        if (++n % 5000 == 0 && izde_xwriter_commit(w, &err) != IZDE_OK)
            xdie("commit", &err);
    }
    if (izde_xwriter_commit(w, &err) != IZDE_OK)
        xdie("commit", &err);
    if (izde_xwriter_close(w, &err) != IZDE_OK)
        xdie("close", &err);
    izde_xdoc_free(d);
    free(line);
    free(copy);
    fclose(f);
    fprintf(stderr, "floor: %zu documents\n", n);
    return 0;
}

/* ---- search ------------------------------------------------------------------------------- */

static izde_xquery *make_query(const query *q, izde_error *err)
{
    const char *op = q->col[Q_FLOOR_OP];
    char terms[1024];
    snprintf(terms, sizeof terms, "%s", q->col[Q_FLOOR_TERMS]);
    if (!strcmp(op, "PREFIX"))
        return izde_xquery_wildcard(terms, strlen(terms), 200, err);
    izde_xquery *sub[16];
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(terms, " ", &save); t && n < 16; t = strtok_r(NULL, " ", &save)) {
        sub[n] = izde_xquery_term(t, strlen(t), 1, (uint32_t)n + 1, err);
        if (!sub[n])
            return NULL;
        n++;
    }
    izde_xop xop = !strcmp(op, "OR")       ? IZDE_XOP_OR
                   : !strcmp(op, "PHRASE") ? IZDE_XOP_PHRASE
                                           : IZDE_XOP_AND;
    izde_xquery *q2 = n == 1 ? sub[0] : izde_xquery_combine(xop, sub, n, 0, err);
    if (n > 1)
        for (size_t i = 0; i < n; i++)
            izde_xquery_free(sub[i]);
    return q2;
}

static void *run_job(void *arg)
{
    bench_client *j = arg;
    izde_error err;
    izde_xreader *r = NULL;
    if (izde_xreader_open((const char *)j->target, &r, &err) != IZDE_OK)
        xdie("cannot open the index", &err);
    izde_xsearch_opts opts;
    izde_xsearch_opts_init(&opts);
    opts.limit = 10;
    size_t n = j->qs->n;
    for (int pass = client_first_pass(j); pass <= j->passes; pass++) {
        for (size_t i = 0; i < n; i++) {
            const query *q = &j->qs->q[query_at(n, j->id, j->clients, i)];
            double t0 = now_ms();
            izde_xquery *xq = make_query(q, &err);
            izde_xmset *m = NULL;
            izde_status st = xq ? izde_xreader_search(r, xq, &opts, &m, &err) : IZDE_ERR_INTERNAL;
            size_t hits = st == IZDE_OK ? izde_xmset_size(m) : 0;
            izde_xmset_free(m);
            izde_xquery_free(xq);
            double ms = now_ms() - t0;
            client_record(j, pass, ms, st == IZDE_OK, hits > 0);
        }
    }
    izde_xreader_close(r);
    return NULL;
}

static int search(const char *db, const char *qpath, unsigned threads, int passes)
{
    queries qs = queries_load(qpath);
    return bench_clients("floor", db, &qs, threads, passes, run_job);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        bench_die("floor", "usage: floor build|compact|search ...", NULL);
    const char *tsv = NULL, *db = NULL, *qpath = NULL;
    unsigned threads = 1;
    int passes = 3;
    if (!strcmp(argv[1], "compact")) {
        if (argc != 4)
            bench_die("floor", "usage: floor compact SRC DST", NULL);
        izde_error err;
        const char *src[1] = {argv[2]};
        if (izde_x_compact(src, 1, argv[3], &err) != IZDE_OK)
            xdie("compact", &err);
        return 0;
    }
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--tsv"))
            tsv = argv[i + 1];
        else if (!strcmp(argv[i], "--db"))
            db = argv[i + 1];
        else if (!strcmp(argv[i], "--queries"))
            qpath = argv[i + 1];
        else if (!strcmp(argv[i], "--threads"))
            threads = (unsigned)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--passes"))
            passes = atoi(argv[i + 1]);
        else
            bench_die("floor", "unknown option", argv[i]);
    }
    if (!strcmp(argv[1], "build") && tsv && db)
        return build(tsv, db);
    if (!strcmp(argv[1], "search") && db && qpath && threads >= 1 && threads <= 64 && passes >= 1)
        return search(db, qpath, threads, passes);
    bench_die("floor", "bad arguments; see the comment at the top of bench/floor.c", NULL);
    return 2;
}
