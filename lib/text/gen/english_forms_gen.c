/* Build tool: the English word forms Snowball cannot tie to their base word, as a C table
 * compiled into libizde (lib/text/english_forms.h).
 *
 * Two well-kept sources:
 *  - WordNet's exception lists (Debian wordnet-base: verb.exc, noun.exc, adj.exc, adv.exc):
 *    irregular forms and their base words (went go, children child, better good), and the few
 *    that WordNet lists as words of their own (people person; the modals could can, would
 *    will, should shall);
 *  - hunspell-en-us: the adjectives its word list marks with the superlative flag T, whose
 *    comparative and superlative are regular (small: smaller, smallest) and which Snowball
 *    leaves apart from the adjective, spelt by the affix file's own rules R and T; nouns in
 *    -man with their plural in -men (women); and verbs whose double consonant Snowball undoes
 *    in their -ed and -ing forms only (add: added, adding);
 *  - hunspell-en-gb against hunspell-en-us: a British spelling and its American one (colour:
 *    color, organise: organize, centre: center), one of a few known differences apart.
 * Each form is also marked when hunspell-en-us lists it as a word that inflects by itself
 * (flags S, D or G: found, saw, left, thought), so that a search for it is not read as a
 * search for the other word.
 *
 * Usage: english_forms_gen WORDNET_DIR en_US.dic en_US.aff en_GB.dic out.c
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORD_MAX 64

typedef struct pair {
    char *form, *lemma;
    int base;    /* the form is a word that inflects by itself */
    int noun;    /* a noun's plural (noun.exc): it takes 's */
    int variant; /* the form is the lemma's American spelling (color for colour) */
} pair;

typedef struct dic_word {
    char *word, *flags;
} dic_word;

/* A hunspell word list, sorted by word. */
typedef struct word_list {
    dic_word *words;
    size_t n;
} word_list;

typedef struct rule {
    char strip[16], add[16], cond[64];
} rule;

typedef struct tables {
    pair *pairs;
    size_t n_pairs, cap_pairs;
    word_list us, gb;     /* en_US.dic, en_GB.dic */
    rule comp[8], sup[8]; /* the affix file's rules R and T */
    size_t n_comp, n_sup;
} tables;

static void die(const char *what, const char *path)
{
    fprintf(stderr, "english_forms_gen: %s: %s\n", what, path);
    exit(1);
}

static char *copy(const char *s)
{
    char *c = strdup(s);
    if (!c)
        die("out of memory", s);
    return c;
}

/* Whether s is a word of lower-case ASCII letters alone, as izde normalises them. */
static int plain_word(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= WORD_MAX)
        return 0;
    for (; *s; s++)
        if (*s < 'a' || *s > 'z')
            return 0;
    return 1;
}

/* Adds the pair unless a word is not plain or they are the same; returns it, or NULL. */
static pair *add_pair(tables *t, const char *form, const char *lemma, int noun)
{
    if (!plain_word(form) || !plain_word(lemma) || !strcmp(form, lemma))
        return NULL;
    if (t->n_pairs == t->cap_pairs) {
        t->cap_pairs = t->cap_pairs ? 2 * t->cap_pairs : 4096;
        t->pairs = realloc(t->pairs, t->cap_pairs * sizeof *t->pairs);
        if (!t->pairs)
            die("out of memory", form);
    }
    t->pairs[t->n_pairs] = (pair){copy(form), copy(lemma), 0, noun, 0};
    return &t->pairs[t->n_pairs++];
}

