/* izde/walk.h — walking entry files into an indexing session: shared by izde-indexer,
 * izde-reindex and anything else that indexes files, so that all read their inputs alike.
 *
 * A folder is walked in name order, recursively; names starting with '.' are skipped, and so
 * are files whose names the readers do not know (izde_reader_accepts(): *.jsonl, *.txt, feeds
 * *.xml *.rss *.atom *.rdf, pages *.html *.htm *.xhtml). A file named on the command line is
 * read whatever its name (the reader looks at its first bytes). A rejected entry
 * is counted and reported, and the walk goes on; a fatal error (an unreadable folder or file,
 * an I/O or memory failure) is kept in `error` and stops the walk; the caller reports it.
 * Nothing here prints.
 */
#ifndef IZDE_WALK_H
#define IZDE_WALK_H

#include <signal.h>
#include <stdint.h>

#include <izde/entry.h>
#include <izde/error.h>
#include <izde/indexer.h>

typedef struct izde_walk {
    /* set by the caller */
    izde_indexer *ix;            /* the session entries go to */
    volatile sig_atomic_t *stop; /* checked before each entry; the walk ends when set */
    /* a rejected entry ("file:line: reason"); msg is borrowed for the call */
    void (*reject)(void *ctx, const char *msg);
    /* a reader warning that skips nothing ("file:line: reason") */
    void (*warn)(void *ctx, const char *msg);
    /* after each entry handed to the session: st is IZDE_OK when it was accepted,
     * IZDE_ERR_INVALID_ARG when the session rejected it. e is borrowed for the call.
     * May be NULL. */
    void (*entry)(void *ctx, const izde_entry *e, izde_status st);
    void *ctx;
    /* results */
    uint64_t seen;    /* entries read (including those the session rejected) */
    int fatal;        /* a fatal error stopped the walk */
    izde_error error; /* that error */
} izde_walk;

/* Indexes path: a file, a folder (walked as described above) or "-" (standard input, JSONL).
 * Returns 0 when the run must stop: w->fatal is set, or *w->stop was. */
int izde_walk_path(izde_walk *w, const char *path);

#endif
