/* A conservative suffix-stripping stemmer for Kazakh (Cyrillic script).
 *
 * Kazakh is agglutinative: a noun takes its endings in a fixed order,
 *
 *     stem + [verbal noun] + [plural] + [possessive] + [case or finite ending]
 *     спортшы      -          -лар        -ымыз            -ға
 *
 * so the stemmer strips right to left, one slot at a time, each slot at most once:
 *
 *  1. Outer ending (one of):
 *     - case: genitive -ның/-дың/-тың, accusative -ны/-ды/-ты and -н (after a 3rd person
 *       possessive), dative -ға/-қа and -на (after 3rd possessive), locative -да/-та and -нда,
 *       ablative -дан/-тан/-нан, instrumental -мен/-бен/-пен (and -менен...);
 *     - locative + relative -дағы/-тағы/-ндағы (Қазақстандағы), or the bare relative
 *       -ғы/-қы after a consonant (жылғы, сыртқы), which ends the analysis;
 *     - dative after a 2nd singular possessive, taken whole: -ыңа/-іңе;
 *     - a finite verb ending, which also ends the analysis: present -ады/-еді/-йды,
 *       past -ды after a vowel, converb -ып/-іп, intention -мақшы/-мекші/-пақшы/-пекші.
 *  2. Possessive: -ымыз/-мыз, -ыңыз/-ңыз, -ың, -ы/-сы (and front-vowel twins).
 *     The 1st singular (-ым, -м) is not stripped at all: білім, ғылым, шешім, маусым, адам end
 *     that way far more often than a news text says "my"; nor is the 2nd singular -ң after
 *     a vowel.
 *  3. Plural: -лар/-дар/-тар (and -лер/-дер/-тер).
 *  4. Verbal noun: participles -ған/-қан, -атын/-йтын and the infinitive -у, so that
 *     болған, болу, болуы, болатын and болады all give бол.
 *
 * Every candidate is checked before it is stripped:
 *  - vowel harmony: a back suffix (а, ы) after a front stem (ә е ө ү і, or a final ь) is
 *    refused and vice versa; и, у, ю are neutral and looked through;
 *  - consonant assimilation: each allomorph has the classes of stem-final letter it may follow
 *    (vowel; р й у и; л; м н ң; з ж; voiceless and б в г д), so -та never follows a vowel and
 *    -лар never follows л. This keeps most Russian words (городе, заводе) intact too;
 *  - minimum stem: the rest must have at least 3 letters and a vowel, or be one of a few
 *    two-letter stems (ел, үй, іс, су, ...): соты, сотқа → сот; алда, осы stay as they are;
 *  - a stem cannot end in ғ after a consonant (тұрғын is not тұрғ + ын);
 *  - protected words and endings stop the analysis: function words (тағы, үшін, кейін...)
 *    and stems that look inflected (теңге, Қазақстан and every -стан, -орда, олимпиада).
 * Candidates in a slot are tried longest first; the first acceptable one wins.
 *
 * Kept as part of the stem (derivation makes a new word): -шы/-ші agent (спортшы), -ушы,
 * -лық/-лік, -сыз, -ла (verb-forming), voice suffixes (табыл-, жүргіз-), negation.
 *
 * Finally, when the innermost suffix removed began with a vowel, the stem-final consonant that
 * was voiced between vowels is restored: б→п (кітабы → кітап), ғ→қ (тарағы → тарақ), г→к
 * before a front vowel (еңбегі → еңбек; a back vowel after г marks a loan: диалогы), and a
 * few stems that drop a vowel are mended (халқы → халық, орны → орын).
 *
 * Input is a normalised word (lower case, NFKC). A word with letters outside Cyrillic comes
 * back unchanged, except that a Latin i typed for і inside a Cyrillic word is read as і.
 * After a hyphen only the last part is stemmed (нұр-сұлтанда → нұр-сұлтан).
 * docs/kazakh-stemmer.md has the reasoning and the known weaknesses.
 */
#include <izde/kazakh.h>
#include <izde/utf8.h>