/* WordNet's "form lemma [lemma...]" lines. */
static void read_exc(tables *t, const char *dir, const char *name)
{
    char path[4096], line[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        die("cannot read", path);
    while (fgets(line, sizeof line, f)) {
        char *save = NULL, *form = strtok_r(line, " \t\r\n", &save);
        for (char *lemma; form && (lemma = strtok_r(NULL, " \t\r\n", &save));)
            add_pair(t, form, lemma, !strcmp(name, "noun.exc"));
    }
    fclose(f);
}

static int by_word(const void *a, const void *b)
{
    return strcmp(((const dic_word *)a)->word, ((const dic_word *)b)->word);
}

/* hunspell's word list: "word/FLAGS" or "word" per line after the count. */
static void read_dic(word_list *l, const char *path)
{
    char line[1024];
    size_t cap = 0;
    FILE *f = fopen(path, "r");
    if (!f || !fgets(line, sizeof line, f))
        die("cannot read", path);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *slash = strchr(line, '/');
        if (slash)
            *slash = '\0';
        if (!plain_word(line))
            continue;
        if (l->n == cap) {
            cap = cap ? 2 * cap : 65536;
            l->words = realloc(l->words, cap * sizeof *l->words);
            if (!l->words)
                die("out of memory", path);
        }
        l->words[l->n++] = (dic_word){copy(line), copy(slash ? slash + 1 : "")};
    }
    fclose(f);
    qsort(l->words, l->n, sizeof *l->words, by_word);
}

/* The affix file's "SFX R strip add condition" and "SFX T ..." rules. */
static void read_aff(tables *t, const char *path)
{
    char line[1024], flag[8], strip[16], add[16], cond[64];
    FILE *f = fopen(path, "r");
    if (!f)
        die("cannot read", path);
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "SFX %7s %15s %15s %63s", flag, strip, add, cond) != 4 ||
            strcmp(strip, "Y") == 0 || strcmp(strip, "N") == 0)
            continue; /* not a rule: the flag's header line */
        rule r;
        snprintf(r.strip, sizeof r.strip, "%s", strcmp(strip, "0") ? strip : "");
        snprintf(r.add, sizeof r.add, "%s", strcmp(add, "0") ? add : "");
        snprintf(r.cond, sizeof r.cond, "%s", cond);
        if (!strcmp(flag, "R") && t->n_comp < 8)
            t->comp[t->n_comp++] = r;
        else if (!strcmp(flag, "T") && t->n_sup < 8)
            t->sup[t->n_sup++] = r;
    }
    fclose(f);
    if (!t->n_comp || !t->n_sup)
        die("no suffix rules R and T", path);
}

/* Whether word ends as hunspell's condition says: letters, [set] and [^set], one letter each. */
static int cond_matches(const char *word, const char *cond)
{
    size_t elems = 0;
    for (const char *c = cond; *c; elems++) {
        const char *end = *c == '[' ? strchr(c, ']') : c;
        if (!end)
            return 0;
        c = end + 1;
    }
    size_t n = strlen(word);
    if (elems > n)
        return 0;
    const char *w = word + n - elems;
    for (const char *c = cond; *c; w++) {
        if (*c != '[') {
            if (*c != '.' && *c != *w)
                return 0;
            c++;
            continue;
        }
        const char *end = strchr(c, ']');
        if (!end)
            return 0;
        int negate = c[1] == '^', in = 0;
        for (const char *s = c + 1 + negate; s < end; s++)
            in |= *s == *w;
        if (in == negate)
            return 0;
        c = end + 1;
    }
    return 1;
}

/* Adds word's form by the first of rules that applies. */
static void add_by_rules(tables *t, const char *word, const rule *rules, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t wl = strlen(word), sl = strlen(rules[i].strip);
        if (!cond_matches(word, rules[i].cond) || sl > wl || strcmp(word + wl - sl, rules[i].strip))
            continue;
        char form[WORD_MAX + 16];
        snprintf(form, sizeof form, "%.*s%s", (int)(wl - sl), word, rules[i].add);
        add_pair(t, form, word, 0);
        return;
    }
}

static const dic_word *dic_find(const word_list *l, const char *word)
{
    dic_word key = {(char *)word, NULL};
    return bsearch(&key, l->words, l->n, sizeof *l->words, by_word);
}

/* A verb ending in a double consonant that Snowball's English stemmer undoes after -ed and
 * -ing (bb dd ff gg mm nn pp rr tt: added, adding → ad; stuffed → stuf) but keeps in the verb
 * itself (add, stuff): its -ed and -ing forms, by the word list's flags D and G. */
