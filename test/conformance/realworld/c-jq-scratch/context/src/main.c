#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jv.h"

#define JQ_VERSION "jq-1.7.1-lite"

static char *slurp(FILE *f) {
    size_t cap = 4096, n = 0, r;
    char *buf = malloc(cap);
    while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n < 2) buf = realloc(buf, cap *= 2);
    }
    buf[n] = '\0';
    return buf;
}

/* Applies a filter made of `.` and `.key` / `.[N]` steps. */
static jv *apply(jv *v, const char *filter) {
    const char *p = filter;
    if (*p != '.') return NULL;
    p++;
    while (*p && v) {
        if (*p == '.') p++;
        if (*p == '[') {
            int i = atoi(++p);
            while (*p && *p != ']') p++;
            if (*p) p++;
            v = (v->kind == JV_ARRAY && i >= 0 && i < v->count) ? &v->items[i] : NULL;
        } else if (*p) {
            char key[256];
            size_t n = strcspn(p, ".[");
            if (n >= sizeof key) return NULL;
            memcpy(key, p, n);
            key[n] = '\0';
            p += n;
            v = jv_object_get(v, key);
        }
    }
    return v;
}

int main(int argc, char **argv) {
    int compact = 0;
    const char *filter = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--version")) { puts(JQ_VERSION); return 0; }
        if (!strcmp(argv[i], "-c")) compact = 1;
        else filter = argv[i];
    }
    if (!filter) { fprintf(stderr, "Usage: jq [-c] FILTER < input.json\n"); return 2; }
    char *text = slurp(stdin);
    jv v = jv_parse(text);
    free(text);
    if (v.kind == JV_INVALID) { fprintf(stderr, "jq: error (at <stdin>): %s\n", v.string); jv_free(v); return 2; }
    jv *out = apply(&v, filter);
    jv null = { .kind = JV_NULL };
    jv_dump(stdout, out ? out : &null, compact ? 0 : 2);
    fputc('\n', stdout);
    jv_free(v);
    return 0;
}
