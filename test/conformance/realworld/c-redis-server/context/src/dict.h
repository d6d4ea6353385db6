#ifndef KV_DICT_H
#define KV_DICT_H
#include <stddef.h>

typedef struct dictEntry {
    char *key;
    char *val;
    struct dictEntry *next;
} dictEntry;

typedef struct dict {
    dictEntry **table;
    size_t size;
    size_t used;
} dict;

dict *dictCreate(void);
void dictRelease(dict *d);
int dictSet(dict *d, const char *key, const char *val); /* 1 if new */
const char *dictGet(dict *d, const char *key);
int dictDelete(dict *d, const char *key);               /* 1 if deleted */
unsigned long dictHash(const char *key);
#endif
