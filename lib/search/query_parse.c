/* The query language of izde/query.h.
 *
 * Parsing runs in four steps over one token array, so that recovery is decided by local rules
 * that are easy to state and test, and the recursive-descent parser at the end never meets
 * a malformed sequence:
 *   1. lex: words, phrases, fields, parentheses, operator spellings, '-' at a term start;
 *      an empty phrase, a lone '*' or a bare dash word is marked dead (dropped);
 *   2. parentheses: unmatched ')' and parentheses nested deeper than MAX_DEPTH are dropped,
 *      an unmatched '(' closes at the end, a pair with nothing inside is dropped;
 *   3. NOT: a NOT needs a term after it, or it is read as the word "NOT" (a '-' is dropped);
 *   4. OR, AND, NEAR: an operator needs a term directly on each side (judged on the tokens
 *      as lexed, so in `a OR OR b` both are words), or it is read as a word.
 * Every recovery also records a problem; strict mode reports the earliest one and lenient
 * mode ignores them. So strict mode accepts exactly the queries lenient mode needs no
 * recovery for.
 *
 * Grammar of what is left, loosest first (NOT binds looser than NEAR, tighter than OR):
 *   query := or_expr ( [AND] or_expr )*        juxtaposition is AND
 *   or_expr := unary ( OR unary )*
 *   unary := NOT* near_expr                    an even number of NOTs cancels out
 *   near_expr := primary ( NEAR[/N] primary )* one NEAR node, window = the largest N
 *   primary := term | '(' query ')'
 * Nesting is bounded by MAX_DEPTH parentheses, so the recursion is too.
 *
 * Choices the header leaves open:
 *  - A field with a bad or missing value (date:soon, lang:xx, title:) becomes one WORD with
 *    the token's whole text ("date:soon"); the builder's tokenizer splits it at the ':'.
 *  - NEAR joins words, phrases, prefixes and groups; next to a NOT or a filter (tag:, lang:,
 *    date:) it is read as a word.
 *  - A word made only of dashes (-, –, —) separates words, as in "Алматы – Астана"; it is
 *    dropped without a problem, even in strict mode. A '-' is NOT only when a term follows
 *    it directly; `--a` is NOT "-a".
 *  - The operator spellings after a '-' are words: -OR excludes the word "OR".
 *  - Any of " “ ” „ « » opens a phrase and any of them closes it.
 *  - NEAR/N takes N in 1..1000 (strict: an error outside; lenient: clamped).
 *  - AND inside AND and OR inside OR are flattened: a (b c) is one AND of three words.
 *  - Offsets: a NOT starts at its '-' or NOT, a field node at its field name, a phrase at
 *    its opening quote, an AND, OR or NEAR at its first child.
 */
#include <izde/array.h>
#include <izde/buf.h>
#include <izde/query.h>
#include <izde/utf8.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32
#define NEAR_DEFAULT 10
#define NEAR_MAX 1000
#define LAST_DAY 99991231
#define QUOTE_MAX 48 /* bytes of user text quoted in a problem message */

typedef enum tkind { T_TERM, T_LPAREN, T_RPAREN, T_OR, T_AND, T_NOT, T_NEAR } tkind;

typedef enum fname { F_TITLE, F_TAG, F_LANG, F_DATE, F_AFTER, F_BEFORE, F_NONE } fname;

typedef struct token {
    tkind kind;
    tkind orig;      /* as lexed: a stray operator turned into a word keeps its original kind */
    int dead;        /* dropped by recovery */
    int dash;        /* a T_NOT written as '-': belongs to the token right after it */
    size_t off, end; /* the token's bytes in the query */
    /* T_TERM */
    izde_qkind nk;
    izde_qfield field;
    const char *text; /* into the query, or a string literal for LANG */
    size_t text_len;
    int32_t from, to;
    /* T_NEAR */
    uint32_t window;
} token;

typedef struct parser {
    const char *q;
    size_t len;
    token *toks;
    size_t n, pos;
    int has_problem;
    size_t problem_off;
    char problem[200];
    int nomem;
} parser;

/* ---- UTF-8 and characters -------------------------------------------------------------- */

/* The code point at p->q[i] (the query is valid UTF-8 by now); its length in *out_n. */
static uint32_t char_at(const parser *p, size_t i, size_t *out_n)
{
    uint32_t cp = 0;
    *out_n = izde_utf8_decode(p->q + i, p->len - i, &cp);
    return cp;
}

