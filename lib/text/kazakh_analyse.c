/* The Kazakh analyser: every plausible reading of a word form as a stem plus an inflection
 * chain, kept only where a lexicon knows the stem.
 *
 * A word is read right to left through the slots of Kazakh morphotactics (a suffix may only
 * be followed, inwards, by the slots its row in `inner` lists):
 *
 *   noun:  stem [plural] [possessive] [case] [-дағы [plural] [case]] [predicative]
 *   verb:  root [passive] [negation] (tense/mood [person] | converb | imperative
 *                                     | nominaliser [plural] [possessive] [case] ...)
 *
 * Nominalisers (the verbal noun -у, participles -ған, -атын, -ар, -мас, the intention -мақ)
 * turn a verb form into a noun that takes the noun endings. Derivation makes a new word and
 * is never stripped: -лық, -шы, -ушы, -сыз, -дай, the equative -ша, causative, cooperative
 * and reflexive verbs. Each suffix lists the classes of letter it may follow (its allomorph:
 * -лар after a vowel, -дар after л, м, н, -тар after a voiceless consonant) and must agree in
 * vowel harmony with what precedes it.
 *
 * A reading is accepted when its stem is a headword of the lexicon (hunspell-kk, compiled in:
 * kazakh_lexicon.h): a noun stem as it is, with a voiced final consonant restored (кітабы →
 * кітап, еңбегі → еңбек) or a dropped vowel put back (орны → орын), after a suffix that
 * begins with a vowel; a verb root through its dictionary form in -у/-ю (оқы → оқу, тап →
 * табу, ки → кию), which is the key a verb is indexed by, so the verbal noun and its cases
 * (оқуға) meet the finite forms (оқиды, оқыды, оқылды, оқымайды). ы/і + й is written и
 * (оқы+йды → оқиды), which the suffixes beginning with й undo.
 *
 * Words without any accepted reading are left to the conservative rule stemmer
 * (izde_kk_stem); the caller does that (izde/kazakh.h).
 */
#include "kazakh_lexicon.h"

#include <izde/kazakh.h>
#include <izde/utf8.h>

#include <stdint.h>
#include <string.h>
#include <uchar.h>

#define MAX_LETTERS 48
#define MAX_KEYS 16
#define MAX_DEPTH 7
#define KEY_MAX 200 /* bytes of a key with its hyphenated head */

/* Classes of the letter a suffix follows. */
enum {
    K_V = 1,  /* a vowel */
    K_R = 2,  /* р й у и */
    K_L = 4,  /* л */
    K_N = 8,  /* м н ң */
    K_Z = 16, /* з ж */
    K_T = 32, /* voiceless, and б в г д ғ */
};
#define K_C (K_R | K_L | K_N | K_Z | K_T)
#define K_SON (K_V | K_R | K_L | K_N | K_Z)
#define K_ANY (K_V | K_C)

/* Slots; a suffix belongs to one, and `inner` says what may stand inside it. */
enum {
    S_PRED,
    S_PRED_CASE,
    S_CASE,
    S_CASE_P3,
    S_CASE_P12,
    S_ATTR,
    S_ATTR_P3,
    S_PL,
    S_POSS3,
    S_POSS12,
    S_POSSP,
    S_VN,
    S_VN_NEG,
    S_P1,
    S_P2,
    S_PRES,
    S_PAST,
    S_COND,
    S_CONV,
    S_CONV_NEG,
    S_IMP,
    S_INTENT,
    S_INTENT_P,
    S_IMP3,
    S_NEG,
    S_PASS,
    S_DESID,
    T_STEM, /* a noun stem may end the reading here */
    T_ROOT, /* a verb root may end the reading here */
};
#define B(s) (1u << (s))
#define M_POSS (B(S_POSS3) | B(S_POSS12) | B(S_POSSP))
#define M_POSS_INNER (B(S_PL) | B(S_VN) | B(S_VN_NEG) | B(T_STEM) | B(S_DESID))
#define M_NOMINAL (B(S_VN) | B(S_VN_NEG) | B(T_STEM))
#define M_VERB (B(S_NEG) | B(S_PASS) | B(T_ROOT))
#define M_CASES (B(S_CASE) | B(S_CASE_P3) | B(S_CASE_P12))
#define M_ATTRS (B(S_ATTR) | B(S_ATTR_P3))

static const uint32_t inner[] = {
    [S_PRED] = M_CASES | M_ATTRS | M_POSS | B(S_PL) | M_NOMINAL | B(S_INTENT_P),
    [S_PRED_CASE] = M_CASES | B(S_VN) | B(S_INTENT_P), /* but see ends_before_formal */
    [S_CASE] = M_ATTRS | M_POSS | B(S_PL) | M_NOMINAL,
    [S_CASE_P3] = B(S_POSS3),
    [S_CASE_P12] = B(S_POSS12),
    [S_ATTR] = M_POSS | B(S_PL) | M_NOMINAL,
    [S_ATTR_P3] = B(S_POSS3),
    [S_PL] = M_ATTRS | M_NOMINAL,
    [S_POSS3] = M_POSS_INNER,
    [S_POSS12] = M_POSS_INNER,
    [S_POSSP] = M_POSS_INNER,
    [S_VN] = M_VERB,
    [S_VN_NEG] = B(S_PASS) | B(T_ROOT),
    [S_P1] = B(S_PRES) | B(S_INTENT),
    [S_P2] = B(S_PAST) | B(S_COND),
    [S_PRES] = M_VERB,
    [S_PAST] = M_VERB,
    [S_COND] = M_VERB,
    [S_CONV] = M_VERB,
    [S_CONV_NEG] = B(S_PASS) | B(T_ROOT),
    [S_IMP] = M_VERB,
    [S_IMP3] = B(S_NEG) | B(S_PASS) | B(T_ROOT), /* өзгер-ме-сін; but see noun_before_imp3 */
    [S_INTENT] = B(S_PASS) | B(T_ROOT),
    [S_INTENT_P] = M_VERB,
    [S_NEG] = B(S_PASS) | B(T_ROOT),
    [S_PASS] = B(T_ROOT),
    [S_DESID] = B(T_ROOT), /* тірке-л-гі-сі is the noun тіркелгі */
};

/* What may end a whole word: anything but the slots that need a particular slot outside. */
#define M_OUTER                                                                                    \
    (B(S_PRED) | B(S_PRED_CASE) | M_CASES | M_ATTRS | B(S_PL) | M_POSS | B(S_VN) | B(S_VN_NEG) |   \
     B(S_P1) | B(S_P2) | B(S_PRES) | B(S_PAST) | B(S_COND) | B(S_CONV) | B(S_CONV_NEG) |           \
     B(S_IMP) | B(S_IMP3) | B(S_INTENT) | B(S_NEG) | B(T_STEM))

