/* Entries: construction, date parsing, validation and the content fingerprint. The JSON form
 * lives in entry_json.c. */
#include <izde/entry.h>
#include <izde/hash.h>
#include <izde/utf8.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest input echoed back in a message: enough for any date-time, short enough that the
 * "file:line: " prefix and the reason still fit in izde_error.msg. */
#define ECHO_MAX 40

/* Longest date string: a date-time with nanoseconds and a zone is 35 bytes. */
#define DATE_MAX 64

izde_entry *izde_entry_new(void)
{
    return calloc(1, sizeof(izde_entry));
}

void izde_entry_free(izde_entry *e)
{
    if (!e)
        return;
    free(e->id);
    free(e->date);
    free(e->title);
    free(e->body);
    for (size_t i = 0; i < e->n_tags; i++)
        free(e->tags ? e->tags[i] : NULL);
    free(e->tags);
    free(e->url);
    free(e->source);
    free(e->extra_json);
    free(e);
}

/* strdup that keeps NULL and reports failure through *failed. */
static char *dup_or_null(const char *s, int *failed)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (!p)
        *failed = 1;
    else
        memcpy(p, s, n);
    return p;
}

izde_entry *izde_entry_clone(const izde_entry *e)
{
    izde_entry *c = izde_entry_new();
    if (!c)
        return NULL;
    int failed = 0;
    *c = (izde_entry){.day = e->day};
    memcpy(c->lang, e->lang, sizeof c->lang);
    c->id = dup_or_null(e->id, &failed);
    c->date = dup_or_null(e->date, &failed);
    c->title = dup_or_null(e->title, &failed);
    c->body = dup_or_null(e->body, &failed);
    c->url = dup_or_null(e->url, &failed);
    c->source = dup_or_null(e->source, &failed);
    c->extra_json = dup_or_null(e->extra_json, &failed);
    if (e->n_tags && !(c->tags = calloc(e->n_tags, sizeof *c->tags)))
        failed = 1;
    for (size_t i = 0; c->tags && i < e->n_tags; i++, c->n_tags++)
        c->tags[i] = dup_or_null(e->tags[i], &failed);
    if (failed) {
        izde_entry_free(c);
        return NULL;
    }
    return c;
}

/* ---- dates ---- */

/* Whether s[0..len) may be quoted in a message: short printable ASCII, so the message stays
 * valid UTF-8 and readable whatever the input was. */
static int echoable(const char *s, size_t len)
{
    if (len == 0 || len > ECHO_MAX)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] < 0x20 || s[i] > 0x7E)
            return 0;
    return 1;
}

static int read_digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/* Checks the optional zone of a date-time: "", "Z", "+HH", "+HHMM" or "+HH:MM" (or '-'). */
static int zone_ok(const char *t, size_t n)
{
    int hh, mm = 0;
    if (n == 0 || (n == 1 && (t[0] == 'Z' || t[0] == 'z')))
        return 1;
    if (t[0] != '+' && t[0] != '-')
        return 0;
    if (n == 3)
        return read_digits(t + 1, 2, &hh) && hh <= 23;
    if (n == 5)
        return read_digits(t + 1, 2, &hh) && read_digits(t + 3, 2, &mm) && hh <= 23 && mm <= 59;
    if (n == 6)
        return read_digits(t + 1, 2, &hh) && t[3] == ':' && read_digits(t + 4, 2, &mm) &&
               hh <= 23 && mm <= 59;
    return 0;
}

/* Checks the part after the date: separator 'T' (or ' '), "HH:MM", optional ":SS" with an
 * optional fraction, then an optional zone. Seconds may be 60 for a leap second. */
