/* bench/izde_inproc.c — "izde-query in-process": one izde_searcher opened once, every query
 * run through izde_search() with snippets (top 10) and turned into the results JSON, as
 * izde-query and izde-searchd do. Measures each query's latency.
 *
 * Usage: izde_inproc --db DIR --queries queries.tsv [--passes P] [--dump FILE]
 * Prints: izde_inproc p50_ms_c1 ... (see common.h). --dump writes the warm-up pass's results
 * JSON to FILE, one line per query: two builds' dumps show whether a change altered results
 * (took_ms aside). */
#include "common.h"

#include <izde/search.h>

int main(int argc, char **argv)
{
    const char *db = NULL, *qpath = NULL, *dump_path = NULL;
    int passes = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--db"))
            db = argv[i + 1];
        else if (!strcmp(argv[i], "--queries"))
            qpath = argv[i + 1];
        else if (!strcmp(argv[i], "--passes"))
            passes = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--dump"))
            dump_path = argv[i + 1];
        else
            bench_die("izde_inproc", "unknown option", argv[i]);
    }
    if (!db || !qpath || passes < 1)
        bench_die("izde_inproc",
                  "usage: izde_inproc --db DIR --queries FILE [--passes P] [--dump FILE]", NULL);
    FILE *dump = dump_path ? fopen(dump_path, "w") : NULL;
    if (dump_path && !dump)
        bench_die("izde_inproc", "cannot write", dump_path);
    queries qs = queries_load(qpath);
    izde_error err;
    izde_searcher *s = NULL;
    double t_open = now_ms();
    if (izde_searcher_open(db, &s, &err) != IZDE_OK)
        bench_die("izde_inproc", "cannot open the index", err.msg);
    printf("izde_inproc\topen_ms\t%.3f\n", now_ms() - t_open);
    lat l = {0};
    double wall = 0;
    /* Pass 0 warms the page cache and is not counted. */
    for (int pass = 0; pass <= passes; pass++) {
        double t_pass = now_ms();
        for (size_t i = 0; i < qs.n; i++) {
            izde_search_request req;
            izde_search_request_init(&req);
            req.query = qs.q[i].col[Q_IZDE];
            req.limit = 10;
            req.snippets = 1;
            double t0 = now_ms();
            izde_results *r = NULL;
            char *json = NULL;
            size_t json_len = 0;
            izde_status st = izde_search(s, &req, &r, &err);
            if (st == IZDE_OK)
                st = izde_results_to_json(r, &json, &json_len, &err);
            double ms = now_ms() - t0;
            if (dump && pass == 0)
                fprintf(dump, "%s\n", st == IZDE_OK ? json : err.msg);
            if (pass > 0) {
                lat_add(&l, ms);
                if (st != IZDE_OK) {
                    l.errors++;
                    fprintf(stderr, "izde_inproc: %s: %s\n", req.query, err.msg);
                } else if (r->n_hits == 0) {
                    l.zero_hits++;
                }
            }
            free(json);
            izde_results_free(r);
        }
        if (pass > 0)
            wall += now_ms() - t_pass;
    }
    if (dump && fclose(dump) != 0)
        bench_die("izde_inproc", "cannot write", dump_path);
    lat_report("izde_inproc", "c1", &l, wall);
    izde_searcher_close(s);
    return l.errors ? 1 : 0;
}
