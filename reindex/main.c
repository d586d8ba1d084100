/* izde-reindex: parse arguments -> config -> rebuild or roll back. */
#define _POSIX_C_SOURCE 200809L
#include "job.h"

#include <izde/config.h>
#include <izde/number.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SMOKE 32

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* Xapian ended the process inside a commit (izde_indexer_on_abort): say why, exit as for any
 * failed write. */
static void on_xapian_abort(void)
{
    fprintf(stderr,
            "izde-reindex: writing the index failed inside Xapian: %s (the index keeps its "
            "last commit)\n",
            strerror(errno));
    _exit(REINDEX_FATAL);
}

static void usage(FILE *out)
{
    char shipped[4096];
    izde_shipped_synonyms_describe(shipped, sizeof shipped);
    fprintf(out,
            "Usage: izde-reindex --source DIR [--db DIR] [OPTIONS]\n"
            "       izde-reindex --rollback [--db DIR] [--log FILE] [--config FILE]\n"
            "\n"
            "Rebuild an izde index from an export folder as a scheduled job (nightly, from a\n"
            "systemd timer or cron), without ever disturbing the searches it serves.\n"
            "\n"
            "The job takes the index folder's lock (DIR/LOCK), removes generation folders left\n"
            "by interrupted runs, and builds a complete new generation beside the live one from\n"
            "every entry file under the source folder: JSONL (*.jsonl), news pages (*.txt),\n"
            "feeds (*.xml, *.rss, *.atom, *.rdf) and article pages (*.html, *.htm, *.xhtml),\n"
            "walked recursively in name order (names starting with '.' are skipped). It then\n"
            "checks the new generation and only if it passes switches to it atomically:\n"
            "izde-searchd and izde-query go on answering from the old generation until the\n"
            "switch, and from the new one after it.\n"
            "The generation it replaced is kept for --rollback; older ones are removed.\n"
            "A run killed at any point (even with kill -9) leaves the live index as it was; the\n"
            "next run cleans up after it.\n"
            "\n"
            "The check refuses the new generation (exit status 3; it is removed and the live\n"
            "index stays) when:\n"
            "  - it does not open, or holds no entries;\n"
            "  - it holds fewer entries than --min-fraction of the live generation (so an empty\n"
            "    or truncated export never replaces a good index; a first build has nothing to\n"
            "    compare with and passes this check);\n"
            "  - a smoke query matches nothing. Each --smoke-query must match at least one\n"
            "    entry. Without --smoke-query, the first entry the run indexed must be found by\n"
            "    its id, and the longest word of its title (of its body when it has no title)\n"
            "    must match.\n"
            "\n"
            "Options:\n"
            "  -s, --source DIR        folder of the export to index (required for a rebuild)\n"
            "  -d, --db DIR            index folder (default: $IZDE_DB, else db in the config\n"
            "                          file; one of them is required); created when missing,\n"
            "                          its parent must exist\n"
            "  -m, --min-fraction F    share of the live generation's entry count the new one\n"
            "                          must reach, from 0 (no size check) to 1 (default 0.9)\n"
            "  -Q, --smoke-query Q     a query that must match at least one entry of the new\n"
            "                          generation (repeatable, at most 32: all must match;\n"
            "                          the izde-query syntax, read leniently)\n"
            "  -l, --log FILE          also append the summary line to FILE (created when\n"
            "                          missing)\n"
            "  -j, --jobs N            writer threads for the build (default: jobs in the\n"
            "                          config file, else one per core)\n"
            "      --shards N          split the new generation into N shards (1 to 64; see\n"
            "                          izde-indexer --shards); default: as many as the live\n"
            "                          index has, so a sharded index is rebuilt sharded and\n"
            "                          all its shards switch together\n"
            "      --synonyms FILE     store the synonym groups of FILE in the new generation\n"
            "                          (default: synonyms in the config file, else the\n"
            "                          groups shipped with izde:\n"
            "                          %s)\n"
            "      --no-synonyms       store no synonym groups (the same as --synonyms none)\n"
            "      --rollback          switch back to the previous generation (after checking\n"
            "                          that it opens) instead of rebuilding; the current one\n"
            "                          becomes the previous one, so a second --rollback undoes\n"
            "                          the first\n"
            "      --config FILE       read settings from FILE instead of $IZDE_CONFIG or\n"
            "                          " IZDE_CONFIG_DEFAULT_FILE "\n"
            "  -h, --help              show this help and exit\n"
            "\n" IZDE_CONFIG_HELP
            "named as the long options. izde-reindex reads db, jobs and synonyms; options\n"
            "on the command line win over the file, and $IZDE_DB over its db.\n"
            "\n"
            "Output:\n"
            "  Rejected entries (FILE:LINE: REASON, the first 100) and errors go to standard\n"
            "  error. Every run ends with one summary line on standard error and, with --log,\n"
            "  appended to FILE:\n"
            "    2026-11-26T03:07:41Z izde-reindex rebuild outcome=ok exit=0 live=8 built=8\n"
            "    replaced=7 entries=5210 before=5200 rejected=0 duration=12.41s db=... source=...\n"
            "  (one line; times in UTC). outcome is ok, refused, locked, failed or interrupted;\n"
            "  live is the generation serving after the run, built the one this run built,\n"
            "  replaced the one it replaced (kept for rollback), entries the new generation's\n"
            "  entry count, before the live one's at the check; a reason=\"...\" field says why a\n"
            "  run did not succeed; '-' marks a value that does not apply.\n"
            "\n"
            "Exit status:\n"
            "  0    the new generation is live (rollback: the previous one is live again)\n"
            "  1    the new generation is live, but some entries of the source were rejected\n"
            "  2    usage, config file or fatal error (unreadable source, I/O, nothing to\n"
            "       roll back to); the live index is untouched\n"
            "  3    the check refused the new generation (see above); it was removed and the\n"
            "       live index is untouched (rollback: the previous generation does not open)\n"
            "  75   another run holds the lock on the index folder (EX_TEMPFAIL); nothing was\n"
            "       done, try again later\n"
            "  130  interrupted by SIGINT or SIGTERM before the switch; the live index is\n"
            "       untouched\n"
            "\n"
            "Examples:\n"
            "  izde-reindex --source /srv/izde/export --db /var/lib/izde/index \\\n"
            "               --log /var/log/izde/reindex.log --smoke-query Astana\n"
            "  izde-reindex --db /var/lib/izde/index --rollback\n"
            "\n"
            "More in the manual page izde-reindex(1): the systemd timer, cron, rollback.\n",
            shipped);
}