/* 1-based character position of byte offset off, for messages. */
static size_t char_pos(const char *q, size_t off)
{
    return 1 + izde_utf8_count(q, off);
}

/* Control characters count as spaces so that no word or phrase carries them. */
static int is_space(uint32_t c)
{
    return c <= 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

/* Straight quotes and the typographic ones: “ ” „ (English, Russian) and « » (Russian,
 * Kazakh). Any of them opens a phrase and any closes it. */
static int is_quote(uint32_t c)
{
    return c == '"' || c == 0xAB || c == 0xBB || c == 0x201C || c == 0x201D || c == 0x201E;
}

static int is_word_char(uint32_t c)
{
    return !is_space(c) && !is_quote(c) && c != '(' && c != ')';
}

/* A word made only of these is a separator ("Алматы – Астана"), not a term. */
static int is_dash(uint32_t c)
{
    return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212;
}

static int all_dashes(const char *s, size_t n)
{
    uint32_t c;
    for (size_t i = 0; i < n;) {
        size_t k = izde_utf8_decode(s + i, n - i, &c);
        if (k == 0 || !is_dash(c))
            return 0;
        i += k;
    }
    return 1;
}

/* Narrows [*off, *off + *len) to exclude leading and trailing spaces. */
static void trim_spaces(const parser *p, size_t *off, size_t *len)
{
    size_t b = *off, e = *off + *len, n;
    while (b < e && is_space(char_at(p, b, &n)))
        b += n;
    while (e > b) {
        size_t s = e - 1;
        while (s > b && ((unsigned char)p->q[s] & 0xC0) == 0x80)
            s--;
        if (!is_space(char_at(p, s, &n)))
            break;
        e = s;
    }
    *off = b;
    *len = e - b;
}

/* How much of s to quote in a message: at most QUOTE_MAX bytes, cut on a character. */
static int quote_len(const char *s, size_t n)
{
    if (n <= QUOTE_MAX)
        return (int)n;
    n = QUOTE_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return (int)n;
}

static int ascii_ieq(const char *s, size_t n, const char *lit)
{
    if (strlen(lit) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lit[i])
            return 0;
    }
    return 1;
}

/* ---- problems ---------------------------------------------------------------------------- */

/* Records a problem at byte offset off, keeping the earliest. */
static void problem(parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(parser *p, size_t off, const char *fmt, ...)
{
    if (p->has_problem && p->problem_off <= off)
        return;
    p->has_problem = 1;
    p->problem_off = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->problem, sizeof p->problem, fmt, ap);
    va_end(ap);
}

/* ---- dates ------------------------------------------------------------------------------- */

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* Reads exactly min..max digits from s[*i]; 0 when there are fewer or more. */
static int read_digits(const char *s, size_t n, size_t *i, int min, int max, int *out)
{
    int v = 0, k = 0;
    while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
        if (++k > max)
            return 0;
        v = v * 10 + (s[*i] - '0');
        (*i)++;
    }
    *out = v;
    return k >= min;
}

/* A period YYYY, YYYY-MM or YYYY-MM-DD (month and day may have one digit): its first and last
 * day as YYYYMMDD. 0 when it is not a valid date. */
static int parse_period(const char *s, size_t n, int32_t *out_first, int32_t *out_last)
{
    size_t i = 0;
    int y = 0, m = 0, d = 0;
    if (!read_digits(s, n, &i, 4, 4, &y) || y < 1000)
        return 0;
    int m1 = 1, m2 = 12, d1 = 1, d2 = 31;
    if (i < n) {
        if (s[i++] != '-' || !read_digits(s, n, &i, 1, 2, &m) || m < 1 || m > 12)
            return 0;
        m1 = m2 = m;
        d2 = days_in_month(y, m);
        if (i < n) {
            if (s[i++] != '-' || !read_digits(s, n, &i, 1, 2, &d) || d < 1 ||
                d > days_in_month(y, m) || i != n)
                return 0;
            d1 = d2 = d;
        }
    }
    *out_first = y * 10000 + m1 * 100 + d1;
    *out_last = y * 10000 + m2 * 100 + d2;
    return 1;
}

