/* Private to lib/search: function words of English, Russian and Kazakh. They stay in the
 * index (phrases need them) but weigh little in ranking. */
#ifndef IZDE_STOPWORDS_H
#define IZDE_STOPWORDS_H

#include <stddef.h>

/* Whether the normalised word is a stop word in any of the three languages. */
int search_stopword_is(const char *word, size_t len);

#endif
