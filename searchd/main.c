/* izde-searchd: parse arguments -> config -> check the index -> serve -> stop. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"
#include "log.h"
#include "router.h"
#include "server.h"
#include "state.h"
#include "write_applier.h"
#include "write_keys.h"
#include "write_routes.h"

#include <izde/indexer.h>
#include <izde/number.h>
#include <izde/query.h>
#include <izde/search.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fprintf(
        out,
        "Usage: izde-searchd [OPTIONS]\n"
        "\n"
        "Serve an izde index over HTTP: a JSON search API and a demo search page.\n"
        "\n"
        "Options:\n"
        "  -d, --db DIR              index folder (default: $IZDE_DB, else db in the config\n"
        "                            file, else ./index); given again, a shard: a\n"
        "                            database path or tcp://HOST:PORT (xapian-tcpsrv);\n"
        "                            the shards (at most 64) are searched as one index\n"
        "                            instead of DIR's own entries, DIR giving the\n"
        "                            spelling dictionary, synonyms and generation\n"
        "                            switches; writes are then off\n"
        "      --shard-timeout MS    give up on a remote shard that does not connect or\n"
        "                            answer a call within MS milliseconds (default\n"
        "                            10000): 503 shard_unavailable\n"
        "  -l, --listen ADDR:PORT    address to listen on (default " SD_DEFAULT_LISTEN ");\n"
        "                            [IPV6]:PORT for IPv6, e.g. [::1]:8080; PORT alone means\n"
        "                            127.0.0.1:PORT; port 0 picks a free port. All interfaces\n"
        "                            only when asked for: 0.0.0.0:PORT or [::]:PORT\n"
        "  -t, --threads N           searchers: requests searched at once, each with its\n"
        "                            own reader of the index (default 0: one per core);\n"
        "                            4 event threads per searcher serve the connections\n"
        "      --cors-origin ORIGIN  send CORS headers for ORIGIN: \"*\" for any, or origins\n"
        "                            separated by commas (default: no CORS headers)\n"
        "      --max-connections N   open connections in all (default %d); near the\n"
        "                            limit the oldest waiting ones are closed to make room\n"
        "      --per-ip-limit N      open connections per client address (default %d;\n"
        "                            0 = none, advisable behind a reverse proxy)\n"
        "      --timeout S           close a connection idle for S seconds (default %d)\n"
        "      --request-timeout S   close a connection whose request is not complete S\n"
        "                            seconds after it began (default %d)\n"
        "      --max-header-size KIB\n"
        "                            request line and headers, in KiB (default %d; %d to\n"
        "                            %d); beyond, 414 or 431\n"
        "  -c, --config FILE         read settings from FILE instead of $IZDE_CONFIG or\n"
        "                            " IZDE_CONFIG_DEFAULT_FILE " (see below)\n"
        "  -h, --help                show this help and exit\n"
        "\n"
        "Config file: " IZDE_CONFIG_DEFAULT_FILE " when it exists (or the file named by\n"
        "$IZDE_CONFIG or --config), shared by every izde program: one \"key = value\" per\n"
        "line, keys named as the long options without the dashes (db, listen, threads,\n"
        "cors-origin, max-connections, per-ip-limit, timeout, request-timeout and\n"
        "max-header-size are read here; the keys of the other programs are left to\n"
        "them); '#' starts a comment line; a value may be in double quotes. Options on\n"
        "the command line win over the file, and $IZDE_DB over its db. Two keys are read\n"
        "from the config file only, never from options:\n"
        "  admin-key-file = FILE   the admin key: writes on (off without it)\n"
        "  search-key-file = FILE  the search key (without it searching is open)\n"
        "A key file is mode 600 (refused when group or others may access it) and holds\n"
        "one key of %d to %d printable ASCII characters without spaces.\n"
        "\n"
        "Endpoints (GET or HEAD; JSON in UTF-8 unless said otherwise):\n"
        "  /search?q=Q         results, same query language, ranking, snippets and JSON as\n"
        "                      izde-query --format json. Parameters: lang=en|kk|ru,\n"
        "                      from=YYYY-MM-DD, to=YYYY-MM-DD, tag=T (repeatable: all must\n"
        "                      match), sort=relevance|date, page=N (from 1), per_page=N\n"
        "                      (default 10), facets=0|1 (1: counts by year, lang and tag\n"
        "                      over every match, and an exact total; default 0, as in\n"
        "                      izde-query), recency=0..100, strict=0|1, no_collapse=0|1\n"
        "                      (the meanings of izde-query's options of those names).\n"
        "                      Query syntax is read leniently: a slip is\n"
        "                      never an error, but NOT or a filter inside a NEAR is\n"
        "                      (400 query_syntax).\n"
        "  /suggest?q=TEXT     {\"query\",\"suggestions\"}: up to %d completions of the last word\n"
        "  /entries/ID         the stored entry (ID percent-encoded), or 404\n"
        "  /health             {\"status\",\"entries\",\"generation\",\"built\",\"reopens\"},\n"
        "                      and \"writes\":{\"journal\",\"applied\",\"committed\"} (the\n"
        "                      last record of each), \"generation\" (the one written)} when\n"
        "                      writes are on\n"
        "  /metrics            Prometheus text: requests by endpoint and status, latency\n"
        "                      histogram, index entries and generation, reopens\n"
        "  /                   the demo search page (files compiled into the program)\n"
        "OPTIONS on any endpoint answers CORS preflights (204).\n"
        "\n"
        "Writes (with an admin key; Authorization: Bearer KEY), acknowledged once in the\n"
        "fsynced journal DIR/journal, searchable within a second:\n"
        "  PUT /entries/ID     one entry, the JSON of a JSONL line (id may be left out)\n"
        "  DELETE /entries/ID  remove the entry\n"
        "  POST /entries       NDJSON: a result per line, {\"line\",\"id\",\"ok\"} and the\n"
        "                      error izde-indexer would report for a rejected line\n"
        "With a search key, /search, /suggest and GET /entries/ID need it (or the admin\n"
        "key); /health, /metrics and the page stay open.\n"
        "\n"
        "Errors are {\"error\":{\"code\",\"message\"}}: 400 missing_query, query_too_long,\n"
        "query_syntax, bad_encoding, bad_date, bad_parameter, bad_entry, id_mismatch,\n"
        "bad_request; 401 unauthorized; 403 forbidden, writes_disabled; 404 not_found;\n"
        "405 method_not_allowed; 413 request_too_large (a body where none is read, or\n"
        "over its limit); 414 uri_too_long; 503 index_unavailable, index_busy,\n"
        "overloaded, shard_unavailable; 500 internal.\n"
        "\n"
        "Limits: request target (path and query string) %d bytes; query %d bytes;\n"
        "per_page 1..%d; page 1..%d; %d tag parameters; request line and headers\n"
        "--max-header-size (beyond, libmicrohttpd answers 414 or 431 itself); bodies only\n"
        "for writes: PUT %d MiB, POST %d MiB.\n"
        "\n"
        "Connections: event threads (epoll, 4 per searcher) share the connections and\n"
        "search the requests they read, each checking out one of the --threads searchers\n"
        "(waiting when all are busy): idle or slow connections cost no thread.\n"
        "A request must arrive complete within --request-timeout (from the connection's\n"
        "opening, or from its first byte on a kept-alive connection); a connection idle\n"
        "for --timeout is closed. When a thread nears its share of --max-connections, a\n"
        "new connection closes the thread's oldest connections that are idle or still\n"
        "sending their request (never one being answered): new clients are accepted\n"
        "while slow ones are dropped, and the log says how many once a second. The soft\n"
        "limit of open files is raised to the hard one at startup.\n"
        "A searcher's reader of the index is refreshed before every request (a few\n"
        "microseconds): new commits and switched generations (izde-indexer --rebuild) are\n"
        "served without a restart. A failed refresh is logged and the previous state keeps\n"
        "serving.\n"
        "\n"
        "Logging: diagnostics and one access line per request on standard error: time\n"
        "(ISO 8601, UTC), method, target (first %d bytes, escaped), status, duration. The\n"
        "target includes the query string, hence what people searched for.\n"
        "\n"
        "Signals:\n"
        "  SIGTERM, SIGINT   stop accepting connections, finish the requests in flight (at\n"
        "                    most %d s), exit 0\n"
        "  SIGHUP            every searcher reopens the index before its next request\n"
        "\n"
        "Exit status:\n"
        "  0   stopped by SIGTERM or SIGINT, or --help\n"
        "  2   usage or config file error\n"
        "  3   no index at --db (build one with izde-indexer first), or one it cannot read\n"
        "      (damaged, or of another format: the message says how to rebuild it)\n"
        "  4   cannot listen on the address (in use, not permitted, not local)\n"
        "  5   other error\n"
        "  75  another izde-searchd accepts writes to this index (DIR/WRITER)\n"
        "\n"
        "Example:\n"
        "  izde-indexer --db /srv/izde data/ && izde-searchd --db /srv/izde --listen "
        "127.0.0.1:8080\n"
        "  curl 'http://127.0.0.1:8080/search?q=swimmer&per_page=5'\n",
        SD_DEFAULT_MAX_CONNECTIONS, SD_DEFAULT_PER_IP_LIMIT, SD_DEFAULT_TIMEOUT,
        SD_DEFAULT_REQUEST_TIMEOUT, SD_DEFAULT_MAX_HEADER_KIB, SD_MAX_HEADER_KIB_MIN,
        SD_MAX_HEADER_KIB_MAX, SD_KEY_MIN, SD_KEY_MAX, SD_SUGGEST_MAX, SD_TARGET_MAX,
        IZDE_QUERY_MAX, SD_PER_PAGE_MAX, SD_PAGE_MAX, SD_TAGS_MAX, SD_PUT_BODY_MAX >> 20,
        SD_BULK_BODY_MAX >> 20, SD_LOG_TARGET_MAX, SD_DRAIN_SECONDS);
}

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, sd_config *cfg)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"listen", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 't'},
        {"cors-origin", required_argument, NULL, 'O'},
        {"max-connections", required_argument, NULL, 'M'},
        {"per-ip-limit", required_argument, NULL, 'P'},
        {"timeout", required_argument, NULL, 'T'},
        {"request-timeout", required_argument, NULL, 'R'},
        {"max-header-size", required_argument, NULL, 'H'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {"shard-timeout", required_argument, NULL, 'W'},
        {NULL, 0, NULL, 0},
    };
    int c, have_db = 0;
    while ((c = getopt_long(argc, argv, "d:l:t:c:h", longopts, NULL)) != -1) {
        izde_error err = {0};
        const char *name = NULL;
        for (int i = 0; longopts[i].name && !name; i++)
            if (longopts[i].val == c)
                name = longopts[i].name;
        if (c == 'h') {
            usage(stdout);
            return SD_EXIT_OK;
        } else if (c == 'd' && have_db++) {
            if (cfg->n_shards == sizeof cfg->shards / sizeof cfg->shards[0]) {
                fprintf(stderr, "izde-searchd: at most 64 shards\n");
                return SD_EXIT_USAGE;
            }
            cfg->shards[cfg->n_shards++] = optarg;
        } else if (c == 'W') {
            if (!izde_parse_u32(optarg, 1, 3600000, &cfg->shard_timeout_ms)) {
                fprintf(stderr, "izde-searchd: --shard-timeout needs milliseconds, 1 to "
                                "3600000\n");
                return SD_EXIT_USAGE;
            }
        } else if (c == 'c') {
            free(cfg->config_file);
            if (!(cfg->config_file = strdup(optarg)))
                return SD_EXIT_OTHER;
        } else if (!name) {
            fprintf(stderr, "Try 'izde-searchd --help' for more information.\n");
            return SD_EXIT_USAGE;
        } else if (sd_config_set(cfg, name, optarg, &err) != IZDE_OK) {
            fprintf(stderr, "izde-searchd: --%s: %s\n", name, err.msg);
            return err.code == IZDE_ERR_NOMEM ? SD_EXIT_OTHER : SD_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr,
                "izde-searchd: unexpected argument '%s'\nTry 'izde-searchd --help' for "
                "more information.\n",
                argv[optind]);
        return SD_EXIT_USAGE;
    }
    return -1;
}

/* Fails fast when there is no index: a daemon that would answer 503 forever helps no one. */
static int check_index(const char *db, const izde_search_shards *shards)
{
    izde_searcher *s = NULL;
    izde_index_info info = {0};
    izde_error err = {0};
    izde_status rc = izde_searcher_open_shards(db, shards, &s, &err);
    if (rc == IZDE_OK)
        rc = izde_searcher_info(s, &info, &err);
    izde_searcher_close(s);
    if (rc != IZDE_OK) {
        sd_log("%s", err.msg);
        return rc == IZDE_ERR_DB_NOT_FOUND || rc == IZDE_ERR_DB_CORRUPT ? SD_EXIT_NO_INDEX
                                                                        : SD_EXIT_OTHER;
    }
    sd_log("index %s: generation %u, %u entries, built %s", db, (unsigned)info.generation,
           (unsigned)info.entries, info.built[0] ? info.built : "(unknown)");
    return -1;
}

