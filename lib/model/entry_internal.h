/* Private to lib/model: what the JSON form and the stored form of an entry share. */
#ifndef IZDE_ENTRY_INTERNAL_H
#define IZDE_ENTRY_INTERNAL_H

#include <izde/error.h>

/* Checks that extra_json is a JSON object without a known field, as izde_entry_to_json()
 * needs it: IZDE_ERR_INVALID_ARG when not. */
izde_status model_entry_check_extras(const char *extra_json, izde_error *err);

#endif
