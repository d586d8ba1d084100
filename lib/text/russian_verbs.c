/* Russian verbs whose present tense (and for some the past) is built on another stem than the
 * infinitive: вести → веду, ведёт, вёл; найти → найду, нашёл; создать → создаст, создадут;
 * сказать → скажет; начать → начнёт; принять → примет. Snowball strips -ет, -ут and -л only
 * after а or я, so such forms keep stems of their own, and a query for the infinitive missed
 * them. These are closed classes of roots, each taking the verbal prefixes (провести,
 * произойти, передать): a root's row gives the endings that replace its infinitive, in the
 * pipeline's spelling (ё written е). The caller stems the forms (stem.c).
 *
 * A word is read as prefixes + root only where the prefixes are Russian verbal prefixes
 * (up to three: вос-про-из-вести), so обладать is not об-ла-дать and решить is not ре-шить.
 * Roots whose bare infinitive is mostly another word (вести "news", пасть "jaw", честь
 * "honour", течь "leak") are read only with a prefix. */
#include "russian_verbs.h"

#include <string.h>

enum {
    RV_BARE = 1,      /* the root alone is the verb too */
    RV_O_CLUSTER = 2, /* a prefix in a consonant takes о before an ending in two consonants
                         (с-бить: собью, раз-лить: разольёт, с-тереть: сотру) */
    RV_DROP_O = 4, /* a prefix's own о goes before the present (ото-брать: отберёт,
                      разо-гнать: разгонит) */
    RV_PRI_NO_J = 8,     /* при- + -йти loses й in the present (прийти: приду) */
    RV_LONG_PREFIX = 16, /* only after a prefix of two letters or more (в-есть is весть) */
};

typedef struct rv_class {
    const char *root; /* the infinitive's end */
    unsigned flags;
    const char *forms; /* endings replacing root, separated by spaces */
} rv_class;