#include <stdint.h>
#include <string.h>
#include <uchar.h>

/* Words longer than this are not Kazakh words worth stemming (or are not words at all). */
#define MAX_LETTERS 64
#define MIN_STEM 3
#define LATIN_I 0x69u

/* Classes of the letter a suffix follows; they select the allomorph (-лар/-дар/-тар...). */
enum {
    K_V = 1,  /* a vowel */
    K_R = 2,  /* р й у и: behave like a vowel for -лар, like a consonant elsewhere */
    K_L = 4,  /* л */
    K_N = 8,  /* м н ң */
    K_Z = 16, /* з ж */
    K_T = 32, /* voiceless, and б в г д which are devoiced at the end of loans */
};
#define K_CONS (K_R | K_L | K_N | K_Z | K_T)
#define K_SONOR (K_V | K_R | K_L | K_N | K_Z)
#define K_ANY (K_V | K_CONS)

/* What else a suffix demands of the rest of the word. */
enum {
    NEED_NONE,
    NEED_POSS3,  /* the pronominal н forms: the rest must end in a 3rd person possessive */
    NEED_NOT_AE, /* past -ды after a vowel other than а/е (those are the present tense) */
};

/* What happens after a slot-1 ending is removed. */
enum {
    GO_POSS,   /* a case ending: possessive, plural and verbal noun may follow */
    GO_PLURAL, /* the ending included the possessive: plural and verbal noun may follow */
    GO_STOP,   /* a finite verb ending or the bare relative -ғы: nothing else to strip */
};

/* A literal decoded at compile time: the letters as code points, and how many. */
typedef struct lit {
    const char32_t *s;
    unsigned char n;
} lit;
#define L(x)                                                                                       \
    {                                                                                              \
        U##x, (unsigned char)(sizeof(U##x) / sizeof(char32_t) - 1)                                 \
    }
#define LIT(x) ((lit)L(x))

typedef struct suffix {
    lit s;
    unsigned char after; /* K_* classes of the letter before it */
    unsigned char need;  /* NEED_* */
    unsigned char go;    /* GO_*, for slot 1 */
    unsigned char fixed; /* 1: one form for both harmonies (the instrumental -мен) */
} suffix;