static int32_t day_after(int32_t ymd)
{
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
    if (++d > days_in_month(y, m)) {
        d = 1;
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    return y * 10000 + m * 100 + d;
}

static int32_t day_before(int32_t ymd)
{
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
    if (--d < 1) {
        if (--m < 1) {
            m = 12;
            y--;
        }
        d = days_in_month(y, m);
    }
    return y * 10000 + m * 100 + d;
}

/* The value of date:, after: or before: at p->q[off..off+n). Fills t->from/t->to and returns 1,
 * or records a problem and returns 0. */
static int date_value(parser *p, token *t, fname f, size_t off, size_t n)
{
    const char *s = p->q + off;
    size_t dots = n;
    int32_t first = 0, last = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] == '.' && s[i + 1] == '.') {
            dots = i;
            break;
        }
    }
    if (f != F_DATE || dots == n) {
        if (!parse_period(s, n, &first, &last)) {
            problem(p, off, "invalid date '%.*s'", quote_len(s, n), s);
            return 0;
        }
        t->from = f == F_BEFORE ? 0 : f == F_AFTER ? day_after(last) : first;
        t->to = f == F_AFTER ? 0 : f == F_BEFORE ? day_before(first) : last;
        if (t->from > LAST_DAY)
            t->from = LAST_DAY; /* after:9999-12-31: keep eight digits, the days sort as text */
        return 1;
    }
    size_t b = dots + 2, bn = n - b;
    int32_t unused;
    if (dots == 0 && bn == 0) {
        problem(p, off, "invalid date '%.*s'", quote_len(s, n), s);
        return 0;
    }
    if (dots > 0 && !parse_period(s, dots, &t->from, &unused)) {
        problem(p, off, "invalid date '%.*s'", quote_len(s, dots), s);
        return 0;
    }
    if (bn > 0 && !parse_period(s + b, bn, &unused, &t->to)) {
        problem(p, off + b, "invalid date '%.*s'", quote_len(s + b, bn), s + b);
        return 0;
    }
    if (t->from && t->to && t->from > t->to) {
        problem(p, off, "date range '%.*s' ends before it starts", quote_len(s, n), s);
        return 0;
    }
    return 1;
}

/* ---- lexing ------------------------------------------------------------------------------ */

static token *push_token(parser *p, tkind kind, size_t off, size_t end)
{
    token *t = &p->toks[p->n++]; /* room for len tokens: each takes at least one byte */
    memset(t, 0, sizeof *t);
    t->kind = t->orig = kind;
    t->off = off;
    t->end = end;
    return t;
}

static void set_term(token *t, izde_qkind nk, izde_qfield field, const char *text, size_t len)
{
    t->kind = t->orig = T_TERM;
    t->nk = nk;
    t->field = field;
    t->text = text;
    t->text_len = len;
}

/* The whole token as one plain word: a stray operator or a field with a bad value. */
static void as_word(const parser *p, token *t)
{
    t->kind = T_TERM;
    t->nk = IZDE_Q_WORD;
    t->field = IZDE_QF_ANY;
    t->text = p->q + t->off;
    t->text_len = t->end - t->off;
}

/* Reads the quoted text whose opening quote is at i: its content, trimmed, in *out_off and
 * *out_len. Returns the offset after the closing quote (or the end of the query). */
static size_t read_quoted(parser *p, size_t i, size_t *out_off, size_t *out_len)
{
    size_t n, b;
    char_at(p, i, &n);
    b = i + n;
    for (size_t j = b; j < p->len; j += n) {
        if (is_quote(char_at(p, j, &n))) {
            *out_off = b;
            *out_len = j - b;
            trim_spaces(p, out_off, out_len);
            return j + n;
        }
    }
    problem(p, i, "unmatched quote");
    *out_off = b;
    *out_len = p->len - b;
    trim_spaces(p, out_off, out_len);
    return p->len;
}

static size_t lex_phrase(parser *p, size_t i)
{
    size_t off, len, end = read_quoted(p, i, &off, &len);
    token *t = push_token(p, T_TERM, i, end);
    if (len == 0) {
        t->dead = 1;
        problem(p, i, "empty phrase");
    } else {
        set_term(t, IZDE_Q_PHRASE, IZDE_QF_ANY, p->q + off, len);
    }
    return end;
}

/* Length of s[0..n) without its trailing '*'s. */
static size_t without_stars(const char *s, size_t n)
{
    while (n > 0 && s[n - 1] == '*')
        n--;
    return n;
}

