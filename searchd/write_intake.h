/* searchd/write_intake.h — the thread that answers write requests away from the event threads.
 *
 * Design: a write may wait seconds for room in the writer's backlog (write_applier.h). Answered
 * on an event thread it stalls every connection of that thread, and it held a searcher while it
 * waited: in bench/writes, two clients loading in bulk left the searches that looked for a
 * probe's entry queued behind them (3.4 s from acknowledgement to found at p50, with the entry
 * committed within 0.7 s). So the server suspends a write's connection and hands the parsed
 * request here; one thread routes the writes in arrival order (the journal orders them anyway)
 * and calls the job's done(), which resumes the connection to send the answer.
 *
 * Thread safety: sd_intake_submit() from any thread between start and stop.
 */
#ifndef SD_WRITE_INTAKE_H
#define SD_WRITE_INTAKE_H

#include <pthread.h>

#include "router.h"

typedef struct sd_intake_job sd_intake_job;
struct sd_intake_job {
    sd_request req;                   /* the submitter's; read on the intake thread */
    sd_response resp;                 /* filled on the intake thread before done() */
    void (*done)(sd_intake_job *job); /* called on the intake thread; must not block */
    sd_intake_job *next;              /* the queue's */
};

typedef struct sd_intake {
    sd_state *st;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    sd_intake_job *head, *tail;
    int stopping, started;
} sd_intake;

/* Starts the thread; it routes with st (borrowed, outlives the intake). */
izde_status sd_intake_start(sd_intake *in, sd_state *st, izde_error *err);

/* Queues job (borrowed until its done() is called). */
void sd_intake_submit(sd_intake *in, sd_intake_job *job);

/* Lets the job being routed finish, answers the queued ones 503 (the daemon is stopping) and
 * joins the thread. Every submitted job has had its done() called on return. */
void sd_intake_stop(sd_intake *in);

#endif
