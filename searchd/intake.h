/* searchd/intake.h — threads that answer requests away from the event threads.
 *
 * Design: libmicrohttpd keeps a connection on the event thread that accepted it, and most
 * connections come to the same few threads: answered there, two keep-alive clients on one
 * event thread took turns on one core while the other idled (bench/run, 2 clients: 790 against
 * 1,500 queries/s, by the luck of the accept). So when a request's event thread holds other
 * connections, the server suspends the request's connection and hands the parsed request to
 * an intake; its threads route it and call the job's done(), which resumes the connection to
 * send the answer. A connection alone on its thread is answered there: the hand-over costs
 * two thread wake-ups (sd_guard_alone(), server.c).
 *  - Searches and every other read: one thread per searcher, each checking one out of the
 *    pool for the job, so that as many requests run at once as there are searchers, whichever
 *    event threads their connections are on.
 *  - Writes: a write may wait seconds for room in the writer's backlog (write_applier.h), and
 *    answered with a searcher it held one while it waited: in bench/writes, two clients loading
 *    in bulk left the searches that looked for a probe's entry queued behind them (3.4 s from
 *    acknowledgement to found at p50, with the entry committed within 0.7 s). Writes have
 *    their own intakes of one thread, without searchers, which route them in arrival order
 *    (the journal orders them anyway).
 *
 * Thread safety: sd_intake_submit() from any thread between start and stop.
 */
#ifndef SD_INTAKE_H
#define SD_INTAKE_H

#include <pthread.h>

#include "pool.h"
#include "router.h"

typedef struct sd_intake_job sd_intake_job;
struct sd_intake_job {
    sd_request req;                   /* the submitter's; read on the intake thread */
    sd_response resp;                 /* filled on an intake thread before done() */
    void (*done)(sd_intake_job *job); /* called on an intake thread; must not block */
    sd_intake_job *next;              /* the queue's */
};

typedef struct sd_intake {
    sd_state *st;
    sd_pool *pool;      /* the searchers the jobs check out; NULL for writes, which use none */
    pthread_t *threads; /* owned */
    size_t n_threads;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    sd_intake_job *head, *tail;
    int stopping, started;
} sd_intake;

/* Starts n (> 0) threads; they route with st and, for each job, a searcher of pool when it is
 * not NULL (both borrowed, outliving the intake). */
izde_status sd_intake_start(sd_intake *in, sd_state *st, sd_pool *pool, size_t n, izde_error *err);

/* Routes job on the calling thread as the intake's threads do, a searcher of its pool checked
 * out for it; done() is not called. */
void sd_intake_route(sd_intake *in, sd_intake_job *job);

/* Queues job (borrowed until its done() is called). */
void sd_intake_submit(sd_intake *in, sd_intake_job *job);

/* Lets the jobs being routed finish, answers the queued ones 503 (the daemon is stopping) and
 * joins the threads. Every submitted job has had its done() called on return. */
void sd_intake_stop(sd_intake *in);

#endif