/* Xapian ended the process inside the writer thread's commit (izde_indexer_on_abort): the
 * journal keeps every acknowledged write for the restart to replay. */
static void on_xapian_abort(void)
{
    sd_log("applying writes failed inside Xapian: %s (the index keeps its last commit; the "
           "journal is replayed at the next start)",
           strerror(errno));
    _exit(SD_EXIT_OTHER);
}

/* Loads the keys and, with an admin key, opens the journal and starts the writer thread.
 * Returns -1 to go on, else the exit code. */
static int start_writes(const sd_config *cfg, sd_keys *keys, sd_writer **out_writer)
{
    izde_error err = {0};
    if (sd_keys_load(keys, cfg->admin_key_file, cfg->search_key_file, &err) != IZDE_OK) {
        sd_log("%s", err.msg);
        return err.code == IZDE_ERR_NOMEM ? SD_EXIT_OTHER : SD_EXIT_USAGE;
    }
    sd_log("searching is %s", keys->search ? "keyed (search-key-file)" : "open to anyone");
    if (!keys->admin) {
        sd_log("writes are off (no admin-key-file in the config file)");
        return -1;
    }
    izde_indexer_on_abort(on_xapian_abort);
    if (sd_writer_open(cfg->db, out_writer, &err) != IZDE_OK) {
        sd_log("cannot accept writes: %s", err.msg);
        return err.code == IZDE_ERR_DB_LOCKED ? SD_EXIT_BUSY : SD_EXIT_OTHER;
    }
    sd_log("writes are on: PUT, DELETE and POST /entries with the admin key; journal %s/journal",
           cfg->db);
    return -1;
}