/* What may end a query word. Hunspell-kk lists many inflected forms as headwords, so a query
 * word is also read as an inflected form (Олимпиада күні finds күн, оқыды finds оқу), but not
 * through endings that base words often end in: the bare present -а (қала is not қал-а),
 * converbs (қалып), participles (баған is not ба-ған), the 1st/2nd person -м/-ң (адам is not
 * ада-м), predicative persons and imperatives. */
#define M_QUERY_OUTER                                                                              \
    (M_CASES | M_ATTRS | B(S_PL) | B(S_POSS3) | B(S_POSSP) | B(S_P1) | B(S_P2) | B(S_PAST) |       \
     B(S_COND) | B(S_INTENT) | B(T_STEM))

enum {
    F_MERGE = 1,   /* begins with й: after a root in ы/і the pair is written и */
    F_NEUTRAL = 2, /* takes no part in vowel harmony (the instrumental -мен) */
    F_BARE = 4,    /* participles that plural and other nouns imitate: only at a word's end,
                      never in a query word (жер, тамақ, белгілер; хабарлама-сы is a noun
                      "message", not хабарла-мас-ы) */
};

typedef struct sfx {
    const char32_t *text;
    unsigned char slot, after, flags;
} sfx;

/* Every suffix, in front/back pairs where harmony gives two. */
static const sfx suffixes[] = {
    /* plural */
    {U"лар", S_PL, K_V | K_R, 0},
    {U"лер", S_PL, K_V | K_R, 0},
    {U"дар", S_PL, K_L | K_N | K_Z, 0},
    {U"дер", S_PL, K_L | K_N | K_Z, 0},
    {U"тар", S_PL, K_T, 0},
    {U"тер", S_PL, K_T, 0},
    /* possessive */
    {U"ы", S_POSS3, K_C, 0},
    {U"і", S_POSS3, K_C, 0},
    {U"сы", S_POSS3, K_V, 0},
    {U"сі", S_POSS3, K_V, 0},
    {U"ым", S_POSS12, K_C, 0},
    {U"ім", S_POSS12, K_C, 0},
    {U"м", S_POSS12, K_V, 0},
    {U"ың", S_POSS12, K_C, 0},
    {U"ің", S_POSS12, K_C, 0},
    {U"ң", S_POSS12, K_V, 0},
    {U"ымыз", S_POSSP, K_C, 0},
    {U"іміз", S_POSSP, K_C, 0},
    {U"мыз", S_POSSP, K_V, 0},
    {U"міз", S_POSSP, K_V, 0},
    {U"ыңыз", S_POSSP, K_C, 0},
    {U"іңіз", S_POSSP, K_C, 0},
    {U"ңыз", S_POSSP, K_V, 0},
    {U"ңіз", S_POSSP, K_V, 0},
    /* case */
    {U"ның", S_CASE, K_V | K_N, 0},
    {U"нің", S_CASE, K_V | K_N, 0},
    {U"дың", S_CASE, K_R | K_L | K_Z | K_N, 0},
    {U"дің", S_CASE, K_R | K_L | K_Z | K_N, 0},
    {U"тың", S_CASE, K_T, 0},
    {U"тің", S_CASE, K_T, 0},
    {U"ны", S_CASE, K_V, 0},
    {U"ні", S_CASE, K_V, 0},
    {U"ды", S_CASE, K_R | K_L | K_N | K_Z, 0},
    {U"ді", S_CASE, K_R | K_L | K_N | K_Z, 0},
    {U"ты", S_CASE, K_T, 0},
    {U"ті", S_CASE, K_T, 0},
    {U"ға", S_CASE, K_SON, 0},
    {U"ге", S_CASE, K_SON, 0},
    {U"қа", S_CASE, K_T, 0},
    {U"ке", S_CASE, K_T, 0},
    {U"да", S_CASE, K_SON, 0},
    {U"де", S_CASE, K_SON, 0},
    {U"та", S_CASE, K_T, 0},
    {U"те", S_CASE, K_T, 0},
    {U"дан", S_CASE, K_SON, 0},
    {U"ден", S_CASE, K_SON, 0},
    {U"нан", S_CASE, K_V | K_N, 0},
    {U"нен", S_CASE, K_V | K_N, 0},
    {U"тан", S_CASE, K_T, 0},
    {U"тен", S_CASE, K_T, 0},
    {U"мен", S_CASE, K_SON, F_NEUTRAL},
    {U"менен", S_CASE, K_SON, F_NEUTRAL},
    {U"бен", S_CASE, K_N | K_Z, F_NEUTRAL},
    {U"бенен", S_CASE, K_N | K_Z, F_NEUTRAL},
    {U"пен", S_CASE, K_T, F_NEUTRAL},
    {U"пенен", S_CASE, K_T, F_NEUTRAL},
    {U"н", S_CASE_P3, K_V, 0},
    {U"на", S_CASE_P3, K_V, 0},
    {U"не", S_CASE_P3, K_V, 0},
    {U"нда", S_CASE_P3, K_V, 0},
    {U"нде", S_CASE_P3, K_V, 0},
    {U"а", S_CASE_P12, K_N, 0},
    {U"е", S_CASE_P12, K_N, 0},
    /* locative + relative */
    {U"дағы", S_ATTR, K_SON, 0},
    {U"дегі", S_ATTR, K_SON, 0},
    {U"тағы", S_ATTR, K_T, 0},
    {U"тегі", S_ATTR, K_T, 0},
    {U"ндағы", S_ATTR_P3, K_V, 0},
    {U"ндегі", S_ATTR_P3, K_V, 0},
    /* predicative persons of nouns and participles */
    {U"мын", S_PRED, K_V | K_R | K_L | K_N, 0}, /* адам-мын, but адам-быз */
    {U"мін", S_PRED, K_V | K_R | K_L | K_N, 0},
    {U"бын", S_PRED, K_Z, 0},
    {U"бін", S_PRED, K_Z, 0},
    {U"пын", S_PRED, K_T, 0},
    {U"пін", S_PRED, K_T, 0},
    {U"мыз", S_PRED, K_V | K_R | K_L, 0},
    {U"міз", S_PRED, K_V | K_R | K_L, 0},
    {U"быз", S_PRED, K_N | K_Z, 0},
    {U"біз", S_PRED, K_N | K_Z, 0},
    {U"пыз", S_PRED, K_T, 0},
    {U"піз", S_PRED, K_T, 0},
    {U"сың", S_PRED, K_ANY, 0},
    {U"сің", S_PRED, K_ANY, 0},
    {U"сыңдар", S_PRED, K_ANY, 0},
    {U"сіңдер", S_PRED, K_ANY, 0},
    /* the formal 2nd person, after a locative or ablative, a participle or the intention
     * -мақ only (ends_before_formal): alone
     * -сыз/-сіз is the privative (ақысыз) */
    {U"сыз", S_PRED_CASE, K_ANY, 0},
    {U"сіз", S_PRED_CASE, K_ANY, 0},
    {U"сыздар", S_PRED_CASE, K_ANY, 0},
    {U"сіздер", S_PRED_CASE, K_ANY, 0},
    /* nominalisers: verbal noun, participles, intention */
    {U"у", S_VN, K_ANY, F_NEUTRAL},
    {U"ю", S_VN, K_V | K_R, F_NEUTRAL},
    {U"ған", S_VN, K_SON, 0},
    {U"ген", S_VN, K_SON, 0},
    {U"қан", S_VN, K_T, 0},
    {U"кен", S_VN, K_T, 0},
    {U"атын", S_VN, K_C, 0},
    {U"етін", S_VN, K_C, 0},
    {U"йтын", S_VN, K_V, F_MERGE},
    {U"йтін", S_VN, K_V, F_MERGE},
    {U"ар", S_VN, K_C, F_BARE},
    {U"ер", S_VN, K_C, F_BARE},
    {U"р", S_VN, K_V, F_BARE},
    {U"мақ", S_VN, K_V | K_R | K_L, F_BARE},
    {U"мек", S_VN, K_V | K_R | K_L, F_BARE},
    {U"бақ", S_VN, K_N | K_Z, F_BARE},
    {U"бек", S_VN, K_N | K_Z, F_BARE},
    {U"пақ", S_VN, K_T, F_BARE},
    {U"пек", S_VN, K_T, F_BARE},
    {U"мас", S_VN_NEG, K_V | K_R | K_L, F_BARE},
    {U"мес", S_VN_NEG, K_V | K_R | K_L, F_BARE},
    {U"бас", S_VN_NEG, K_N | K_Z, F_BARE},
    {U"бес", S_VN_NEG, K_N | K_Z, F_BARE},
    {U"пас", S_VN_NEG, K_T, F_BARE},
    {U"пес", S_VN_NEG, K_T, F_BARE},
    /* persons after the present (P1) and after the past and the conditional (P2) */
    {U"мын", S_P1, K_V | K_R, 0},
    {U"мін", S_P1, K_V | K_R, 0},
    {U"сың", S_P1, K_V | K_R, 0},
    {U"сің", S_P1, K_V | K_R, 0},
    {U"сыз", S_P1, K_V | K_R, 0},
    {U"сіз", S_P1, K_V | K_R, 0},
    {U"ды", S_P1, K_V | K_R, 0},
    {U"ді", S_P1, K_V | K_R, 0},
    {U"мыз", S_P1, K_V | K_R, 0},
    {U"міз", S_P1, K_V | K_R, 0},
    {U"сыңдар", S_P1, K_V | K_R, 0},
    {U"сіңдер", S_P1, K_V | K_R, 0},
    {U"сыздар", S_P1, K_V | K_R, 0},
    {U"сіздер", S_P1, K_V | K_R, 0},
    {U"м", S_P2, K_V, 0},
    {U"ң", S_P2, K_V, 0},
    {U"ңыз", S_P2, K_V, 0},
    {U"ңіз", S_P2, K_V, 0},
    {U"қ", S_P2, K_V, 0},
    {U"к", S_P2, K_V, 0},
    {U"ңдар", S_P2, K_V, 0},
    {U"ңдер", S_P2, K_V, 0},
    {U"ңыздар", S_P2, K_V, 0},
    {U"ңіздер", S_P2, K_V, 0},
    /* tenses and moods */
    {U"а", S_PRES, K_C, 0},
    {U"е", S_PRES, K_C, 0},
    {U"й", S_PRES, K_V, F_MERGE},
    {U"ды", S_PAST, K_SON, 0},
    {U"ді", S_PAST, K_SON, 0},
    {U"ты", S_PAST, K_T, 0},
    {U"ті", S_PAST, K_T, 0},
    {U"са", S_COND, K_ANY, 0},
    {U"се", S_COND, K_ANY, 0},
    /* converbs */
    {U"ып", S_CONV, K_C, 0},
    {U"іп", S_CONV, K_C, 0},
    {U"п", S_CONV, K_V, 0},
    {U"ыпты", S_CONV, K_C, 0},
    {U"іпті", S_CONV, K_C, 0},
    {U"пты", S_CONV, K_V, 0},
    {U"пті", S_CONV, K_V, 0},
    {U"ғалы", S_CONV, K_SON, 0},
    {U"гелі", S_CONV, K_SON, 0},
    {U"қалы", S_CONV, K_T, 0},
    {U"келі", S_CONV, K_T, 0},
    {U"ғанша", S_CONV, K_SON, 0},
    {U"генше", S_CONV, K_SON, 0},
    {U"қанша", S_CONV, K_T, 0},
    {U"кенше", S_CONV, K_T, 0},
    {U"ғандықтан", S_CONV, K_SON, 0},
    {U"гендіктен", S_CONV, K_SON, 0},
    {U"қандықтан", S_CONV, K_T, 0},
    {U"кендіктен", S_CONV, K_T, 0},
    /* the negative converb -мастан "without doing": a negation and the ablative of the negative
     * participle, which alone is read only at a word's end (F_BARE) */
    {U"мастан", S_CONV_NEG, K_V | K_R | K_L, 0},
    {U"местен", S_CONV_NEG, K_V | K_R | K_L, 0},
    {U"бастан", S_CONV_NEG, K_N | K_Z, 0},
    {U"бестен", S_CONV_NEG, K_N | K_Z, 0},
    {U"пастан", S_CONV_NEG, K_T, 0},
    {U"пестен", S_CONV_NEG, K_T, 0},
    /* imperative and optative */
    {U"ыңыз", S_IMP, K_C, 0},
    {U"іңіз", S_IMP, K_C, 0},
    {U"ңыз", S_IMP, K_V, 0},
    {U"ңіз", S_IMP, K_V, 0},
    {U"ыңдар", S_IMP, K_C, 0},
    {U"іңдер", S_IMP, K_C, 0},
    {U"ңдар", S_IMP, K_V, 0},
    {U"ңдер", S_IMP, K_V, 0},
    {U"ыңыздар", S_IMP, K_C, 0},
    {U"іңіздер", S_IMP, K_C, 0},
    {U"ңыздар", S_IMP, K_V, 0},
    {U"ңіздер", S_IMP, K_V, 0},
    {U"сын", S_IMP3, K_ANY, 0},
    {U"сін", S_IMP3, K_ANY, 0},
    {U"айын", S_IMP, K_C, 0},
    {U"ейін", S_IMP, K_C, 0},
    {U"йын", S_IMP, K_V, F_MERGE},
    {U"йін", S_IMP, K_V, F_MERGE},
    {U"айық", S_IMP, K_C, 0},
    {U"ейік", S_IMP, K_C, 0},
    {U"йық", S_IMP, K_V, F_MERGE},
    {U"йік", S_IMP, K_V, F_MERGE},
    /* the intention -мақ before a person (бар-мақ-пыз "we intend to go"); alone it is F_BARE */
    {U"мақ", S_INTENT_P, K_V | K_R | K_L, 0},
    {U"мек", S_INTENT_P, K_V | K_R | K_L, 0},
    {U"бақ", S_INTENT_P, K_N | K_Z, 0},
    {U"бек", S_INTENT_P, K_N | K_Z, 0},
    {U"пақ", S_INTENT_P, K_T, 0},
    {U"пек", S_INTENT_P, K_T, 0},
    {U"мақшы", S_INTENT, K_V | K_R | K_L, 0},
    {U"мекші", S_INTENT, K_V | K_R | K_L, 0},
    {U"бақшы", S_INTENT, K_N | K_Z, 0},
    {U"бекші", S_INTENT, K_N | K_Z, 0},
    {U"пақшы", S_INTENT, K_T, 0},
    {U"пекші", S_INTENT, K_T, 0},
    /* negation and the passive */
    {U"ма", S_NEG, K_V | K_R | K_L, 0},
    {U"ме", S_NEG, K_V | K_R | K_L, 0},
    {U"ба", S_NEG, K_N | K_Z, 0},
    {U"бе", S_NEG, K_N | K_Z, 0},
    {U"па", S_NEG, K_T, 0},
    {U"пе", S_NEG, K_T, 0},
    {U"ыл", S_PASS, K_R | K_N | K_Z | K_T, 0},
    {U"іл", S_PASS, K_R | K_N | K_Z | K_T, 0},
    {U"л", S_PASS, K_V, 0},
    {U"ын", S_PASS, K_L, 0},
    {U"ін", S_PASS, K_L, 0},
    {U"н", S_PASS, K_V, 0},
    /* the desiderative -ғы + a possessive (оқығым келеді, қолданғыңыз келсе) */
    {U"ғы", S_DESID, K_SON, 0},
    {U"гі", S_DESID, K_SON, 0},
    {U"қы", S_DESID, K_T, 0},
    {U"кі", S_DESID, K_T, 0},
};

