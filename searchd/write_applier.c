/* The journal of live writes and the thread that applies it to the index (write_applier.h). */
#define _POSIX_C_SOURCE 200809L
#include "write_applier.h"

#include "log.h"

#include <izde/clock.h>
#include <izde/generations.h>
#include <izde/indexer.h>
#include <izde/reader.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RETRY_MS 1000   /* after a failure to open or write the index */
#define IDLE_MS 500     /* longest sleep with nothing to apply (the live generation is checked) */
#define DROP_EVERY_S 60 /* how often applied journal segments are looked for */
#define SESSION_BATCH 1000000 /* the session never commits by itself: commits carry the number */
#define LINGER_MS 20          /* wait for more records before a commit */
#define LINGER_RECORDS 8      /* ... while a round has applied fewer than this */

struct sd_writer {
    char *db;
    int lock_fd; /* DIR/WRITER */
    izde_journal *journal;
    pthread_t thread;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t wake; /* records were appended, or stop was set */
    pthread_cond_t room; /* records were applied */
    int stop;
    _Atomic uint64_t applied, committed;
    _Atomic uint64_t backlog_max; /* records allowed to wait (write_applier.h) */
    double rate;                  /* records applied and committed per second; writer thread */
    atomic_uint generation;
};

/* The writer thread's session on the live generation. */
typedef struct session {
    izde_indexer *ix; /* NULL when none is open */
    izde_journal_cursor *cursor;
    uint32_t gen;
    uint64_t applied, committed;
    uint64_t last_drop_ns;
    int failing; /* the last attempt failed and was logged */
} session;