static void add_undoubled(tables *t, const dic_word *d)
{
    size_t n = strlen(d->word);
    if (n < 3 || d->word[n - 1] != d->word[n - 2] || !strchr("bdfgmnprt", d->word[n - 1]) ||
        n + 4 >= WORD_MAX)
        return;
    char form[WORD_MAX + 8];
    if (strchr(d->flags, 'D')) {
        snprintf(form, sizeof form, "%sed", d->word);
        add_pair(t, form, d->word, 0);
    }
    if (strchr(d->flags, 'G')) {
        snprintf(form, sizeof form, "%sing", d->word);
        add_pair(t, form, d->word, 0);
    }
}

/* A noun in -man whose plural in -men the word list has (woman: women, spokesman: spokesmen):
 * WordNet's lists leave these to a rule. */
static void add_men_plural(tables *t, const dic_word *d)
{
    size_t n = strlen(d->word);
    if (n < 4 || strcmp(d->word + n - 3, "man") || n >= WORD_MAX)
        return;
    char plural[WORD_MAX];
    snprintf(plural, sizeof plural, "%.*smen", (int)(n - 3), d->word);
    if (dic_find(&t->us, plural))
        add_pair(t, plural, d->word, 1);
}

/* How British spelling differs from American, one place at a time: colour, organise,
 * organisation, analyse, centre, defence, catalogue, anaemia, foetus, programme, fulfil. */
static const char *const spellings[][2] = {
    {"our", "or"},  {"is", "iz"}, {"ys", "yz"}, {"tre", "ter"}, {"ence", "ense"},
    {"ogue", "og"}, {"ae", "e"},  {"oe", "e"},  {"mme", "m"},   {"l", "ll"},
};

/* Whether spellings[r] may change word at `at`: not the -ae or -oe of a Latin plural
 * (chelicerae), the our of a short word (bourn is not born), or an l but the last letter of a
 * word of five letters or more after a vowel (fulfil, enrol; not bely, cul). */
static int spelling_applies(const char *word, const char *at, size_t r)
{
    size_t from = strlen(spellings[r][0]), before = (size_t)(at - word);
    if (!strcmp(spellings[r][0], "l"))
        return !at[1] && before >= 4 && strchr("aeiou", at[-1]);
    if (!strcmp(spellings[r][1], "e"))
        return at[from] != '\0';
    if (!strcmp(spellings[r][0], "our"))
        return before >= 2;
    return 1;
}

/* A word of hunspell-en-gb's list that hunspell-en-us lacks, and its American spelling where
 * one change of spellings[] gives a word hunspell-en-us lists (colour: color; organise:
 * organize). */
static void add_american(tables *t, const dic_word *gb)
{
    const char *g = gb->word;
    if (dic_find(&t->us, g))
        return;
    for (size_t r = 0; r < sizeof spellings / sizeof *spellings; r++) {
        size_t from = strlen(spellings[r][0]);
        for (const char *at = strstr(g, spellings[r][0]); at;
             at = strstr(at + 1, spellings[r][0])) {
            if (!spelling_applies(g, at, r))
                continue;
            char us[WORD_MAX + 8];
            snprintf(us, sizeof us, "%.*s%s%s", (int)(at - g), g, spellings[r][1], at + from);
            /* a British word too, the American spelling is another word there (program
             * beside programme, meter beside metre), unless it is -ize, which British
             * spelling allows as well (organize beside organise) */
            int ize = spellings[r][1][1] == 'z';
            pair *p = dic_find(&t->us, us) && (ize || !dic_find(&t->gb, us)) ? add_pair(t, us, g, 0)
                                                                             : NULL;
            if (p)
                p->variant = 1;
        }
    }
}

static int by_form(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    int c = strcmp(x->form, y->form);
    return c ? c : strcmp(x->lemma, y->lemma);
}

static int by_lemma(const void *a, const void *b)
{
    const pair *x = *(const pair *const *)a, *y = *(const pair *const *)b;
    int c = strcmp(x->lemma, y->lemma);
    return c ? c : strcmp(x->form, y->form);
}

