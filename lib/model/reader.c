/* Reader handle: choosing the format (by file name, else by the first bytes), opening,
 * bounded line reading and dispatch to reader_jsonl.c, reader_page.c and reader_markup.c. */
#define _POSIX_C_SOURCE 200809L

#include "reader_internal.h"

#include <izde/utf8.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Paths longer than this are shortened in messages so the reason after "file:line: " still
 * fits in the 256 bytes of izde_error.msg. */
#define NAME_MAX_SHOWN 120

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcasecmp(s + n - m, suffix) == 0;
}

/* The format a file name promises; READER_NONE for "-" and unknown names (then the content
 * decides, see sniff()). */
static reader_kind kind_of(const char *path)
{
    static const struct {
        const char *suffix;
        reader_kind kind;
    } names[] = {{".jsonl", READER_JSONL}, {".txt", READER_PAGE}, {".xml", READER_XML},
                 {".rss", READER_XML},     {".atom", READER_XML}, {".rdf", READER_XML},
                 {".html", READER_HTML},   {".htm", READER_HTML}, {".xhtml", READER_HTML}};
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path; /* "dir/.txt" has no name to make ids from */
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (has_suffix(base, names[i].suffix))
            return names[i].kind;
    return READER_NONE;
}

int izde_reader_accepts(const char *path)
{
    return path && (strcmp(path, "-") == 0 || kind_of(path) != READER_NONE);
}

/* Whether s[0..n) contains word, ASCII case ignored. */
static int contains_nocase(const char *s, size_t n, const char *word)
{
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= n; i++)
        if (strncasecmp(s + i, word, w) == 0)
            return 1;
    return 0;
}

/* The format of content that starts with head[0..n): JSONL when the first character is '{',
 * HTML or XML when it is '<' (HTML when "<html" or "<!doctype html" comes before any feed root
 * element), READER_NONE otherwise. A BOM and white space are passed over; UTF-16 (a BOM of
 * FF FE or FE FF) can only be XML. */
static reader_kind sniff(const char *head, size_t n)
{
    if (n >= 2 && (((unsigned char)head[0] == 0xFF && (unsigned char)head[1] == 0xFE) ||
                   ((unsigned char)head[0] == 0xFE && (unsigned char)head[1] == 0xFF)))
        return READER_XML;
    size_t i = izde_utf8_bom_len(head, n);
    while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
        i++;
    if (i == n)
        return READER_NONE;
    if (head[i] == '{')
        return READER_JSONL;
    if (head[i] != '<')
        return READER_NONE;
    if (contains_nocase(head + i, n - i, "<rss") || contains_nocase(head + i, n - i, "<feed") ||
        contains_nocase(head + i, n - i, "<rdf:rdf"))
        return READER_XML;
    if (contains_nocase(head + i, n - i, "<!doctype html") ||
        contains_nocase(head + i, n - i, "<html"))
        return READER_HTML;
    return READER_XML;
}

/* The name used in messages: the path as given, or "..." and its tail when it is long (the
 * tail starts at a character boundary so the message stays valid UTF-8). */
static char *display_name(const char *path)
{
    size_t n = strlen(path);
    if (strcmp(path, "-") == 0)
        return strdup("<stdin>");
    if (n <= NAME_MAX_SHOWN)
        return strdup(path);
    const char *tail = path + n - (NAME_MAX_SHOWN - 3);
    while (*tail && ((unsigned char)*tail & 0xC0) == 0x80)
        tail++;
    size_t t = strlen(tail);
    char *s = malloc(t + 4);
    if (s) {
        memcpy(s, "...", 3);
        memcpy(s + 3, tail, t + 1);
    }
    return s;
}

