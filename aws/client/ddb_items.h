/* ddb_items.h - the items of a DynamoDB Query or Scan answer, read in one
 * pass over its text (app/core/jsonr.h), without a JSON tree:
 *
 *   {"Items": [{"attr": {"S": "..."}, ...}, ...], "Count": N,
 *    "ScannedCount": N, "LastEvaluatedKey": {...}, ...}
 *
 * The caller names the attributes it reads; for each item it is handed
 * those attributes' string values. Anything else another client or a later
 * DynamoDB writes (attributes of other types, more attributes, more
 * members of the answer) is read past, not refused. Strings are decoded in
 * place: they point into the text and live as long as it does. */
#ifndef CRUDDUR_DDB_ITEMS_H
#define CRUDDUR_DDB_ITEMS_H

#include <stddef.h>
#include <stdint.h>

#include "app/core/err.h"

#define DDB_ITEMS_MAX_ATTRS 16

/* One attribute of an item as read. */
struct ddb_attr {
    /* The value when the attribute is exactly {"S": "..."}, len bytes
     * and a NUL after them (it may hold NULs too: another client may
     * write U+0000, and a reader of a field that must not hold one
     * checks strlen(s) == len); NULL when it is absent or anything else. */
    const char *s;
    size_t len;
    int present;        /* the item has the attribute, whatever it holds */
};

/* Called once per item, in the answer's order, with attrs[i] the
 * attribute names[i]. A non-OK code ends the read with that code. An
 * element of Items that is not an object comes as an item without
 * attributes. */
typedef cr_code (*ddb_item_fn)(void *arg, const struct ddb_attr *attrs);

/* What the answer says besides its items. */
struct ddb_items_info {
    int64_t count;      /* "Count"; -1 when absent */
    int more;           /* 1 when "LastEvaluatedKey" says more pages follow */
};

/* Reads text[0..len) (modified: strings are decoded in place). n names
 * (at most DDB_ITEMS_MAX_ATTRS). CR_BACKEND when the text is not a JSON
 * object or array, is malformed or has "Items" twice; CR_INVALID when it
 * is one without an "Items" array (as msg_resp_items() judges a tree);
 * *why (when why is not NULL) then says which, a static string. Else CR_OK
 * or the first failure fn returned (the read stops there). info may be
 * NULL. */
cr_code ddb_items_read(char *text, size_t len, const char *const *names,
                       size_t n, ddb_item_fn fn, void *arg,
                       struct ddb_items_info *info, const char **why);

#endif
