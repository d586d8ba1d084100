/* searchd/write_applier.h — live writes: the journal they go to, and the thread that applies it.
 *
 * Design: a request thread appends its records to the journal (izde/journal.h) and syncs it
 * once for the whole request; only then is the write acknowledged. One writer thread reads the
 * journal in order with a cursor and applies each record to the live generation through the
 * library's incremental session (izde_indexer_add, izde_indexer_delete), committing with the
 * number of the last record applied (izde_indexer_commit_journal()) in rounds: a round applies
 * what the journal held when it began, for at most SD_WRITE_COMMIT_MS, then commits. The searchers
 * refresh before every request (slot.h), so a committed write is served by the next search.
 *
 * On start the writer goes on from the number stored in the live generation: what was
 * acknowledged but not committed before a crash is applied again (a put replaces, a delete
 * removes: twice is the same as once). When another generation goes live (izde-reindex), the
 * writer commits, opens a session on it and applies the records after the number that
 * generation carries (the live one's when its rebuild started), so nothing written during
 * the rebuild is lost. Journal segments that are applied are dropped while the writer can take
 * the index folder's job lock (DIR/LOCK) without waiting, i.e. when no rebuild still needs them.
 *
 * Backpressure: the writer measures how many records it applies and commits per second; when
 * more records wait than it applies in SD_WRITE_BACKLOG_MS (at least SD_WRITE_BACKLOG_MIN, at
 * most SD_WRITE_BACKLOG), writers wait before appending (at most SD_WRITE_WAIT_S seconds, then
 * IZDE_ERR_DB_LOCKED). So a bulk load runs at indexing speed, and what is acknowledged is
 * searchable about a second later however fast clients send.
 *
 * Thread safety: sd_writer_* may be called from any thread between open and close.
 */
#ifndef SD_WRITE_APPLIER_H
#define SD_WRITE_APPLIER_H

#include <stddef.h>
#include <stdint.h>

#include <izde/error.h>
#include <izde/journal.h>

#define SD_WRITE_COMMIT_MS 400  /* longest time applied records stay uncommitted */
#define SD_WRITE_BACKLOG_MS 300 /* work waiting to be applied before writers wait */
#define SD_WRITE_BACKLOG_MIN 16 /* records: the backlog allowed before a rate is known */
#define SD_WRITE_BACKLOG 20000  /* records: the most ever allowed to wait */
#define SD_WRITE_WAIT_S 30      /* longest wait for room in the backlog */

typedef struct sd_writer sd_writer;

typedef struct sd_writer_info {
    uint64_t appended;  /* last record in the journal */
    uint64_t applied;   /* last record applied to the index */
    uint64_t committed; /* last record committed (searchable) */
    uint32_t generation;
    uint64_t backlog_max; /* records allowed to wait now (from the measured rate) */
} sd_writer_info;

/* Takes DIR/WRITER (IZDE_ERR_DB_LOCKED when another daemon accepts writes to db), opens the journal
 * DB/journal and starts the writer thread. Caller owns; sd_writer_close(). */
izde_status sd_writer_open(const char *db, sd_writer **out_writer, izde_error *err);

/* Stops the thread (committing what it applied; the rest is applied at the next start), closes
 * the journal and releases DIR/WRITER. NULL is a no-op. */
void sd_writer_close(sd_writer *w);

/* Waits until the backlog has room (IZDE_ERR_DB_LOCKED after SD_WRITE_WAIT_S seconds). Call before
 * each append. */
izde_status sd_writer_reserve(sd_writer *w, izde_error *err);

/* Appends one record (not yet durable) and sets *out_seq to its number. */
izde_status sd_writer_append(sd_writer *w, izde_journal_kind kind, const char *data, size_t len,
                             uint64_t *out_seq, izde_error *err);

/* Makes every record up to seq durable, then wakes the writer thread: after this, the records
 * may be acknowledged. */
izde_status sd_writer_sync(sd_writer *w, uint64_t seq, izde_error *err);

/* Where the journal and the index stand. */
void sd_writer_get_info(sd_writer *w, sd_writer_info *out);

#endif