static int is_vowel(char32_t c)
{
    return c == U'а' || c == U'ә' || c == U'е' || c == U'о' || c == U'ө' || c == U'ұ' ||
           c == U'ү' || c == U'ы' || c == U'і' || c == U'э' || c == U'я' || c == U'ю' || c == U'ё';
}

static int letter_class(char32_t c)
{
    if (c == U'ю') /* й + у: endings follow it as they follow у (қою-ды, азаю-ы) */
        return K_R;
    if (is_vowel(c))
        return K_V;
    switch (c) {
    case U'р':
    case U'й':
    case U'у':
    case U'и':
        return K_R;
    case U'л':
        return K_L;
    case U'м':
    case U'н':
    case U'ң':
        return K_N;
    case U'з':
    case U'ж':
        return K_Z;
    case U'ь':
    case U'ъ':
        return K_ANY; /* loans (медаль): any allomorph */
    default:
        return K_T;
    }
}

/* +1 back, -1 front, 0 neutral, for one letter. */
static int vowel_side(char32_t c)
{
    switch (c) {
    case U'а':
    case U'о':
    case U'ұ':
    case U'ы':
    case U'я':
    case U'ё':
        return 1;
    case U'ә':
    case U'е':
    case U'ө':
    case U'ү':
    case U'і':
    case U'э':
        return -1;
    default:
        return 0;
    }
}