static int usage_error(const char *msg)
{
    fprintf(stderr, "izde-reindex: %s\nTry 'izde-reindex --help' for more information.\n", msg);
    return REINDEX_FATAL;
}

/* Settings of the config file the command line did not give. Returns -1 to go on, else the
 * exit code. */
static int apply_config(reindex_config *cfg, int rollback, izde_config *conf)
{
    izde_error err = {0};
    if (!rollback && !cfg->synonyms && izde_config_synonyms(conf, &cfg->synonyms, &err)) {
        fprintf(stderr, "izde-reindex: %s\n", err.msg);
        return REINDEX_FATAL;
    }
    const char *jobs = izde_config_get(conf, "jobs");
    if (!cfg->jobs && jobs && !izde_parse_u32(jobs, 1, 64, &cfg->jobs)) {
        izde_error why = {IZDE_ERR_INVALID_ARG, "must be a number from 1 to 64"};
        izde_config_error(conf, "jobs", &why, &err);
        fprintf(stderr, "izde-reindex: %s\n", err.msg);
        return REINDEX_FATAL;
    }
    if (!cfg->db_dir)
        cfg->db_dir = izde_config_db(conf, NULL);
    if (!cfg->db_dir)
        return usage_error("no index folder: give --db DIR, set IZDE_DB, or set db in the "
                           "config file");
    return -1;
}

