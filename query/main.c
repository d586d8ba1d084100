/* izde-query: parse arguments -> request -> search -> print. */
#define _POSIX_C_SOURCE 200809L
#include "output.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <izde/config.h>
#include <izde/entry.h>
#include <izde/number.h>
#include <izde/query.h>
#include <izde/request.h>
#include <izde/search.h>

enum query_exit {
    EXIT_MATCHES = 0,
    EXIT_NO_MATCH = 1,
    EXIT_USAGE = 2,
    EXIT_NO_INDEX = 3,
    EXIT_QUERY_ERROR = 4,
    EXIT_FAILURE_OTHER = 5,
    EXIT_SHARD_DOWN = 6,
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: izde-query [OPTIONS] [--] QUERY...\n"
            "       izde-query [--db DIR] --export [QUERY...]\n"
            "\n"
            "Search an izde index and print the matching news entries.\n"
            "\n"
            "Query language (words are matched through their stems, in English, Russian and\n"
            "Kazakh; case, ё/е and stress marks never matter):\n"
            "  word word          every word must match       \"a phrase\"   words in this order\n"
            "  a OR b             either                      -word, NOT w  exclude\n"
            "  a NEAR/5 b         in a span of 5 words        word*         words starting so\n"
            "  ( ... )            grouping                    title:word    only in titles\n"
            "  tag:NOC  lang:kk   filters                     date:2019  date:2019-03\n"
            "  date:2018-06-01..2019-12-31  after:2020-01-01  before:2020-01-01\n"
            "A query that starts with '-' follows '--' (izde-query -- -COVID vaccine).\n"
            "More in the manual page izde-query-language(7).\n"
            "\n"
            "Options:\n"
            "  -d, --db DIR          index folder (default: $IZDE_DB, else db in the config\n"
            "                        file, else ./index); given again, a shard: a\n"
            "                        database path or tcp://HOST:PORT (xapian-tcpsrv); the\n"
            "                        shards are searched as one index instead of DIR's own\n"
            "                        entries, DIR giving the spelling dictionary and\n"
            "                        synonyms (at most 64 shards)\n"
            "      --shard-timeout MS\n"
            "                        give up on a remote shard that does not connect or\n"
            "                        answer a call within MS milliseconds (default 10000)\n"
            "  -l, --lang L          only entries in language L (en, kk, ru)\n"
            "      --from DATE       only entries dated DATE (YYYY-MM-DD) or later\n"
            "      --to DATE         only entries dated DATE or earlier\n"
            "  -t, --tag T           only entries tagged T (repeatable, at most 16: all must\n"
            "                        match)\n"
            "  -n, --limit N         results to show, 0 to 10000 (default 10; 0: only the\n"
            "                        number of matches, and the facets)\n"
            "  -a, --all             every match, streamed (for exports; json is written\n"
            "                        as jsonl, one result per line)\n"
            "      --export          print whole entries as JSONL, the indexer's input format:\n"
            "                        every entry of the index (in id order) when no QUERY is\n"
            "                        given, else every match; izde-indexer reads it back into\n"
            "                        the same entries\n"
            "  -o, --offset N        skip the first N results (paging)\n"
            "  -s, --sort S          relevance (default) or date (newest first)\n"
            "      --recency W       boost newer entries by up to W score points (0 to 100)\n"
            "  -f, --format F        text (default), json, jsonl or csv\n"
            "  -c, --count           print only the number of matches\n"
            "      --facets          show counts by year, language and tag of every match\n"
            "                        (on a page of text or json)\n"
            "      --strict          report query syntax errors instead of reading leniently\n"
            "      --no-collapse     show duplicate stories separately\n"
            "      --exact-only      match exact word forms only (an evaluation baseline)\n"
            "      --no-kazakh       no Kazakh stemming, keyboard folding or Latin-script\n"
            "                        Kazakh (an evaluation baseline)\n"
            "      --config FILE     read settings from FILE instead of $IZDE_CONFIG or\n"
            "                        " IZDE_CONFIG_DEFAULT_FILE "\n"
            "  -h, --help            show this help and exit\n"
            "\n" IZDE_CONFIG_HELP
            "named as the long options. izde-query reads db; --db wins over the file, and\n"
            "$IZDE_DB over its db.\n"
            "\n"
            "Text output highlights matches in colour on a terminal (not when piped or when\n"
            "NO_COLOR is set). JSON offsets count Unicode code points of snippet_text.\n"
            "\n"
            "Exit status:\n"
            "  0  at least one match      1  no match           2  usage or config file error\n"
            "  3  no index at --db, or one it cannot read (damaged, or of another format)\n"
            "  4  bad query (strict mode, empty query, bad filter)\n"
            "  5  other error\n"
            "  6  a shard given with --db did not connect or answer in time\n");
}