/* Slot 1, longest first. */
static const suffix outer[] = {
    {L("мақшы"), K_V | K_R | K_L, NEED_NONE, GO_STOP, 0},
    {L("мекші"), K_V | K_R | K_L, NEED_NONE, GO_STOP, 0},
    {L("бақшы"), K_N | K_Z, NEED_NONE, GO_STOP, 0},
    {L("бекші"), K_N | K_Z, NEED_NONE, GO_STOP, 0},
    {L("пақшы"), K_T, NEED_NONE, GO_STOP, 0},
    {L("пекші"), K_T, NEED_NONE, GO_STOP, 0},
    {L("ндағы"), K_ANY, NEED_POSS3, GO_PLURAL, 0},
    {L("ндегі"), K_ANY, NEED_POSS3, GO_PLURAL, 0},
    {L("менен"), K_SONOR, NEED_NONE, GO_POSS, 1},
    {L("бенен"), K_Z | K_N, NEED_NONE, GO_POSS, 1},
    {L("пенен"), K_T, NEED_NONE, GO_POSS, 1},
    {L("дағы"), K_SONOR, NEED_NONE, GO_POSS, 0},
    {L("дегі"), K_SONOR, NEED_NONE, GO_POSS, 0},
    {L("тағы"), K_T, NEED_NONE, GO_POSS, 0},
    {L("тегі"), K_T, NEED_NONE, GO_POSS, 0},
    {L("ның"), K_V | K_N, NEED_NONE, GO_POSS, 0},
    {L("нің"), K_V | K_N, NEED_NONE, GO_POSS, 0},
    {L("дың"), K_R | K_L | K_Z, NEED_NONE, GO_POSS, 0},
    {L("дің"), K_R | K_L | K_Z, NEED_NONE, GO_POSS, 0},
    {L("тың"), K_T, NEED_NONE, GO_POSS, 0},
    {L("тің"), K_T, NEED_NONE, GO_POSS, 0},
    {L("дан"), K_V | K_R | K_L | K_Z, NEED_NONE, GO_POSS, 0},
    {L("ден"), K_V | K_R | K_L | K_Z, NEED_NONE, GO_POSS, 0},
    {L("тан"), K_T, NEED_NONE, GO_POSS, 0},
    {L("тен"), K_T, NEED_NONE, GO_POSS, 0},
    {L("нан"), K_N, NEED_NONE, GO_POSS, 0},
    {L("нен"), K_N, NEED_NONE, GO_POSS, 0},
    {L("нан"), K_ANY, NEED_POSS3, GO_PLURAL, 0},
    {L("нен"), K_ANY, NEED_POSS3, GO_PLURAL, 0},
    {L("нда"), K_ANY, NEED_POSS3, GO_PLURAL, 0},
    {L("нде"), K_ANY, NEED_POSS3, GO_PLURAL, 0},
    {L("мен"), K_SONOR, NEED_NONE, GO_POSS, 1},
    {L("бен"), K_Z | K_N, NEED_NONE, GO_POSS, 1},
    {L("пен"), K_T, NEED_NONE, GO_POSS, 1},
    {L("ыңа"), K_CONS, NEED_NONE, GO_PLURAL, 0},
    {L("іңе"), K_CONS, NEED_NONE, GO_PLURAL, 0},
    {L("атын"), K_CONS, NEED_NONE, GO_STOP, 0},
    {L("етін"), K_CONS, NEED_NONE, GO_STOP, 0},
    {L("йтын"), K_V, NEED_NONE, GO_STOP, 0},
    {L("йтін"), K_V, NEED_NONE, GO_STOP, 0},
    {L("ады"), K_CONS, NEED_NONE, GO_STOP, 0},
    {L("еді"), K_CONS, NEED_NONE, GO_STOP, 0},
    {L("йды"), K_V, NEED_NONE, GO_STOP, 0},
    {L("йді"), K_V, NEED_NONE, GO_STOP, 0},
    {L("ға"), K_SONOR, NEED_NONE, GO_POSS, 0},
    {L("ге"), K_SONOR, NEED_NONE, GO_POSS, 0},
    {L("қа"), K_T, NEED_NONE, GO_POSS, 0},
    {L("ке"), K_T, NEED_NONE, GO_POSS, 0},
    {L("на"), K_ANY, NEED_POSS3, GO_PLURAL, 0},
    {L("не"), K_ANY, NEED_POSS3, GO_PLURAL, 0},
    {L("да"), K_SONOR, NEED_NONE, GO_POSS, 0},
    {L("де"), K_SONOR, NEED_NONE, GO_POSS, 0},
    {L("та"), K_T, NEED_NONE, GO_POSS, 0},
    {L("те"), K_T, NEED_NONE, GO_POSS, 0},
    {L("ны"), K_V, NEED_NONE, GO_POSS, 0},
    {L("ні"), K_V, NEED_NONE, GO_POSS, 0},
    {L("ды"), K_R | K_L | K_N | K_Z, NEED_NONE, GO_POSS, 0},
    {L("ді"), K_R | K_L | K_N | K_Z, NEED_NONE, GO_POSS, 0},
    {L("ты"), K_T, NEED_NONE, GO_POSS, 0},
    {L("ті"), K_T, NEED_NONE, GO_POSS, 0},
    {L("ды"), K_V, NEED_NOT_AE, GO_STOP, 0},
    {L("ді"), K_V, NEED_NOT_AE, GO_STOP, 0},
    {L("ғы"), K_R | K_L | K_N | K_Z, NEED_NONE, GO_STOP, 0},
    {L("гі"), K_R | K_L | K_N | K_Z, NEED_NONE, GO_STOP, 0},
    {L("қы"), K_T, NEED_NONE, GO_STOP, 0},
    {L("кі"), K_T, NEED_NONE, GO_STOP, 0},
    {L("ып"), K_CONS, NEED_NONE, GO_STOP, 0},
    {L("іп"), K_CONS, NEED_NONE, GO_STOP, 0},
    {L("н"), K_ANY, NEED_POSS3, GO_PLURAL, 0},
};