int main(int argc, char **argv)
{
    sd_config cfg;
    izde_error err = {0};
    if (sd_config_init(&cfg, &err) != IZDE_OK)
        return SD_EXIT_OTHER;
    int code = parse_args(argc, argv, &cfg);
    izde_config *conf = NULL;
    if (code < 0 && (izde_config_read(cfg.config_file, &conf, &err) != IZDE_OK ||
                     sd_config_apply(&cfg, conf, &err) != IZDE_OK)) {
        sd_log("%s", err.msg);
        code = err.code == IZDE_ERR_NOMEM ? SD_EXIT_OTHER : SD_EXIT_USAGE;
    }
    izde_config_free(conf);
    izde_search_shards shards = {cfg.shards, cfg.n_shards, cfg.shard_timeout_ms};
    if (code < 0)
        code = check_index(cfg.db, &shards);
    sd_keys keys = {0};
    sd_writer *writer = NULL;
    if (code < 0)
        code = start_writes(&cfg, &keys, &writer);
    if (code < 0 && writer && cfg.n_shards) {
        sd_log("writes cannot go to shards given with --db: remove admin-key-file, or write "
               "with izde-indexer where the shards are built");
        code = SD_EXIT_USAGE;
    }
    if (code < 0) {
        sd_state st;
        sd_state_init(&st, cfg.db, cfg.cors_origin);
        st.shards = shards;
        st.writer = writer;
        st.keys = &keys;
        code = sd_serve(&st, &cfg);
    }
    sd_writer_close(writer); /* after the server: no request uses it any more */
    sd_keys_free(&keys);
    sd_config_free(&cfg);
    return code;
}
