/* Word splitting with ICU's word BreakIterator, plus the compound rules izde adds on top:
 * hyphenated words, dotted words (web addresses) and e-mail addresses. */
#include "text_internal.h"

#include "confusables.h"
#include "hyphen_ending.h"

#include <izde/array.h>
#include <izde/utf8.h>

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/ustring.h>

/* While tokenizing, terms live in one growing arena and tokens hold offsets into it; the
 * pointers are fixed once at the end, because the arena may move as it grows. */
struct izde_tokens {
    izde_token *items;
    size_t count, cap;
    izde_buf arena;
};

izde_tokens *izde_tokens_new(void)
{
    return calloc(1, sizeof(izde_tokens));
}

void izde_tokens_free(izde_tokens *tokens)
{
    if (!tokens)
        return;
    free(tokens->items);
    free(tokens->arena.data);
    free(tokens);
}

size_t izde_tokens_count(const izde_tokens *tokens)
{
    return tokens->count;
}

const izde_token *izde_tokens_get(const izde_tokens *tokens, size_t i)
{
    return i < tokens->count ? &tokens->items[i] : NULL;
}

izde_status izde_text_new(izde_text **out_text, izde_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    izde_text *t = calloc(1, sizeof *t);
    if (!t)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    t->nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
    t->nfd = unorm2_getNFDInstance(&st);
    t->nfc = unorm2_getNFCInstance(&st);
    /* The root locale's word rules: language-neutral, which suits mixed-language text. */
    t->words = ubrk_open(UBRK_WORD, "", NULL, 0, &st);
    if (U_FAILURE(st)) {
        izde_text_free(t);
        return izde_error_set(err, IZDE_ERR_INTERNAL, "ICU initialisation failed: %s",
                              u_errorName(st));
    }
    *out_text = t;
    return IZDE_OK;
}

void izde_text_free(izde_text *t)
{
    if (!t)
        return;
    if (t->words)
        ubrk_close(t->words);
    free(t->u16);
    free(t->u8_at);
    free(t->scratch[0]);
    free(t->scratch[1]);
    free(t);
}

static int grow_u16(izde_text *t, size_t need)
{
    return izde_array_reserve(&t->u16, &t->u16_cap, need, sizeof *t->u16) &&
           izde_array_reserve(&t->u8_at, &t->u8_at_cap, need + 1, sizeof *t->u8_at);
}

izde_status text_load_utf16(izde_text *t, const char *s, size_t len, int32_t *out_n,
                            izde_error *err)
{
    if (len > INT32_MAX / 2)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "text too long");
    if (!grow_u16(t, len + 1))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    size_t i = 0, n = 0;
    while (i < len) {
        uint32_t c;
        size_t k = izde_utf8_decode(s + i, len - i, &c);
        if (k == 0)
            return izde_error_set(err, IZDE_ERR_INVALID_ARG, "invalid UTF-8 at byte %zu", i);
        if (c >= 0x10000) {
            t->u8_at[n] = (uint32_t)i;
            t->u16[n++] = U16_LEAD(c);
            t->u8_at[n] = (uint32_t)i;
            t->u16[n++] = U16_TRAIL(c);
        } else {
            t->u8_at[n] = (uint32_t)i;
            t->u16[n++] = (UChar)c;
        }
        i += k;
    }
    t->u8_at[n] = (uint32_t)len;
    *out_n = (int32_t)n;
    return IZDE_OK;
}

static int is_hyphen(UChar c)
{
    return c == '-' || c == 0x2010 || c == 0x2011;
}

static uint32_t script_flags(const UChar *w, int32_t n)
{
    uint32_t f = 0;
    for (int32_t i = 0; i < n; i++) {
        UChar c = w[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c < 0x250))
            f |= IZDE_TOKEN_LATIN;
        else if (c >= 0x0400 && c <= 0x052F)
            f |= IZDE_TOKEN_CYRILLIC;
    }
    return f;
}

/* Tokenizer state for one call. */
typedef struct tok_run {
    izde_text *t;
    izde_tokens *out;
    size_t *term_off; /* arena offset of each token's term, fixed up at the end */
    size_t off_cap;
    int32_t last_word;    /* index in out of the last non-alias token, or -1 */
    int32_t last_end16;   /* UTF-16 end of that word */
    int32_t last_start16; /* UTF-16 start of that word */
    int ended;            /* that word has taken its ending after a hyphen (join_ending) */
} tok_run;

