/* Private to lib/search: the reverse of keyboard folding, for "did you mean". */
#ifndef IZDE_UNFOLD_H
#define IZDE_UNFOLD_H

#include <stddef.h>

#include <izde/xapian.h>

/* A Cyrillic word typed without Kazakh letters (казакстан) may be a Kazakh word typed on a
 * Russian keyboard: tries the spellings with each foldable letter restored (а→ә, г→ғ, к→қ,
 * н→ң, о→ө, у→ұ/ү, х→һ, и→і), at most a few thousand, and returns the one the index holds
 * most often (қазақстан) into *out, or NULL there. Caller owns *out (free()). */
izde_status search_unfold_best(izde_xreader *r, const char *word, size_t len, char **out,
                               izde_error *err);

#endif
