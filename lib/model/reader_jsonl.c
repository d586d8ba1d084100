/* JSONL: one JSON entry per line. Blank lines are skipped; a bad line is rejected with
 * "file:line: reason" and reading goes on with the next one. */
#include "reader_internal.h"

static int blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\f' && s[i] != '\v')
            return 0;
    return 1;
}

izde_status reader_jsonl_next(izde_reader *r, izde_entry **out_entry, izde_error *err)
{
    for (;;) {
        size_t len;
        int too_long, eof;
        izde_status st = reader_read_line(r, READER_LINE_MAX, &len, &too_long, &eof, err);
        if (st != IZDE_OK || eof)
            return st;
        if (too_long)
            return izde_error_set(err, IZDE_ERR_INVALID_ARG,
                                  "%s:%lu: line longer than %u bytes; skipped", r->name, r->line,
                                  READER_LINE_MAX);
        if (blank(r->buf, len))
            continue;
        izde_error why;
        st = izde_entry_from_json(r->buf, len, out_entry, &why);
        if (st == IZDE_OK)
            return IZDE_OK;
        /* INVALID_ARG rejects this line only; anything else (memory) is fatal. */
        return izde_error_set(err, st, "%s:%lu: %s", r->name, r->line, why.msg);
    }
}
