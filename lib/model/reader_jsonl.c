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

static izde_status line_too_long(izde_error *err)
{
    return izde_error_set(err, IZDE_ERR_INVALID_ARG, "line longer than %u bytes; skipped",
                          READER_LINE_MAX);
}

izde_status izde_jsonl_parse_line(const char *line, size_t len, izde_entry **out_entry,
                                  izde_error *err)
{
    *out_entry = NULL;
    if (len > READER_LINE_MAX)
        return line_too_long(err);
    if (blank(line, len))
        return IZDE_OK;
    return izde_entry_from_json(line, len, out_entry, err);
}

izde_status model_reader_jsonl_next(izde_reader *r, izde_entry **out_entry, izde_error *err)
{
    for (;;) {
        size_t len;
        int too_long, eof;
        izde_status st = model_reader_read_line(r, READER_LINE_MAX, &len, &too_long, &eof, err);
        if (st != IZDE_OK || eof)
            return st;
        izde_error why;
        st = too_long ? line_too_long(&why) : izde_jsonl_parse_line(r->buf, len, out_entry, &why);
        if (st == IZDE_OK && !*out_entry)
            continue; /* blank */
        if (st == IZDE_OK)
            return IZDE_OK;
        /* INVALID_ARG rejects this line only; anything else (memory) is fatal. */
        return izde_error_set(err, st, "%s:%lu: %s", r->name, r->line, why.msg);
    }
}