/* The harmony side of a stretch: its last vowel that is not neutral (и у ю); 0 when it has
 * none, or ends in ь, к or г after which Kazakh writes either (банкі, медальдар). */
static int stretch_side(const char32_t *w, size_t n)
{
    if (n > 0 && (w[n - 1] == U'ь' || w[n - 1] == U'к' || w[n - 1] == U'г'))
        return 0;
    for (size_t i = n; i-- > 0;) {
        int s = vowel_side(w[i]);
        if (s)
            return s;
    }
    return 0;
}

/* The side a suffix must agree with: as stretch_side, but a last vowel и leaves it open, since
 * loans with и take either (тарихта, алгоритмге, министрлер), and so does у before a consonant,
 * a loan's vowel (ресурсты, секундтан and секундтен) where a Kazakh у is a glide (тау-ға). */
static int harmony_side(const char32_t *w, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        if (w[i] == U'и' || (w[i] == U'у' && i + 1 < n && !is_vowel(w[i + 1])))
            return 0;
        if (vowel_side(w[i]))
            break;
    }
    return stretch_side(w, n);
}

static size_t u32len(const char32_t *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static int has_vowel(const char32_t *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (is_vowel(w[i]) || w[i] == U'у' || w[i] == U'и')
            return 1;
    return 0;
}

/* The readings found so far: distinct keys as UTF-8, back to back. */
typedef struct kk_keys {
    char buf[MAX_KEYS * (MAX_LETTERS * 2 + 4)];
    size_t used, n;
} kk_keys;

/* Writes the letters w[0..n) as UTF-8 (2 bytes at most each: they are Cyrillic) and a NUL. */
static size_t encode(const char32_t *w, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        o += izde_utf8_encode(w[i], out + o);
    out[o] = '\0';
    return o;
}

static void keys_add(kk_keys *k, const char *s, size_t len)
{
    for (size_t i = 0, at = 0; i < k->n; i++) {
        size_t l = strlen(k->buf + at);
        if (l == len && !memcmp(k->buf + at, s, len))
            return;
        at += l + 1;
    }
    if (k->n == MAX_KEYS || k->used + len + 1 > sizeof k->buf)
        return;
    memcpy(k->buf + k->used, s, len);
    k->buf[k->used + len] = '\0';
    k->used += len + 1;
    k->n++;
}

/* Looks a stretch up in the lexicon; adds it as a key when its class is among want. */
static int try_key(kk_keys *k, const char32_t *w, size_t n, unsigned want)
{
    char s[MAX_LETTERS * 2 + 4];
    size_t len = encode(w, n, s);
    if (!(text_kk_lexicon_class(s, len) & want))
        return 0;
    keys_add(k, s, len);
    return 1;
}

static void add_guess(kk_keys *k, const char32_t *w, size_t n)
{
    char s[MAX_LETTERS * 2 + 4];
    keys_add(k, s, encode(w, n, s));
}

/* What has been stripped so far on the way to a stem. */
typedef struct path {
    uint32_t slots; /* B() of every slot used */
    int bare;       /* an F_BARE suffix was used */
    int vowel_next; /* the suffix right of the stretch begins with a vowel */
    int converb_yp; /* that suffix is the converb -ып/-іп */
    int verbal; /* an ending only verbs take was stripped (-ады, -са, -ып, -атын, -ма) */
    int soft;   /* front endings on a back stem: only a known loan in ь may end here */
    int weak;   /* read through an ending a noun also spells (noun_before_imp3): the verb found
                   is a guess, which leaves the noun guesses in place */
    const char32_t *passive; /* the stretch ending in the passive, when one was stripped */
    size_t passive_n;
    int depth;
} path;

typedef struct walk {
    kk_keys known;           /* readings whose stem the lexicon knows */
    kk_keys guessed;         /* noun readings of unknown stems: used when known is empty */
    kk_keys guessed_cased;   /* those reached through a case ending: see izde_kk_analyse */
    kk_keys guessed_uncased; /* the others, but those with a vowel put back (guess_noun) */
    kk_keys guessed_verbs;   /* verb-like roots the lexicon lacks (verb_like_root) */
    int query;               /* a query word: outermost endings limited to M_QUERY_OUTER */
    int headword;            /* the word itself is a headword */
    int plain;               /* known readings not through a personal ending (M_PERSONAL) */
    int steps;               /* suffixes tried, a bound on pathological words */
} walk;

/* A 1st or 2nd person singular possessive, or a predicative person: "my", "your", "I am",
 * which news text seldom says of a noun (see izde_kk_analyse). */
#define M_PERSONAL (B(S_POSS12) | B(S_PRED))

/* Endings that only plain noun inflection uses: an unknown stem reached through them alone is
 * a safe guess (бетбелгіні → бетбелгі), unlike one reached through verb endings. */
#define M_SAFE_NOMINAL (M_CASES | M_ATTRS | B(S_PL) | B(S_POSS3) | B(S_POSSP))

/* Adds every known variant of a noun stem that ends otherwise before a vowel than alone
 * (hunspell-kk lists some bound stems too, қалп beside қалып): the last consonant voiced
 * (кітабы → кітап; not in a stem of two letters, whose first letters a key keeps), a high
 * vowel dropped between the last two consonants (орны → орын, қаупі → қауіп). Before any
 * ending, a double consonant is simplified (процесі, процесті, кластар → процесс, класс), a
 * final ь dropped (модулі, модулдің → модуль) and loans with a final consonant cluster take
 * і/ы (объектілер → объект). */
static int stem_variants(kk_keys *k, const char32_t *w, size_t n, int vowel_next)
{
    char32_t v[MAX_LETTERS + 2];
    memcpy(v, w, n * sizeof *w);
    char32_t last = w[n - 1];
    int cluster = n >= 4 && !is_vowel(w[n - 2]) && !is_vowel(w[n - 3]);
    int found = 0;
    if ((last == U'і' || last == U'ы') && cluster)
        found += try_key(k, w, n - 1, KK_LEX_NOUN);
    if (is_vowel(last) || n < 3 || n + 1 > MAX_LETTERS)
        return found;
    v[n] = last; /* before any ending: процес-і, процес-ті, клас-тар */
    found += try_key(k, v, n + 1, KK_LEX_NOUN);
    v[n] = U'ь'; /* модул-і, модул-дің */
    found += try_key(k, v, n + 1, KK_LEX_NOUN);
    if (!vowel_next)
        return found;
    char32_t unvoiced = last == U'б' ? U'п' : last == U'г' ? U'к' : last == U'ғ' ? U'қ' : 0;
    if (unvoiced) {
        v[n - 1] = unvoiced;
        found += try_key(k, v, n, KK_LEX_NOUN | KK_LEX_VERB);
        v[n - 1] = last;
    }
    v[n] = last;
    if (!is_vowel(w[n - 2])) { /* either vowel: қаупі is қауіп */
        v[n - 1] = U'ы';
        found += try_key(k, v, n + 1, KK_LEX_NOUN);
        v[n - 1] = U'і';
        found += try_key(k, v, n + 1, KK_LEX_NOUN);
    }
    return found;
}

/* Adds w[0..n) as a noun guess, as one reached through a case when p went through one, and
 * else as one without a vowel put back (vowel_restored: қалп-ы read as қалып). */
static void guess_noun(walk *wk, const char32_t *w, size_t n, const path *p, int vowel_restored)
{
    add_guess(&wk->guessed, w, n);
    if (p->slots & M_CASES)
        add_guess(&wk->guessed_cased, w, n);
    else if (!vowel_restored)
        add_guess(&wk->guessed_uncased, w, n);
}

/* A noun stem w[0..n): known as it is or through stem_variants, else a guess when only noun
 * endings led to it. */
static void stem_end(walk *wk, const char32_t *w, size_t n, const path *p)
{
    if (n < 2 || !has_vowel(w, n))
        return;
    if (p->soft) { /* модул-і: модуль */
        char32_t v[MAX_LETTERS + 2];
        memcpy(v, w, n * sizeof *w);
        v[n] = U'ь';
        if (n + 1 <= MAX_LETTERS && try_key(&wk->known, v, n + 1, KK_LEX_NOUN))
            wk->plain += !(p->slots & M_PERSONAL);
        return;
    }
    int known = try_key(&wk->known, w, n, KK_LEX_NOUN | KK_LEX_VERB);
    if (stem_variants(&wk->known, w, n, p->vowel_next) + known > 0) {
        wk->plain += !(p->slots & M_PERSONAL);
        return;
    }
    if (wk->query || n < 3 || !p->slots || (p->slots & ~M_SAFE_NOMINAL))
        return;
    guess_noun(wk, w, n, p, 0);
    char32_t v[MAX_LETTERS + 2];
    memcpy(v, w, n * sizeof *w);
    char32_t last = w[n - 1];
    if (p->vowel_next && n + 1 <= MAX_LETTERS && !is_vowel(last) && !is_vowel(w[n - 2])) {
        v[n - 1] = stretch_side(w, n - 1) < 0 ? U'і' : U'ы'; /* қалпы: қалып */
        v[n] = last;
        guess_noun(wk, v, n + 1, p, 1);
        v[n - 1] = last;
    }
    char32_t unvoiced = last == U'б' ? U'п' : last == U'г' ? U'к' : last == U'ғ' ? U'қ' : 0;
    if (p->vowel_next && unvoiced) { /* стегі: стек */
        v[n - 1] = unvoiced;
        guess_noun(wk, v, n, p, 0);
    }
}

/* Verb-forming endings: a root that ends in one is a verb even when the lexicon lacks it
 * (зақымда-, нөмірле-, сөндір-, қалдыр-, өзгерт-). */
static const struct {
    const char32_t *end;
    unsigned char min_root; /* letters */
} verb_endings[] = {
    {U"ла", 4},  {U"ле", 4},  {U"да", 5},  {U"де", 5},  {U"та", 5},  {U"те", 5},
    {U"лан", 5}, {U"лен", 5}, {U"дан", 5}, {U"ден", 5}, {U"тан", 5}, {U"тен", 5},
    {U"лас", 5}, {U"лес", 5}, {U"дыр", 5}, {U"дір", 5}, {U"тыр", 5}, {U"тір", 5},
    {U"ғыз", 5}, {U"гіз", 5}, {U"қыз", 5}, {U"кіз", 5},
};

static int verb_like_root(const char32_t *w, size_t n)
{
    for (size_t i = 0; i < sizeof verb_endings / sizeof *verb_endings; i++) {
        size_t m = u32len(verb_endings[i].end);
        if (n >= verb_endings[i].min_root && !memcmp(w + n - m, verb_endings[i].end, m * sizeof *w))
            return 1;
    }
    /* the causative -т after a vowel or р, й: тоқта-т, орна-т, өзгер-т, тазар-т, азай-т */
    char32_t c = n >= 5 ? w[n - 2] : 0;
    return c && w[n - 1] == U'т' && (is_vowel(c) || c == U'р' || c == U'й');
}

/* The dictionary form of root w[0..n) into v (оқы → оқу, тап → табу, ки → кию, бол → болу);
 * returns its length. */
static size_t dictionary_form(const char32_t *w, size_t n, char32_t *v)
{
    memcpy(v, w, n * sizeof *w);
    char32_t last = w[n - 1];
    if (last == U'ы' || last == U'і') {
        v[n - 1] = U'у';
        return n;
    }
    if (last == U'и') {
        v[n] = U'ю';
        return n + 1;
    }
    if (last == U'й') { /* й + у is written ю: қой-ды, қою */
        v[n - 1] = U'ю';
        return n;
    }
    if (n >= 3) /* a root of 2 letters keeps them, as the snippet prefilter expects */
        v[n - 1] = last == U'п' ? U'б' : last == U'қ' ? U'ғ' : last == U'к' ? U'г' : last;
    v[n] = U'у';
    return n + 1;
}

/* A verb root w[0..n): its dictionary form is the key, when the lexicon has that verb or the
 * root ends like a verb (verb_like_root; not after the participle -р, which plural nouns
 * imitate: әрекетте-р). Before the converb -ып, б is written у (та-у-ып is таб-ып). */
static void root_end_base(walk *wk, const char32_t *w, size_t n, const path *p);

/* A verb root, and after a passive the passive verb too (сығ-ыл-ған is a form of сығу and of
 * сығылу, which a dictionary may list as a word of its own). */
static void root_end(walk *wk, const char32_t *w, size_t n, const path *p)
{
    size_t before = wk->known.n + wk->guessed_verbs.n;
    root_end_base(wk, w, n, p);
    if (p->passive && wk->known.n + wk->guessed_verbs.n > before &&
        p->passive_n + 1 <= MAX_LETTERS) {
        char32_t v[MAX_LETTERS + 2];
        add_guess(&wk->guessed_verbs, v, dictionary_form(p->passive, p->passive_n, v));
    }
}

static void root_end_base(walk *wk, const char32_t *w, size_t n, const path *p)
{
    if (n < 2 || !has_vowel(w, n) || n + 1 > MAX_LETTERS)
        return;
    char32_t v[MAX_LETTERS + 2], b[MAX_LETTERS + 2];
    kk_keys *into = p->weak ? &wk->guessed_verbs : &wk->known;
    size_t m = dictionary_form(w, n, v);
    int known = try_key(into, v, m, KK_LEX_VERB);
    if (!known && m == n + 1 && v[n - 1] != w[n - 1]) { /* a loan may keep its п/к/қ */
        v[n - 1] = w[n - 1];
        known = try_key(into, v, m, KK_LEX_VERB);
        if (!known)
            m = dictionary_form(w, n, v);
    }
    /* before -ып the root's у may be its own (жау-ып "raining") or a б (жаб-ып "closing"):
     * both readings are kept */
    if (p->converb_yp && w[n - 1] == U'у' && n >= 3) {
        memcpy(b, w, n * sizeof *w);
        b[n - 1] = U'б';
        b[n] = U'у';
        known |= try_key(into, b, n + 1, KK_LEX_VERB);
    }
    wk->plain += known && into == &wk->known;
    if (known)
        return;
    if (!p->bare && !p->weak && p->depth > 0 && (p->verbal || verb_like_root(w, n)))
        add_guess(&wk->guessed_verbs, v, m);
}

/* Whether the stretch w[0..n) may take suffix x: allomorph, harmony. */
#define SOFT_ONLY 2 /* may_follow: only if the stem is a known loan in ь */

/* Whether w[0..n) ends in a locative or ablative ending (-да, -нде, -тан, -нен...): the cases
 * a formal 2nd person predicative follows (үйде-сіз "you are at home"). */
static int ends_in_place_case(const char32_t *w, size_t n)
{
    if (n < 3)
        return 0;
    char32_t c = w[n - 1] == U'н' ? w[n - 3] : w[n - 2];
    char32_t v = w[n - 1] == U'н' ? w[n - 2] : w[n - 1];
    return (v == U'а' || v == U'е') && (c == U'д' || c == U'т' || c == U'н');
}

/* Whether w[0..n) may take the formal 2nd person predicative -сыз/-сіз: after a place case
 * (үйде-сіз), a participle (жасаған-сыз, келетін-сіз) or the intention (өшірмек-сіз). Elsewhere
 * -сыз is the privative, which makes a new word (ақысыз). */
static int ends_before_formal(const char32_t *w, size_t n)
{
    static const char32_t *const ends[] = {U"ған",  U"ген",  U"қан",  U"кен", U"атын",
                                           U"етін", U"йтын", U"йтін", U"мақ", U"мек",
                                           U"бақ",  U"бек",  U"пақ",  U"пек"};
    if (ends_in_place_case(w, n))
        return 1;
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
        size_t m = u32len(ends[i]);
        if (n > m && !memcmp(w + n - m, ends[i], m * sizeof *w))
            return 1;
    }
    return 0;
}

