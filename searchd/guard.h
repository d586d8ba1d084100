/* searchd/guard.h — the daemon's defence against slow and idle connections.
 *
 * Design: libmicrohttpd closes a connection only after --timeout seconds without traffic, so a
 * client that trickles a header line every few seconds keeps its connection forever, and
 * enough of them fill every slot. The guard keeps a record of every open connection (its file
 * descriptor, its event thread, since when it waits) and closes, with shutdown(2), the ones
 * that abuse it; libmicrohttpd then sees the end of the stream and cleans up as for any
 * client that left. It knows nothing of HTTP libraries, so it is tested with plain sockets.
 *
 * - Request deadline: a request must arrive complete (request line, headers, body) within
 *   the deadline, counted from the connection's opening for its first request, and for a
 *   later one from its first byte (seen in the kernel's TCP_INFO byte count by the sweep, so
 *   up to one sweep late). A keep-alive connection waiting for its next request is idle, and
 *   left to --timeout.
 * - Shedding: each event thread of libmicrohttpd holds at most its share of
 *   --max-connections. When a new connection takes a thread above a mark a little below its
 *   share, the guard closes the thread's oldest waiting connections (idle, or still sending its
 *   request) to make room, so a new client is always accepted; connections being answered are
 *   never shed.
 *
 * Race-freedom: the guard only touches a descriptor under its mutex, between sd_guard_open()
 * and sd_guard_close(); libmicrohttpd reports a connection's end (sd_guard_close()) before it
 * closes the descriptor, so a descriptor the guard shuts down is never one reused by another
 * connection.
 *
 * Thread safety: every function may be called from any thread.
 */
#ifndef SD_GUARD_H
#define SD_GUARD_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <izde/error.h>

/* One open connection; owned by the guard from sd_guard_open() to sd_guard_close(). */
typedef struct sd_conn {
    struct sd_conn *prev, *next; /* in its thread's list, longest waiting first */
    int fd;
    unsigned thread;
    uint64_t since_ns;   /* opened, or its last answer completed */
    uint64_t request_ns; /* when its current request began; 0 = not seen to begin */
    uint64_t rx_mark;    /* bytes received when its last answer completed */
    int answering;       /* a response is queued: neither shed nor cut */
    int closing;         /* shut down by the guard; the server has yet to notice */
} sd_conn;

typedef struct sd_guard_thread {
    const void *key; /* the event thread's identity (its libmicrohttpd daemon); NULL = free */
    sd_conn *head, *tail;
    size_t live; /* open and not closing */
} sd_guard_thread;

/* What the guard did since the previous sd_guard_take_counts(). */
typedef struct sd_guard_counts {
    size_t shed;    /* waiting connections closed to make room */
    size_t cut;     /* requests not complete by the deadline */
    size_t open;    /* connections open now */
    size_t refused; /* connections not guarded (out of memory) */
} sd_guard_counts;

typedef struct sd_guard {
    pthread_mutex_t mu;
    sd_guard_thread *threads;
    size_t n_threads;
    size_t mark;          /* per thread: more live connections than this shed the oldest */
    uint64_t deadline_ns; /* for a request to arrive complete */
    sd_guard_counts counts;
} sd_guard;

/* Makes a guard for `threads` event threads sharing max_connections, with a request
 * deadline of deadline_s seconds. IZDE_ERR_NOMEM, or IZDE_ERR_INTERNAL when the mutex cannot be
 * made. Free with sd_guard_free(), after the last sd_guard_close(). */
izde_status sd_guard_init(sd_guard *g, unsigned threads, unsigned max_connections,
                          unsigned deadline_s, izde_error *err);
void sd_guard_free(sd_guard *g);

/* The connections one event thread may hold before the oldest waiting ones are shed. */
size_t sd_guard_mark(unsigned threads, unsigned max_connections);

/* Records a new connection on socket fd, served by the event thread `thread` (any pointer
 * that identifies it), and sheds that thread's oldest waiting connections when it holds more
 * than its mark. The guard owns the record until sd_guard_close(); NULL when out of memory
 * (the connection is then served unguarded and counted as refused). */
sd_conn *sd_guard_open(sd_guard *g, const void *thread, int fd, uint64_t now_ns);

/* Whether c is the only open connection of its event thread, so that answering it on that
 * thread keeps no other connection waiting; 0 for NULL. */
int sd_guard_alone(sd_guard *g, const sd_conn *c);

/* A response was queued on c: from now on it is neither shed nor cut. NULL-safe. */
void sd_guard_answering(sd_guard *g, sd_conn *c);

/* c's request is over; it waits for the next (idle until a byte arrives). NULL-safe. */
void sd_guard_answered(sd_guard *g, sd_conn *c, uint64_t now_ns);

/* The server closed c's connection (before closing its descriptor); frees c. NULL-safe. */
void sd_guard_close(sd_guard *g, sd_conn *c);

/* Shuts down every connection whose request is past the deadline. Call about every 0.5 s. */
void sd_guard_sweep(sd_guard *g, uint64_t now_ns);

/* Copies the counts into *out and sets shed, cut and refused back to 0. */
void sd_guard_take_counts(sd_guard *g, sd_guard_counts *out);

#endif