int main(int argc, char **argv)
{
    enum { OPT_ROLLBACK = 256, OPT_SYNONYMS, OPT_NO_SYNONYMS, OPT_CONFIG, OPT_SHARDS };
    static const struct option longopts[] = {
        {"source", required_argument, NULL, 's'},
        {"db", required_argument, NULL, 'd'},
        {"min-fraction", required_argument, NULL, 'm'},
        {"smoke-query", required_argument, NULL, 'Q'},
        {"log", required_argument, NULL, 'l'},
        {"jobs", required_argument, NULL, 'j'},
        {"synonyms", required_argument, NULL, OPT_SYNONYMS},
        {"no-synonyms", no_argument, NULL, OPT_NO_SYNONYMS},
        {"rollback", no_argument, NULL, OPT_ROLLBACK},
        {"shards", required_argument, NULL, OPT_SHARDS},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char *smoke[MAX_SMOKE];
    const char *log_path = NULL, *config_file = NULL;
    reindex_config cfg = {
        .min_fraction = 0.9, .smoke_queries = smoke, .log_fd = -1, .stop = &stop_requested};
    int rollback = 0, build_option = 0, c;
    while ((c = getopt_long(argc, argv, "s:d:m:Q:l:j:h", longopts, NULL)) != -1) {
        /* options of a rebuild, which a rollback does not take */
        build_option |= c == 's' || c == 'm' || c == 'Q' || c == 'j' || c == OPT_SHARDS ||
                        c == OPT_SYNONYMS || c == OPT_NO_SYNONYMS;
        switch (c) {
        case 's':
            cfg.source = optarg;
            break;
        case 'd':
            cfg.db_dir = optarg;
            break;
        case 'm':
            if (!izde_parse_double(optarg, 0.0, 1.0, &cfg.min_fraction))
                return usage_error("--min-fraction needs a number from 0 to 1");
            break;
        case 'Q':
            if (!*optarg)
                return usage_error("--smoke-query needs a query");
            if (cfg.n_smoke_queries == MAX_SMOKE)
                return usage_error("at most 32 --smoke-query options");
            smoke[cfg.n_smoke_queries++] = optarg;
            break;
        case 'l':
            log_path = optarg;
            break;
        case 'j':
            if (!izde_parse_u32(optarg, 1, 64, &cfg.jobs))
                return usage_error("--jobs needs a number from 1 to 64");
            break;
        case OPT_SHARDS:
            if (!izde_parse_u32(optarg, 1, 64, &cfg.shards))
                return usage_error("--shards needs a number from 1 to 64");
            break;
        case OPT_SYNONYMS:
        case OPT_NO_SYNONYMS:
            if (cfg.synonyms)
                return usage_error("give one --synonyms or --no-synonyms, not several");
            cfg.synonyms = c == OPT_NO_SYNONYMS ? IZDE_SYNONYMS_NONE : optarg;
            break;
        case OPT_ROLLBACK:
            rollback = 1;
            break;
        case OPT_CONFIG:
            config_file = optarg;
            break;
        case 'h':
            usage(stdout);
            return REINDEX_OK;
        default:
            fprintf(stderr, "Try 'izde-reindex --help' for more information.\n");
            return REINDEX_FATAL;
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument (the source folder is given with --source)");
    if (cfg.db_dir && !*cfg.db_dir)
        return usage_error("--db needs a folder");
    if (rollback && build_option)
        return usage_error("--rollback takes only --db, --log and --config");
    if (!rollback && (!cfg.source || !*cfg.source))
        return usage_error("no source folder: give --source DIR (or --rollback)");
    izde_config *conf = NULL;
    izde_error err = {0};
    if (izde_config_read(config_file, &conf, &err) != IZDE_OK) {
        fprintf(stderr, "izde-reindex: %s\n", err.msg);
        return REINDEX_FATAL;
    }
    int code = apply_config(&cfg, rollback, conf);
    if (code >= 0) {
        izde_config_free(conf);
        return code;
    }
    if (log_path) {
        cfg.log_fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (cfg.log_fd < 0) {
            fprintf(stderr, "izde-reindex: cannot open log file %s: %s\n", log_path,
                    strerror(errno));
            izde_config_free(conf);
            return REINDEX_FATAL;
        }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    izde_indexer_on_abort(on_xapian_abort);
    code = rollback ? reindex_rollback(&cfg) : reindex_rebuild(&cfg);
    if (cfg.log_fd >= 0)
        close(cfg.log_fd);
    izde_config_free(conf);
    return code;
}