static void write_table(tables *t, const char *path, const char *sources)
{
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write", path);
    fprintf(f, "/* Generated by english_forms_gen from %s; do not edit. */\n", sources);
    fprintf(f, "#include \"english_forms.h\"\n\nconst en_form_entry text_en_forms[] = {\n");
    for (size_t i = 0; i < t->n_pairs; i++)
        fprintf(f, "    {\"%s\", \"%s\", %d, %d, %d},\n", t->pairs[i].form, t->pairs[i].lemma,
                t->pairs[i].base, t->pairs[i].noun, t->pairs[i].variant);
    fprintf(f, "};\nconst size_t text_en_forms_size = %zu;\n\n", t->n_pairs);
    const pair **order = malloc(t->n_pairs * sizeof *order);
    if (!order)
        die("out of memory", path);
    for (size_t i = 0; i < t->n_pairs; i++)
        order[i] = &t->pairs[i];
    qsort(order, t->n_pairs, sizeof *order, by_lemma);
    fprintf(f, "const unsigned short text_en_forms_by_lemma[] = {\n");
    for (size_t i = 0; i < t->n_pairs; i++)
        fprintf(f, "%s%zu,%s", i % 12 ? " " : "    ", (size_t)(order[i] - t->pairs),
                i % 12 == 11 ? "\n" : "");
    fprintf(f, "\n};\n");
    free(order);
    if (fclose(f) != 0)
        die("cannot write", path);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr,
                "usage: english_forms_gen WORDNET_DIR en_US.dic en_US.aff en_GB.dic out.c\n");
        return 2;
    }
    tables t = {0};
    static const char *const exc[] = {"verb.exc", "noun.exc", "adj.exc", "adv.exc"};
    for (size_t i = 0; i < 4; i++)
        read_exc(&t, argv[1], exc[i]);
    /* forms WordNet lists as words of their own, so not in its exception lists */
    static const char *const own[][2] = {
        {"could", "can"}, {"cannot", "can"}, {"would", "will"}, {"should", "shall"}};
    for (size_t i = 0; i < sizeof own / sizeof *own; i++)
        add_pair(&t, own[i][0], own[i][1], 0);
    add_pair(&t, "people", "person", 1);
    read_dic(&t.us, argv[2]);
    read_aff(&t, argv[3]);
    read_dic(&t.gb, argv[4]);
    for (size_t i = 0; i < t.gb.n; i++)
        add_american(&t, &t.gb.words[i]);
    for (size_t i = 0; i < t.us.n; i++) {
        const dic_word *d = &t.us.words[i];
        if (strchr(d->flags, 'T')) {
            add_by_rules(&t, d->word, t.comp, t.n_comp);
            add_by_rules(&t, d->word, t.sup, t.n_sup);
        }
        add_undoubled(&t, d);
        add_men_plural(&t, d);
    }
    qsort(t.pairs, t.n_pairs, sizeof *t.pairs, by_form);
    size_t kept = 0;
    for (size_t i = 0; i < t.n_pairs; i++) {
        if (kept && !by_form(&t.pairs[kept - 1], &t.pairs[i])) {
            free(t.pairs[i].form);
            free(t.pairs[i].lemma);
            continue;
        }
        const dic_word *d = dic_find(&t.us, t.pairs[i].form);
        t.pairs[i].base = d && strpbrk(d->flags, "SDG") != NULL;
        t.pairs[kept++] = t.pairs[i];
    }
    t.n_pairs = kept;
    if (t.n_pairs == 0 || t.n_pairs > 65535)
        die("unexpected number of forms", argv[1]);
    char sources[8192];
    snprintf(sources, sizeof sources, "%s/{verb,noun,adj,adv}.exc, %s and %s", argv[1], argv[2],
             argv[4]);
    write_table(&t, argv[5], sources);
    for (size_t i = 0; i < t.n_pairs; i++) {
        free(t.pairs[i].form);
        free(t.pairs[i].lemma);
    }
    word_list *lists[] = {&t.us, &t.gb};
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < lists[k]->n; i++) {
            free(lists[k]->words[i].word);
            free(lists[k]->words[i].flags);
        }
        free(lists[k]->words);
    }
    free(t.pairs);
    return 0;
}
