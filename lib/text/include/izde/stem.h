/* izde/stem.h — stemming per language and per script.
 *
 * Design: an entry has one language, but news text mixes scripts (an English story names
 * Нұр-Сұлтан, a Kazakh one quotes "Tokyo 2020"). So the stemmer is chosen per word: Latin
 * words use Snowball English, Cyrillic words use the entry's language when it is Russian or
 * Kazakh, and otherwise Kazakh when the word has Kazakh-only letters, else Russian. Numbers
 * and other scripts are not stemmed.
 *
 * Thread safety: one izde_stemmer per thread.
 */
#ifndef IZDE_STEM_H
#define IZDE_STEM_H

#include <stddef.h>
#include <stdint.h>

#include <izde/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct izde_stemmer izde_stemmer;

/* Which stemmer to use for one word. */
typedef enum izde_stem_lang {
    IZDE_STEM_NONE = 0,
    IZDE_STEM_EN,
    IZDE_STEM_RU,
    IZDE_STEM_KK,
} izde_stem_lang;

/* Caller owns; free with izde_stemmer_free(). */
izde_status izde_stemmer_new(izde_stemmer **out_stemmer, izde_error *err);
void izde_stemmer_free(izde_stemmer *s);

/* The stemmer for a word with token flags (izde_token_flags) in an entry of language lang
 * ("en", "kk", "ru" or ""), following the rule above. */
izde_stem_lang izde_stem_choose(const char *lang, uint32_t token_flags, const char *term,
                                size_t len);

/* izde_stem_each flags. */
enum {
    IZDE_STEM_QUERY = 1, /* a query word: Kazakh headwords are read as themselves alone */
};

/* Receives one stem (len bytes, not NUL-terminated; borrowed for the call). */
typedef void (*izde_stem_fn)(void *ctx, const char *stem, size_t len);

/* Every stem of a normalised term: one for English, Russian and unstemmed words; for Kazakh
 * each accepted analysis (izde_kk_analyse), or the rule stem (izde_kk_stem) when no analysis
 * has a known stem. The indexer stores them all; a query word (IZDE_STEM_QUERY) matches any
 * of its own. Calls fn for each and returns how many (at least 1). Every stem is at most the
 * term's length plus 8 bytes: a longer reading (a Kazakh word typed with many Latin i's,
 * each read as the two-byte і) is left out, and when none is left the term is its own stem,
 * as in izde_stem. */
size_t izde_stem_each(izde_stemmer *s, izde_stem_lang which, const char *term, size_t len,
                      unsigned flags, izde_stem_fn fn, void *ctx);

/* Whether stem is one of the stems the indexer stores for term (izde_stem_each without
 * IZDE_STEM_QUERY), or, for Russian, one of their other spellings (izde_stem_ru_fleeting). */
int izde_stem_has(izde_stemmer *s, izde_stem_lang which, const char *term, size_t len,
                  const char *stem);

/* The other spellings a short Russian stem has within its word's forms, where a fleeting vowel
 * comes and goes and Snowball leaves the stems apart (the indexer drops it by rule only from
 * stems of 6 letters and more): a 5-letter stem ending in consonant + ок/ек/ец without the
 * vowel (рынок → рынк, борец → борц), and a 4-letter stem ending in consonant + к/ц with it
 * (гонк → гонок, гонек; борц → борец). The relation is symmetric, so a query word's stem
 * reaches its forms' stems and a text word's stem the query's. Calls fn (when not NULL) for each
 * (borrowed for the call) and returns how many (0-2). */
size_t izde_stem_ru_fleeting(const char *stem, size_t len, izde_stem_fn fn, void *ctx);

/* The stem the other forms of a Russian base word have where Snowball reads the base word
 * apart from them: a noun in consonant + ень whose е comes and goes (уровень → ур, but уровня,
 * уровне → уровн), a noun in -пись (запись → зап, but записи → запис), and nouns in -лец and
 * -еец, whose е gives way to ь and й (владелец → владелц, but владельца → владельц; европеец,
 * европейца). The stem of the word's genitive, into out (cap >= len + 8); returns its length,
 * 0 when the word is of none of these kinds or the stems agree. For a noun in -йка, the
 * genitive plural's (настройка: настроек); for a verb, the imperative plural's. */
