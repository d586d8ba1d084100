/* The JSON form of an entry (one JSONL line), read and written with jansson.
 *
 * Decisions: id must be a JSON string (a number is rejected, not converted, so that 7 and
 * "007" can never collide); duplicate keys are rejected (which value would win is a guess);
 * for the optional string fields, null and "" both mean absent; unknown fields are kept, in
 * input order, as extra_json and written back after the known ones. */
#include <izde/entry.h>
#include <izde/utf8.h>

#include "entry_internal.h"

#include <jansson.h>

#include <stdlib.h>
#include <string.h>

/* Canonical order of the known fields in the output. */
static const char *const known_fields[] = {"id",   "date", "lang", "title",
                                           "body", "tags", "url",  "source"};

static int is_known(const char *key)
{
    for (size_t i = 0; i < sizeof known_fields / sizeof known_fields[0]; i++)
        if (strcmp(key, known_fields[i]) == 0)
            return 1;
    return 0;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "a list";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

static char *copy_json_string(const json_t *v)
{
    size_t n = json_string_length(v);
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, json_string_value(v), n);
        s[n] = '\0';
    }
    return s;
}

/* Copies the string field key of obj into *out. Absent or null: missing when required, else
 * *out stays NULL; "" stays NULL for optional fields only. */
static izde_status take_string(const json_t *obj, const char *key, int required, char **out,
                               izde_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return required ? izde_error_set(err, IZDE_ERR_INVALID_ARG, "%s: missing", key) : IZDE_OK;
    if (!json_is_string(v))
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "%s: must be a string, not %s", key,
                              type_name(v));
    if (!required && json_string_length(v) == 0)
        return IZDE_OK;
    *out = copy_json_string(v);
    return *out ? IZDE_OK : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
}

static izde_status take_lang(const json_t *obj, izde_entry *e, izde_error *err)
{
    json_t *v = json_object_get(obj, "lang");
    if (!v || json_is_null(v))
        return IZDE_OK;
    if (!json_is_string(v))
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "lang: must be a string, not %s",
                              type_name(v));
    size_t n = json_string_length(v);
    if (n >= sizeof e->lang)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG,
                              "lang: unsupported value (expected en, kk or ru)");
    memcpy(e->lang, json_string_value(v), n);
    e->lang[n] = '\0';
    return IZDE_OK; /* izde_entry_validate() checks the value */
}

static izde_status take_tags(const json_t *obj, izde_entry *e, izde_error *err)
{
    json_t *v = json_object_get(obj, "tags");
    if (!v || json_is_null(v))
        return IZDE_OK;
    if (!json_is_array(v))
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "tags: must be a list of strings, not %s",
                              type_name(v));
    size_t n = json_array_size(v);
    if (n == 0)
        return IZDE_OK;
    /* Checked here as well as in validation so a huge list is not copied first. */
    if (n > IZDE_TAGS_MAX)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "tags: too many (%zu, limit %d)", n,
                              IZDE_TAGS_MAX);
    e->tags = calloc(n, sizeof *e->tags);
    if (!e->tags)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_t *t = json_array_get(v, i);
        if (!json_is_string(t))
            return izde_error_set(err, IZDE_ERR_INVALID_ARG, "tags[%zu]: must be a string, not %s",
                                  i, type_name(t));
        e->tags[i] = copy_json_string(t);
        if (!e->tags[i])
            return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        e->n_tags = i + 1;
    }
    return IZDE_OK;
}