/* Joins the QUERY arguments with spaces. Caller frees. */
static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *q = calloc(1, len);
    for (int i = 0; q && i < argc; i++) {
        if (i)
            strcat(q, " ");
        strcat(q, argv[i]);
    }
    return q;
}

static int exit_for(izde_status st)
{
    switch (st) {
    case IZDE_ERR_DB_NOT_FOUND:
    case IZDE_ERR_DB_CORRUPT:
        return EXIT_NO_INDEX;
    case IZDE_ERR_INVALID_ARG:
    case IZDE_ERR_QUERY_SYNTAX:
        return EXIT_QUERY_ERROR;
    case IZDE_ERR_UNAVAILABLE:
        return EXIT_SHARD_DOWN;
    default:
        return EXIT_FAILURE_OTHER;
    }
}

typedef struct options {
    const char *db;         /* --db, else from the config file (izde_config_db) */
    const char *shards[64]; /* --db given again */
    izde_search_shards sh;
    const char *config_file;
    izde_request rq; /* the request vocabulary izde-searchd shares (izde/request.h) */
    output out;
    int all, count, export;
    int paged, formatted, filtered; /* --limit/--offset, --format, a filter option given */
} options;

/* --export writes every entry (or match) whole, as JSONL: options about pages, counts and
 * formats do not apply. Filters need a query, which filters better anyway. Returns -1 to go
 * on, else the exit code. */
static int check_export(int argc, const options *o)
{
    const char *clash = o->count              ? "--count"
                        : o->rq.search.facets ? "--facets"
                        : o->paged            ? "--limit and --offset"
                        : o->formatted        ? "--format other than jsonl"
                        : o->all              ? "--all (it is implied)"
                                              : NULL;
    if (clash) {
        fprintf(stderr, "izde-query: --export writes every entry as JSONL: %s does not apply\n",
                clash);
        return EXIT_USAGE;
    }
    if (optind >= argc && o->filtered) {
        fprintf(stderr, "izde-query: --export without a query exports every entry; filter "
                        "with a query instead (lang:kk, tag:NOC, date:2020..2021)\n");
        return EXIT_USAGE;
    }
    return -1;
}

/* Options that are request parameters: the option's letter and the parameter's name. */
static const struct {
    int letter;
    const char *option, *name;
    int filter; /* narrows the matches (lang, dates, tags) */
    int paging; /* --limit, --offset */
} request_options[] = {
    {'l', "--lang", "lang", 1, 0},
    {'F', "--from", "from", 1, 0},
    {'T', "--to", "to", 1, 0},
    {'t', "--tag", "tag", 1, 0},
    {'n', "--limit", "limit", 0, 1},
    {'o', "--offset", "offset", 0, 1},
    {'s', "--sort", "sort", 0, 0},
    {'R', "--recency", "recency", 0, 0},
    {'C', "--facets", "facets", 0, 0},
    {'S', "--strict", "strict", 0, 0},
    {'N', "--no-collapse", "no_collapse", 0, 0},
};

/* Hands an option to the request vocabulary; 0 after printing why it was refused. */
static int set_param(options *o, int letter, const char *value)
{
    for (size_t i = 0; i < sizeof request_options / sizeof request_options[0]; i++) {
        if (request_options[i].letter != letter)
            continue;
        izde_error err = {0};
        if (!*value) { /* a URL's empty field means "not given"; an empty option is a slip */
            fprintf(stderr, "izde-query: %s needs a value\n", request_options[i].option);
            return 0;
        }
        if (izde_request_set(&o->rq, request_options[i].name, value, &err) != IZDE_OK) {
            fprintf(stderr, "izde-query: %s: %s\n", request_options[i].option, err.msg);
            return 0;
        }
        o->filtered |= request_options[i].filter;
        o->paged |= request_options[i].paging;
        return 1;
    }
    return 0;
}

