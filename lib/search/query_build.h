/* Private to lib/search: turning a parsed query into a Xapian query, and remembering what
 * its words look like so snippets can highlight them. */
#ifndef IZDE_QUERY_BUILD_H
#define IZDE_QUERY_BUILD_H

#include <izde/kazakh.h>
#include <izde/query.h>
#include <izde/snippet.h>
#include <izde/stem.h>
#include <izde/synonyms.h>
#include <izde/text.h>
#include <izde/xapian.h>

/* The first one or two letters a word must begin with to have a given stem, folded and with
 * look-alikes merged (see key_of in query_build.c); n == 0: any word may. */
typedef struct mkey {
    uint32_t cp[2];
    unsigned char n;
} mkey;

#define QTERM_FOLDED_KEYS 40
#define QTERM_EN_RELATED_KEYS 8
#define QTERM_RU_VERB_KEYS 16

/* How one query word can appear in a document: for highlighting. */
typedef struct qterm {
    char exact[IZDE_TERM_MAX + 1];
    char stem[4][IZDE_TERM_MAX + 8];       /* indexed by izde_stem_lang; "" when not applicable */
    char ru_paradigm[IZDE_TERM_MAX + 8];   /* the stem of the word's other Russian forms where
                                              Snowball reads it apart (izde_stem_ru_paradigm) */
    char ru_verb[4 * (IZDE_TERM_MAX + 8)]; /* a verb's past and present stems
                                              (izde_stem_ru_verb_stems), back to back */
    size_t n_ru_verb;
    char kk_stems[256]; /* every Kazakh stem of the word (stem[KK] is the first),
                           each NUL-terminated, back to back */
    size_t n_kk_stems;
    char folded[1024]; /* candidate folded Kazakh stems, each NUL-terminated,
                          back to back */
    size_t n_folded;
    char en_related[256]; /* English stems of the base words izde_stem_en_related gives (go for
                             went), each NUL-terminated, back to back */
    size_t n_en_related;
    char other_forms[256]; /* forms matched as they are, which share no stem with the word:
                              English ones izde_stem_en_related gives (went, gone for go;
                              thought for think, not thoughts) and Russian short adjectives
                              (izde_stem_ru_short_forms: доступен for доступный); each
                              NUL-terminated, back to back */
    size_t n_other_forms;
    int prefix;   /* exact is a prefix (word*) */
    int excluded; /* under NOT: never highlighted */
    /* Snippet prefilter (search_qbuild_match), filled by qbuild_run: the leading letters every word
     * with one of these stems begins with, as match keys (see mkey in query_build.c). */
    mkey stem_key[4]; /* per izde_stem_lang */
    mkey folded_key[QTERM_FOLDED_KEYS];
    int folded_unkeyed; /* more candidates than keys: always stem */
    mkey en_related_key[QTERM_EN_RELATED_KEYS];
    int en_related_unkeyed;
    mkey ru_verb_key[QTERM_RU_VERB_KEYS]; /* нашёл for найти begins otherwise */
    int ru_verb_unkeyed;
} qterm;

/* Whether s is one of the n NUL-terminated strings back to back in list (qterm's kk_stems,
 * folded, en_related). */
int search_list_has(const char *list, size_t n, const char *s);

/* A word of the query the spelling check looks at (search_qbuild_spell): where it is, and once
 * checked, what the spelling dictionary offers for it when the index does not have it. */
typedef struct qmisspelt {
    size_t offset, len; /* in the query */
    char *word;         /* the normalised word */
    char *suggestion;   /* NULL until checked */
} qmisspelt;

/* Entries of qbuild's start tables (search_qmatch_prepare). */
#define QLETTER_ANY 0      /* off the normaliser's fast path, or an apostrophe: answer 1 */
#define QLETTER_END 0xFFFF /* not a key letter: the word's key ends before it */
#define QFIRST_SOME 1      /* some key starts with this letter */
#define QFIRST_ALONE 2     /* some key is this letter alone */

typedef struct qbuild {
    /* borrowed from the searcher */
    izde_text *text;
    izde_stemmer *stemmer;
    izde_xreader *reader;
    izde_kk_translit *translit;
    const izde_synonyms *synonyms; /* may be NULL */
    const char *query;
    /* filled by search_qbuild_run; released by qbuild_fini */
    qterm *terms;
    size_t n_terms, cap_terms;
    int **phrases;
    size_t *phrase_lens;
    size_t n_phrases, cap_phrases, cap_phrase_lens;
    qmisspelt *misspelt; /* the words to check, then (search_qbuild_spell) the misspelt ones */
    size_t n_misspelt, cap_misspelt;
    izde_tokens *tokens;
    /* Snippet start test (search_qbuild_may_start), filled by search_qmatch_prepare: every
     * key a matching word may begin with; start_any when some term admits any word. */
    mkey *start_keys;
    size_t n_start_keys;
    int start_any;
    /* The same test as tables, so that a word costs two look-ups: the key letter of each code
     * point the test reads (ASCII at [c], Cyrillic U+0400-U+04FF at [c - 0x380]; QLETTER_ANY:
     * answer 1, QLETTER_END: no letter, the key ends), and per key letter whether a key starts
     * with it (QFIRST_SOME) and whether one is that letter alone (QFIRST_ALONE). */
    uint16_t start_letter[0x180];
    unsigned char start_first[0x180];
    int negated;       /* depth of NOT around the node being built */
    int expanding;     /* > 0 while building synonym members */
    int beginnings;    /* the index has words' beginnings (format 6): short prefixes use them */
    int spelling_keys; /* its spelling dictionary holds keys (format 7, izde/spelling_keys.h) */
    int exact_only;    /* baselines: see izde_search_request */
    int no_kazakh;
} qbuild;

/* Builds the Xapian query for root. Caller owns *out_query (izde_xquery_free). */
izde_status search_qbuild_run(qbuild *b, const izde_qnode *root, izde_xquery **out_query,
                              izde_error *err);
void search_qbuild_fini(qbuild *b);
/* Keeps in b->misspelt only the words the index does not have, each with a suggestion. How
 * many entries hold a word comes from m's statistics, which the search gathered anyway. */
izde_status search_qbuild_spell(qbuild *b, const izde_xmset *m, izde_error *err);

/* The snippet matcher over b's terms: returns the index of the term tok matches, or -1.
 * ctx is a qmatch. */
typedef struct qmatch {
    const qbuild *b;
    const char *lang; /* the document's language, for choosing the stemmer as at indexing */
    int no_prefilter; /* tests: stem every word (the result must be the same) */
} qmatch;
int search_qbuild_match(void *ctx, const izde_token *tok);
/* How many different terms search_qbuild_match may return: the words not under NOT. */
size_t search_qbuild_shown_terms(const qbuild *b);
/* The snippet query of b's words, matching through m (which it borrows), counting on n_terms
 * different terms (0: unknown), with the start test and without ranges. */
izde_snippet_query search_qbuild_snippet_query(const qbuild *b, qmatch *m, size_t n_terms);

/* izde_snippet_may_fn over b's terms (ctx is a qmatch): 0 when no token or alias beginning
 * at s can match any term, by the prefilter's keys. */
int search_qbuild_may_start(void *ctx, const char *s, size_t len);

/* Fills the prefilter keys of every term of b (query_match.c); qbuild_run calls it. */
void search_qmatch_prepare(qbuild *b);

#endif