static int may_follow(const char32_t *w, size_t n, const sfx *x)
{
    if (n < 1 || !(letter_class(w[n - 1]) & x->after))
        return 0;
    if (x->slot == S_PRED_CASE && !ends_before_formal(w, n))
        return 0;
    char32_t last = w[n - 1], before = n >= 2 ? w[n - 2] : 0;
    /* -сын after ы/і is mostly the noun -ыс + possessive (ұсыныс-ы-н, not ұсыны-сын) */
    if (x->slot == S_IMP3 && (last == U'ы' || last == U'і'))
        return 0;
    /* the participle -р after -ла/-да/-та is the plural of a noun (белгі-лер, іс-тер) */
    if (x->text[0] == U'р' && !x->text[1] && (last == U'а' || last == U'е') &&
        (before == U'л' || before == U'д' || before == U'т'))
        return 0;
    if (x->flags & F_NEUTRAL)
        return 1;
    int want = harmony_side(w, n), side = 0;
    for (const char32_t *p = x->text; *p && !side; p++)
        side = vowel_side(*p);
    if (!want || !side || want == side)
        return 1;
    /* a loan that drops its ь takes front endings after a back vowel (модуль: модулі) */
    return side < 0 && x->slot != S_CASE_P3 && !is_vowel(w[n - 1]) ? SOFT_ONLY : 0;
}