/* A word, or a prefix when it ends in '*'; a lone '*' or a bare dash is dropped. */
static void lex_plain(parser *p, token *t, izde_qfield field)
{
    const char *s = p->q + t->off;
    size_t n = t->end - t->off, stem = without_stars(s, n);
    if (stem == 0 || all_dashes(s, stem)) {
        t->dead = 1;
        if (stem < n)
            problem(p, t->off + stem, "'*' needs a word before it");
        return;
    }
    set_term(t, stem < n ? IZDE_Q_PREFIX : IZDE_Q_WORD, field, s, stem);
}

/* OR, AND, NOT, NEAR, NEAR/N, spelled exactly so; 0 when s is not an operator. */
static int lex_operator(parser *p, token *t, const char *s, size_t n)
{
    if (n == 2 && memcmp(s, "OR", 2) == 0) {
        t->kind = t->orig = T_OR;
    } else if (n == 3 && memcmp(s, "AND", 3) == 0) {
        t->kind = t->orig = T_AND;
    } else if (n == 3 && memcmp(s, "NOT", 3) == 0) {
        t->kind = t->orig = T_NOT;
    } else if (n >= 4 && memcmp(s, "NEAR", 4) == 0) {
        uint32_t w = 0;
        if (n == 5)
            return 0; /* "NEAR/" */
        if (n > 4 && s[4] != '/')
            return 0;
        for (size_t i = 5; i < n; i++) {
            if (s[i] < '0' || s[i] > '9')
                return 0;
            if (w <= NEAR_MAX)
                w = w * 10 + (uint32_t)(s[i] - '0');
        }
        if (n == 4) {
            w = NEAR_DEFAULT;
        } else if (w < 1 || w > NEAR_MAX) {
            problem(p, t->off, "NEAR window must be between 1 and %d", NEAR_MAX);
            w = w < 1 ? 1 : NEAR_MAX;
        }
        t->kind = t->orig = T_NEAR;
        t->window = w;
    } else {
        return 0;
    }
    return 1;
}

static fname field_name(const char *s, size_t n)
{
    static const char *const names[] = {
        [F_TITLE] = "title", [F_TAG] = "tag",     [F_LANG] = "lang",
        [F_DATE] = "date",   [F_AFTER] = "after", [F_BEFORE] = "before",
    };
    for (int f = 0; f < F_NONE; f++)
        if (ascii_ieq(s, n, names[f]))
            return (fname)f;
    return F_NONE;
}

/* The value of a field, t->off..colon being "name". Returns where the token ends. */
static size_t lex_field(parser *p, token *t, fname f, size_t colon)
{
    size_t v = colon + 1, vn = t->end - v, cn;
    int quoted = 0;
    if (vn == 0 && t->end < p->len && is_quote(char_at(p, t->end, &cn))) {
        t->end = read_quoted(p, t->end, &v, &vn);
        quoted = 1;
    }
    const char *s = p->q + v;
    int ok = vn > 0;
    if (!ok) {
        if (quoted)
            problem(p, colon + 1, "empty phrase");
        else
            problem(p, t->off, "missing value after '%.*s'", (int)(v - t->off), p->q + t->off);
    } else if (f == F_TITLE && quoted) {
        set_term(t, IZDE_Q_PHRASE, IZDE_QF_TITLE, s, vn);
    } else if (f == F_TITLE) {
        size_t stem = without_stars(s, vn);
        ok = stem > 0 && !all_dashes(s, stem);
        if (ok)
            set_term(t, stem < vn ? IZDE_Q_PREFIX : IZDE_Q_WORD, IZDE_QF_TITLE, s, stem);
        else
            problem(p, v, "title: needs a word");
    } else if (f == F_TAG) {
        set_term(t, IZDE_Q_TAG, IZDE_QF_ANY, s, vn);
    } else if (f == F_LANG) {
        static const char *const langs[] = {"en", "kk", "ru"};
        ok = 0;
        for (size_t i = 0; i < sizeof langs / sizeof langs[0] && !ok; i++) {
            if (ascii_ieq(s, vn, langs[i])) {
                set_term(t, IZDE_Q_LANG, IZDE_QF_ANY, langs[i], 2);
                ok = 1;
            }
        }
        if (!ok)
            problem(p, v, "unknown language '%.*s' (en, kk or ru)", quote_len(s, vn), s);
    } else {
        ok = date_value(p, t, f, v, vn);
        if (ok)
            set_term(t, IZDE_Q_DATE, IZDE_QF_ANY, NULL, 0);
    }
    if (!ok) {
        t->kind = t->orig = T_TERM;
        as_word(p, t);
    }
    return t->end;
}

