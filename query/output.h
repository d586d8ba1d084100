/* izde-query's output formats: text (coloured on a terminal), json, jsonl, csv. */
#ifndef IZDE_QUERY_OUTPUT_H
#define IZDE_QUERY_OUTPUT_H

#include <stdio.h>

#include <izde/search.h>

typedef enum output_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_JSONL, FORMAT_CSV } output_format;

typedef struct output {
    FILE *out;
    output_format format;
    int colour;     /* ANSI highlighting in text format */
    size_t written; /* results written so far */
} output;

/* Parses "text", "json", "jsonl" or "csv"; returns 0 when unknown. */
int output_format_parse(const char *s, output_format *out_format);

/* Writes a whole page of results (all formats). Returns 0 on a write error. */
int output_page(output *o, const izde_results *r);

/* Streaming (--all): the header (csv), then one hit at a time, then the end. */
int output_stream_begin(output *o);
int output_stream_hit(output *o, const izde_hit *h);
int output_stream_end(output *o, const char *query);

/* --export: one whole entry as a JSONL line, the indexer's input format. Returns 0 when it
 * cannot be written (a write error, or an entry that does not serialise). */
int output_entry(output *o, const izde_entry *e);

#endif