/* Longest roots first where one ends another (беречь before речь). */
static const rv_class classes[] = {
    {"вести", 0,
     "веду ведет ведут ведем ведете ведешь вел вела вело вели веди ведите ведя "
     "веден ведена ведено ведены ведший"},
    {"нести", RV_BARE,
     "несу несет несут несем несете несешь нес несла несло несли неси несите "
     "неся несен несена несено несены несший"},
    {"везти", RV_BARE,
     "везу везет везут везем везете везешь вез везла везло везли вези везите "
     "везя везен везена везено везены"},
    {"расти", RV_BARE, "расту растет растут растем растете растешь рос росла росло росли"},
    {"цвести", RV_BARE, "цвету цветет цветут цветем цвел цвела цвело цвели"},
    {"обрести", RV_BARE,
     "обрету обретет обретут обретем обрел обрела обрело обрели обретя "
     "обретен обретена обретено обретены"},
    {"трясти", RV_BARE, "трясу трясет трясут тряс трясла трясло трясли"},
    {"пасти", 0, "пасу пасет пасут пасем пас пасла пасло пасли пасен пасена пасено пасены"},
    {"ползти", RV_BARE, "ползу ползет ползут полз ползла ползло ползли"},
    {"лезть", RV_BARE, "лезу лезет лезут лез лезла лезло лезли"},
    {"класть", RV_BARE, "кладу кладет кладут кладем клал клала клало клали"},
    {"красть", RV_BARE, "краду крадет крадут крал крала крало крали краден"},
    {"пасть", 0, "паду падет падут падем пал пала пало пали павший"},
    {"сесть", RV_BARE, "сяду сядет сядут сядем сел села село сели сядь сядьте"},
    {"честь", RV_O_CLUSTER, "чту чтет чтут чтем чел чла чло чли чтен чтена чтено чтены чтя"},
    {"есть", RV_LONG_PREFIX, "ем ест едят едим едите ешь ел ела ело ели"},
    {"идти", RV_BARE, "иду идет идут идем идете идешь шел шла шло шли иди идите идя шедший"},
    {"йти", RV_PRI_NO_J,
     "йду йдет йдут йдем йдете йдешь шел шла шло шли йди йдите йдя йден "
     "йдена йдено йдены шедший"},
    {"мочь", RV_BARE, "могу может могут можем можете можешь мог могла могло могли моги могите"},
    {"лечь", RV_BARE, "лягу ляжет лягут ляжем лег легла легло легли ляг лягте"},
    {"влечь", RV_BARE,
     "влеку влечет влекут влечем влек влекла влекло влекли влеки влечен "
     "влечена влечено влечены"},
    {"течь", 0, "теку течет текут тек текла текло текли"},
    {"беречь", RV_BARE, "берегу бережет берегут бережем берег берегла берегло берегли береги"},
    {"стеречь", RV_BARE, "стерегу стережет стерегут стерег стерегла стерегли"},
    {"небречь", 0, "небрегу небрежет небрегут небрег небрегла небрегли"},
    {"речь", 0, "реку речет рекут рек рекла рекли речен речена речено речены"},
    {"стичь", 0, "стигну стигнет стигнут стигнем стиг стигла стигло стигли стигнув"},
    {"дать", RV_BARE,
     "дам даст дадут дадим дадите дашь дал дала дало дали дай дайте дан дана "
     "дано даны"},
    {"давать", RV_BARE, "даю дает дают даем даете даешь давай давайте давая"},
    {"ставать", 0, "стаю стает стают стаем стаете стаешь ставай ставая"},
    {"знавать", 0, "знаю знает знают знаем знаете знаешь знавай знавая"},
    {"принять", RV_BARE, "приму примет примут примем примете примешь прими примите"},
    {"понять", RV_BARE, "пойму поймет поймут поймем поймете поймешь пойми поймите"},
    {"снять", RV_BARE, "сниму снимет снимут снимем снимете снимешь сними снимите"},
    {"занять", RV_BARE, "займу займет займут займем займете займешь займи займите"},
    {"поднять", RV_BARE,
     "подниму поднимет поднимут поднимем поднимете поднимешь подними "
     "поднимите"},
    {"отнять", RV_BARE, "отниму отнимет отнимут отнимем отнимете отнимешь отними отнимите"},
    {"нанять", RV_BARE, "найму наймет наймут наймем наймете наймешь найми наймите"},
    {"обнять", RV_BARE, "обниму обнимет обнимут обнимем обнимете обнимешь обними обнимите"},
    {"взять", RV_BARE, "возьму возьмет возьмут возьмем возьмете возьмешь возьми возьмите"},
    {"изъять", RV_BARE, "изыму изымет изымут изымем изымете изымешь"},
    {"чать", 0, "чну чнет чнут чнем чнете чнешь чни чните"},
    {"быть", RV_BARE, "буду будет будут будем будете будешь будь будьте был была было были"},
    {"жить", RV_BARE, "живу живет живут живем живете живешь живи живите живя"},
    /* not -ью, -ём, -ей: Snowball leaves their prefix and one letter (с-олью: сол-, соль "salt") */
    {"пить", RV_BARE | RV_O_CLUSTER, "пьет пьют пьете пьешь пейте"},
    {"бить", RV_BARE | RV_O_CLUSTER, "бьет бьют бьете бьешь бейте"},
    {"лить", RV_BARE | RV_O_CLUSTER, "льет льют льете льешь лейте"},
    {"шить", RV_BARE | RV_O_CLUSTER, "шьет шьют шьете шьешь шейте"},
    {"вить", RV_BARE | RV_O_CLUSTER, "вьет вьют вьете вьешь вейте"},
    {"крыть", RV_BARE, "крою кроет кроют кроем кроете кроешь крой кройте"},
    {"мыть", RV_BARE, "мою моет моют моем моете моешь мой мойте"},
    {"брать", RV_BARE | RV_DROP_O, "беру берет берут берем берете берешь бери берите беря"},
    {"звать", RV_BARE | RV_DROP_O, "зову зовет зовут зовем зовете зовешь зови зовите"},
    {"гнать", RV_BARE | RV_DROP_O, "гоню гонит гонят гоним гоните гонишь гони гоните"},
    {"рвать", RV_BARE, "рву рвет рвут рвем рвете рвешь рви рвите"},
    {"ждать", RV_BARE, "жду ждет ждут ждем ждете ждешь жди ждите"},
    {"слать", 0, "шлю шлет шлют шлем шлете шлешь шли шлите"},
    {"стать", RV_BARE, "стану станет станут станем станете станешь стань станьте"},
    {"жать", RV_O_CLUSTER, "жму жмет жмут жмем жмете жмешь жми жмите"},
    {"мять", RV_BARE | RV_O_CLUSTER, "мну мнет мнут мнем мнете мнешь мни мните"},
    {"деть", 0, "дену денет денут денем денете денешь день деньте"},
    {"петь", RV_BARE, "пою поет поют поем поете поешь пой пойте"},
    {"мереть", RV_O_CLUSTER, "мру мрет мрут мрем мер мерла мерло мерли мерший"},
    {"тереть", RV_BARE | RV_O_CLUSTER, "тру трет трут трем тер терла терло терли"},
    {"ехать", RV_BARE, "еду едет едут едем едете едешь"},
    /* not хотят, хотим: хот- is хотя "although" */
    {"хотеть", RV_BARE, "хочу хочет хочешь хотел хотела хотело хотели"},
    {"бежать", RV_BARE, "бегу бежит бегут бежим бежите бежишь беги бегите"},
    {"держать", RV_BARE, "держу держит держат держим держите держишь держи"},
    {"лежать", RV_BARE, "лежу лежит лежат лежим лежите лежишь лежи"},
    {"стоять", RV_BARE, "стою стоит стоят стоим стоите стоишь стой стойте"},
    {"спать", RV_BARE, "сплю спит спят спим спите спишь спи"},
    {"слышать", RV_BARE, "слышу слышит слышат слышим слышите слышишь"},
    {"дышать", RV_BARE, "дышу дышит дышат дышим дышите дышишь"},
    {"кричать", RV_BARE, "кричу кричит кричат кричим кричите кричишь кричи"},
    {"молчать", RV_BARE, "молчу молчит молчат молчим молчите молчишь молчи"},
    {"звучать", RV_BARE, "звучу звучит звучат звучим"},
    {"боять", RV_BARE, "бою боит боят боим боите боишь бой бойте"},
    {"казать", 0, "кажу кажет кажут кажем кажете кажешь кажи кажите"},
    {"вязать", RV_BARE, "вяжу вяжет вяжут вяжем вяжете вяжешь вяжи вяжите"},
    {"язать", 0, "яжу яжет яжут яжем яжете яжешь"},
    {"резать", RV_BARE, "режу режет режут режем режете режешь режь режьте"},
    {"мазать", RV_BARE, "мажу мажет мажут мажем мажь"},
    {"писать", RV_BARE, "пишу пишет пишут пишем пишете пишешь пиши пишите"},
    {"искать", RV_BARE, "ищу ищет ищут ищем ищете ищешь ищи ищите"},
    {"ыскать", 0, "ыщу ыщет ыщут ыщем ыщи ыщите"},
};

