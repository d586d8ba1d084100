/* searchd/server.h — the HTTP server: libmicrohttpd, connection threads, searchers, signals.
 *
 * Design: the only file that includes <microhttpd.h>. libmicrohttpd runs one thread per
 * connection (at most --max-connections), so requests on different connections run on all
 * cores: its thread pool would pin each connection to one pool thread, and two keep-alive
 * clients then often share a thread while another core idles. A request checks a searcher out
 * of the pool (pool.h, --threads slots) for as long as it is routed, so Xapian readers are
 * never used by two threads at once and their number stays bounded. For each request the server
 * copies the target as received (libmicrohttpd's URI log callback), a few headers and the method
 * into an sd_request, calls sd_route() and turns the sd_response into a libmicrohttpd response. The
 * main thread waits for signals: SIGHUP makes every searcher reopen before its next request;
 * SIGTERM and SIGINT stop accepting connections, let the requests in flight finish (at most
 * SD_DRAIN_SECONDS) and stop.
 */
#ifndef SD_SERVER_H
#define SD_SERVER_H

#include "config.h"
#include "state.h"

#define SD_DRAIN_SECONDS 10
#define SD_CONNECTION_MEMORY (32 * 1024) /* request line and headers of one connection */

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