/* Words that Kazakh (and, for numbers, Russian) writes endings after with a hyphen. */
enum {
    HEAD_NONE = 0,
    HEAD_WORD = 1,   /* an abbreviation in capitals (ҰОК-тың) or a Latin word (PDF-ке) */
    HEAD_NUMBER = 2, /* 2019-ы, 5-ші, 9-го */
};

static izde_token *push_token(tok_run *r, size_t term_off, uint32_t term_len)
{
    izde_tokens *o = r->out;
    /* the offsets live for one call only, so they grow on their own */
    if (!izde_array_reserve(&o->items, &o->cap, o->count + 1, sizeof *o->items) ||
        !izde_array_reserve(&r->term_off, &r->off_cap, o->count + 1, sizeof *r->term_off))
        return NULL;
    r->term_off[o->count] = term_off;
    izde_token *tk = &o->items[o->count++];
    memset(tk, 0, sizeof *tk);
    tk->term_len = term_len;
    return tk;
}

/* Adds an alias term at the position of word w: a NUL-terminated copy of the n bytes at
 * arena offset off. */
static int push_alias(tok_run *r, size_t off, size_t n, size_t w)
{
    if (n == 0 || n > IZDE_TERM_MAX)
        return 1;
    izde_buf *arena = &r->out->arena;
    size_t copy_off = arena->len;
    izde_buf_append_own(arena, off, n);
    izde_buf_append(arena, "", 1);
    if (arena->failed)
        return 0;
    izde_token copy = r->out->items[w];
    izde_token *a = push_token(r, copy_off, (uint32_t)n);
    if (!a)
        return 0;
    a->start = copy.start;
    a->end = copy.end;
    a->pos = copy.pos;
    a->flags = (copy.flags & ~IZDE_TOKEN_HYPHENATED) | IZDE_TOKEN_ALIAS;
    return 1;
}

/* A dotted word with letters (www.olympic.kz) or an e-mail address (ICU keeps
 * press@olympic.kz as one word) is also findable by each part, and an address by its domain. */
static int push_dotted_parts(tok_run *r, size_t w, size_t term_off, size_t term_len)
{
    if (r->out->items[w].flags & IZDE_TOKEN_NUMBER)
        return 1;
    const char *term = r->out->arena.data + term_off;
    const char *at = memchr(term, '@', term_len);
    if (!at && !memchr(term, '.', term_len))
        return 1;
    if (at) {
        size_t local = (size_t)(at - term);
        if (!push_alias(r, term_off + local + 1, term_len - local - 1, w))
            return 0;
    }
    size_t start = term_off, end = term_off + term_len;
    for (size_t i = term_off; i <= end; i++) {
        if (i == end || r->out->arena.data[i] == '.' || r->out->arena.data[i] == '@') {
            if (!push_alias(r, start, i - start, w))
                return 0;
            start = i + 1;
        }
    }
    return 1;
}

/* Endings longer than this after a Latin word are not read as endings. */
#define LATIN_ENDING_MAX_LETTERS 8

/* A Latin name with a Cyrillic case ending, with or without an apostrophe (Facebook'е,
 * Instagramдағы: Russian and Kazakh text inflects foreign names so), is also findable by its
 * Latin part, an alias stemmed as the Latin word it is. */
static int push_latin_head(tok_run *r, size_t w, size_t term_off, size_t term_len)
{
    uint32_t both = IZDE_TOKEN_LATIN | IZDE_TOKEN_CYRILLIC;
    if ((r->out->items[w].flags & (both | IZDE_TOKEN_NUMBER)) != both)
        return 1;
    const char *term = r->out->arena.data + term_off;
    size_t i = 0, head = 0, latin = 0, ending = 0;
    while (i < term_len) {
        size_t at = i;
        if (!text_latin_letter(izde_utf8_next(term, term_len, &i))) {
            i = at;
            break;
        }
        latin++;
    }
    head = i;
    if (i < term_len && term[i] == '\'')
        i++;
    while (i < term_len && ending <= LATIN_ENDING_MAX_LETTERS) {
        if (!text_cyrillic_letter(izde_utf8_next(term, term_len, &i)))
            return 1;
        ending++;
    }
    if (latin < 2 || ending == 0 || ending > LATIN_ENDING_MAX_LETTERS)
        return 1;
    size_t before = r->out->count;
    if (!push_alias(r, term_off, head, w))
        return 0;
    if (r->out->count > before)
        r->out->items[before].flags &= ~IZDE_TOKEN_CYRILLIC;
    return 1;
}