/* Verbal prefixes, as written before a root (with ъ before е, ё, я: подъехать, съесть). */
static const char *const prefixes[] = {
    "в",   "во",   "вз",  "взо",  "вс",    "воз", "вос", "вы",   "до",   "за",  "из",   "изо",
    "ис",  "на",   "над", "надо", "недо",  "о",   "об",  "обо",  "от",   "ото", "пере", "по",
    "под", "подо", "пре", "пред", "предо", "при", "про", "раз",  "разо", "рас", "с",    "со",
    "соз", "у",    "въ",  "взъ",  "изъ",   "объ", "отъ", "подъ", "разъ", "съ",  "надъ", "предъ",
};

/* Whether s[0..n) is one to three verbal prefixes, no two of one letter in a row (у-с-петь is
 * успеть, not a form of петь). */
static int is_prefixes(const char *s, size_t n, int depth, int after_single)
{
    if (n == 0)
        return 1;
    if (depth == 3)
        return 0;
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        size_t m = strlen(prefixes[i]);
        int single = m == 2;
        if (m <= n && !(single && after_single) && !memcmp(s, prefixes[i], m) &&
            is_prefixes(s + m, n - m, depth + 1, single))
            return 1;
    }
    return 0;
}

/* The class of the verb word[0..len) (reflexive ending removed), and its prefixes' length. */
static const rv_class *class_of(const char *word, size_t len, size_t *pre)
{
    const rv_class *best = NULL;
    for (size_t i = 0; i < sizeof classes / sizeof *classes; i++) {
        size_t m = strlen(classes[i].root);
        if (m > len || memcmp(word + len - m, classes[i].root, m))
            continue;
        if (best && strlen(best->root) >= m)
            continue;
        if ((len == m && !(classes[i].flags & RV_BARE)) ||
            ((classes[i].flags & RV_LONG_PREFIX) && len - m < 4) ||
            !is_prefixes(word, len - m, 0, 0))
            continue;
        best = &classes[i];
        *pre = len - m;
    }
    return best;
}