/* A run of word characters from i: an operator, a field, a word or a prefix. after_dash: the
 * run follows a '-' meaning NOT, so it is a term even if spelled like an operator. */
static size_t lex_word(parser *p, size_t i, int after_dash)
{
    size_t e = i, n;
    while (e < p->len && is_word_char(char_at(p, e, &n)))
        e += n;
    token *t = push_token(p, T_TERM, i, e);
    const char *s = p->q + i;
    if (!after_dash && lex_operator(p, t, s, e - i))
        return e;
    const char *colon = memchr(s, ':', e - i);
    if (colon) {
        fname f = field_name(s, (size_t)(colon - s));
        if (f != F_NONE)
            return lex_field(p, t, f, (size_t)(colon - p->q));
    }
    lex_plain(p, t, IZDE_QF_ANY);
    return e;
}

/* The '-' at i means NOT when it starts a term (after a space, a '(' or at the start of the
 * query) and a term follows it directly. */
static int dash_is_not(const parser *p, size_t i, uint32_t prev)
{
    size_t n;
    if ((!is_space(prev) && prev != '(') || i + 1 >= p->len)
        return 0;
    uint32_t next = char_at(p, i + 1, &n);
    return is_word_char(next) || is_quote(next) || next == '(';
}

static void lex(parser *p)
{
    uint32_t prev = ' '; /* the start of the query counts as a space */
    int after_dash = 0;
    size_t i = 0, n;
    while (i < p->len) {
        uint32_t c = char_at(p, i, &n);
        if (is_space(c)) {
            i += n;
        } else if (is_quote(c)) {
            i = lex_phrase(p, i);
        } else if (c == '(' || c == ')') {
            push_token(p, c == '(' ? T_LPAREN : T_RPAREN, i, i + 1);
            i++;
        } else if (c == '-' && dash_is_not(p, i, prev)) {
            push_token(p, T_NOT, i, i + 1)->dash = 1;
            i++;
            prev = c;
            after_dash = 1;
            continue;
        } else {
            i = lex_word(p, i, after_dash);
        }
        prev = is_space(c) || c == '(' || c == ')' ? c : 'x';
        after_dash = 0;
    }
}

/* ---- the recovery passes ----------------------------------------------------------------- */

static const token *next_live(const parser *p, size_t k)
{
    for (size_t i = k + 1; i < p->n; i++)
        if (!p->toks[i].dead)
            return &p->toks[i];
    return NULL;
}

static const token *prev_live(const parser *p, size_t k)
{
    for (size_t i = k; i-- > 0;)
        if (!p->toks[i].dead)
            return &p->toks[i];
    return NULL;
}

static void match_parens(parser *p)
{
    size_t open[MAX_DEPTH], inside[MAX_DEPTH]; /* token index; live tokens within */
    size_t depth = 0, ignored = 0;
    for (size_t i = 0; i < p->n; i++) {
        token *t = &p->toks[i];
        if (t->dead)
            continue;
        if (t->kind == T_LPAREN && depth == MAX_DEPTH) {
            t->dead = 1;
            ignored++;
            problem(p, t->off, "parentheses nested deeper than %d", MAX_DEPTH);
        } else if (t->kind == T_LPAREN) {
            open[depth] = i;
            inside[depth++] = 0;
        } else if (t->kind == T_RPAREN && ignored > 0) {
            t->dead = 1;
            ignored--;
        } else if (t->kind == T_RPAREN && depth == 0) {
            t->dead = 1;
            problem(p, t->off, "unmatched ')'");
        } else if (t->kind == T_RPAREN) {
            depth--;
            if (inside[depth] == 0) {
                t->dead = p->toks[open[depth]].dead = 1;
                problem(p, p->toks[open[depth]].off, "empty parentheses");
            } else if (depth > 0) {
                inside[depth - 1]++;
            }
        } else if (depth > 0 && !t->dash) {
            inside[depth - 1]++; /* a '-' lives or dies with the token after it */
        }
    }
    while (depth-- > 0) {
        token *o = &p->toks[open[depth]];
        problem(p, o->off, "unmatched '('");
        if (inside[depth] == 0)
            o->dead = 1;
        else if (depth > 0)
            inside[depth - 1]++;
    }
}

