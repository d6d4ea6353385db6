#ifndef JV_H
#define JV_H
#include <stdio.h>

typedef enum { JV_NULL, JV_FALSE, JV_TRUE, JV_NUMBER, JV_STRING, JV_ARRAY, JV_OBJECT, JV_INVALID } jv_kind;

typedef struct jv {
    jv_kind kind;
    double number;
    char *string;          /* JV_STRING; JV_INVALID: the error message */
    struct jv *items;      /* JV_ARRAY, JV_OBJECT (values) */
    char **keys;           /* JV_OBJECT */
    int count;
} jv;

jv jv_parse(const char *text);
void jv_free(jv v);
jv *jv_object_get(jv *obj, const char *key);
void jv_dump(FILE *f, const jv *v, int indent);
#endif