/* Collects the unknown fields of obj, in input order, into e->extra_json. */
static izde_status take_extras(json_t *obj, izde_entry *e, izde_error *err)
{
    izde_status st = IZDE_OK;
    json_t *extra = NULL;
    const char *key;
    json_t *value;

    json_object_foreach(obj, key, value)
    {
        if (is_known(key))
            continue;
        if (!extra && !(extra = json_object())) {
            st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
            goto out;
        }
        if (json_object_set(extra, key, value) != 0) {
            st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    if (extra && !(e->extra_json = json_dumps(extra, JSON_COMPACT | JSON_PRESERVE_ORDER)))
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
out:
    json_decref(extra);
    return st;
}

static izde_status take_fields(json_t *obj, izde_entry *e, izde_error *err)
{
    izde_status st;
    if ((st = take_string(obj, "id", 1, &e->id, err)) != IZDE_OK ||
        (st = take_string(obj, "date", 0, &e->date, err)) != IZDE_OK ||
        (st = take_lang(obj, e, err)) != IZDE_OK ||
        (st = take_string(obj, "title", 0, &e->title, err)) != IZDE_OK ||
        (st = take_string(obj, "body", 1, &e->body, err)) != IZDE_OK ||
        (st = take_tags(obj, e, err)) != IZDE_OK ||
        (st = take_string(obj, "url", 0, &e->url, err)) != IZDE_OK ||
        (st = take_string(obj, "source", 0, &e->source, err)) != IZDE_OK ||
        (st = take_extras(obj, e, err)) != IZDE_OK)
        return st;
    if (e->date) {
        izde_error derr;
        if (izde_date_parse(e->date, strlen(e->date), &e->day, &derr) != IZDE_OK)
            return izde_error_set(err, IZDE_ERR_INVALID_ARG, "date: %s", derr.msg);
    }
    return izde_entry_validate(e, err);
}

izde_status izde_entry_from_json(const char *json, size_t len, izde_entry **out_entry,
                                 izde_error *err)
{
    izde_status st = IZDE_OK;
    izde_entry *e = NULL;
    json_t *obj = NULL;
    json_error_t jerr;

    if (!out_entry)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "out_entry is NULL");
    *out_entry = NULL;
    if (!json && len > 0)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "json is NULL");
    /* jansson rejects bad UTF-8 too, but with a message about JSON; say what is wrong. */
    size_t bad = izde_utf8_invalid_at(json, len);
    if (bad != len)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "invalid UTF-8 at byte %zu", bad);
    obj = json_loadb(json ? json : "", len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!obj) {
        st = izde_error_set(err, IZDE_ERR_INVALID_ARG, "invalid JSON: %s (column %d)", jerr.text,
                            jerr.column);
        goto out;
    }
    if (!json_is_object(obj)) {
        st = izde_error_set(err, IZDE_ERR_INVALID_ARG, "not a JSON object but %s", type_name(obj));
        goto out;
    }
    if (!(e = izde_entry_new())) {
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((st = take_fields(obj, e, err)) != IZDE_OK)
        goto out;
    *out_entry = e;
    e = NULL;
out:
    izde_entry_free(e);
    json_decref(obj);
    return st;
}

/* Adds key: s to obj when s is set; returns nonzero on failure. s is already valid UTF-8. */
static int put_string(json_t *obj, const char *key, const char *s)
{
    if (!s)
        return 0;
    return json_object_set_new_nocheck(obj, key, json_stringn_nocheck(s, strlen(s)));
}

static int put_tags(json_t *obj, const izde_entry *e)
{
    if (e->n_tags == 0)
        return 0;
    json_t *list = json_array();
    if (!list)
        return -1;
    for (size_t i = 0; i < e->n_tags; i++)
        if (json_array_append_new(list, json_stringn_nocheck(e->tags[i], strlen(e->tags[i]))))
            break; /* the failed append leaves list short; caught below */
    if (json_array_size(list) != e->n_tags) {
        json_decref(list);
        return -1;
    }
    return json_object_set_new_nocheck(obj, "tags", list);
}

/* Appends the fields of e->extra_json to obj, after the known ones; with obj NULL, only
 * checks them. */
static izde_status put_extras(json_t *obj, const char *extra_json, izde_error *err)
{
    izde_status st = IZDE_OK;
    json_error_t jerr;
    json_t *extra = NULL;
    const char *key;
    json_t *value;

    if (!extra_json)
        return IZDE_OK;
    extra = json_loads(extra_json, JSON_REJECT_DUPLICATES, &jerr);
    if (!extra || !json_is_object(extra)) {
        st = izde_error_set(err, IZDE_ERR_INVALID_ARG, "extra_json: not a JSON object");
        goto out;
    }
    json_object_foreach(extra, key, value)
    {
        if (is_known(key)) {
            st =
                izde_error_set(err, IZDE_ERR_INVALID_ARG, "extra_json: '%s' is a known field", key);
            goto out;
        }
        if (obj && json_object_set(obj, key, value) != 0) {
            st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
out:
    json_decref(extra);
    return st;
}

izde_status model_entry_check_extras(const char *extra_json, izde_error *err)
{
    return put_extras(NULL, extra_json, err);
}

izde_status izde_entry_to_json(const izde_entry *e, char **out_json, size_t *out_len,
                               izde_error *err)
{
    izde_status st;
    json_t *obj = NULL;

    if (!out_json)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "out_json is NULL");
    *out_json = NULL;
    if (out_len)
        *out_len = 0;
    /* Only valid entries are written, so whatever is written reads back. */
    if ((st = izde_entry_validate(e, err)) != IZDE_OK)
        return st;
    if (!(obj = json_object())) {
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (put_string(obj, "id", e->id) || put_string(obj, "date", e->date) ||
        put_string(obj, "lang", e->lang[0] ? e->lang : NULL) ||
        put_string(obj, "title", e->title) || put_string(obj, "body", e->body) ||
        put_tags(obj, e) || put_string(obj, "url", e->url) ||
        put_string(obj, "source", e->source)) {
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((st = put_extras(obj, e->extra_json, err)) != IZDE_OK)
        goto out;
    *out_json = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!*out_json) {
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (out_len)
        *out_len = strlen(*out_json);
out:
    json_decref(obj);
    return st;
}