static int starts_term(const token *t)
{
    return t->orig == T_TERM || t->orig == T_LPAREN || (t->orig == T_NOT && t->kind == T_NOT);
}

static int ends_term(const token *t)
{
    return t->orig == T_TERM || t->orig == T_RPAREN;
}

/* What NEAR can join: words, phrases, prefixes and groups, not filters or NOT. */
static int positional(const token *t, tkind paren)
{
    return t->orig == paren ||
           (t->orig == T_TERM &&
            (t->nk == IZDE_Q_WORD || t->nk == IZDE_Q_PHRASE || t->nk == IZDE_Q_PREFIX));
}

/* Right to left, so that in NOT NOT a the second NOT is settled before the first. */
static void check_nots(parser *p)
{
    for (size_t k = p->n; k-- > 0;) {
        token *t = &p->toks[k];
        if (t->dead || t->kind != T_NOT)
            continue;
        if (t->dash) {
            const token *a = k + 1 < p->n ? &p->toks[k + 1] : NULL;
            if (!a || a->dead || !starts_term(a))
                t->dead = 1;
            continue;
        }
        const token *nx = next_live(p, k);
        if (!nx || !starts_term(nx)) {
            as_word(p, t);
            problem(p, t->off, "NOT needs a term after it");
        }
    }
}

static void check_binary(parser *p)
{
    for (size_t k = 0; k < p->n; k++) {
        token *t = &p->toks[k];
        if (t->dead || (t->kind != T_OR && t->kind != T_AND && t->kind != T_NEAR))
            continue;
        const token *pv = prev_live(p, k), *nx = next_live(p, k);
        int ok;
        if (t->kind == T_NEAR)
            ok = pv && nx && positional(pv, T_RPAREN) && positional(nx, T_LPAREN);
        else
            ok = pv && nx && ends_term(pv) && starts_term(nx);
        if (ok)
            continue;
        if (t->kind == T_NEAR)
            problem(p, t->off, "NEAR needs a word or a phrase on both sides");
        else
            problem(p, t->off, "%s needs a term on both sides", t->kind == T_OR ? "OR" : "AND");
        as_word(p, t);
    }
}

/* ---- the tree ---------------------------------------------------------------------------- */

void izde_qnode_free(izde_qnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_children; i++)
        izde_qnode_free(n->children[i]);
    free(n->children);
    free(n->text);
    free(n);
}

static izde_qnode *node_new(parser *p, izde_qkind kind, size_t off)
{
    izde_qnode *n = calloc(1, sizeof *n);
    if (!n) {
        p->nomem = 1;
        return NULL;
    }
    n->kind = kind;
    n->offset = off;
    return n;
}

static izde_qnode *term_node(parser *p, const token *t)
{
    izde_qnode *n = node_new(p, t->nk, t->off);
    if (!n)
        return NULL;
    n->field = t->field;
    n->from_day = t->from;
    n->to_day = t->to;
    if (t->text) {
        n->text = malloc(t->text_len + 1);
        if (!n->text) {
            p->nomem = 1;
            free(n);
            return NULL;
        }
        for (size_t i = 0; i < t->text_len; i++) {
            unsigned char c = (unsigned char)t->text[i];
            n->text[i] = c < 0x20 || c == 0x7F ? ' ' : (char)c; /* inside quotes */
        }
        n->text[t->text_len] = '\0';
        n->text_len = t->text_len;
    }
    return n;
}

typedef struct nlist {
    izde_qnode **items;
    size_t n, cap;
} nlist;