/* Slot 2 without the 3rd person, which poss3_len() handles. */
static const suffix possessive[] = {
    {L("ымыз"), K_CONS, NEED_NONE, 0, 0}, {L("іміз"), K_CONS, NEED_NONE, 0, 0},
    {L("ыңыз"), K_CONS, NEED_NONE, 0, 0}, {L("іңіз"), K_CONS, NEED_NONE, 0, 0},
    {L("мыз"), K_V, NEED_NONE, 0, 0},     {L("міз"), K_V, NEED_NONE, 0, 0},
    {L("ңыз"), K_V, NEED_NONE, 0, 0},     {L("ңіз"), K_V, NEED_NONE, 0, 0},
    {L("ың"), K_CONS, NEED_NONE, 0, 0},   {L("ің"), K_CONS, NEED_NONE, 0, 0},
};

static const suffix plural[] = {
    {L("лар"), K_V | K_R, NEED_NONE, 0, 0},
    {L("лер"), K_V | K_R, NEED_NONE, 0, 0},
    {L("дар"), K_L | K_N | K_Z, NEED_NONE, 0, 0},
    {L("дер"), K_L | K_N | K_Z, NEED_NONE, 0, 0},
    {L("тар"), K_T, NEED_NONE, 0, 0},
    {L("тер"), K_T, NEED_NONE, 0, 0},
};

static const suffix verbal_noun[] = {
    {L("атын"), K_CONS, NEED_NONE, 0, 0},    {L("етін"), K_CONS, NEED_NONE, 0, 0},
    {L("йтын"), K_V, NEED_NONE, 0, 0},       {L("йтін"), K_V, NEED_NONE, 0, 0},
    {L("ған"), K_SONOR, NEED_NONE, 0, 0},    {L("ген"), K_SONOR, NEED_NONE, 0, 0},
    {L("қан"), K_T, NEED_NONE, 0, 0},        {L("кен"), K_T, NEED_NONE, 0, 0},
    {L("у"), K_V | K_CONS, NEED_NONE, 0, 0},
};

/* Two-letter stems common enough in news to be worth conflating (елімізде → ел). */
static const lit short_stems[] = {
    L("ел"), L("үй"), L("іс"), L("іш"), L("су"), L("ай"), L("ат"), L("ас"), L("ой"),
    L("өз"), L("ұл"), L("ән"), L("ет"), L("ем"), L("ал"), L("өт"), L("із"),
};

/* Words left alone: function words and numbers that look inflected (тағы is not тақ + ы). */
static const lit invariant[] = {
    L("тағы"),   L("туралы"), L("арқылы"), L("сияқты"), L("кейін"),  L("дейін"), L("шейін"),
    L("үшін"),   L("бүгін"),  L("бұрын"),  L("қарсы"),  L("сайын"),  L("екі"),   L("алты"),
    L("жеті"),   L("бері"),   L("тіпті"),  L("қатты"),  L("мүмкін"), L("ертең"), L("өте"),
    L("алайда"), L("басқа"),  L("шілде"),  L("ойын"),   L("шығын"),  L("келін"), L("толқын"),
    L("бірге"),  L("ғана"),   L("әрі"),    L("түрлі"),  L("жалпы"),
};

/* Stems whose ending looks like a suffix; a word ending in one of these is not stripped
 * further (Қазақстан is not Қазақс + тан, теңге not тең + ге). */
static const lit protected_tail[] = {
    L("стан"),   L("орда"),   L("иада"),    L("теңге"),  L("өскемен"), L("қарағанды"), L("канада"),
    L("гектар"), L("мастер"), L("кластер"), L("дәптер"), L("прага"),   L("алматы"),
};