/* Returns -1 to go on, else the exit code. */
static int parse_options(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"lang", required_argument, NULL, 'l'},
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"tag", required_argument, NULL, 't'},
        {"limit", required_argument, NULL, 'n'},
        {"all", no_argument, NULL, 'a'},
        {"offset", required_argument, NULL, 'o'},
        {"sort", required_argument, NULL, 's'},
        {"recency", required_argument, NULL, 'R'},
        {"format", required_argument, NULL, 'f'},
        {"count", no_argument, NULL, 'c'},
        {"facets", no_argument, NULL, 'C'},
        {"strict", no_argument, NULL, 'S'},
        {"no-collapse", no_argument, NULL, 'N'},
        {"help", no_argument, NULL, 'h'},
        {"exact-only", no_argument, NULL, 'E'},
        {"no-kazakh", no_argument, NULL, 'K'},
        {"export", no_argument, NULL, 'X'},
        {"config", required_argument, NULL, 'G'},
        {"shard-timeout", required_argument, NULL, 'W'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "d:l:t:n:ao:s:f:ch", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (o->db && o->sh.n == sizeof o->shards / sizeof o->shards[0]) {
                fprintf(stderr, "izde-query: at most 64 shards\n");
                return EXIT_USAGE;
            }
            if (o->db)
                o->shards[o->sh.n++] = optarg;
            else
                o->db = optarg;
            break;
        case 'W':
            if (!izde_parse_u32(optarg, 1, 3600000, &o->sh.timeout_ms)) {
                fprintf(stderr, "izde-query: --shard-timeout needs milliseconds, 1 to 3600000\n");
                return EXIT_USAGE;
            }
            break;
        case 'l':
        case 'F':
        case 'T':
        case 't':
        case 'n':
        case 'o':
        case 's':
        case 'R':
            if (!set_param(o, c, optarg))
                return EXIT_USAGE;
            break;
        case 'a':
            o->all = 1;
            break;
        case 'f':
            if (!output_format_parse(optarg, &o->out.format)) {
                fprintf(stderr, "izde-query: --format must be text, json, jsonl or csv\n");
                return EXIT_USAGE;
            }
            o->formatted = o->out.format != FORMAT_JSONL;
            break;
        case 'c':
            o->count = 1;
            break;
        case 'C':
        case 'S':
        case 'N':
            if (!set_param(o, c, "1"))
                return EXIT_USAGE;
            break;
        case 'E':
            o->rq.search.exact_only = 1;
            break;
        case 'K':
            o->rq.search.no_kazakh = 1;
            break;
        case 'X':
            o->export = 1;
            break;
        case 'G':
            o->config_file = optarg;
            break;
        case 'h':
            usage(stdout);
            return EXIT_MATCHES;
        default:
            fprintf(stderr, "Try 'izde-query --help' for more information.\n");
            return EXIT_USAGE;
        }
    }
    if (o->export)
        return check_export(argc, o);
    /* Options that another one would silently override are refused instead. */
    const char *clash = NULL;
    if (o->count && (o->all || o->rq.search.facets))
        clash = "--count prints the number alone: it takes no --all or --facets";
    else if (o->all && o->paged)
        clash = "--all streams every match: it takes no --limit or --offset";
    else if (o->rq.search.facets &&
             (o->all || o->out.format == FORMAT_JSONL || o->out.format == FORMAT_CSV))
        clash = "--facets are shown on a page of --format text or json, not with --all, "
                "jsonl or csv";
    if (clash || optind >= argc) {
        fprintf(stderr, "izde-query: %s\nTry 'izde-query --help' for more information.\n",
                clash ? clash : "no query given");
        return EXIT_USAGE;
    }
    return -1;
}

static int stream_hit(void *ctx, const izde_hit *h)
{
    return !output_stream_hit(ctx, h);
}

static int export_entry(void *ctx, const izde_entry *e)
{
    return !output_entry(ctx, e);
}

static int export_hit(void *ctx, const izde_hit *h)
{
    return !output_entry(ctx, h->entry);
}

/* --export: whole entries as JSONL. Every entry in id order without a query (nothing to rank,
 * so no match set is built); the matches of a query otherwise, none collapsed into another. */
