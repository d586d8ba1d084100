/* bench/fts5.c — the SQLite FTS5 peer, through the C API.
 *
 *   fts5 build --tsv corpus.tsv --db FILE
 *       One FTS5 table (title, body; lang, day, tags unindexed) with the unicode61 tokenizer
 *       (remove_diacritics 2) under porter (English-only stemming: Russian and Kazakh words
 *       are left as they are), filled in transactions of 5,000 rows, then 'optimize'd.
 *   fts5 search --db FILE --queries queries.tsv --threads N [--passes P]
 *       MATCH with the query's FTS5 form, ranked by bm25 (title 3, body 1, as izde weighs
 *       them), top 10 with the title and a body snippet(). One connection per thread.
 */
#include "common.h"

#include <pthread.h>
#include <sqlite3.h>

static void sqdie(sqlite3 *db, const char *what)
{
    bench_die("fts5", what, db ? sqlite3_errmsg(db) : "cannot open");
}

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        bench_die("fts5", sql, msg);
}

static int build(const char *tsv, const char *path)
{
    FILE *f = fopen(tsv, "r");
    if (!f)
        bench_die("fts5", "cannot open", tsv);
    sqlite3 *db = NULL;
    remove(path);
    if (sqlite3_open(path, &db) != SQLITE_OK)
        sqdie(db, "open");
    exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
    exec(db, "CREATE VIRTUAL TABLE docs USING fts5(title, body, lang UNINDEXED, day UNINDEXED, "
             "tags UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2')");
    sqlite3_stmt *ins = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO docs(rowid, title, body, lang, day, tags) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           -1, &ins, NULL) != SQLITE_OK)
        sqdie(db, "prepare");
    char *line = NULL;
    size_t cap = 0, n = 0;
    ssize_t len;
    exec(db, "BEGIN");
    while ((len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        char *col[6], *p = line;
        for (int c = 0; c < 6; c++) {
            col[c] = p;
            char *tab = strchr(p, '\t');
            if (tab)
                *tab = '\0';
            p = tab ? tab + 1 : p + strlen(p);
        }
        sqlite3_bind_int64(ins, 1, strtoll(col[0], NULL, 10));
        for (int c = 1; c < 6; c++)
            if (c == 4)
                sqlite3_bind_int(ins, 5, atoi(col[4]));
            else
                sqlite3_bind_text(ins, c + 1, col[c], -1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE)
            sqdie(db, "insert");
        sqlite3_reset(ins);
        if (++n % 5000 == 0) {
            exec(db, "COMMIT");
            exec(db, "BEGIN");
        }
    }
    exec(db, "COMMIT");
    exec(db, "INSERT INTO docs(docs) VALUES('optimize')");
    sqlite3_finalize(ins);
    if (sqlite3_close(db) != SQLITE_OK)
        bench_die("fts5", "close", NULL);
    free(line);
    fclose(f);
    fprintf(stderr, "fts5: %zu rows\n", n);
    return 0;
}

static void *run_job(void *arg)
{
    bench_client *j = arg;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2((const char *)j->target, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        sqdie(db, "open");
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT rowid, title, snippet(docs, 1, '<b>', '</b>', '…', 32) "
                           "FROM docs WHERE docs MATCH ?1 ORDER BY bm25(docs, 3.0, 1.0) LIMIT 10",
                           -1, &st, NULL) != SQLITE_OK)
        sqdie(db, "prepare");
    size_t n = j->qs->n;
    for (int pass = client_first_pass(j); pass <= j->passes; pass++) {
        for (size_t i = 0; i < n; i++) {
            const query *q = &j->qs->q[query_at(n, j->id, j->clients, i)];
            double t0 = now_ms();
            sqlite3_bind_text(st, 1, q->col[Q_FTS5], -1, SQLITE_STATIC);
            int rc, rows = 0;
            size_t bytes = 0;
            while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                rows++;
                bytes += (size_t)sqlite3_column_bytes(st, 1) + (size_t)sqlite3_column_bytes(st, 2);
            }
            sqlite3_reset(st);
            double ms = now_ms() - t0;
            if (pass > 0 && rc != SQLITE_DONE)
                fprintf(stderr, "fts5: %s: %s\n", q->col[Q_FTS5], sqlite3_errmsg(db));
            client_record(j, pass, ms, rc == SQLITE_DONE, rows > 0);
            (void)bytes;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return NULL;
}

static int search(const char *path, const char *qpath, unsigned threads, int passes)
{
    queries qs = queries_load(qpath);
    return bench_clients("fts5", path, &qs, threads, passes, run_job);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        bench_die("fts5", "usage: fts5 build|search ...", NULL);
    const char *tsv = NULL, *db = NULL, *qpath = NULL;
    unsigned threads = 1;
    int passes = 3;
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
            bench_die("fts5", "unknown option", argv[i]);
    }
    if (sqlite3_threadsafe() == 0)
        bench_die("fts5", "SQLite was built without threads", NULL);
    if (!strcmp(argv[1], "build") && tsv && db)
        return build(tsv, db);
    if (!strcmp(argv[1], "search") && db && qpath && threads >= 1 && threads <= 64 && passes >= 1)
        return search(db, qpath, threads, passes);
    bench_die("fts5", "bad arguments; see the comment at the top of bench/fts5.c", NULL);
    return 2;
}