/* Stems in a vowel + с, so that -і after them is the possessive and not -сі (кеңесі). */
static const lit s_stems[] = {L("кеңес"), L("күрес"), L("дербес"), L("бизнес")};

/* Stems in н, so that -ы after them is the possessive and not the accusative -ны (ауданы). */
static const lit n_stems[] = {
    L("аудан"),  L("заман"),  L("жан"),   L("отан"),   L("арман"), L("орман"),
    L("өзен"),   L("дүкен"),  L("мекен"), L("экран"),  L("иран"),  L("ұран"),
    L("майдан"), L("маман"),  L("қазан"), L("бостан"), L("шығын"), L("тұрғын"),
    L("ойын"),   L("толқын"), L("жиын"),  L("ағын"),   L("орын"),
};

/* Stems in -ы/-і (other than the agent -шы) that take the possessive -сы: қаржысы. */
static const lit y_stems[] = {L("қаржы"), L("кісі"), L("алматы"), L("ірі")};

/* Stems that drop their last vowel before a vowel-initial suffix: халық → халқы. */
static const struct {
    lit from, to;
} syncope[] = {
    {L("халқ"), L("халық")},         {L("нарқ"), L("нарық")}, {L("орн"), L("орын")},
    {L("мұрн"), L("мұрын")},         {L("ерн"), L("ерін")},   {L("ауз"), L("ауыз")},
    {L("қарн"), L("қарын")},         {L("көңл"), L("көңіл")}, {L("ерк"), L("ерік")},
    {L("кәсіпорн"), L("кәсіпорын")}, {L("мүлк"), L("мүлік")}, {L("әрп"), L("әріп")},
    {L("бөрк"), L("бөрік")},         {L("құлқ"), L("құлық")}, {L("ырқ"), L("ырық")},
    {L("ғұрп"), L("ғұрып")},         {L("қойн"), L("қойын")},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int in_set(uint32_t c, const char32_t *set)
{
    for (; *set; set++)
        if (*set == c)
            return 1;
    return 0;
}

/* Whether w[0..n) ends with s; its length in letters goes to *slen. */
static int ends_with(const uint32_t *w, size_t n, lit s, size_t *slen)
{
    if (s.n > n)
        return 0;
    for (size_t j = 0; j < s.n; j++)
        if (w[n - s.n + j] != s.s[j])
            return 0;
    if (slen)
        *slen = s.n;
    return 1;
}

static int equals(const uint32_t *w, size_t n, lit s)
{
    return s.n == n && ends_with(w, n, s, NULL);
}

static int same_lit(lit a, lit b)
{
    return a.n == b.n && !memcmp(a.s, b.s, a.n * sizeof *a.s);
}

static int is_vowel(uint32_t c)
{
    return in_set(c, U"аәеоөұүыіэюяё");
}

/* The class of the letter before position n, looking through a final ь or ъ. */
static unsigned letter_class(const uint32_t *w, size_t n)
{
    if (n == 0)
        return 0;
    uint32_t c = w[n - 1];
    if ((c == 0x44Cu || c == 0x44Au) && n >= 2)
        c = w[n - 2];
    if (is_vowel(c))
        return K_V;
    if (in_set(c, U"рйуи"))
        return K_R;
    if (c == 0x43Bu) /* л */
        return K_L;
    if (in_set(c, U"мнң"))
        return K_N;
    if (in_set(c, U"зж"))
        return K_Z;
    return K_T;
}

/* 1 back, 2 front, 0 undecided (no harmonic vowel). Loans ending in ь, к or г (к and г are
 * front consonants) are written with either: медальдар, автомобильдер, банкі. So are loans
 * whose last vowel is и (Парижде, but Токиода): the vowel before it says nothing. */
static int harmony_of(const uint32_t *w, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        if (i + 1 == n && in_set(w[i], U"кгь"))
            return 0;
        if (w[i] == 0x438u) /* и */
            return 0;
        if (in_set(w[i], U"аоұыя"))
            return 1;
        if (in_set(w[i], U"әеөүіэ"))
            return 2;
    }
    return 0;
}

