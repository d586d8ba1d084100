#include "output.h"

#include <stdlib.h>
#include <string.h>

#define COLOUR_MATCH "\033[1;33m"
#define COLOUR_DIM "\033[2m"
#define COLOUR_BOLD "\033[1m"
#define COLOUR_OFF "\033[0m"

int output_format_parse(const char *s, output_format *out_format)
{
    static const struct {
        const char *name;
        output_format f;
    } names[] = {
        {"text", FORMAT_TEXT}, {"json", FORMAT_JSON}, {"jsonl", FORMAT_JSONL}, {"csv", FORMAT_CSV}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!strcmp(s, names[i].name)) {
            *out_format = names[i].f;
            return 1;
        }
    }
    return 0;
}

/* Byte offset of code point cp in s. */
static size_t byte_at(const char *s, uint32_t cp)
{
    size_t i = 0;
    for (uint32_t n = 0; s[i] && n < cp; n++) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

/* Prints plain text with its spans marked: colour on a terminal, [[...]] otherwise. */
static void print_marked(output *o, const izde_snippet *sn)
{
    size_t at = 0;
    const char *open = o->colour ? COLOUR_MATCH : "[";
    const char *close = o->colour ? COLOUR_OFF : "]";
    for (size_t i = 0; i < sn->n_spans; i++) {
        size_t a = byte_at(sn->plain, sn->spans[i].start);
        size_t b = byte_at(sn->plain, sn->spans[i].start + sn->spans[i].length);
        fprintf(o->out, "%.*s%s%.*s%s", (int)(a - at), sn->plain + at, open, (int)(b - a),
                sn->plain + a, close);
        at = b;
    }
    fprintf(o->out, "%s", sn->plain + at);
}

static void text_hit(output *o, const izde_hit *h)
{
    const izde_entry *e = h->entry;
    const char *bold = o->colour ? COLOUR_BOLD : "", *dim = o->colour ? COLOUR_DIM : "",
               *off = o->colour ? COLOUR_OFF : "";
    fprintf(o->out, "%zu. %s%s%s  %s[%s %s]%s", ++o->written, bold, e->date ? e->date : "----", off,
            dim, e->lang, e->id, off);
    if (h->duplicates)
        fprintf(o->out, "  (+%u duplicates)", (unsigned)h->duplicates);
    fputc('\n', o->out);
    if (h->title) {
        fputs("   ", o->out);
        print_marked(o, h->title);
        fputc('\n', o->out);
    }
    if (h->snippet) {
        fputs("   ", o->out);
        print_marked(o, h->snippet);
        fputc('\n', o->out);
    }
    fputc('\n', o->out);
}

/* RFC 4180: quote when needed, double the quotes inside. */
static void csv_field(FILE *f, const char *s, int last)
{
    s = s ? s : "";
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputs(last ? "\r\n" : ",", f);
}

static void csv_hit(output *o, const izde_hit *h)
{
    const izde_entry *e = h->entry;
    size_t tl = 0;
    for (size_t i = 0; i < e->n_tags; i++)
        tl += strlen(e->tags[i]) + 1;
    char *tags = calloc(1, tl + 1);
    for (size_t i = 0; tags && i < e->n_tags; i++) {
        if (i)
            strcat(tags, ";");
        strcat(tags, e->tags[i]);
    }
    char score[32];
    snprintf(score, sizeof score, "%.4f", h->score);
    csv_field(o->out, e->id, 0);
    csv_field(o->out, e->date, 0);
    csv_field(o->out, e->lang, 0);
    csv_field(o->out, e->title, 0);
    csv_field(o->out, h->snippet ? h->snippet->plain : NULL, 0);
    csv_field(o->out, tags, 0);
    csv_field(o->out, e->url, 0);
    csv_field(o->out, score, 1);
    free(tags);
    o->written++;
}

static int jsonl_hit(output *o, const izde_hit *h)
{
    char *json = NULL;
    if (izde_hit_to_json(h, &json, NULL, NULL) != IZDE_OK)
        return 0;
    fprintf(o->out, "%s\n", json);
    free(json);
    o->written++;
    return 1;
}

int output_entry(output *o, const izde_entry *e)
{
    char *json = NULL;
    size_t len = 0;
    if (izde_entry_to_json(e, &json, &len, NULL) != IZDE_OK)
        return 0;
    json[len] = '\n'; /* over the NUL: one write for the line */
    int ok = fwrite(json, 1, len + 1, o->out) == len + 1;
    free(json);
    o->written += (size_t)ok;
    return ok;
}

int output_stream_begin(output *o)
{
    if (o->format == FORMAT_CSV)
        fputs("id,date,lang,title,snippet,tags,url,score\r\n", o->out);
    return !ferror(o->out);
}

int output_stream_hit(output *o, const izde_hit *h)
{
    switch (o->format) {
    case FORMAT_TEXT:
        text_hit(o, h);
        break;
    case FORMAT_CSV:
        csv_hit(o, h);
        break;
    case FORMAT_JSON:
    case FORMAT_JSONL:
        if (!jsonl_hit(o, h))
            return 0;
        break;
    }
    return !ferror(o->out);
}

int output_stream_end(output *o, const char *query)
{
    if (o->format == FORMAT_TEXT && o->written == 0)
        fprintf(o->out, "No entries match %s\n", query);
    fflush(o->out);
    return !ferror(o->out);
}

/* One line per facet that has values (none has when nothing matched). */
static void text_facets(output *o, const izde_results *r)
{
    int printed = 0;
    for (size_t f = 0; f < r->n_facets; f++) {
        if (r->facets[f].n_values == 0)
            continue;
        fprintf(o->out, "%s:", r->facets[f].name);
        for (size_t k = 0; k < r->facets[f].n_values; k++)
            fprintf(o->out, " %s (%u)", r->facets[f].values[k].value,
                    (unsigned)r->facets[f].values[k].count);
        fputc('\n', o->out);
        printed = 1;
    }
    if (printed)
        fputc('\n', o->out);
}

int output_page(output *o, const izde_results *r)
{
    if (o->format == FORMAT_JSON) {
        char *json = NULL;
        if (izde_results_to_json(r, &json, NULL, NULL) != IZDE_OK)
            return 0;
        fprintf(o->out, "%s\n", json);
        free(json);
        return !ferror(o->out);
    }
    if (o->format == FORMAT_TEXT) {
        if (r->suggestion)
            fprintf(o->out, "Did you mean: %s\n", r->suggestion);
        fprintf(o->out, "%u %s", (unsigned)r->total, r->total == 1 ? "match" : "matches");
        if (r->n_hits)
            fprintf(o->out, ", showing %u-%u", (unsigned)r->offset + 1,
                    (unsigned)(r->offset + r->n_hits));
        fprintf(o->out, " (%.1f ms)\n\n", r->took_ms);
        text_facets(o, r);
        o->written = r->offset;
    }
    int ok = output_stream_begin(o);
    for (size_t i = 0; ok && i < r->n_hits; i++)
        ok = output_stream_hit(o, &r->hits[i]);
    /* An empty page of a non-empty match set (--limit 0, or --offset past the end) is not
     * "no match": the header line above already gave the count. */
    if (o->format == FORMAT_TEXT && r->total == 0)
        fprintf(o->out, "No entries match %s\n", r->query);
    else if (o->format == FORMAT_TEXT && r->n_hits == 0 && r->limit > 0)
        fprintf(o->out, "Nothing past match %u (--offset %u)\n", (unsigned)r->total,
                (unsigned)r->offset);
    fflush(o->out);
    return ok && !ferror(o->out);
}