static void read_inwards(walk *wk, const char32_t *w, size_t n, uint32_t allowed, const path *p);

/* Whether only a verb takes suffix x: persons of the present, the conditional, converbs,
 * intention, negation, the habitual and past participles. A root the lexicon lacks is then
 * taken for a verb (қыл-а-ды, қыл-ған: қылу). */
static int verbal_only(const sfx *x)
{
    if (x->slot == S_P1 || x->slot == S_COND || x->slot == S_CONV || x->slot == S_CONV_NEG ||
        x->slot == S_INTENT || x->slot == S_INTENT_P || x->slot == S_NEG || x->slot == S_VN_NEG)
        return 1;
    if (x->slot != S_VN)
        return 0;
    size_t m = u32len(x->text); /* -атын, and the past participle -ған/-ген/-қан/-кен */
    return (m == 4 && x->text[1] == U'т') || (m == 3 && x->text[2] == U'н');
}

/* Whether x is a negation right inside the 3rd person imperative (өзгер-ме-сін "let it not
 * change"), which spells what a noun in -ма/-ме with its possessive and accusative does
 * (көшірме-сі-н "its copy"): see noun_before_imp3. */
static int negation_in_imp3(const sfx *x, const path *p)
{
    return x->slot == S_NEG && (p->slots & B(S_IMP3));
}