static int run_export(options *o, izde_searcher *s)
{
    izde_error err = {0};
    izde_status st;
    if (o->rq.search.query[0]) {
        o->rq.search.no_collapse = 1;
        o->rq.search.snippets = 0;
        st = izde_search_each(s, &o->rq.search, export_hit, &o->out, &err);
    } else {
        st = izde_searcher_each_entry(s, export_entry, &o->out, &err);
    }
    fflush(o->out.out);
    if (st != IZDE_OK) {
        fprintf(stderr, "izde-query: %s\n", err.msg);
        return exit_for(st);
    }
    if (ferror(o->out.out)) {
        fprintf(stderr, "izde-query: cannot write the entries\n");
        return EXIT_FAILURE_OTHER;
    }
    return o->out.written ? EXIT_MATCHES : EXIT_NO_MATCH;
}

static int run(options *o, izde_searcher *s)
{
    if (o->export)
        return run_export(o, s);
    izde_error err = {0};
    izde_status st;
    if (o->count) {
        uint32_t n = 0;
        st = izde_search_count(s, &o->rq.search, &n, &err);
        if (st == IZDE_OK)
            printf("%u\n", (unsigned)n);
        return st != IZDE_OK ? (fprintf(stderr, "izde-query: %s\n", err.msg), exit_for(st))
                             : (n ? EXIT_MATCHES : EXIT_NO_MATCH);
    }
    if (o->all) {
        if (o->out.format == FORMAT_JSON)
            o->out.format = FORMAT_JSONL; /* a stream has no enclosing object */
        output_stream_begin(&o->out);
        st = izde_search_each(s, &o->rq.search, stream_hit, &o->out, &err);
        output_stream_end(&o->out, o->rq.search.query);
        if (st != IZDE_OK) {
            fprintf(stderr, "izde-query: %s\n", err.msg);
            return exit_for(st);
        }
        return o->out.written ? EXIT_MATCHES : EXIT_NO_MATCH;
    }
    izde_results *r = NULL;
    st = izde_search(s, &o->rq.search, &r, &err);
    if (st != IZDE_OK) {
        fprintf(stderr, "izde-query: %s\n", err.msg);
        return exit_for(st);
    }
    int code = r->total ? EXIT_MATCHES : EXIT_NO_MATCH;
    if (!output_page(&o->out, r)) {
        fprintf(stderr, "izde-query: cannot write the results\n");
        code = EXIT_FAILURE_OTHER;
    }
    izde_results_free(r);
    return code;
}

int main(int argc, char **argv)
{
    options o = {.out = {.out = stdout, .format = FORMAT_TEXT}};
    o.sh.locs = o.shards;
    izde_request_init(&o.rq);
    int code = parse_options(argc, argv, &o);
    if (code >= 0)
        return code;
    izde_error err = {0};
    izde_config *conf = NULL;
    if (izde_config_read(o.config_file, &conf, &err) != IZDE_OK) {
        fprintf(stderr, "izde-query: %s\n", err.msg);
        return EXIT_USAGE;
    }
    if (!o.db)
        o.db = izde_config_db(conf, IZDE_DB_DEFAULT);
    const char *no_color = getenv("NO_COLOR");
    o.out.colour = isatty(STDOUT_FILENO) && !(no_color && *no_color);
    char *query = join_args(argc - optind, argv + optind);
    izde_searcher *s = NULL;
    izde_status st = query ? IZDE_OK : izde_error_set(&err, IZDE_ERR_NOMEM, "out of memory");
    if (st == IZDE_OK && o.export && !*query)
        o.rq.search.query = query; /* every entry: no query to check */
    else if (st == IZDE_OK && (izde_request_set(&o.rq, "q", query, &err) != IZDE_OK ||
                               izde_request_finish(&o.rq, &err) != IZDE_OK))
        st = IZDE_ERR_INVALID_ARG;
    if (st == IZDE_OK)
        st = izde_searcher_open_shards(o.db, &o.sh, &s, &err);
    if (st != IZDE_OK) {
        fprintf(stderr, "izde-query: %s\n", err.msg);
        code = exit_for(st);
    } else {
        code = run(&o, s);
    }
    izde_searcher_close(s);
    izde_config_free(conf);
    free(query);
    return code;
}
