/* searchd/server.h — the HTTP server: libmicrohttpd, event threads, searchers, signals.
 *
 * Design: the only file that includes <microhttpd.h>. libmicrohttpd runs event threads
 * (epoll; SD_LOOPS_PER_SEARCHER per searcher), each serving its share of the connections, so an
 * idle or slow connection costs a descriptor and a little memory, never a thread: thousands of
 * them cannot starve the others. A request is searched on the event thread that read it, with a
 * searcher checked out of the pool (pool.h, --threads slots; a request waits when all are busy),
 * so Xapian readers are never used by two threads at once and at most --threads requests are
 * searched at once. The guard (guard.h) keeps a record of every connection: a sweeper thread cuts
 * requests not complete by --request-timeout, and a new connection that takes a thread near its
 * share of --max-connections sheds that thread's oldest waiting connections; libmicrohttpd itself
 * enforces --per-ip-limit, --timeout (idle) and --max-header-size (414 or 431 beyond). For each
 * request the server copies the target as received (libmicrohttpd's URI log callback), a few
 * headers and the method into an sd_request, calls sd_route() and turns the sd_response into a
 * libmicrohttpd response. The main thread waits for signals: SIGHUP makes every searcher reopen
 * before its next request; SIGTERM and SIGINT stop accepting connections, let the requests in
 * flight finish (at most SD_DRAIN_SECONDS) and stop.
 */
#ifndef SD_SERVER_H
#define SD_SERVER_H

#include "config.h"
#include "state.h"

#define SD_DRAIN_SECONDS 10
#define SD_LOOPS_PER_SEARCHER 4 /* event threads per searcher */
#define SD_LOOPS_MAX 64
#define SD_SPARE_FDS 64 /* descriptors beyond the connections: index files, listener, log */

enum sd_exit {
    SD_EXIT_OK = 0,
    SD_EXIT_USAGE = 2,
    SD_EXIT_NO_INDEX = 3,
    SD_EXIT_LISTEN = 4,
    SD_EXIT_OTHER = 5,
    SD_EXIT_BUSY = 75, /* another izde-searchd accepts writes to the index (DIR/WRITER) */
};

/* Serves st with the settings of cfg until SIGTERM or SIGINT; returns an sd_exit code. */
int sd_serve(sd_state *st, const sd_config *cfg);

#endif
