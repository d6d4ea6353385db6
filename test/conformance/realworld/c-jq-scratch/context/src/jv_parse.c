#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jv.h"

typedef struct { const char *p; const char *err; } parser;

static jv invalid(parser *ps, const char *msg) {
    if (!ps->err) ps->err = msg;
    jv v = { .kind = JV_INVALID };
    return v;
}

static void ws(parser *ps) { while (isspace((unsigned char)*ps->p)) ps->p++; }

static char *parse_string(parser *ps) {
    size_t cap = 16, n = 0;
    char *s = malloc(cap);
    ps->p++; /* opening quote */
    while (*ps->p && *ps->p != '"') {
        char c = *ps->p++;
        if (c == '\\') {
            c = *ps->p++;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case '"': case '\\': case '/': break;
            default: free(s); ps->err = "unsupported escape"; return NULL;
            }
        }
        if (n + 2 > cap) s = realloc(s, cap *= 2);
        s[n++] = c;
    }
    if (*ps->p != '"') { free(s); ps->err = "unfinished string"; return NULL; }
    ps->p++;
    s[n] = '\0';
    return s;
}

static jv parse_value(parser *ps);

static jv parse_container(parser *ps, int object) {
    jv v = { .kind = object ? JV_OBJECT : JV_ARRAY };
    int cap = 0;
    char close = object ? '}' : ']';
    ps->p++;
    ws(ps);
    if (*ps->p == close) { ps->p++; return v; }
    for (;;) {
        char *key = NULL;
        ws(ps);
        if (object) {
            if (*ps->p != '"' || !(key = parse_string(ps))) { jv_free(v); return invalid(ps, "object key expected"); }
            ws(ps);
            if (*ps->p++ != ':') { free(key); jv_free(v); return invalid(ps, "':' expected"); }
        }
        jv item = parse_value(ps);
        if (item.kind == JV_INVALID) { free(key); jv_free(v); return item; }
        if (v.count == cap) {
            cap = cap ? cap * 2 : 4;
            v.items = realloc(v.items, cap * sizeof(jv));
            if (object) v.keys = realloc(v.keys, cap * sizeof(char *));
        }
        if (object) v.keys[v.count] = key;
        v.items[v.count++] = item;
        ws(ps);
        if (*ps->p == ',') { ps->p++; continue; }
        if (*ps->p == close) { ps->p++; return v; }
        jv_free(v);
        return invalid(ps, object ? "',' or '}' expected" : "',' or ']' expected");
    }
}

static jv parse_value(parser *ps) {
    ws(ps);
    jv v = { .kind = JV_NULL };
    if (*ps->p == '{' || *ps->p == '[') return parse_container(ps, *ps->p == '{');
    if (*ps->p == '"') {
        v.string = parse_string(ps);
        if (!v.string) return invalid(ps, ps->err);
        v.kind = JV_STRING;
        return v;
    }
    if (!strncmp(ps->p, "null", 4)) { ps->p += 4; return v; }
    if (!strncmp(ps->p, "true", 4)) { ps->p += 4; v.kind = JV_TRUE; return v; }
    if (!strncmp(ps->p, "false", 5)) { ps->p += 5; v.kind = JV_FALSE; return v; }
    char *end;
    v.number = strtod(ps->p, &end);
    if (end == ps->p) return invalid(ps, "invalid literal");
    ps->p = end;
    v.kind = JV_NUMBER;
    return v;
}

jv jv_parse(const char *text) {
    parser ps = { text, NULL };
    jv v = parse_value(&ps);
    ws(&ps);
    if (v.kind != JV_INVALID && *ps.p) { jv_free(v); v = invalid(&ps, "unexpected text after the value"); }
    if (v.kind == JV_INVALID) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s at offset %ld", ps.err, (long)(ps.p - text));
        v.string = strdup(msg);
    }
    return v;
}