static int suffix_harmony(lit s)
{
    return harmony_of(s.s, s.n);
}

static int is_short_stem(const uint32_t *w, size_t n)
{
    for (size_t i = 0; i < COUNT(short_stems); i++)
        if (equals(w, n, short_stems[i]))
            return 1;
    return 0;
}

/* Minimum stem: three letters with a vowel, or a listed two-letter stem. A stem never ends in
 * ғ after a consonant, since ғ only arises from қ between vowels (loans have -нг, -рг). */
static int stem_ok(const uint32_t *w, size_t n)
{
    int vowel = 0;
    for (size_t i = 0; i < n; i++)
        vowel |= is_vowel(w[i]) || in_set(w[i], U"иу");
    if (!vowel)
        return 0;
    if (n < MIN_STEM && !is_short_stem(w, n))
        return 0;
    if (n >= 2 && w[n - 1] == 0x493u && !is_vowel(w[n - 2]))
        return 0;
    return 1;
}

static int is_protected(const uint32_t *w, size_t n)
{
    for (size_t i = 0; i < COUNT(invariant); i++)
        if (equals(w, n, invariant[i]))
            return 1;
    for (size_t i = 0; i < COUNT(protected_tail); i++)
        if (ends_with(w, n, protected_tail[i], NULL))
            return 1;
    return 0;
}

/* Whether stripping the suffix s (k letters) from w[0..n) passes the common checks. */
static int can_strip(const uint32_t *w, size_t n, size_t k, lit s, unsigned after, int fixed)
{
    size_t m = n - k;
    if (!stem_ok(w, m) || !(letter_class(w, m) & after))
        return 0;
    int hs = fixed ? 0 : suffix_harmony(s), hw = harmony_of(w, m);
    return !(hs && hw && hs != hw);
}

static int listed(const uint32_t *w, size_t m, const lit *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (equals(w, m, list[i]))
            return 1;
    return 0;
}

/* Whether w[0..m) followed by the letter c is one of the stems in list. */
static int listed_with(const uint32_t *w, size_t m, uint32_t c, const lit *list, size_t count)
{
    uint32_t tmp[MAX_LETTERS + 1];
    memcpy(tmp, w, m * sizeof *w);
    tmp[m] = c;
    for (size_t i = 0; i < count; i++)
        if (equals(tmp, m + 1, list[i]))
            return 1;
    return 0;
}

/* Whether -ны/-ні at w[m..] is rather a stem in н plus the possessive -ы/-і: ауданы, егіні.
 * After -ы/-і that is the usual reading, except after the agent -шы (спортшыны). */
static int accusative_misread(const uint32_t *w, size_t m)
{
    if (listed_with(w, m, 0x43Du, n_stems, COUNT(n_stems)))
        return 1;
    return in_set(w[m - 1], U"ыі") && !(m >= 2 && w[m - 2] == 0x448u) &&
           !listed(w, m, y_stems, COUNT(y_stems));
}

/* The agent suffix -шы/-ші after a consonant or у is part of the stem (спортшы, оқушы), so its
 * final vowel is not a possessive. After another vowel it is: күші, ағашы. */
static int agent_ending(const uint32_t *w, size_t m)
{
    return m >= 2 && w[m - 1] == 0x448u && !(is_vowel(w[m - 2]));
}

/* Length of a 3rd person possessive (-ы/-і after a consonant, -сы/-сі after a vowel) at the end
 * of w[0..n), or 0. */
static size_t poss3_len(const uint32_t *w, size_t n)
{
    size_t k;
    if ((ends_with(w, n, LIT("сы"), &k) || ends_with(w, n, LIT("сі"), &k)) &&
        can_strip(w, n, k, w[n - 1] == 0x44Bu ? LIT("сы") : LIT("сі"), K_V, 0)) {
        size_t m = n - k;
        /* After ы/і the с is usually the stem's (жұмысы), unless an agent noun precedes. */
        int s_stem = in_set(w[m - 1], U"ыі") && !(m >= 2 && w[m - 2] == 0x448u) &&
                     !listed(w, m, y_stems, COUNT(y_stems));
        if (!s_stem && !listed_with(w, m, 0x441u, s_stems, COUNT(s_stems)))
            return k;
    }
    if ((ends_with(w, n, LIT("ы"), &k) || ends_with(w, n, LIT("і"), &k)) &&
        can_strip(w, n, k, w[n - 1] == 0x44Bu ? LIT("ы") : LIT("і"), K_CONS, 0) &&
        !agent_ending(w, n - k))
        return k;
    return 0;
}

