/* Function words of the three languages (see stopwords.h). */
#include "stopwords.h"

#include <stdlib.h>
#include <string.h>

/* Sorted by bytes (strcmp order) for bsearch. */
static const char *const stopwords[] = {
    "a",       "about",  "above",   "after",  "again",   "against",  "all",        "also",
    "am",      "an",     "and",     "any",    "are",     "as",       "at",         "be",
    "because", "been",   "before",  "being",  "below",   "between",  "both",       "but",
    "by",      "can",    "could",   "did",    "do",      "does",     "doing",      "down",
    "during",  "each",   "few",     "for",    "from",    "further",  "had",        "has",
    "have",    "having", "he",      "her",    "here",    "hers",     "herself",    "him",
    "himself", "his",    "how",     "i",      "if",      "in",       "into",       "is",
    "it",      "it's",   "its",     "itself", "just",    "me",       "more",       "most",
    "my",      "myself", "no",      "nor",    "not",     "of",       "off",        "on",
    "once",    "only",   "or",      "other",  "our",     "ours",     "ourselves",  "out",
    "over",    "own",    "same",    "she",    "should",  "so",       "some",       "such",
    "than",    "that",   "the",     "their",  "theirs",  "them",     "themselves", "then",
    "there",   "these",  "they",    "this",   "those",   "through",  "to",         "too",
    "under",   "until",  "up",      "very",   "was",     "we",       "were",       "what",
    "when",    "where",  "which",   "while",  "who",     "whom",     "why",        "will",
    "with",    "would",  "you",     "your",   "yours",   "yourself", "yourselves", "а",
    "ал",      "ана",    "анау",    "арқылы", "ба",      "бар",      "барлық",     "бе",
    "без",     "бен",    "бойынша", "болды",  "более",   "болса",    "болып",      "бы",
    "был",     "была",   "были",    "было",   "быть",    "біз",      "біздің",     "бір",
    "бірақ",   "бұл",    "в",       "вам",    "вас",     "весь",     "во",         "вот",
    "все",     "всего",  "всех",    "вы",     "где",     "да",       "даже",       "де",
    "деген",   "дейін",  "деп",     "для",    "до",      "его",      "еді",        "ее",
    "ей",      "екен",   "емес",    "ему",    "если",    "есть",     "еще",        "же",
    "жоқ",     "және",   "за",      "здесь",  "и",       "из",       "или",        "им",
    "их",      "ия",     "иә",      "к",      "как",     "кейін",    "ко",         "когда",
    "кто",     "ли",     "либо",    "ма",     "ме",      "мен",      "мне",        "может",
    "мы",      "мына",   "на",      "над",    "надо",    "наш",      "не",         "него",
    "нее",     "немесе", "нет",     "ни",     "них",     "но",       "ну",         "о",
    "об",      "однако", "ол",      "олар",   "олардың", "он",       "она",        "они",
    "оно",     "оның",   "осы",     "от",     "очень",   "оған",     "па",         "пе",
    "пен",     "по",     "под",     "при",    "с",       "сен",      "сияқты",     "со",
    "сол",     "соң",    "сіз",     "сіздің", "та",      "так",      "также",      "такой",
    "там",     "те",     "тек",     "тем",    "то",      "того",     "тоже",       "той",
    "только",  "том",    "туралы",  "ты",     "у",       "уже",      "хотя",       "чего",
    "чей",     "чем",    "что",     "чтобы",  "чье",     "чья",      "эта",        "эти",
    "это",     "я",      "ғана",    "ғой",    "ғой-ау",  "қана",     "қой",        "үшін",
    "әлде",    "әр",     "өз",
};

static int compare(const void *key, const void *item)
{
    return strcmp(key, *(const char *const *)item);
}

int search_stopword_is(const char *word, size_t len)
{
    char buf[32];
    if (len == 0 || len >= sizeof buf)
        return 0;
    memcpy(buf, word, len);
    buf[len] = '\0';
    return bsearch(buf, stopwords, sizeof stopwords / sizeof stopwords[0], sizeof stopwords[0],
                   compare) != NULL;
}
