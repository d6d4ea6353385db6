#include <stdlib.h>
#include <string.h>
#include "jv.h"

void jv_free(jv v) {
    free(v.string);
    for (int i = 0; i < v.count; i++) {
        jv_free(v.items[i]);
        if (v.keys) free(v.keys[i]);
    }
    free(v.items);
    free(v.keys);
}

jv *jv_object_get(jv *obj, const char *key) {
    if (obj->kind != JV_OBJECT) return NULL;
    for (int i = obj->count - 1; i >= 0; i--) /* the last duplicate wins, as in jq */
        if (!strcmp(obj->keys[i], key)) return &obj->items[i];
    return NULL;
}