/* Tries the suffixes of tab in order; returns the letters stripped (0 if none) and the entry. */
static size_t strip_slot(const uint32_t *w, size_t n, const suffix *tab, size_t count,
                         const suffix **hit)
{
    for (size_t i = 0; i < count; i++) {
        size_t k, extra = 0;
        if (!ends_with(w, n, tab[i].s, &k) ||
            !can_strip(w, n, k, tab[i].s, tab[i].after, tab[i].fixed))
            continue;
        if (tab[i].need == NEED_POSS3) {
            extra = poss3_len(w, n - k);
            if (!extra)
                continue;
        } else if (tab[i].need == NEED_NOT_AE && in_set(w[n - k - 1], U"ае")) {
            continue;
        } else if (k == 2 && w[n - 2] == 0x43Du && accusative_misread(w, n - k)) {
            continue;
        }
        if (tab == outer && (same_lit(tab[i].s, LIT("гі")) || same_lit(tab[i].s, LIT("ғы"))) &&
            ends_with(w, n - k, LIT("ин"), NULL))
            continue; /* рейтинг-і, not рейтин-гі */
        if (tab == possessive && in_set(w[n - k], U"ыі") && agent_ending(w, n - k))
            continue; /* спортшы-мыз, not спортш-ымыз */
        *hit = &tab[i];
        return k + extra;
    }
    return 0;
}

/* The present tense -ады/-еді leaves a consonant-final verb (бол-ады). When that leaves a
 * cluster no verb root ends in, it was the past of an -а verb instead (баста-ды, сөйле-ді). */
static int present_misread(const uint32_t *w, size_t m)
{
    static const lit root_clusters[] = {L("йт"), L("рт"), L("рқ"), L("лт"), L("рк")};
    if (m < 2 || is_vowel(w[m - 1]) || is_vowel(w[m - 2]) || in_set(w[m - 2], U"иу"))
        return 0;
    for (size_t i = 0; i < COUNT(root_clusters); i++)
        if (ends_with(w, m, root_clusters[i], NULL))
            return 0;
    return 1;
}

/* A verb in -ы/-і loses that vowel before the infinitive -у (дамы-ды, дам-у), so it is
 * dropped after the past and the participle too, when enough is left: дамыды, дамыған → дам. */
static size_t drop_link_vowel(const uint32_t *w, size_t n)
{
    if (n >= 2 && in_set(w[n - 1], U"ыі") && !is_vowel(w[n - 2]) && stem_ok(w, n - 1))
        return n - 1;
    return n;
}

/* Restores the consonant voiced between vowels, and the dropped vowel of a few stems. */
static size_t restore(uint32_t *w, size_t n, uint32_t first)
{
    if (n < 2 || !(is_vowel(first) || first == 0x443u))
        return n;
    for (size_t i = 0; i < COUNT(syncope); i++) {
        if (equals(w, n, syncope[i].from)) {
            memcpy(w, syncope[i].to.s, syncope[i].to.n * sizeof *w);
            return syncope[i].to.n;
        }
    }
    uint32_t *last = &w[n - 1], prev = w[n - 2];
    if (!is_vowel(prev))
        return n;
    if (*last == 0x431u && prev != 0x443u) /* б → п, but клуб stays */
        *last = 0x43Fu;
    else if (*last == 0x493u) /* ғ → қ */
        *last = 0x49Bu;
    else if (*last == 0x433u && !in_set(first, U"ыа")) /* г → к; диалог+ы is a loan */
        *last = 0x43Au;
    return n;
}

