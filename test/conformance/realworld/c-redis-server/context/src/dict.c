/* A chained hash table with power-of-two sizes that doubles when full, as Redis's dict does. */
#include <stdlib.h>
#include <string.h>
#include "dict.h"

#define DICT_INITIAL_SIZE 4

unsigned long dictHash(const char *key) {
    unsigned long h = 5381; /* djb2 */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) h = h * 33 + *p;
    return h;
}

static char *dupstr(const char *s) {
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c) memcpy(c, s, n);
    return c;
}

dict *dictCreate(void) {
    dict *d = malloc(sizeof(*d));
    if (!d) return NULL;
    d->size = DICT_INITIAL_SIZE;
    d->used = 0;
    d->table = calloc(d->size, sizeof(dictEntry *));
    if (!d->table) { free(d); return NULL; }
    return d;
}

void dictRelease(dict *d) {
    for (size_t i = 0; i < d->size; i++) {
        dictEntry *e = d->table[i];
        while (e) {
            dictEntry *next = e->next;
            free(e->key); free(e->val); free(e);
            e = next;
        }
    }
    free(d->table);
    free(d);
}

static void dictExpand(dict *d) {
    size_t size = d->size * 2;
    dictEntry **table = calloc(size, sizeof(dictEntry *));
    if (!table) return;
    for (size_t i = 0; i < d->size; i++) {
        dictEntry *e = d->table[i];
        while (e) {
            dictEntry *next = e->next;
            size_t idx = dictHash(e->key) & (size - 1);
            e->next = table[idx];
            table[idx] = e;
            e = next;
        }
    }
    free(d->table);
    d->table = table;
    d->size = size;
}

static dictEntry *dictFind(dict *d, const char *key) {
    for (dictEntry *e = d->table[dictHash(key) & (d->size - 1)]; e; e = e->next)
        if (strcmp(e->key, key) == 0) return e;
    return NULL;
}

int dictSet(dict *d, const char *key, const char *val) {
    dictEntry *e = dictFind(d, key);
    if (e) {
        char *v = dupstr(val);
        if (!v) return -1;
        free(e->val);
        e->val = v;
        return 0;
    }
    if (d->used >= d->size) dictExpand(d);
    e = malloc(sizeof(*e));
    if (!e) return -1;
    e->key = dupstr(key);
    e->val = dupstr(val);
    size_t idx = dictHash(key) & (d->size - 1);
    e->next = d->table[idx];
    d->table[idx] = e;
    d->used++;
    return 1;
}

const char *dictGet(dict *d, const char *key) {
    dictEntry *e = dictFind(d, key);
    return e ? e->val : NULL;
}

int dictDelete(dict *d, const char *key) {
    dictEntry **pp = &d->table[dictHash(key) & (d->size - 1)];
    for (dictEntry *e = *pp; e; pp = &e->next, e = e->next) {
        if (strcmp(e->key, key) == 0) {
            *pp = e->next;
            free(e->key); free(e->val); free(e);
            d->used--;
            return 1;
        }
    }
    return 0;
}