static void nlist_free(nlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        izde_qnode_free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

/* Appends c (NULL: nothing to add). Takes ownership of c. */
static void nlist_push(parser *p, nlist *l, izde_qnode *c)
{
    if (!c)
        return;
    if (!izde_array_reserve(&l->items, &l->cap, l->n + 1, sizeof *l->items)) {
        p->nomem = 1;
        izde_qnode_free(c);
        return;
    }
    l->items[l->n++] = c;
}

/* Appends c, or c's children when c is itself a `kind` node: (a b) c is one AND of three. */
static void nlist_push_flat(parser *p, nlist *l, izde_qnode *c, izde_qkind kind)
{
    if (!c || c->kind != kind) {
        nlist_push(p, l, c);
        return;
    }
    for (size_t i = 0; i < c->n_children; i++) {
        nlist_push(p, l, c->children[i]);
        c->children[i] = NULL;
    }
    izde_qnode_free(c);
}

/* The list as one node of kind: NULL when empty, the child itself when alone. Empties l. */
static izde_qnode *nlist_finish(parser *p, nlist *l, izde_qkind kind)
{
    izde_qnode *n = NULL;
    if (p->nomem || l->n == 0)
        goto out;
    if (l->n == 1) {
        n = l->items[0];
        l->n = 0;
        goto out;
    }
    n = node_new(p, kind, l->items[0]->offset);
    if (!n)
        goto out;
    n->children = l->items;
    n->n_children = l->n;
    memset(l, 0, sizeof *l);
out:
    nlist_free(l);
    return n;
}

static const token *cur(const parser *p)
{
    return p->pos < p->n ? &p->toks[p->pos] : NULL;
}

static int at(const parser *p, tkind kind)
{
    const token *t = cur(p);
    return t && t->kind == kind;
}

static izde_qnode *parse_and(parser *p);

static izde_qnode *parse_primary(parser *p)
{
    const token *t = cur(p);
    if (!t)
        return NULL;
    if (t->kind == T_TERM) {
        p->pos++;
        return term_node(p, t);
    }
    if (t->kind != T_LPAREN)
        return NULL; /* unreachable after the passes; the caller skips the token */
    p->pos++;
    izde_qnode *n = parse_and(p);
    if (at(p, T_RPAREN))
        p->pos++; /* else: an unmatched '(' closes at the end */
    return n;
}

static izde_qnode *parse_near(parser *p)
{
    izde_qnode *first = parse_primary(p);
    if (!at(p, T_NEAR))
        return first;
    nlist l = {0};
    uint32_t window = 0;
    nlist_push(p, &l, first);
    while (at(p, T_NEAR)) {
        if (cur(p)->window > window)
            window = cur(p)->window;
        p->pos++;
        nlist_push(p, &l, parse_primary(p));
    }
    izde_qnode *n = nlist_finish(p, &l, IZDE_Q_NEAR);
    if (n && n->kind == IZDE_Q_NEAR)
        n->window = window;
    return n;
}

static izde_qnode *parse_unary(parser *p)
{
    int negate = 0;
    size_t off = 0;
    while (at(p, T_NOT)) {
        if (!negate)
            off = cur(p)->off;
        negate = !negate;
        p->pos++;
    }
    izde_qnode *c = parse_near(p);
    if (!negate || !c)
        return c;
    if (c->kind == IZDE_Q_NOT) { /* -(-a) */
        izde_qnode *inner = c->children[0];
        c->n_children = 0;
        izde_qnode_free(c);
        return inner;
    }
    izde_qnode *n = node_new(p, IZDE_Q_NOT, off);
    if (n)
        n->children = malloc(sizeof *n->children);
    if (!n || !n->children) {
        p->nomem = 1;
        izde_qnode_free(n);
        izde_qnode_free(c);
        return NULL;
    }
    n->children[0] = c;
    n->n_children = 1;
    return n;
}

static izde_qnode *parse_or(parser *p)
{
    nlist l = {0};
    nlist_push_flat(p, &l, parse_unary(p), IZDE_Q_OR);
    while (at(p, T_OR)) {
        p->pos++;
        nlist_push_flat(p, &l, parse_unary(p), IZDE_Q_OR);
    }
    return nlist_finish(p, &l, IZDE_Q_OR);
}

/* Up to a ')' or the end. */
static izde_qnode *parse_and(parser *p)
{
    nlist l = {0};
    while (p->pos < p->n && !at(p, T_RPAREN) && !p->nomem) {
        size_t before = p->pos;
        if (at(p, T_AND)) {
            p->pos++;
            continue;
        }
        nlist_push_flat(p, &l, parse_or(p), IZDE_Q_AND);
        if (p->pos == before)
            p->pos++; /* never stall on a token no rule takes */
    }
    return nlist_finish(p, &l, IZDE_Q_AND);
}

static izde_qnode *parse_query(parser *p)
{
    nlist l = {0};
    while (p->pos < p->n && !p->nomem) {
        nlist_push_flat(p, &l, parse_and(p), IZDE_Q_AND);
        if (at(p, T_RPAREN))
            p->pos++;
    }
    return nlist_finish(p, &l, IZDE_Q_AND);
}

static int blank(const char *q, size_t len)
{
    uint32_t c;
    for (size_t i = 0; i < len;) {
        size_t n = izde_utf8_decode(q + i, len - i, &c);
        if (!is_space(c))
            return 0;
        i += n;
    }
    return 1;
}

izde_status izde_query_parse(const char *q, size_t len, int strict, izde_qnode **out_root,
                             izde_error *err)
{
    parser p = {0};
    izde_qnode *root = NULL;
    izde_status st = IZDE_OK;

    if (!out_root || (!q && len > 0))
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "query: NULL argument");
    *out_root = NULL;
    if (len > IZDE_QUERY_MAX)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "query longer than %d bytes",
                              IZDE_QUERY_MAX);
    if (!izde_utf8_valid(q, len))
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "invalid UTF-8");
    if (blank(q, len))
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "empty query");

    p.q = q;
    p.len = len;
    p.toks = malloc(len * sizeof *p.toks);
    if (!p.toks) {
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        goto out;
    }
    lex(&p);
    match_parens(&p);
    check_nots(&p);
    check_binary(&p);
    if (strict && p.has_problem) {
        st = izde_error_set(err, IZDE_ERR_QUERY_SYNTAX, "position %zu: %s",
                            char_pos(q, p.problem_off), p.problem);
        goto out;
    }
    size_t live = 0;
    for (size_t i = 0; i < p.n; i++)
        if (!p.toks[i].dead)
            p.toks[live++] = p.toks[i];
    p.n = live;
    root = parse_query(&p);
    if (p.nomem) {
        st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (!root) {
        st = izde_error_set(err, IZDE_ERR_INVALID_ARG, "empty query");
        goto out;
    }
    *out_root = root;
    root = NULL;
out:
    izde_qnode_free(root);
    free(p.toks);
    return st;
}

