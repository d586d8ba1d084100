/* Private to lib/index: turning an entry into a Xapian document (schema.h). */
#ifndef IZDE_DOCUMENT_H
#define IZDE_DOCUMENT_H

#include <izde/entry.h>
#include <izde/hash.h>
#include <izde/stem.h>
#include <izde/text.h>
#include <izde/xapian.h>

#include "word_counts.h"

/* Reusable state for building documents: pipeline handles and scratch buffers. */
typedef struct doc_builder {
    izde_text *text;
    izde_stemmer *stemmer;
    izde_tokens *tokens;
    izde_xdoc *doc;
    word_counts *spelling; /* when set, words for the spelling dictionary are counted here */
} doc_builder;

izde_status index_doc_builder_init(doc_builder *b, izde_error *err);
void index_doc_builder_fini(doc_builder *b);

/* Builds b->doc from e (whose language is lang, already decided). */
izde_status index_doc_build(doc_builder *b, const izde_entry *e, const char *lang, izde_error *err);

#endif