static izde_status open_file(izde_reader *r, izde_error *err)
{
    char why[128];
    struct stat st;

    if (strcmp(r->path, "-") == 0) {
        r->f = stdin;
        return IZDE_OK;
    }
    r->f = fopen(r->path, "rb");
    if (!r->f) {
        strerror_r(errno, why, sizeof why);
        return izde_error_set(err, IZDE_ERR_IO, "%s: %s", r->name, why);
    }
    r->owns_f = 1;
    /* fopen() succeeds on a directory; reading it would fail later with a vaguer message. */
    if (fstat(fileno(r->f), &st) == 0 && S_ISDIR(st.st_mode))
        return izde_error_set(err, IZDE_ERR_IO, "%s: is a directory", r->name);
    return IZDE_OK;
}

/* Reads the first bytes of a file whose name does not tell its format, keeps them in r->head
 * (model_reader_read_line() and model_reader_read_all() return them first) and decides from them.
 */
static izde_status sniff_file(izde_reader *r, izde_error *err)
{
    r->head_len = fread(r->head, 1, sizeof r->head, r->f);
    if (r->head_len < sizeof r->head && ferror(r->f)) {
        char why[128];
        strerror_r(errno, why, sizeof why);
        return izde_error_set(err, IZDE_ERR_IO, "%s: read error: %s", r->name, why);
    }
    r->kind = sniff(r->head, r->head_len);
    if (r->kind == READER_NONE && strcmp(r->path, "-") == 0)
        r->kind = READER_JSONL; /* standard input is JSONL unless it starts with '<' */
    if (r->kind == READER_NONE)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG,
                              "%s: unsupported file type (expected JSONL, a .txt news page, an "
                              "RSS or Atom feed or an HTML page)",
                              r->name);
    return IZDE_OK;
}

izde_status izde_reader_open(const char *path, izde_reader_warn_fn warn, void *warn_ctx,
                             izde_reader **out_reader, izde_error *err)
{
    izde_status st = IZDE_OK;
    izde_reader *r = NULL;

    if (!out_reader)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "out_reader is NULL");
    *out_reader = NULL;
    if (!path || !*path)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "no path");
    if (!(r = calloc(1, sizeof *r)) || !(r->path = strdup(path)) ||
        !(r->name = display_name(path))) {
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        goto out;
    }
    const char *slash = strrchr(r->path, '/');
    r->base = slash ? slash + 1 : r->path;
    r->warn = warn;
    r->warn_ctx = warn_ctx;
    if ((st = open_file(r, err)) != IZDE_OK)
        goto out;
    r->kind = kind_of(path);
    if (r->kind == READER_NONE && (st = sniff_file(r, err)) != IZDE_OK)
        goto out;
    if (r->kind == READER_PAGE)
        st = model_reader_page_open(r, err);
    else if (r->kind == READER_XML || r->kind == READER_HTML)
        st = model_reader_markup_open(r, err);
    if (st != IZDE_OK)
        goto out;
    *out_reader = r;
    r = NULL;
out:
    izde_reader_close(r);
    return st;
}

izde_status izde_reader_next(izde_reader *r, izde_entry **out_entry, izde_error *err)
{
    if (!out_entry)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "out_entry is NULL");
    *out_entry = NULL;
    if (!r)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "no reader");
    if (r->failed)
        return izde_error_set(err, r->failed, "%s: reading stopped after an earlier error",
                              r->name);
    izde_status st = r->kind == READER_PAGE    ? model_reader_page_next(r, out_entry, err)
                     : r->kind == READER_JSONL ? model_reader_jsonl_next(r, out_entry, err)
                                               : model_reader_markup_next(r, out_entry, err);
    if (st != IZDE_OK && st != IZDE_ERR_INVALID_ARG)
        r->failed = st;
    return st;
}

void izde_reader_close(izde_reader *r)
{
    if (!r)
        return;
    if (r->owns_f)
        fclose(r->f);
    model_reader_page_free(r->page);
    model_reader_markup_free(r->markup);
    free(r->buf);
    free(r->name);
    free(r->path);
    free(r);
}