static void deadline_in(struct timespec *ts, unsigned ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Sleeps up to ms, or until records are appended (or stop is set). */
static void wait_for_records(sd_writer *w, uint64_t applied, unsigned ms)
{
    struct timespec ts;
    deadline_in(&ts, ms);
    pthread_mutex_lock(&w->mu);
    if (!w->stop && izde_journal_last_seq(w->journal) <= applied)
        pthread_cond_timedwait(&w->wake, &w->mu, &ts);
    pthread_mutex_unlock(&w->mu);
}

static void publish(sd_writer *w, const session *s)
{
    atomic_store(&w->applied, s->applied);
    atomic_store(&w->committed, s->committed);
    pthread_mutex_lock(&w->mu);
    pthread_cond_broadcast(&w->room);
    pthread_mutex_unlock(&w->mu);
}

static izde_status commit(sd_writer *w, session *s, izde_error *err)
{
    if (s->applied <= s->committed)
        return IZDE_OK;
    izde_status st = izde_indexer_commit_journal(s->ix, s->applied, err);
    if (st == IZDE_OK)
        s->committed = s->applied;
    publish(w, s);
    return st;
}

/* Ends the session: commits what was applied when commit is set, else drops it (it is applied
 * again from the journal by the next session). */
static void close_session(sd_writer *w, session *s, int commit_applied)
{
    izde_error err = {0};
    if (s->ix && commit_applied && commit(w, s, &err) != IZDE_OK)
        sd_log("cannot commit the writes applied to the index: %s", err.msg);
    izde_indexer_close(s->ix);
    izde_journal_cursor_close(s->cursor);
    s->ix = NULL;
    s->cursor = NULL;
}

static izde_status open_session(sd_writer *w, session *s, izde_error *err)
{
    uint32_t live = 0;
    izde_status st = izde_gen_current(w->db, &live, err);
    if (st == IZDE_OK && !live)
        return izde_error_set(err, IZDE_ERR_DB_NOT_FOUND, "no live generation in %s", w->db);
    /* New words join the spelling dictionary at the next rebuild: adding them rewrites its
     * n-gram lists at every commit, and commits come every SD_WRITE_COMMIT_MS here (on the
     * bench corpus it cut the rate of writes by half). */
    izde_index_opts opts = {.batch_size = SESSION_BATCH, .no_spelling = 1};
    if (st == IZDE_OK)
        st = izde_indexer_open(w->db, &opts, &s->ix, err);
    if (st != IZDE_OK)
        return st;
    s->gen = izde_indexer_generation(s->ix);
    s->applied = s->committed = izde_indexer_journal_seq(s->ix);
    st = izde_journal_cursor_open(w->journal, s->applied, &s->cursor, err);
    if (st != IZDE_OK) {
        close_session(w, s, 0);
        return st;
    }
    atomic_store(&w->generation, s->gen);
    publish(w, s);
    uint64_t last = izde_journal_last_seq(w->journal);
    if (last > s->applied)
        sd_log("writes: applying journal records %llu to %llu to generation %u",
               (unsigned long long)s->applied + 1, (unsigned long long)last, (unsigned)s->gen);
    s->last_drop_ns = 0; /* look for applied segments soon */
    return IZDE_OK;
}

static int generation_changed(const sd_writer *w, const session *s)
{
    uint32_t live = 0;
    return izde_gen_current(w->db, &live, NULL) == IZDE_OK && live && live != s->gen;
}

/* Applies one record. A record the index refuses (it passed the same checks before it was
 * journaled, so only a different izde could write one) is logged and skipped. */
static izde_status apply(session *s, const izde_journal_record *r, izde_error *err)
{
    izde_status st;
    izde_entry *e = NULL;
    if (r->kind == IZDE_JOURNAL_DELETE) {
        st = izde_indexer_delete(s->ix, r->data, r->len, NULL, err);
    } else {
        st = izde_jsonl_parse_line(r->data, r->len, &e, err);
        if (st == IZDE_OK && e)
            st = izde_indexer_add(s->ix, e, err);
        izde_entry_free(e);
    }
    if (st == IZDE_ERR_INVALID_ARG) {
        sd_log("writes: journal record %llu skipped: %s", (unsigned long long)r->seq, err->msg);
        st = IZDE_OK;
    }
    return st;
}

/* Tells waiting writers how far the writer got: room in the backlog. */
static void progress(sd_writer *w, const session *s)
{
    atomic_store(&w->applied, s->applied);
    pthread_mutex_lock(&w->mu);
    pthread_cond_broadcast(&w->room);
    pthread_mutex_unlock(&w->mu);
}

/* Applies records up to number last, until there are no more or the clock passes until (ns). */
static izde_status apply_batch(sd_writer *w, session *s, uint64_t last, uint64_t until,
                               izde_error *err)
{
    izde_status st = IZDE_OK;
    for (unsigned n = 1; s->applied < last; n++) {
        izde_journal_record r;
        int more = 0;
        st = izde_journal_next(s->cursor, &r, &more, err);
        if (st != IZDE_OK || !more)
            break;
        if ((st = apply(s, &r, err)) != IZDE_OK)
            break;
        s->applied = r.seq;
        if (n % 8 == 0) {
            progress(w, s);
            if (izde_clock_ns() > until)
                break;
        }
    }
    progress(w, s);
    return st;
}

/* Applies what was in the journal when the round began, for at most SD_WRITE_COMMIT_MS: a
 * record appended meanwhile waits for this round's commit and the next round, both bounded by
 * the backlog (about SD_WRITE_BACKLOG_MS of work each). Applying what came meanwhile too made
 * every round last the whole window and then commit, so under a bulk load a write waited up to
 * two windows and two commits (1.6 s in bench/writes). A round of a few records lingers a
 * little for more, so that a trickle of writes is not a commit per record; a lone write is
 * committed LINGER_MS after it came. */
static izde_status apply_window(sd_writer *w, session *s, izde_error *err)
{
    uint64_t until = izde_clock_ns() + (uint64_t)SD_WRITE_COMMIT_MS * 1000000u, before = s->applied;
    for (;;) {
        uint64_t last = izde_journal_last_seq(w->journal);
        izde_status st = apply_batch(w, s, last, until, err);
        if (st != IZDE_OK || s->applied == before || izde_clock_ns() >= until ||
            s->applied - before >= LINGER_RECORDS)
            return st;
        wait_for_records(w, s->applied, LINGER_MS);
        if (izde_journal_last_seq(w->journal) <= s->applied)
            return IZDE_OK;
    }
}

/* Drops the journal segments whose records are all committed, when no rebuild runs: it holds
 * DIR/LOCK from before it reads the live generation's number until after its switch. */
static void drop_applied(sd_writer *w, session *s)
{
    uint64_t now = izde_clock_ns();
    if (s->last_drop_ns && now - s->last_drop_ns < (uint64_t)DROP_EVERY_S * 1000000000u)
        return;
    s->last_drop_ns = now;
    int fd = -1;
    unsigned dropped = 0;
    izde_error err = {0};
    if (izde_gen_lock(w->db, &fd, NULL) != IZDE_OK)
        return; /* a run of izde-indexer or izde-reindex: try later */
    /* a rebuild that switched since this session opened carries an older number */
    if (!generation_changed(w, s) &&
        izde_journal_drop(w->journal, s->committed, &dropped, &err) != IZDE_OK)
        sd_log("writes: cannot drop applied journal segments: %s", err.msg);
    izde_gen_unlock(fd);
    if (dropped)
        sd_log("writes: dropped %u applied journal segment%s", dropped, dropped == 1 ? "" : "s");
}

/* Sets the backlog allowed from the rate of a round that applied n records in ns. */
static void measure(sd_writer *w, uint64_t n, uint64_t ns)
{
    if (n < 8 || ns == 0)
        return; /* too few to tell: idle rounds are dominated by the commit */
    double r = (double)n * 1e9 / (double)ns;
    /* down at once, up slowly: a backlog that overestimates the rate delays searches */
    w->rate = w->rate > 0 && r > w->rate ? 0.8 * w->rate + 0.2 * r : r;
    double allowed = w->rate * SD_WRITE_BACKLOG_MS / 1000.0;
    uint64_t max = allowed < SD_WRITE_BACKLOG_MIN ? SD_WRITE_BACKLOG_MIN
                   : allowed > SD_WRITE_BACKLOG   ? SD_WRITE_BACKLOG
                                                  : (uint64_t)allowed;
    atomic_store(&w->backlog_max, max);
}

/* One round: follows the live generation, applies what there is, commits. 0 on failure. */
static int round_trip(sd_writer *w, session *s)
{
    izde_error err = {0};
    if (s->ix && generation_changed(w, s)) {
        close_session(w, s, 1);
        sd_log("writes: another generation is live; following it");
    }
    if (!s->ix && open_session(w, s, &err) != IZDE_OK) {
        if (!s->failing)
            sd_log("writes: cannot open the index for writing (%s); acknowledged writes wait in "
                   "the journal, retrying every second",
                   err.msg);
        s->failing = 1;
        return 0;
    }
    uint64_t t0 = izde_clock_ns(), before = s->applied;
    izde_status st = apply_window(w, s, &err);
    if (st == IZDE_OK)
        st = commit(w, s, &err);
    if (st == IZDE_OK)
        measure(w, s->applied - before, izde_clock_ns() - t0);
    if (st != IZDE_OK) {
        sd_log("writes: cannot apply the journal to the index (%s); retrying from record %llu",
               err.msg, (unsigned long long)s->committed + 1);
        close_session(w, s, 0);
        s->failing = 1;
        return 0;
    }
    if (s->failing)
        sd_log("writes: applied to the index again");
    s->failing = 0;
    drop_applied(w, s);
    return 1;
}

static void *run(void *arg)
{
    sd_writer *w = arg;
    session s = {0};
    for (;;) {
        pthread_mutex_lock(&w->mu);
        int stopping = w->stop;
        pthread_mutex_unlock(&w->mu);
        if (stopping)
            break;
        if (!round_trip(w, &s))
            wait_for_records(w, UINT64_MAX, RETRY_MS);
        else
            wait_for_records(w, s.applied, IDLE_MS);
    }
    close_session(w, &s, 1);
    return NULL;
}

/* Opens the journal and numbers new records after what the index has applied. */
static izde_status open_journal(sd_writer *w, izde_error *err)
{
    size_t n = strlen(w->db) + 16;
    char *path = malloc(n);
    if (!path)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    snprintf(path, n, "%s/journal", w->db);
    uint64_t seq = 0;
    izde_status st = izde_journal_open(path, &w->journal, err);
    free(path);
    if (st == IZDE_OK)
        st = izde_journal_index_seq(w->db, &seq, err);
    if (st == IZDE_OK)
        st = izde_journal_continue_after(w->journal, seq, err);
    atomic_store(&w->applied, seq); /* until the thread's session says more */
    atomic_store(&w->backlog_max, SD_WRITE_BACKLOG_MIN);
    atomic_store(&w->committed, seq);
    return st;
}

/* Starts the writer thread with every signal blocked: the server's main thread waits for them
 * (sigwait), which works only when no other thread takes them. */
static izde_status start_thread(sd_writer *w, izde_error *err)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&w->thread, NULL, run, w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return izde_error_set(err, IZDE_ERR_INTERNAL, "cannot start the writer thread");
    return IZDE_OK;
}

