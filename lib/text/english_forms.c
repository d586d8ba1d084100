/* izde_stem_en_related: the forms of an English word's base word that Snowball stems apart
 * from it (go: went, gone; child: children; small: smaller, smallest) and its other spelling
 * (colour: color), read from the table english_forms_gen compiles in. */
#include "english_forms.h"

#include <izde/stem.h>

#include <string.h>

#define RELATED_MAX 32 /* more than any base word has: be has 8 forms */

static const char *form_at(size_t i)
{
    return text_en_forms[i].form;
}

static const char *lemma_at(size_t i)
{
    return text_en_forms[text_en_forms_by_lemma[i]].lemma;
}

/* The first position whose key (at: by form, or by lemma through text_en_forms_by_lemma) is
 * not below key; text_en_forms_size when none. */
static size_t first_of(const char *key, const char *(*at)(size_t))
{
    size_t lo = 0, hi = text_en_forms_size;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(at(mid), key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

typedef struct related {
    const char *word;
    const char *seen[RELATED_MAX];
    size_t n;
    izde_en_form_fn fn;
    void *ctx;
} related;

/* Calls r->fn with form, unless it is the word itself or was given already. */
static void emit(related *r, const char *form, unsigned flags)
{
    if (!strcmp(form, r->word) || r->n == RELATED_MAX)
        return;
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->seen[i], form))
            return;
    r->seen[r->n++] = form;
    if (r->fn)
        r->fn(r->ctx, form, strlen(form), flags);
}

/* The flags a listed form is given with. */
static unsigned form_flags(const en_form_entry *e)
{
    if (e->variant)
        return IZDE_EN_BASE_WORD; /* another spelling of the base word: its stem too */
    return (e->form_is_base ? IZDE_EN_OWN_WORD : 0) | (e->noun_form ? IZDE_EN_NOUN_FORM : 0);
}

/* Emits base and every listed form of it. */
static void emit_forms_of(related *r, const char *base)
{
    emit(r, base, IZDE_EN_BASE_WORD);
    for (size_t i = first_of(base, lemma_at); i < text_en_forms_size; i++) {
        const en_form_entry *e = &text_en_forms[text_en_forms_by_lemma[i]];
        if (strcmp(e->lemma, base))
            break;
        emit(r, e->form, form_flags(e));
    }
}

size_t izde_stem_en_related(const char *word, size_t len, izde_en_form_fn fn, void *ctx)
{
    char w[64];
    if (len == 0 || len >= sizeof w)
        return 0;
    memcpy(w, word, len);
    w[len] = '\0';
    related r = {.word = w, .n = 0, .fn = fn, .ctx = ctx};
    emit_forms_of(&r, w);
    /* a form that is not a word of its own (went, not found) stands for its base words, an
     * American spelling for the British one (color: colour, colours) */
    for (size_t i = first_of(w, form_at); i < text_en_forms_size && !strcmp(form_at(i), w); i++)
        if (!text_en_forms[i].form_is_base || text_en_forms[i].variant)
            emit_forms_of(&r, text_en_forms[i].lemma);
    return r.n;
}