/* The lexicon's class of the letters w[0..n) (0 when it lacks them). */
static unsigned lexicon_class(const char32_t *w, size_t n)
{
    char s[MAX_LETTERS * 2 + 4];
    return text_kk_lexicon_class(s, encode(w, n, s));
}

/* The path one step further in, through suffix x. */
static path step_in(const path *p, const sfx *x, int vowel_next, const char32_t *w, size_t n)
{
    path q = *p;
    if (x->slot == S_PASS) {
        q.passive = w;
        q.passive_n = n;
    }
    q.slots |= B(x->slot);
    q.bare |= (x->flags & F_BARE) != 0;
    q.vowel_next = vowel_next;
    q.converb_yp = x->slot == S_CONV && x->text[1] == U'п' && !x->text[2];
    q.verbal |= verbal_only(x);
    q.weak |= negation_in_imp3(x, p);
    q.depth++;
    return q;
}

/* The passive -н is also the reflexive, which makes verbs of their own: when the lexicon has
 * the verb with -н (қолдану "use" beside қолдау "support"), -н is not read as a passive.
 * After л and a vowel the passive can only be -н (-л would double the л: төле-н-ді "was
 * paid", хабарла-н-ды), so there it is read as the passive whatever the lexicon lists. */
static int lexical_reflexive(const char32_t *w, size_t n, const sfx *x)
{
    if (x->slot != S_PASS || x->text[0] != U'н' || x->text[1] || n + 1 > MAX_LETTERS)
        return 0;
    if (n >= 3 && w[n - 3] == U'л' && is_vowel(w[n - 2]))
        return 0;
    char32_t v[MAX_LETTERS + 2];
    memcpy(v, w, n * sizeof *w);
    v[n] = U'у';
    return (lexicon_class(v, n + 1) & KK_LEX_VERB) != 0;
}

/* Whether x is the negation inside the 3rd person imperative (negation_in_imp3) and the
 * lexicon has the stretch w[0..n) ending in it as a word: then it is that noun. */
static int noun_before_imp3(const char32_t *w, size_t n, const sfx *x, const path *p)
{
    return negation_in_imp3(x, p) && lexicon_class(w, n) != 0;
}

/* Reads on inwards from a root whose last letter and x's first are written as the one letter
 * at w[n - m] (ы/і + й as и, й + а as я): when the rest of x follows it, the root is
 * w[0..n - m) and `last`. */
static void read_contracted(walk *wk, const char32_t *w, size_t n, const sfx *x, char32_t last,
                            int vowel_next, const path *p)
{
    size_t m = u32len(x->text);
    if (n - m < 2 || memcmp(w + n - m + 1, x->text + 1, (m - 1) * sizeof *w))
        return;
    char32_t root[MAX_LETTERS + 1];
    memcpy(root, w, (n - m) * sizeof *w);
    root[n - m] = last;
    path q = step_in(p, x, vowel_next, w, n);
    read_inwards(wk, root, n - m + 1, inner[x->slot], &q);
}

/* Strips x when w[0..n) ends with it (or with it contracted into the root's last letter:
 * read_contracted) and reads on inwards. */
static void try_suffix(walk *wk, const char32_t *w, size_t n, const sfx *x, const path *p)
{
    size_t m = u32len(x->text);
    /* -л, -н, -р and the -мақ before a person need 3 letters before them (қала is not қа-л-а,
     * жер not же-р, тамақсыз "without food" not та-мақ-сыз) */
    if (m >= n ||
        (((m == 1 && (x->slot == S_PASS || x->text[0] == U'р')) || x->slot == S_INTENT_P) &&
         n - m < 3))
        return;
    int fits = memcmp(w + n - m, x->text, m * sizeof *w) ? 0 : may_follow(w, n - m, x);
    if (fits == SOFT_ONLY && !(B(x->slot) & (M_SAFE_NOMINAL | B(S_POSS12) | B(S_PRED))))
        fits = 0; /* only noun endings follow a loan */
    if (fits && !lexical_reflexive(w, n, x) && !noun_before_imp3(w, n, x, p)) {
        path q = step_in(p, x, is_vowel(x->text[0]), w, n);
        q.soft |= fits == SOFT_ONLY;
        read_inwards(wk, w, n - m, fits == SOFT_ONLY ? B(T_STEM) : inner[x->slot], &q);
    }
    if ((x->flags & F_MERGE) && w[n - m] == U'и')
        read_contracted(wk, w, n, x, stretch_side(w, n - m) < 0 ? U'і' : U'ы', 0, p);
    /* a verb's а after a root in й is written я: қой-а-ды is қояды, қой-атын қоятын */
    if (x->text[0] == U'а' && x->slot != S_CASE_P12 && w[n - m] == U'я')
        read_contracted(wk, w, n, x, U'й', 1, p);
}

/* Whether suffix x may be tried where the path stands. The participles -р/-ар and -мақ end a
 * word only (белгіле-р-і is белгі-лер-і); a query word is not read through endings that base
 * words often end in (M_QUERY_OUTER). */
static int may_try(const walk *wk, const sfx *x, const path *p)
{
    /* a bare negation is the imperative (жүгіртпе) unless the word is a noun (хабарлама) */
    if (x->slot == S_NEG && p->depth == 0 && (wk->headword || wk->query))
        return 0;
    if ((x->flags & F_BARE) && (p->depth > 0 || wk->query))
        return 0;
    return !(wk->query && p->depth == 0 && !(M_QUERY_OUTER & B(x->slot)));
}

static void read_inwards(walk *wk, const char32_t *w, size_t n, uint32_t allowed, const path *p)
{
    if (allowed & B(T_STEM))
        stem_end(wk, w, n, p);
    if (allowed & B(T_ROOT))
        root_end(wk, w, n, p);
    if (p->depth >= MAX_DEPTH || wk->steps > 4000)
        return;
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        const sfx *x = &suffixes[i];
        if (!(allowed & B(x->slot)) || !may_try(wk, x, p))
            continue;
        wk->steps++;
        try_suffix(wk, w, n, x, p);
    }
}

/* Decodes a normalised word into letters; 0 when it is not all Cyrillic (a Latin i typed
 * for і is read as і). */