/* Whether the UTF-8 letter at s is a vowel (Cyrillic, two bytes). */
static int is_vowel_at(const char *s)
{
    static const char *const vowels[] = {"а", "е", "ё", "и", "о", "у", "ы", "э", "ю", "я"};
    for (size_t i = 0; i < sizeof vowels / sizeof *vowels; i++)
        if (!memcmp(s, vowels[i], 2))
            return 1;
    return 0;
}

/* Whether ending e (UTF-8, at least two letters) begins with two consonants (ь counted). */
static int begins_with_cluster(const char *e, size_t n)
{
    return n >= 4 && !is_vowel_at(e) && !is_vowel_at(e + 2);
}

/* Writes prefixes pre[0..np) + ending e[0..ne) + the reflexive refl and hands the form to fn;
 * an ending in a consonant cluster gets its о (RV_O_CLUSTER), a prefix loses its own о
 * (RV_DROP_O), при- + -йд- loses й (RV_PRI_NO_J). */
static size_t emit_form(const rv_class *c, const char *pre, size_t np, const char *e, size_t ne,
                        const char *refl, text_ru_form_fn fn, void *ctx)
{
    char out[160];
    size_t o = 0;
    int vowel_end = np >= 2 && is_vowel_at(pre + np - 2);
    if ((c->flags & RV_DROP_O) && np >= 6 && !memcmp(pre + np - 2, "о", 2))
        np -= 2; /* ото-, разо-, подо-, обо- */
    size_t rl = strlen(refl);
    if (np + ne + 2 + rl + 4 > sizeof out)
        return 0;
    memcpy(out, pre, np);
    o = np;
    if ((c->flags & RV_O_CLUSTER) && np > 0 && !vowel_end && begins_with_cluster(e, ne) &&
        memcmp(pre + np - 2, "ъ", 2)) {
        memcpy(out + o, "о", 2);
        o += 2;
    }
    if ((c->flags & RV_PRI_NO_J) && np >= 6 && !memcmp(pre + np - 6, "при", 6) &&
        !memcmp(e, "йд", 4)) {
        e += 2; /* при-йду: приду */
        ne -= 2;
    }
    memcpy(out + o, e, ne);
    if (rl) /* -ся after a consonant, -сь after a vowel */
        memcpy(out + o + ne, is_vowel_at(out + o + ne - 2) ? "сь" : "ся", 4);
    fn(ctx, out, o + ne + (rl ? 4 : 0), o);
    return 1;
}

size_t text_ru_verb_forms(const char *word, size_t len, text_ru_form_fn fn, void *ctx)
{
    const char *refl = "";
    if (len > 4 && (!memcmp(word + len - 4, "ся", 4) || !memcmp(word + len - 4, "сь", 4))) {
        refl = "ся";
        len -= 4;
    }
    size_t pre = 0;
    const rv_class *c = class_of(word, len, &pre);
    if (!c)
        return 0;
    size_t n = 0;
    for (const char *e = c->forms; *e;) {
        size_t ne = strcspn(e, " ");
        n += emit_form(c, word, pre, e, ne, refl, fn, ctx);
        e += ne;
        e += *e == ' ';
    }
    return n;
}
