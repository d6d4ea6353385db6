#include <stdio.h>
#include <string.h>
#include "proto.h"

int protoSplit(char *line, char **argv) {
    int argc = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
        if (!*p || argc == PROTO_MAX_ARGS) return argc;
        if (*p == '"') {
            char *end = strchr(++p, '"');
            if (!end) return -1;
            *end = '\0';
            argv[argc++] = p;
            p = end + 1;
        } else {
            argv[argc++] = p;
            while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') p++;
            if (*p) *p++ = '\0';
        }
    }
}

int protoSimple(char *buf, size_t n, const char *s) { return snprintf(buf, n, "+%s\r\n", s); }
int protoError(char *buf, size_t n, const char *s) { return snprintf(buf, n, "-ERR %s\r\n", s); }
int protoInteger(char *buf, size_t n, long long v) { return snprintf(buf, n, ":%lld\r\n", v); }

int protoBulk(char *buf, size_t n, const char *s) {
    if (!s) return snprintf(buf, n, "$-1\r\n");
    return snprintf(buf, n, "$%zu\r\n%s\r\n", strlen(s), s);
}