size_t izde_stem_ru_paradigm(izde_stemmer *s, const char *word, size_t len, char *out, size_t cap);

/* The stems of a Russian verb's forms that Snowball gives apart from the infinitive, as it
 * strips -ть, -л and -ет only after а and я:
 *  - for -еть, -уть and -оть (5 letters or more) the past's (смотреть: смотрел, смотрела →
 *    смотрел; вернуть: вернул); for -еть the present's where it keeps the infinitive's е
 *    (иметь: имеет, имеете → имеет; имеют; имеешь → имееш); for -нуть the present's (вернёт);
 *  - for the closed classes of roots whose stem changes (lib/text/russian_verbs.c), under
 *    verbal prefixes, the present's and past's: найти: найдёт, нашёл; провести: проведёт,
 *    провёл; создать: создаст; сказать: скажет; начать: начнёт; остаться: останется.
 * The present of смотреть (смотрит → смотр) is left out: смотр- is a noun's too (просмотреть,
 * просмотр), as стар- is an adjective's (стареть, старый); so are stems of two letters (пою →
 * по) and stems that end within the prefixes (надоем → над). Calls fn (when not NULL) for
 * each distinct stem (borrowed for the call) and returns how many. */
size_t izde_stem_ru_verb_stems(izde_stemmer *s, const char *word, size_t len, izde_stem_fn fn,
                               void *ctx);

/* The short forms of a Russian adjective in -ный/-ной (6 letters or more) that Snowball stems
 * apart from it, spelt by rule: the masculine (возможный → возможен, whose stem возмож would
 * be another word's, as доступ is beside доступный; сильный → силен), and for a participle in
 * -нный all four (удаленный → удален, удалена, удалено, удалены). A query matches them as they
 * are: a rule-spelt form that is no word matches nothing. Calls fn (when not NULL) with each
 * (borrowed for the call) and returns how many. */
size_t izde_stem_ru_short_forms(const char *word, size_t len, izde_stem_fn fn, void *ctx);

/* The stems of an English word's -ed and -ing forms where Snowball reads the word itself
 * further (experience → experi, but experienced, experiencing → experienc; evidence,
 * reference): for a word in -e of 4 letters or more, each stem longer than the word's own and
 * beginning with it. Calls fn (when not NULL) for each (borrowed for the call) and returns how
 * many (0-2). */
size_t izde_stem_en_inflected(izde_stemmer *s, const char *word, size_t len, izde_stem_fn fn,
                              void *ctx);

/* The English words that Snowball stems apart from a word though they are forms of the same
 * base word: irregular forms (go: went, gone; child: children; good: better, best), the
 * regular comparatives and superlatives (small: smaller, smallest), and the base word's
 * British or American spelling (colour: color, given as a base word). A form that is not also a
 * word of its own brings its base word and the base word's other forms (went: go, gone); one
 * that is (found, saw, left) stands for itself only. word is normalised (lower case); the words
 * come from WordNet's exception lists, hunspell-en-us and hunspell-en-gb, compiled in. Calls fn
 * (when not NULL) for each (static strings, never word itself, each once) with its IZDE_EN_* flags,
 * and returns how many. */
enum {
    IZDE_EN_BASE_WORD = 1, /* the base word: its Snowball stem gathers its regular forms */
    IZDE_EN_OWN_WORD = 2,  /* a form that inflects as a word of its own too (thought: thoughts) */
    IZDE_EN_NOUN_FORM = 4  /* a noun's form (children): it takes 's */
};
typedef void (*izde_en_form_fn)(void *ctx, const char *form, size_t len, unsigned flags);
size_t izde_stem_en_related(const char *word, size_t len, izde_en_form_fn fn, void *ctx);

/* Stems a normalised term with stemmer which (for Kazakh: the first stem of a query word,
 * see izde_stem_each). Writes a NUL-terminated stem to out (cap must be
 * >= len + 8) and returns its length; with IZDE_STEM_NONE, or when stemming fails, the term
 * itself is copied. */
size_t izde_stem(izde_stemmer *s, izde_stem_lang which, const char *term, size_t len, char *out,
                 size_t cap);

#ifdef __cplusplus
}
#endif
#endif