static size_t decode(const char *s, size_t len, char32_t *w)
{
    size_t n = 0;
    for (size_t i = 0, k; i < len; i += k) {
        uint32_t c = 0;
        k = izde_utf8_decode(s + i, len - i, &c);
        if (n == MAX_LETTERS || k == 0 || (c != 'i' && (c < 0x400 || c > 0x4FF)))
            return 0;
        w[n++] = c == 'i' ? U'і' : c;
    }
    return n;
}

/* Adds head + each key of k to out. */
static void add_with_head(kk_keys *out, const kk_keys *k, const char *word, size_t head)
{
    char s[KEY_MAX];
    for (size_t i = 0, at = 0; i < k->n; i++) {
        size_t l = strlen(k->buf + at);
        if (head + l < sizeof s) {
            memcpy(s, word, head);
            memcpy(s + head, k->buf + at, l);
            keys_add(out, s, head + l);
        }
        at += l + 1;
    }
}

/* The stems of the known keys that are themselves possessives of -ым/-ім nouns hunspell-kk
 * lists as headwords without their stem (өнімі: өнімі-нің keeps өнім), into guesses. Other
 * headwords in -ы/-і are mostly words of their own (құрылғы, әкімші). */
static void possessed_headwords(const kk_keys *known, kk_keys *guesses)
{
    for (size_t i = 0, at = 0; i < known->n; i++) {
        size_t l = strlen(known->buf + at);
        char32_t w[MAX_LETTERS + 2];
        size_t n = decode(known->buf + at, l, w);
        at += l + 1;
        if (n < 5 || (w[n - 1] != U'ы' && w[n - 1] != U'і'))
            continue;
        size_t m = n - 1; /* өнім-і; -сы/-сі follow a vowel, not м */
        if (w[m - 1] == U'м' && is_vowel(w[m - 2]) && !lexicon_class(w, m))
            add_guess(guesses, w, m);
    }
}

/* Whether every key of k is a verb of the lexicon and no noun. */
static int only_verbs(const kk_keys *k)
{
    for (size_t i = 0, at = 0; i < k->n; i++) {
        size_t l = strlen(k->buf + at);
        if (text_kk_lexicon_class(k->buf + at, l) != KK_LEX_VERB)
            return 0;
        at += l + 1;
    }
    return 1;
}

size_t izde_kk_analyse(const char *word, size_t len, unsigned flags, izde_kk_stem_fn fn, void *ctx)
{
    const char *dash = memchr(word, '-', len);
    for (const char *p = dash; p; p = memchr(p + 1, '-', len - (size_t)(p + 1 - word)))
        dash = p;
    size_t head = dash ? (size_t)(dash + 1 - word) : 0;
    char32_t w[MAX_LETTERS + 2];
    size_t n = decode(word + head, len - head, w);
    static const path start = {.slots = 0, .soft = 0, .passive = NULL, .depth = 0};
    walk wk = {.known = {.used = 0, .n = 0},
               .guessed = {.used = 0, .n = 0},
               .guessed_cased = {.used = 0, .n = 0},
               .guessed_uncased = {.used = 0, .n = 0},
               .guessed_verbs = {.used = 0, .n = 0},
               .query = (flags & IZDE_KK_QUERY) != 0,
               .headword = 0,
               .plain = 0,
               .steps = 0};
    kk_keys out = {.used = 0, .n = 0};
    if (wk.query && len < KEY_MAX)
        keys_add(&out, word, len); /* a query word may be a base form the lexicon lacks */
    int headword = n >= 2 && try_key(&wk.known, w, n, KK_LEX_NOUN | KK_LEX_VERB);
    wk.headword = headword;
    if (n >= 2) {
        read_inwards(&wk, w, n, M_OUTER, &start);
        /* A bare root is the 2nd person imperative (бер, кел) unless it is a word itself. */
        char32_t v[MAX_LETTERS + 2];
        if (!headword && !wk.query && has_vowel(w, n))
            wk.plain += try_key(&wk.known, v, dictionary_form(w, n, v), KK_LEX_VERB);
    }
    add_with_head(&out, &wk.known, word, head);
    if (!wk.query) {
        kk_keys stems = {.used = 0, .n = 0};
        possessed_headwords(&wk.known, &stems);
        add_with_head(&out, &stems, word, head);
    }
    add_with_head(&out, &wk.guessed_verbs, word, head);
    /* A word known only as itself (hunspell-kk lists many inflected words: дерекқорына,
     * өнімі, импорты) or only as a verb's form (сай-тын "which fits" beside сайт-ы-н "its
     * site") keeps the noun stems a case ending leaves. A case shows a noun inflected, not a
     * possessive alone, which derived nouns end in too (-шы), so through a possessive the
     * headword keeps its stem (өнім-і, қиындығ-ы: қиындық) but not one with a vowel put back
     * (бағыттауш-ы is not бағыттауыш). */
    if (wk.known.n > 0 && (wk.known.n == (size_t)headword || only_verbs(&wk.known)))
        add_with_head(&out, &wk.guessed_cased, word, head);
    if (wk.known.n > 0 && wk.known.n == (size_t)headword)
        add_with_head(&out, &wk.guessed_uncased, word, head);
    /* A known stem reached only through a personal ending (қосыл-ым-ды "my қосыл", өн-і-мін
     * "I am its өн") leaves the guesses in place: -ым/-ім also makes nouns that hunspell-kk
     * lacks (қосылым-ды, өнім-ін), and news text seldom says "my", "your" or "I am" of them. */
    if (wk.known.n > 0 && wk.plain == 0) {
        add_with_head(&out, &wk.guessed, word, head);
        add_with_head(&out, &wk.guessed_cased, word, head);
    }
    if (wk.known.n == 0) {
        /* No known stem: safe guesses and the conservative rule stem. */
        add_with_head(&out, &wk.guessed, word, head);
        /* ...except for a query word in the verb's dictionary form, whose rule stem is the bare
         * root, a noun stem as often (хабарла-у: хабарла-ма) */
        int dictionary = wk.query && n >= 3 && (w[n - 1] == U'у' || w[n - 1] == U'ю');
        char rule[KEY_MAX];
        size_t r = dictionary ? 0 : izde_kk_stem(word, len, rule, sizeof rule);
        if (r > 0 && r < sizeof rule)
            keys_add(&out, rule, r);
    }
    for (size_t i = 0, at = 0; i < out.n; i++) {
        size_t l = strlen(out.buf + at);
        fn(ctx, out.buf + at, l);
        at += l + 1;
    }
    return out.n;
}

int izde_kk_is_headword(const char *word, size_t len)
{
    return text_kk_lexicon_class(word, len) != 0;
}

unsigned text_kk_lexicon_class(const char *word, size_t len)
{
    size_t lo = 0, hi = text_kk_lexicon_size;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *e = text_kk_lexicon[mid].word;
        int c = strncmp(e, word, len);
        if (c == 0 && e[len] != '\0')
            c = 1;
        if (c == 0)
            return text_kk_lexicon[mid].cls;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
