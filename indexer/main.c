/* izde-indexer: parse arguments -> config -> run. */
#define _POSIX_C_SOURCE 200809L
#include "run.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <izde/config.h>
#include <izde/number.h>

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
            "izde-indexer: writing the index failed inside Xapian: %s (the index keeps its "
            "last commit)\n",
            strerror(errno));
    _exit(EXIT_FATAL);
}

static void usage(FILE *out)
{
    char shipped[4096];
    izde_shipped_synonyms_describe(shipped, sizeof shipped);
    fprintf(out,
            "Usage: izde-indexer [OPTIONS] FILE|DIR|- ...\n"
            "       izde-indexer [--db DIR] --delete ID...\n"
            "       izde-indexer [--db DIR] --synonyms FILE|--no-synonyms\n"
            "\n"
            "Index news entries into an izde search index.\n"
            "\n"
            "Inputs, by file name:\n"
            "  *.jsonl                   one JSON entry per line (what izde-query --export\n"
            "                            writes)\n"
            "  *.txt                     a dated news page\n"
            "  *.xml *.rss *.atom *.rdf  an RSS 2.0, RSS 1.0 or Atom feed: an entry per item\n"
            "  *.html *.htm *.xhtml      an article page: one entry, the story without the\n"
            "                            page around it (menus, asides, footers, scripts)\n"
            "  -                         standard input: JSONL, or a feed or page when it\n"
            "                            starts with '<'\n"
            "A file named here is read whatever its name (its first bytes tell the format);\n"
            "a folder is walked recursively, in name order, for the names above (names\n"
            "starting with '.' are skipped). Feeds and pages are read whole, up to 32 MiB\n"
            "each; encodings they declare (windows-1251...) are converted. Titles, dates,\n"
            "ids, links, languages and tags come from what they declare (pubDate, guid,\n"
            "xml:lang, canonical link, article:published_time...).\n"
            "\n"
            "By default indexing is incremental: an entry whose id is already indexed is\n"
            "replaced, and one that has not changed is skipped.\n"
            "\n"
            "Options:\n"
            "  -d, --db DIR        index folder (default: $IZDE_DB, else db in the config\n"
            "                      file, else ./index)\n"
            "  -r, --rebuild       build a complete new index beside the live one and switch\n"
            "                      to it atomically when done; the previous one is kept for\n"
            "                      rollback, older ones are removed\n"
            "      --delete        treat the arguments as entry ids to delete\n"
            "  -b, --batch N       entries per commit (default 4000); an interrupted run\n"
            "                      keeps everything up to the last commit\n"
            "  -j, --jobs N        writer threads for a rebuild or a first build (default:\n"
            "                      jobs in the config file, else one per core); their\n"
            "                      shards are merged at the end\n"
            "      --shards N      with --rebuild or a first build: split the entries over\n"
            "                      N databases (1 to 64) by a hash of their id, built in\n"
            "                      parallel and switched together; later runs send each\n"
            "                      entry and deletion to its shard (default: the live\n"
            "                      index's layout, else 1)\n"
            "      --delta-max N   an incremental run writes new and changed entries into\n"
            "                      a small delta database beside the index, so that it does\n"
            "                      not rewrite the whole index; once the delta holds more\n"
            "                      than N entries at the end of a run, it is folded into\n"
            "                      the index (default: a twentieth of the index's entries,\n"
            "                      at least 2000); 0 writes into the index itself;\n"
            "                      a rebuild starts without a delta, and sharded indexes\n"
            "                      always write into their shards\n"
            "      --no-spelling   do not build the \"did you mean\" dictionary (faster)\n"
            "      --synonyms FILE\n"
            "                      store the synonym groups of FILE in the index (one group\n"
            "                      per line: Astana = Nur-Sultan = Астана); every run\n"
            "                      stores them anew, from synonyms in the config file\n"
            "                      when this option is not given, else from the groups\n"
            "                      shipped with izde, in share/izde/ beside the folder of\n"
            "                      this program (in a build folder, a copy of data/):\n"
            "                      %s\n"
            "      --no-synonyms   store no synonym groups (the same as --synonyms none)\n"
            "      --progress      show progress even when standard error is not a terminal\n"
            "  -q, --quiet         never show progress\n"
            "      --config FILE   read settings from FILE instead of $IZDE_CONFIG or\n"
            "                      " IZDE_CONFIG_DEFAULT_FILE "\n"
            "  -h, --help          show this help and exit\n"
            "\n" IZDE_CONFIG_HELP
            "named as the long options. izde-indexer reads db, jobs and synonyms; options\n"
            "on the command line win over the file, and $IZDE_DB over its db.\n"
            "\n"
            "Rejected entries are reported as FILE:LINE: REASON on standard error (a feed\n"
            "item as FILE:LINE: item N: REASON, a whole feed or page as FILE: REASON); the\n"
            "rest is indexed. The run ends with a summary line.\n"
            "\n"
            "Exit status:\n"
            "  0    every entry was indexed (or was unchanged)\n"
            "  1    some entries were rejected; the others were indexed\n"
            "  2    usage, config file or fatal error (changes after the last commit, or\n"
            "       the whole rebuild, were dropped)\n"
            "  75   another izde-indexer or izde-reindex is writing this index (DIR/LOCK),\n"
            "       or, for a run that is not a --rebuild, an izde-searchd accepts writes to\n"
            "       it (DIR/WRITER); nothing was changed: try again later\n"
            "  130  interrupted by a signal (the last commit is kept; a rebuild is dropped)\n",
            shipped);
}