/* Makes room for at least need bytes in r->buf, doubling up to the line limit. */
static int grow(izde_reader *r, size_t need, size_t limit)
{
    if (need <= r->cap)
        return 1;
    size_t cap = r->cap ? r->cap : 4096;
    while (cap < need)
        cap *= 2;
    if (cap > limit)
        cap = limit;
    char *b = realloc(r->buf, cap);
    if (!b)
        return 0;
    r->buf = b;
    r->cap = cap;
    return 1;
}

izde_status model_reader_read_line(izde_reader *r, size_t max, size_t *out_len, int *out_too_long,
                                   int *out_eof, izde_error *err)
{
    size_t len = 0;
    int c = EOF, any = 0, too_long = 0;

    *out_len = 0;
    *out_too_long = 0;
    *out_eof = 0;
    /* getc_unlocked: the handle is single-threaded, and a locked getc per byte is slow. The
     * bytes read to sniff the format come first. */
    while ((c = r->head_pos < r->head_len ? (unsigned char)r->head[r->head_pos++]
                                          : getc_unlocked(r->f)) != EOF) {
        any = 1;
        if (c == '\n')
            break;
        if (too_long)
            continue;
        if (len == max) { /* drop the line but keep counting until its end */
            too_long = 1;
            continue;
        }
        if (!grow(r, len + 2, max + 1))
            return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        r->buf[len++] = (char)c;
    }
    if (c == EOF && ferror(r->f)) {
        char why[128];
        strerror_r(errno, why, sizeof why);
        return izde_error_set(err, IZDE_ERR_IO, "%s:%lu: read error: %s", r->name, r->line + 1,
                              why);
    }
    if (!any) {
        *out_eof = 1;
        return IZDE_OK;
    }
    r->line++;
    if (!grow(r, 1, max + 1))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    if (too_long) {
        *out_too_long = 1;
        r->buf[0] = '\0';
        return IZDE_OK;
    }
    if (len > 0 && r->buf[len - 1] == '\r')
        len--;
    size_t bom = r->line == 1 ? izde_utf8_bom_len(r->buf, len) : 0;
    if (bom) {
        memmove(r->buf, r->buf + bom, len - bom);
        len -= bom;
    }
    r->buf[len] = '\0';
    *out_len = len;
    return IZDE_OK;
}

izde_status model_reader_read_all(izde_reader *r, size_t max, char **out_buf, size_t *out_len,
                                  int *out_too_big, izde_error *err)
{
    size_t len = 0, cap = 0;
    char *buf = NULL;

    *out_buf = NULL;
    *out_len = 0;
    *out_too_big = 0;
    for (;;) {
        if (len + 1 >= cap) {
            /* Up to one byte over max, which tells that there is more. len + 1 == max + 2
             * cannot happen here: len > max returned below. */
            size_t want = cap ? cap * 2 : 64 * 1024;
            if (want > max + 2)
                want = max + 2;
            char *b = realloc(buf, want);
            if (!b) {
                free(buf);
                return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
            }
            buf = b;
            cap = want;
        }
        size_t room = cap - len - 1, got;
        if (r->head_pos < r->head_len) {
            got = r->head_len - r->head_pos < room ? r->head_len - r->head_pos : room;
            memcpy(buf + len, r->head + r->head_pos, got);
            r->head_pos += got;
        } else {
            got = fread(buf + len, 1, room, r->f);
            if (got == 0) {
                if (ferror(r->f)) {
                    char why[128];
                    strerror_r(errno, why, sizeof why);
                    free(buf);
                    return izde_error_set(err, IZDE_ERR_IO, "%s: read error: %s", r->name, why);
                }
                break;
            }
        }
        len += got;
        if (len > max) {
            free(buf);
            *out_too_big = 1;
            return IZDE_OK;
        }
    }
    buf[len] = '\0';
    *out_buf = buf;
    *out_len = len;
    return IZDE_OK;
}

void model_reader_warn(izde_reader *r, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    if (!r->warn)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->warn(r->warn_ctx, msg);
}