/* Stems w[0..n) in place; returns the new length. */
static size_t stem_letters(uint32_t *w, size_t n)
{
    const suffix *hit = NULL;
    uint32_t first = 0; /* first letter of the innermost suffix removed so far */
    size_t k;
    if (is_protected(w, n))
        return n;

    int go = GO_POSS;
    if ((k = strip_slot(w, n, outer, COUNT(outer), &hit)) > 0) {
        if ((same_lit(hit->s, LIT("ады")) || same_lit(hit->s, LIT("еді"))) &&
            present_misread(w, n - k))
            k -= 1; /* keep the а/е of the stem */
        first = w[n - k];
        n -= k;
        go = hit->go;
        if (hit->need == NEED_NOT_AE)
            n = drop_link_vowel(w, n);
    }
    if (go == GO_POSS && !is_protected(w, n)) {
        if ((k = poss3_len(w, n)) > 0 ||
            (k = strip_slot(w, n, possessive, COUNT(possessive), &hit)) > 0) {
            first = w[n - k];
            n -= k;
        }
    }
    if (go != GO_STOP && !is_protected(w, n) &&
        (k = strip_slot(w, n, plural, COUNT(plural), &hit)) > 0) {
        first = w[n - k];
        n -= k;
    }
    if (go != GO_STOP && !is_protected(w, n) &&
        (k = strip_slot(w, n, verbal_noun, COUNT(verbal_noun), &hit)) > 0) {
        first = w[n - k];
        n -= k;
        if (hit->after == K_SONOR)
            n = drop_link_vowel(w, n);
    }
    return first ? restore(w, n, first) : n;
}

static size_t copy_out(const char *word, size_t len, char *out, size_t cap)
{
    if (cap == 0)
        return len;
    size_t n = len < cap - 1 ? len : cap - 1;
    memcpy(out, word, n);
    out[n] = '\0';
    return len;
}

/* Decodes the part of word to stem into w[]; 0 when it is not a Cyrillic word. Latin i is read
 * as і and remembered in latin_i[] so that the output keeps the bytes the writer typed. */
static size_t load_word(const char *word, size_t len, uint32_t *w, unsigned char *latin_i)
{
    size_t i = 0, n = 0;
    int cyrillic = 0;
    while (i < len) {
        uint32_t c = izde_utf8_next(word, len, &i);
        if (n == MAX_LETTERS)
            return 0;
        latin_i[n] = c == LATIN_I;
        if (c == LATIN_I)
            c = 0x456u;
        else if (c >= 0x400u && c <= 0x4FFu)
            cyrillic = 1;
        else
            return 0;
        w[n++] = c;
    }
    return cyrillic ? n : 0;
}

size_t izde_kk_stem(const char *word, size_t len, char *out, size_t cap)
{
    uint32_t w[MAX_LETTERS + 1];
    unsigned char latin_i[MAX_LETTERS + 1];
    if (!word || len == 0)
        return copy_out("", 0, out, cap);

    /* Only the part after the last hyphen inflects: нұр-сұлтанда. */
    size_t head = len;
    while (head > 0 && word[head - 1] != '-')
        head--;
    size_t n = load_word(word + head, len - head, w, latin_i);
    size_t orig_n = n;
    if (n == 0)
        return copy_out(word, len, out, cap);
    n = stem_letters(w, n);

    /* Encode: the head, then each letter, keeping a typed Latin i where the stem is unchanged. */
    char buf[MAX_LETTERS * 4 + 1];
    size_t b = 0;
    for (size_t i = 0; i < n; i++) {
        if (i < orig_n && latin_i[i] && w[i] == 0x456u)
            buf[b++] = 'i';
        else
            b += izde_utf8_encode(w[i], buf + b);
    }
    size_t total = head + b;
    if (total >= cap) { /* too small: like snprintf, the caller sees total >= cap */
        copy_out(word, len, out, cap);
        return total;
    }
    memcpy(out, word, head);
    memcpy(out + head, buf, b);
    out[total] = '\0';
    return total;
}