static int time_ok(const char *t, size_t n)
{
    int hh, mm, ss = 0;
    size_t i = 6;

    if (n < 6 || (t[0] != 'T' && t[0] != 't' && t[0] != ' '))
        return 0;
    if (!read_digits(t + 1, 2, &hh) || t[3] != ':' || !read_digits(t + 4, 2, &mm))
        return 0;
    if (i < n && t[i] == ':') {
        if (n - i < 3 || !read_digits(t + i + 1, 2, &ss))
            return 0;
        i += 3;
        if (i < n && (t[i] == '.' || t[i] == ',')) {
            size_t start = ++i;
            while (i < n && t[i] >= '0' && t[i] <= '9')
                i++;
            if (i == start)
                return 0;
        }
    }
    return hh <= 23 && mm <= 59 && ss <= 60 && zone_ok(t + i, n - i);
}

izde_status izde_date_parse(const char *s, size_t len, int32_t *out_day, izde_error *err)
{
    int y, m, d;
    int echo = s && echoable(s, len);

    if (!s || len < 10 || !read_digits(s, 4, &y) || s[4] != '-' || !read_digits(s + 5, 2, &m) ||
        s[7] != '-' || !read_digits(s + 8, 2, &d) || (len > 10 && !time_ok(s + 10, len - 10)))
        return echo ? izde_error_set(err, IZDE_ERR_INVALID_ARG,
                                     "'%.*s' is not YYYY-MM-DD or an ISO 8601 date-time", (int)len,
                                     s)
                    : izde_error_set(err, IZDE_ERR_INVALID_ARG,
                                     "not YYYY-MM-DD or an ISO 8601 date-time");
    if (y < 1000)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "year %d out of range 1000..9999", y);
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "impossible date %04d-%02d-%02d", y, m, d);
    if (out_day)
        *out_day = (int32_t)(y * 10000 + m * 100 + d);
    return IZDE_OK;
}

/* ---- validation ---- */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int all_space(const char *s)
{
    while (*s && is_space(*s))
        s++;
    return *s == '\0';
}

/* Checks one optional string field: length limit and UTF-8. name is used in the message. */
static izde_status check_text(const char *name, const char *s, size_t max, izde_error *err)
{
    if (!s)
        return IZDE_OK;
    size_t len = strlen(s);
    if (len > max)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "%s: too long (%zu bytes, limit %zu)",
                              name, len, max);
    size_t bad = izde_utf8_invalid_at(s, len);
    if (bad != len)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "%s: invalid UTF-8 at byte %zu", name,
                              bad);
    return IZDE_OK;
}

/* Ids become index terms and appear in messages, so beyond the length limit they must be
 * non-empty, free of control characters and of surrounding whitespace (" a" and "a" would
 * look like the same entry to a person but not to the index). */
static izde_status check_id(const char *id, izde_error *err)
{
    if (!id)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "id: missing");
    izde_status st = check_text("id", id, IZDE_ID_MAX, err);
    if (st != IZDE_OK)
        return st;
    size_t len = strlen(id);
    if (len == 0)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "id: empty");
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)id[i] < 0x20 || id[i] == 0x7F)
            return izde_error_set(err, IZDE_ERR_INVALID_ARG, "id: control character at byte %zu",
                                  i);
    if (is_space(id[0]) || is_space(id[len - 1]))
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "id: leading or trailing whitespace");
    return IZDE_OK;
}

static izde_status check_date(const izde_entry *e, izde_error *err)
{
    if (!e->date) {
        if (e->day != 0)
            return izde_error_set(err, IZDE_ERR_INVALID_ARG, "day: set (%ld) without a date",
                                  (long)e->day);
        return IZDE_OK;
    }
    izde_status st = check_text("date", e->date, DATE_MAX, err);
    if (st != IZDE_OK)
        return st;
    izde_error derr;
    int32_t day = 0;
    if (izde_date_parse(e->date, strlen(e->date), &day, &derr) != IZDE_OK)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "date: %s", derr.msg);
    if (day != e->day)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "day: %ld does not match date %s",
                              (long)e->day, e->date);
    return IZDE_OK;
}

