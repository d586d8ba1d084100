/* The request vocabulary: see izde/request.h. */
#include <izde/request.h>

#include <izde/entry.h>
#include <izde/number.h>
#include <izde/query.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void izde_request_init(izde_request *r)
{
    memset(r, 0, sizeof *r);
    izde_search_request_init(&r->search);
    r->search.tags = r->tags;
}

/* Fails with IZDE_ERR_INVALID_ARG, a message and the problem's code. */
static izde_status refuse(izde_request *r, const char *problem, izde_error *err, const char *fmt,
                          ...) __attribute__((format(printf, 4, 5)));

static izde_status refuse(izde_request *r, const char *problem, izde_error *err, const char *fmt,
                          ...)
{
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->problem = problem;
    return izde_error_set(err, IZDE_ERR_INVALID_ARG, "%s", msg);
}

/* How many bytes of a value a message shows: at most 40, never ending inside a character,
 * so that the message stays valid UTF-8 for the JSON it may go into. */
static int shown(const char *v)
{
    size_t n = strlen(v);
    if (n > 40) {
        n = 40;
        while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
            n--;
    }
    return (int)n;
}

static int blank(const char *s)
{
    return s[strspn(s, " \t\r\n\f\v")] == '\0';
}

static izde_status set_query(izde_request *r, const char *value, izde_error *err)
{
    if (blank(value))
        return refuse(r, "missing_query", err, "the q parameter is empty");
    if (strlen(value) > IZDE_QUERY_MAX) {
        return refuse(r, "query_too_long", err, "the query is longer than %d bytes",
                      IZDE_QUERY_MAX);
    }
    r->search.query = value;
    return IZDE_OK;
}

static izde_status set_day(izde_request *r, const char *name, const char *value, int32_t *out,
                           izde_error *err)
{
    if (izde_date_parse(value, strlen(value), out, NULL) != IZDE_OK)
        return refuse(r, "bad_date", err, "%s must be a date YYYY-MM-DD, not '%.*s'", name,
                      shown(value), value);
    return IZDE_OK;
}

static izde_status set_tag(izde_request *r, const char *value, izde_error *err)
{
    if (r->search.n_tags == IZDE_REQUEST_TAGS_MAX || strlen(value) > IZDE_FIELD_MAX) {
        return refuse(r, "bad_parameter", err, "at most %d tags of at most %d bytes each",
                      IZDE_REQUEST_TAGS_MAX, IZDE_FIELD_MAX);
    }
    r->tags[r->search.n_tags++] = value;
    return IZDE_OK;
}

static izde_status set_sort(izde_request *r, const char *value, izde_error *err)
{
    if (!strcmp(value, "relevance"))
        r->search.sort = IZDE_SORT_RELEVANCE;
    else if (!strcmp(value, "date"))
        r->search.sort = IZDE_SORT_DATE;
    else
        return refuse(r, "bad_parameter", err, "sort must be relevance or date, not '%.*s'",
                      shown(value), value);
    return IZDE_OK;
}

/* The whole-number parameters: name, bounds, where the value goes. */
static uint32_t *number_field(izde_request *r, const char *name, uint32_t *min, uint32_t *max)
{
    static const struct {
        const char *name;
        uint32_t min, max;
    } numbers[] = {
        {"limit", 0, IZDE_REQUEST_LIMIT_MAX},
        {"offset", 0, IZDE_REQUEST_OFFSET_MAX},
        {"page", 1, IZDE_REQUEST_PAGE_MAX},
        {"per_page", 1, IZDE_REQUEST_PER_PAGE_MAX},
    };
    uint32_t *fields[] = {&r->search.limit, &r->search.offset, &r->page, &r->per_page};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        if (!strcmp(name, numbers[i].name)) {
            *min = numbers[i].min;
            *max = numbers[i].max;
            return fields[i];
        }
    }
    return NULL;
}

/* The 0-or-1 switches. */
static int *switch_field(izde_request *r, const char *name)
{
    if (!strcmp(name, "facets"))
        return &r->search.facets;
    if (!strcmp(name, "strict"))
        return &r->search.strict;
    if (!strcmp(name, "no_collapse"))
        return &r->search.no_collapse;
    return NULL;
}

/* A whole-number parameter or a switch; any other name is unknown. */
static izde_status set_number(izde_request *r, const char *name, const char *value, izde_error *err)
{
    uint32_t min = 0, max = 0, v = 0;
    uint32_t *field = number_field(r, name, &min, &max);
    int *flag = field ? NULL : switch_field(r, name);
    if (!field && !flag)
        return refuse(r, "unknown_parameter", err, "unknown parameter %s", name);
    if (flag)
        max = 1;
    if (!izde_parse_u32(value, min, max, &v)) {
        return refuse(r, "bad_parameter", err,
                      "%s must be a whole number from %u to %u, not '%.*s'", name, (unsigned)min,
                      (unsigned)max, shown(value), value);
    }
    if (field)
        *field = v;
    else
        *flag = (int)v;
    return IZDE_OK;
}

izde_status izde_request_set(izde_request *r, const char *name, const char *value, izde_error *err)
{
    if (!strcmp(name, "q"))
        return set_query(r, value, err);
    if (!*value)
        return IZDE_OK;
    if (!strcmp(name, "lang")) {
        if (!izde_lang_valid(value))
            return refuse(r, "bad_parameter", err, "lang must be en, kk or ru, not '%.*s'",
                          shown(value), value);
        r->search.lang = value;
        return IZDE_OK;
    }
    if (!strcmp(name, "from"))
        return set_day(r, name, value, &r->search.from_day, err);
    if (!strcmp(name, "to"))
        return set_day(r, name, value, &r->search.to_day, err);
    if (!strcmp(name, "tag"))
        return set_tag(r, value, err);
    if (!strcmp(name, "sort"))
        return set_sort(r, value, err);
    if (!strcmp(name, "recency")) {
        if (!izde_parse_double(value, 0.0, 100.0, &r->search.recency))
            return refuse(r, "bad_parameter", err,
                          "recency must be a number from 0 to 100, not '%.*s'", shown(value),
                          value);
        return IZDE_OK;
    }
    return set_number(r, name, value, err);
}

izde_status izde_request_finish(izde_request *r, izde_error *err)
{
    if (!r->search.query)
        return refuse(r, "missing_query", err, "the q parameter is missing");
    if (r->search.from_day && r->search.to_day && r->search.from_day > r->search.to_day) {
        return refuse(r, "bad_date", err, "from is after to");
    }
    if (r->page || r->per_page) {
        uint32_t per_page = r->per_page ? r->per_page : r->search.limit;
        r->search.limit = per_page;
        r->search.offset = ((r->page ? r->page : 1) - 1) * per_page;
    }
    return IZDE_OK;
}