/* ---- describe ---------------------------------------------------------------------------- */

static void sb_quoted(izde_buf *b, const char *s, size_t n)
{
    izde_buf_append(b, " \"", 2);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\')
            izde_buf_append(b, "\\", 1);
        izde_buf_append(b, s + i, 1);
    }
    izde_buf_append(b, "\"", 1);
}

static void describe(izde_buf *b, const izde_qnode *n)
{
    static const char *const names[] = {
        [IZDE_Q_WORD] = "WORD", [IZDE_Q_PHRASE] = "PHRASE", [IZDE_Q_PREFIX] = "PREFIX",
        [IZDE_Q_AND] = "AND",   [IZDE_Q_OR] = "OR",         [IZDE_Q_NOT] = "NOT",
        [IZDE_Q_NEAR] = "NEAR", [IZDE_Q_TAG] = "TAG",       [IZDE_Q_LANG] = "LANG",
        [IZDE_Q_DATE] = "DATE",
    };
    char num[48];
    izde_buf_append(b, "(", 1);
    izde_buf_append_str(b,
                        (unsigned)n->kind < sizeof names / sizeof names[0] ? names[n->kind] : "?");
    if (n->kind == IZDE_Q_NEAR) {
        snprintf(num, sizeof num, "/%u", (unsigned)n->window);
        izde_buf_append_str(b, num);
    }
    if (n->field == IZDE_QF_TITLE)
        izde_buf_append_str(b, " title");
    if (n->text)
        sb_quoted(b, n->text, n->text_len);
    if (n->kind == IZDE_Q_DATE) {
        snprintf(num, sizeof num, " %ld %ld", (long)n->from_day, (long)n->to_day);
        izde_buf_append_str(b, num);
    }
    for (size_t i = 0; i < n->n_children; i++) {
        izde_buf_append(b, " ", 1);
        describe(b, n->children[i]);
    }
    izde_buf_append(b, ")", 1);
}

char *izde_qnode_describe(const izde_qnode *n)
{
    izde_buf b = {0};
    if (n)
        describe(&b, n);
    else
        izde_buf_append(&b, "", 0);
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    return b.data;
}