/* What kind of head for a hyphenated ending the word w[0..n) of token flags is (HEAD_*): a
 * number, a Latin word, or an abbreviation of two or more capitals. */
static int head_kind(const UChar *w, int32_t n, uint32_t flags)
{
    if (flags & IZDE_TOKEN_NUMBER)
        return HEAD_NUMBER;
    if (flags & IZDE_TOKEN_LATIN)
        return HEAD_WORD;
    int32_t letters = 0;
    for (int32_t i = 0; i < n; i++) {
        if (u_islower(w[i]))
            return HEAD_NONE;
        letters += u_isupper(w[i]) != 0;
    }
    return letters >= 2 ? HEAD_WORD : HEAD_NONE;
}

/* The ending after a hyphen (ҰОК-тың) at arena offset off, n bytes, UTF-16 end e16: not a word
 * of its own (it takes no position, so "ҰОК президенті" is the phrase it reads as), but the
 * joined form ұоктың, an alias of the word before it spanning both. */
static int join_ending(tok_run *r, size_t off, size_t n, int32_t e16)
{
    izde_tokens *o = r->out;
    size_t w = (size_t)r->last_word, join_off = o->arena.len;
    izde_buf_append_own(&o->arena, r->term_off[w], o->items[w].term_len);
    izde_buf_append_own(&o->arena, off, n);
    if (o->arena.failed)
        return 0;
    size_t before = o->count;
    if (!push_alias(r, join_off, o->arena.len - join_off, w))
        return 0;
    if (o->count > before)
        o->items[before].end = r->t->u8_at[e16];
    r->last_end16 = e16;
    r->ended = 1;
    return 1;
}

/* "press" "@" "olympic.kz" with nothing between them become one word, press@olympic.kz,
 * whose parts stay findable as aliases. */
static int merge_email(tok_run *r, size_t word_off, size_t word_len, int32_t start16, int32_t end16)
{
    izde_tokens *o = r->out;
    size_t w = (size_t)r->last_word;
    size_t local_off = r->term_off[w], local_len = o->items[w].term_len;
    size_t merged_off = o->arena.len;
    izde_buf_append_own(&o->arena, local_off, local_len);
    izde_buf_append(&o->arena, "@", 1);
    izde_buf_append_own(&o->arena, word_off, word_len);
    size_t merged_len = o->arena.len - merged_off;
    izde_buf_append(&o->arena, "", 1);
    if (o->arena.failed)
        return 0;
    if (merged_len <= IZDE_TERM_MAX) {
        r->term_off[w] = merged_off;
        o->items[w].term_len = (uint32_t)merged_len;
        if (!push_alias(r, local_off, local_len, w))
            return 0;
    }
    o->items[w].end = r->t->u8_at[end16];
    o->items[w].flags |= script_flags(r->t->u16 + start16, end16 - start16);
    r->last_end16 = end16;
    return push_alias(r, word_off, word_len, w) && push_dotted_parts(r, w, word_off, word_len);
}

/* Appends the joined form of each run of hyphenated words (nur-sultan -> "nursultan"). */
static int push_hyphen_joins(tok_run *r)
{
    izde_tokens *o = r->out;
    size_t n = o->count;
    for (size_t i = 0; i < n; i++) {
        if ((o->items[i].flags & (IZDE_TOKEN_ALIAS | IZDE_TOKEN_HYPHENATED)) != 0)
            continue;
        size_t j = i + 1, last = i;
        size_t join_off = o->arena.len;
        izde_buf_append_own(&o->arena, r->term_off[i], o->items[i].term_len);
        for (; j < n; j++) {
            if (o->items[j].flags & IZDE_TOKEN_ALIAS)
                continue;
            if (!(o->items[j].flags & IZDE_TOKEN_HYPHENATED))
                break;
            izde_buf_append_own(&o->arena, r->term_off[j], o->items[j].term_len);
            last = j;
        }
        if (o->arena.failed)
            return 0;
        if (last == i) {
            o->arena.len = join_off; /* not a compound: drop the copy */
            continue;
        }
        size_t join_len = o->arena.len - join_off, before = o->count;
        if (!push_alias(r, join_off, join_len, i))
            return 0;
        if (o->count > before) /* a join over IZDE_TERM_MAX adds no alias */
            o->items[o->count - 1].end = o->items[last].end;
    }
    return 1;
}

