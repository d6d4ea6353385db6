#include <math.h>
#include "jv.h"

static void dump_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        switch (*s) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\t': fputs("\\t", f); break;
        default: fputc(*s, f);
        }
    }
    fputc('"', f);
}

static void newline(FILE *f, int indent, int depth) {
    if (!indent) return;
    fputc('\n', f);
    for (int i = 0; i < indent * depth; i++) fputc(' ', f);
}

static void dump(FILE *f, const jv *v, int indent, int depth) {
    switch (v->kind) {
    case JV_NULL: fputs("null", f); break;
    case JV_FALSE: fputs("false", f); break;
    case JV_TRUE: fputs("true", f); break;
    case JV_NUMBER:
        if (v->number == (long long)v->number && fabs(v->number) < 1e17) fprintf(f, "%lld", (long long)v->number);
        else fprintf(f, "%.17g", v->number);
        break;
    case JV_STRING: dump_string(f, v->string); break;
    case JV_ARRAY: case JV_OBJECT: {
        int obj = v->kind == JV_OBJECT;
        fputc(obj ? '{' : '[', f);
        for (int i = 0; i < v->count; i++) {
            if (i) fputc(',', f);
            newline(f, indent, depth + 1);
            if (obj) { dump_string(f, v->keys[i]); fputs(indent ? ": " : ":", f); }
            dump(f, &v->items[i], indent, depth + 1);
        }
        if (v->count) newline(f, indent, depth);
        fputc(obj ? '}' : ']', f);
        break;
    }
    case JV_INVALID: fputs("<invalid>", f); break;
    }
}

void jv_dump(FILE *f, const jv *v, int indent) { dump(f, v, indent, 0); }
