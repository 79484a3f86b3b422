/* fz_ddb_items.h - ddb_items_read() (the one-pass reader of a Query
 * answer, app/core/jsonr.c under it) against a second opinion: jansson's
 * tree (read with JSON_ALLOW_NUL, as aws_call reads) read by
 * msg_resp_items() and msg_from_item(). Where both read the
 * text, they accept the same rows with the same fields, byte for byte.
 * Where only one does, the difference must be one the reader documents:
 * it is stricter about nesting (64 deep), a second "Items", a "Count"
 * that is not an int64 and a NUL byte in the text (jansson stops reading
 * at one, taking what came before); it takes any number jansson finds
 * too big. The input is decoded in place in a
 * copy sized exactly, so ASan sees any read or write past it. */
#ifndef CRUDDUR_FZ_DDB_ITEMS_H
#define CRUDDUR_FZ_DDB_ITEMS_H

#include <jansson.h>

#include "aws/client/ddb_items.h"
#include "aws/messages/msg_row.h"
#include "tests/fuzz/fz.h"

#define FZ_ROWS_MAX 64

struct fz_rows {
    struct msg_row row[FZ_ROWS_MAX];
    size_t n, items;
};

static inline cr_code
fz_ddb_items_row(void *arg, const struct ddb_attr *attrs)
{
    struct fz_rows *r = arg;

    r->items++;
    if (r->n < FZ_ROWS_MAX && msg_from_attrs(attrs, &r->row[r->n]) == CR_OK)
        r->n++;
    return CR_OK;
}

static inline int
fz_ddb_items_same(const struct msg_row *a, const struct msg_row *b)
{
    return strcmp(a->group_uuid, b->group_uuid) == 0 &&
           strcmp(a->sk, b->sk) == 0 &&
           strcmp(a->message_uuid, b->message_uuid) == 0 &&
           strcmp(a->user_uuid, b->user_uuid) == 0 &&
           strcmp(a->user_display_name, b->user_display_name) == 0 &&
           strcmp(a->user_handle, b->user_handle) == 0 &&
           a->message_len == b->message_len &&
           memcmp(a->message, b->message, a->message_len) == 0;
}

/* The reader refused what jansson read: only for a documented reason. */
static inline int
fz_ddb_items_stricter(const char *why)
{
    static const char *const ok[] = {
        "nested too deep", "Items twice", "expected an integer",
        "integer out of range",
    };
    size_t i;

    for (i = 0; why && i < sizeof(ok) / sizeof(ok[0]); i++) {
        if (strcmp(why, ok[i]) == 0)
            return 1;
    }
    return 0;
}

/* jansson refused what the reader read: only for a documented reason. */
static inline int
fz_ddb_items_laxer(const json_error_t *e)
{
    return strstr(e->text, "too big") != NULL ||
           strstr(e->text, "overflow") != NULL;
}

static inline int
fz_ddb_items(const uint8_t *data, size_t size)
{
    struct fz_rows *ours = calloc(1, sizeof(*ours));
    char *text = malloc(size ? size : 1);
    json_t *tree, *items;
    json_error_t e;
    struct msg_row m;
    const char *why = NULL;
    size_t i, n = 0;
    cr_code rc;
    int bad = 0;

    if (ours == NULL || text == NULL)
        abort();
    if (size)
        memcpy(text, data, size);
    rc = ddb_items_read(text, size, msg_message_attrs, MSG_ATTR_COUNT,
                        fz_ddb_items_row, ours, NULL, &why);
    tree = json_loadb((const char *)data, size, JSON_ALLOW_NUL, &e);
    if (tree == NULL) {
        if (rc != CR_BACKEND && !fz_ddb_items_laxer(&e))
            bad = FZ_BROKEN;
    } else if (rc == CR_BACKEND && memchr(data, '\0', size) != NULL) {
        bad = 0;                        /* jansson stopped at the NUL */
    } else if (msg_resp_items(tree, &items) != CR_OK) {
        /* No Items array: the reader says so too, or is stricter. */
        if (rc == CR_OK || (rc == CR_BACKEND && !fz_ddb_items_stricter(why)))
            bad = FZ_BROKEN;
    } else if (rc != CR_OK) {
        if (!fz_ddb_items_stricter(why))
            bad = FZ_BROKEN;
    } else if (ours->items == json_array_size(items)) {
        for (i = 0; i < json_array_size(items) && !bad; i++) {
            if (msg_from_item(json_array_get(items, i), &m) != CR_OK)
                continue;
            if (n >= ours->n || !fz_ddb_items_same(&m, &ours->row[n]))
                bad = ours->n >= FZ_ROWS_MAX ? 0 : FZ_BROKEN;
            n++;
        }
        if (!bad && n != ours->n && ours->n < FZ_ROWS_MAX)
            bad = FZ_BROKEN;
    } else if (ours->items < FZ_ROWS_MAX) {
        bad = FZ_BROKEN;
    }
    json_decref(tree);
    free(text);
    free(ours);
    return bad;
}

#endif