static izde_status check_lang(const char *lang, izde_error *err)
{
    static const char *const known[] = {"", "en", "kk", "ru"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strncmp(lang, known[i], 3) == 0)
            return IZDE_OK;
    if (memchr(lang, '\0', 3) && echoable(lang, strlen(lang)))
        return izde_error_set(err, IZDE_ERR_INVALID_ARG,
                              "lang: unsupported '%s' (expected en, kk or ru)", lang);
    return izde_error_set(err, IZDE_ERR_INVALID_ARG, "lang: unsupported (expected en, kk or ru)");
}

static izde_status check_tags(const izde_entry *e, izde_error *err)
{
    if (e->n_tags == 0)
        return IZDE_OK;
    if (!e->tags)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "tags: %zu tags but no list", e->n_tags);
    if (e->n_tags > IZDE_TAGS_MAX)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "tags: too many (%zu, limit %d)",
                              e->n_tags, IZDE_TAGS_MAX);
    for (size_t i = 0; i < e->n_tags; i++) {
        char name[32];
        snprintf(name, sizeof name, "tags[%zu]", i);
        if (!e->tags[i])
            return izde_error_set(err, IZDE_ERR_INVALID_ARG, "%s: missing", name);
        izde_status st = check_text(name, e->tags[i], IZDE_FIELD_MAX, err);
        if (st != IZDE_OK)
            return st;
        if (all_space(e->tags[i]))
            return izde_error_set(err, IZDE_ERR_INVALID_ARG, "%s: empty", name);
    }
    return IZDE_OK;
}

izde_status izde_entry_validate(const izde_entry *e, izde_error *err)
{
    izde_status st;

    if (!e)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "no entry");
    if ((st = check_id(e->id, err)) != IZDE_OK || (st = check_date(e, err)) != IZDE_OK ||
        (st = check_lang(e->lang, err)) != IZDE_OK ||
        (st = check_text("title", e->title, IZDE_TITLE_MAX, err)) != IZDE_OK)
        return st;
    if (!e->body)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "body: missing");
    if ((st = check_text("body", e->body, IZDE_BODY_MAX, err)) != IZDE_OK)
        return st;
    if (all_space(e->body))
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "body: empty");
    if ((st = check_tags(e, err)) != IZDE_OK ||
        (st = check_text("url", e->url, IZDE_FIELD_MAX, err)) != IZDE_OK ||
        (st = check_text("source", e->source, IZDE_FIELD_MAX, err)) != IZDE_OK)
        return st;
    return IZDE_OK;
}

/* ---- content hash ---- */

static uint64_t hash_size(uint64_t h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    return izde_fnv1a(h, b, sizeof b);
}

/* A presence byte and a length prefix before the bytes make field boundaries part of the
 * hash: title "ab" + body "c" differs from title "a" + body "bc", and NULL from "". */
static uint64_t hash_str(uint64_t h, const char *s)
{
    unsigned char present = s != NULL;
    h = izde_fnv1a(h, &present, 1);
    if (!s)
        return h;
    size_t len = strlen(s);
    return izde_fnv1a(hash_size(h, len), s, len);
}

uint64_t izde_entry_content_hash(const izde_entry *e)
{
    uint64_t h = IZDE_FNV1A_INIT;
    if (!e)
        return h;
    /* day is derived from date, so it adds nothing. */
    h = hash_str(h, e->id);
    h = hash_str(h, e->date);
    h = hash_str(h, memchr(e->lang, '\0', sizeof e->lang) ? e->lang : "");
    h = hash_str(h, e->title);
    h = hash_str(h, e->body);
    h = hash_size(h, e->n_tags);
    for (size_t i = 0; i < e->n_tags && e->tags; i++)
        h = hash_str(h, e->tags[i]);
    h = hash_str(h, e->url);
    h = hash_str(h, e->source);
    h = hash_str(h, e->extra_json);
    return h;
}