izde_status sd_writer_open(const char *db, sd_writer **out_writer, izde_error *err)
{
    sd_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->db = strdup(db))) {
        free(w);
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    w->lock_fd = -1;
    izde_status st = izde_journal_writer_lock(db, &w->lock_fd, err);
    if (st == IZDE_OK)
        st = open_journal(w, err);
    if (st == IZDE_OK && (pthread_mutex_init(&w->mu, NULL) || pthread_cond_init(&w->wake, NULL) ||
                          pthread_cond_init(&w->room, NULL)))
        st = izde_error_set(err, IZDE_ERR_INTERNAL, "cannot make the writer's locks");
    if (st == IZDE_OK)
        st = start_thread(w, err);
    if (st != IZDE_OK) {
        izde_journal_close(w->journal);
        izde_gen_unlock(w->lock_fd);
        free(w->db);
        free(w);
        return st;
    }
    w->started = 1;
    *out_writer = w;
    return IZDE_OK;
}

void sd_writer_close(sd_writer *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_broadcast(&w->wake);
    pthread_cond_broadcast(&w->room);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->wake);
    pthread_cond_destroy(&w->room);
    pthread_mutex_destroy(&w->mu);
    izde_journal_close(w->journal);
    izde_gen_unlock(w->lock_fd);
    free(w->db);
    free(w);
}