/* Appends to arena the digits of the number at arena offset off (len bytes) when it is written
 * with thousands separators (1,000 or 10.000: groups of three after the first; a narrow
 * no-break space, which ICU keeps inside the number, is a space once normalised) or is 1 to 3
 * digits (a group that more may follow, as in 1 000); returns how many, else 0. */
static size_t group_digits(izde_buf *arena, size_t off, size_t len)
{
    size_t digits = 0, run = 0, groups = 0;
    for (size_t i = 0; i < len; i++) {
        char c = arena->data[off + i];
        if (c >= '0' && c <= '9') {
            run++;
            continue;
        }
        if ((c != ',' && c != '.' && c != ' ') || run == 0 || run > 3 || (groups && run != 3))
            return 0;
        groups++;
        run = 0;
    }
    if (run == 0 || run > 3 || (groups && run != 3))
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = arena->data[off + i]; /* read before each append, which may move the data */
        if (c >= '0' && c <= '9') {
            izde_buf_append(arena, &c, 1);
            digits++;
        }
    }
    return digits;
}

/* Whether the bytes s[from..to) are one space that groups a number's digits: a space, a
 * no-break space or a thin space (1 000, 1 000). */
static int group_space(const char *s, size_t from, size_t to)
{
    size_t n = to - from;
    return (n == 1 && s[from] == ' ') || (n == 2 && !memcmp(s + from, "\xC2\xA0", 2)) ||
           (n == 3 &&
            (!memcmp(s + from, "\xE2\x80\xAF", 3) || !memcmp(s + from, "\xE2\x80\x89", 3)));
}

/* The next word (not an alias) after token i of the first n, or n. */
static size_t next_word(const izde_tokens *o, size_t i, size_t n)
{
    for (i++; i < n && (o->items[i].flags & IZDE_TOKEN_ALIAS); i++)
        ;
    return i;
}

/* A number written with its thousands grouped (1,000; 10.000; 1 000 000 with spaces) is also
 * findable as its plain digits, an alias of its first word. */
static int push_number_joins(tok_run *r, const char *s)
{
    izde_tokens *o = r->out;
    size_t n = o->count;
    for (size_t i = 0; i < n; i = next_word(o, i, n)) {
        if (!(o->items[i].flags & IZDE_TOKEN_NUMBER) || (o->items[i].flags & IZDE_TOKEN_ALIAS))
            continue;
        size_t join_off = o->arena.len, last = i;
        size_t digits = group_digits(&o->arena, r->term_off[i], o->items[i].term_len);
        if (!digits) {
            o->arena.len = join_off;
            continue;
        }
        int grouped = digits < o->items[i].term_len; /* written with separators */
        for (size_t j = next_word(o, i, n); j < n; j = next_word(o, j, n)) {
            const izde_token *k = &o->items[j];
            if (!(k->flags & IZDE_TOKEN_NUMBER) || k->term_len != 3 ||
                !group_space(s, o->items[last].end, k->start) ||
                !group_digits(&o->arena, r->term_off[j], 3))
                break;
            last = j;
        }
        if (o->arena.failed)
            return 0;
        if (last == i && !grouped) { /* a plain number alone: its digits are its term */
            o->arena.len = join_off;
            continue;
        }
        size_t before = o->count;
        if (!push_alias(r, join_off, o->arena.len - join_off, i))
            return 0;
        if (o->count > before)
            o->items[o->count - 1].end = o->items[last].end;
        i = last;
    }
    return 1;
}

