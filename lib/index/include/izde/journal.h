/* izde/journal.h — the write-ahead journal of live writes, and who writes the live index.
 *
 * Design: izde-searchd acknowledges a write (an entry to put, an id to delete) once its record
 * is in the journal and the journal is on disk; a writer thread applies the records to the
 * index later and records the last applied sequence number in the index metadata in the same
 * commit (izde_indexer_commit_journal()). After a crash, records newer than that number are
 * applied again: a put replaces and a delete removes, so applying a record twice is harmless.
 * A rebuild (izde-reindex, izde-indexer --rebuild) copies the number of the live generation
 * when it starts; after its switch the records newer than that are applied to the new
 * generation, so writes made during the rebuild are kept.
 *
 * Layout: DIR/journal/ holds segments named by the sequence number of their first record
 * ("00000000000000000001.log"). A segment starts with the 8 bytes "IZDEJRN1", then records:
 *     u32 length of the payload   u32 CRC-32C of the next 9 + length bytes
 *     u64 sequence number         u8 kind (1 put, 2 delete)       payload (JSON entry, or id)
 * all numbers little-endian. Sequence numbers increase by one from record to record, across
 * segments (a segment may start further on: izde_journal_continue_after()). Opening scans every
 * segment and cuts each at its first record that is incomplete or fails its checksum (the tail a
 * crash tore while it was being written, never acknowledged); new records then go to a new segment.
 * A segment is dropped whole once every record in it is applied and committed
 * (izde_journal_drop()).
 *
 * Who writes when: DIR/LOCK (izde_gen_lock()) is the job lock of izde-indexer and izde-reindex;
 * DIR/WRITER is held by an izde-searchd that accepts writes (izde_journal_writer_lock()). An
 * incremental izde-indexer run refuses to start while DIR/WRITER is held (both would write the
 * live generation); a rebuild writes a new generation and is allowed. The journal's segments
 * are only dropped while their dropper holds DIR/LOCK, so none is dropped under a rebuild that
 * still needs it.
 *
 * Thread safety: a journal handle may be used from many threads (appends and syncs take its
 * lock); a cursor belongs to one thread. izde_journal_drop() must not run while a cursor of the
 * same journal is open on another thread.
 */
#ifndef IZDE_JOURNAL_H
#define IZDE_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include <izde/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum izde_journal_kind {
    IZDE_JOURNAL_PUT = 1,   /* payload: the entry as one JSON object (izde_entry_to_json()) */
    IZDE_JOURNAL_DELETE = 2 /* payload: the id */
} izde_journal_kind;

/* Largest payload of a record: a JSONL line may be 2 MiB (izde/reader.h). */
#define IZDE_JOURNAL_PAYLOAD_MAX (2u << 20)

typedef struct izde_journal izde_journal;
typedef struct izde_journal_cursor izde_journal_cursor;

typedef struct izde_journal_record {
    uint64_t seq;
    izde_journal_kind kind;
    const char *data; /* borrowed; valid until the next izde_journal_next() on the cursor */
    size_t len;
} izde_journal_record;

/* Opens the journal in folder dir (created when missing): scans the segments, cuts torn
 * tails, and starts a new segment for the records to come. IZDE_ERR_IO when a file cannot be
 * read or written; IZDE_ERR_DB_CORRUPT when segments overlap. Caller owns;
 * izde_journal_close(). */
izde_status izde_journal_open(const char *dir, izde_journal **out_journal, izde_error *err);

/* Closes the journal (records appended but not synced may or may not be on disk). NULL is a
 * no-op. */
void izde_journal_close(izde_journal *j);

/* Sequence number of the last record appended (0 when the journal has none). */
uint64_t izde_journal_last_seq(izde_journal *j);

/* Appends one record and sets *out_seq (may be NULL) to its sequence number. It is written to
 * the file but not yet synced: call izde_journal_sync() before acknowledging it. len is at most
 * IZDE_JOURNAL_PAYLOAD_MAX. A failed append leaves the journal as it was. */
izde_status izde_journal_append(izde_journal *j, izde_journal_kind kind, const char *data,
                                size_t len, uint64_t *out_seq, izde_error *err);

/* Returns once every record up to seq is on disk (fdatasync). Callers on several threads share
 * one sync: the first to come flushes what all of them appended. */
izde_status izde_journal_sync(izde_journal *j, uint64_t seq, izde_error *err);

/* Makes the next record's number seq + 1 when the journal is behind seq (its folder was
 * removed, or the index comes from elsewhere), so that no new record takes a number the index
 * has applied already. A no-op otherwise. Call before other threads append. */
izde_status izde_journal_continue_after(izde_journal *j, uint64_t seq, izde_error *err);

/* The last journal record applied to the live generation of the index folder db, from its
 * metadata (izde_indexer_commit_journal()); 0 when none. IZDE_ERR_DB_NOT_FOUND without an
 * index. */
izde_status izde_journal_index_seq(const char *db, uint64_t *out_seq, izde_error *err);

/* A cursor over the records after sequence number after. Caller owns;
 * izde_journal_cursor_close(). */
izde_status izde_journal_cursor_open(izde_journal *j, uint64_t after,
                                     izde_journal_cursor **out_cursor, izde_error *err);
void izde_journal_cursor_close(izde_journal_cursor *c);

/* The next record appended so far. *out_more is 0 at the end (the record is then not set);
 * records appended later are returned by later calls. */
izde_status izde_journal_next(izde_journal_cursor *c, izde_journal_record *out_record,
                              int *out_more, izde_error *err);

/* Removes every segment whose records are all at or before seq, except the one written to.
 * *out_dropped (may be NULL) counts them. */
izde_status izde_journal_drop(izde_journal *j, uint64_t seq, unsigned *out_dropped,
                              izde_error *err);

/* Takes DIR/WRITER without waiting: this process accepts writes to the index in dir.
 * IZDE_ERR_DB_LOCKED when another process holds it. Release with izde_gen_unlock(fd). */
izde_status izde_journal_writer_lock(const char *dir, int *out_fd, izde_error *err);

/* Whether another process holds DIR/WRITER (0 when the folder or the file does not exist). */
izde_status izde_journal_writer_active(const char *dir, int *out_active, izde_error *err);

/* CRC-32C (Castagnoli) of data, continuing from crc (0 to start). */
uint32_t izde_crc32c(uint32_t crc, const void *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