izde_status sd_writer_reserve(sd_writer *w, izde_error *err)
{
    struct timespec ts;
    deadline_in(&ts, SD_WRITE_WAIT_S * 1000);
    int timed_out = 0;
    pthread_mutex_lock(&w->mu);
    while (!w->stop && !timed_out &&
           izde_journal_last_seq(w->journal) - atomic_load(&w->applied) >=
               atomic_load(&w->backlog_max))
        timed_out = pthread_cond_timedwait(&w->room, &w->mu, &ts) == ETIMEDOUT;
    int stopping = w->stop;
    pthread_mutex_unlock(&w->mu);
    if (timed_out || stopping)
        return izde_error_set(err, IZDE_ERR_DB_LOCKED, "%s",
                              stopping ? "the daemon is stopping"
                                       : "the write backlog stayed full for too long");
    return IZDE_OK;
}

izde_status sd_writer_append(sd_writer *w, izde_journal_kind kind, const char *data, size_t len,
                             uint64_t *out_seq, izde_error *err)
{
    return izde_journal_append(w->journal, kind, data, len, out_seq, err);
}

izde_status sd_writer_sync(sd_writer *w, uint64_t seq, izde_error *err)
{
    izde_status st = izde_journal_sync(w->journal, seq, err);
    pthread_mutex_lock(&w->mu);
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->mu);
    return st;
}

void sd_writer_get_info(sd_writer *w, sd_writer_info *out)
{
    out->appended = izde_journal_last_seq(w->journal);
    out->applied = atomic_load(&w->applied);
    out->committed = atomic_load(&w->committed);
    out->generation = atomic_load(&w->generation);
    out->backlog_max = atomic_load(&w->backlog_max);
}