static izde_status add_word(tok_run *r, int32_t s16, int32_t e16, int32_t rule, uint32_t *pos,
                            izde_error *err)
{
    izde_text *t = r->t;
    izde_tokens *o = r->out;
    size_t off = o->arena.len;
    izde_status st = text_normalize_word(t, t->u16 + s16, e16 - s16, &o->arena, err);
    if (st != IZDE_OK)
        return st;
    uint32_t script = script_flags(t->u16 + s16, e16 - s16),
             both = IZDE_TOKEN_LATIN | IZDE_TOKEN_CYRILLIC;
    int unconfused = (script & both) == both && text_cyrillic_confusables(&o->arena, off);
    size_t n = o->arena.len - off;
    izde_buf_append(&o->arena, "", 1); /* NUL-terminate each term */
    if (n == 0 || n > IZDE_TERM_MAX)
        return IZDE_OK;
    int joined_to_last = r->last_word >= 0 && s16 == r->last_end16 + 1;
    int head = joined_to_last && !r->ended && is_hyphen(t->u16[r->last_end16])
                   ? head_kind(t->u16 + r->last_start16, r->last_end16 - r->last_start16,
                               o->items[r->last_word].flags)
                   : HEAD_NONE;
    if (head && text_hyphen_ending(o->arena.data + off, n, head == HEAD_NUMBER))
        return join_ending(r, off, n, e16) ? IZDE_OK
                                           : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    if (joined_to_last && t->u16[r->last_end16] == '@' &&
        !(o->items[r->last_word].flags & IZDE_TOKEN_NUMBER) &&
        !memchr(o->arena.data + r->term_off[r->last_word], '@', o->items[r->last_word].term_len))
        return merge_email(r, off, n, s16, e16)
                   ? IZDE_OK
                   : izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    izde_token *tk = push_token(r, off, (uint32_t)n);
    if (!tk)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    tk->start = t->u8_at[s16];
    tk->end = t->u8_at[e16];
    tk->pos = (*pos)++;
    tk->flags = unconfused ? script & ~IZDE_TOKEN_LATIN : script;
    if (rule < UBRK_WORD_NUMBER_LIMIT)
        tk->flags |= IZDE_TOKEN_NUMBER;
    if (joined_to_last && is_hyphen(t->u16[r->last_end16]))
        tk->flags |= IZDE_TOKEN_HYPHENATED;
    r->last_word = (int32_t)(o->count - 1);
    r->last_end16 = e16;
    r->last_start16 = s16;
    r->ended = 0;
    size_t w = o->count - 1;
    if (!push_dotted_parts(r, w, off, n) || !push_latin_head(r, w, off, n))
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    return IZDE_OK;
}

izde_status izde_text_tokenize(izde_text *t, const char *s, size_t len, uint32_t first_pos,
                               izde_tokens *tokens, izde_error *err)
{
    int32_t n16 = 0;
    tokens->count = 0;
    tokens->arena.len = 0;
    tokens->arena.failed = 0;
    izde_status st = text_load_utf16(t, s, len, &n16, err);
    if (st != IZDE_OK)
        return st;
    UErrorCode ust = U_ZERO_ERROR;
    ubrk_setText(t->words, t->u16, n16, &ust);
    if (U_FAILURE(ust))
        return izde_error_set(err, IZDE_ERR_INTERNAL, "ICU break iterator: %s", u_errorName(ust));
    tok_run r = {.t = t, .out = tokens, .last_word = -1, .last_end16 = -2};
    uint32_t pos = first_pos;
    int32_t start = ubrk_first(t->words);
    for (int32_t end = ubrk_next(t->words); end != UBRK_DONE && st == IZDE_OK;
         start = end, end = ubrk_next(t->words)) {
        int32_t rule = ubrk_getRuleStatus(t->words);
        if (rule >= UBRK_WORD_NONE_LIMIT)
            st = add_word(&r, start, end, rule, &pos, err);
    }
    if (st == IZDE_OK && (!push_hyphen_joins(&r) || !push_number_joins(&r, s)))
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    if (st == IZDE_OK) {
        for (size_t i = 0; i < tokens->count; i++)
            tokens->items[i].term = tokens->arena.data + r.term_off[i];
    } else {
        tokens->count = 0;
    }
    free(r.term_off);
    return st;
}