/* Settings of the config file the command line did not give. Returns -1 to go on, else the
 * exit code. */
static int apply_config(indexer_config *cfg, const char *synonyms, izde_config *conf)
{
    izde_error err = {0};
    if (!synonyms && izde_config_synonyms(conf, &synonyms, &err) != IZDE_OK) {
        fprintf(stderr, "izde-indexer: %s\n", err.msg);
        return EXIT_FATAL;
    }
    izde_config_index_synonyms(synonyms, &cfg->index);
    const char *jobs = izde_config_get(conf, "jobs");
    if (!cfg->index.jobs && jobs && !izde_parse_u32(jobs, 1, 64, &cfg->index.jobs)) {
        izde_error why = {IZDE_ERR_INVALID_ARG, "must be a number from 1 to 64"};
        izde_config_error(conf, "jobs", &why, &err);
        fprintf(stderr, "izde-indexer: %s\n", err.msg);
        return EXIT_FATAL;
    }
    if (!cfg->db_dir)
        cfg->db_dir = izde_config_db(conf, IZDE_DB_DEFAULT);
    return -1;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"rebuild", no_argument, NULL, 'r'},
        {"delete", no_argument, NULL, 'D'},
        {"batch", required_argument, NULL, 'b'},
        {"no-spelling", no_argument, NULL, 'S'},
        {"progress", no_argument, NULL, 'P'},
        {"jobs", required_argument, NULL, 'j'},
        {"synonyms", required_argument, NULL, 'Y'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"config", required_argument, NULL, 'C'},
        {"no-synonyms", no_argument, NULL, 'N'},
        {"shards", required_argument, NULL, 's'},
        {"delta-max", required_argument, NULL, 'M'},
        {NULL, 0, NULL, 0},
    };
    indexer_config cfg = {.stop = &stop_requested};
    const char *config_file = NULL, *synonyms = NULL;
    int deleting = 0, quiet = 0, force_progress = 0, c;
    while ((c = getopt_long(argc, argv, "d:rb:j:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            cfg.db_dir = optarg;
            break;
        case 'r':
            cfg.index.rebuild = 1;
            break;
        case 'D':
            deleting = 1;
            break;
        case 'b':
            if (!izde_parse_u32(optarg, 1, 10000000, &cfg.index.batch_size)) {
                fprintf(stderr, "izde-indexer: --batch needs a number from 1 to 10000000\n");
                return EXIT_FATAL;
            }
            break;
        case 'j':
            if (!izde_parse_u32(optarg, 1, 64, &cfg.index.jobs)) {
                fprintf(stderr, "izde-indexer: --jobs needs a number from 1 to 64\n");
                return EXIT_FATAL;
            }
            break;
        case 's':
            if (!izde_parse_u32(optarg, 1, 64, &cfg.index.shards)) {
                fprintf(stderr, "izde-indexer: --shards needs a number from 1 to 64\n");
                return EXIT_FATAL;
            }
            break;
        case 'M':
            if (!izde_parse_u32(optarg, 0, 100000000, &cfg.index.delta_max)) {
                fprintf(stderr, "izde-indexer: --delta-max needs a number from 0 to 100000000\n");
                return EXIT_FATAL;
            }
            cfg.index.in_place = cfg.index.delta_max == 0;
            break;
        case 'C':
            config_file = optarg;
            break;
        case 'Y':
        case 'N':
            if (synonyms) {
                fprintf(stderr,
                        "izde-indexer: give one --synonyms or --no-synonyms, not several\n");
                return EXIT_FATAL;
            }
            synonyms = c == 'N' ? IZDE_SYNONYMS_NONE : optarg;
            break;
        case 'S':
            cfg.index.no_spelling = 1;
            break;
        case 'P':
            force_progress = 1;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            usage(stdout);
            return EXIT_ALL_INDEXED;
        default:
            fprintf(stderr, "Try 'izde-indexer --help' for more information.\n");
            return EXIT_FATAL;
        }
    }
    const char *wrong = NULL;
    if (deleting && cfg.index.rebuild)
        wrong = "--delete and --rebuild cannot be combined";
    else if (quiet && force_progress)
        wrong = "--quiet and --progress cannot be combined";
    else if (optind < argc)
        wrong = NULL;
    else if (deleting)
        wrong = "no entry ids given to --delete";
    else if (cfg.index.rebuild) /* a rebuild from nothing would make an empty index live */
        wrong = "no input given to --rebuild (a file, a folder or '-')";
    else if (!synonyms) /* only storing synonym groups needs no input */
        wrong = "no input given (a file, a folder or '-')";
    if (wrong) {
        fprintf(stderr, "izde-indexer: %s\nTry 'izde-indexer --help' for more information.\n",
                wrong);
        return EXIT_FATAL;
    }
    if (deleting) {
        cfg.delete_ids = argv + optind;
        cfg.n_delete = argc - optind;
    } else {
        cfg.inputs = argv + optind;
        cfg.n_inputs = argc - optind;
    }
    cfg.progress = !quiet && (force_progress || isatty(STDERR_FILENO));
    izde_config *conf = NULL;
    izde_error err = {0};
    if (izde_config_read(config_file, &conf, &err) != IZDE_OK) {
        fprintf(stderr, "izde-indexer: %s\n", err.msg);
        return EXIT_FATAL;
    }
    int code = apply_config(&cfg, synonyms, conf);
    if (code < 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        izde_indexer_on_abort(on_xapian_abort);
        code = indexer_run(&cfg);
    }
    izde_config_free(conf);
    return code;
}
