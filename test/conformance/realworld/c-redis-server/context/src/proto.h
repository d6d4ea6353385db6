#ifndef KV_PROTO_H
#define KV_PROTO_H
#include <stddef.h>

#define PROTO_MAX_ARGS 8

/* Splits an inline command ("SET k v\r\n") into at most PROTO_MAX_ARGS words, in place.
 * Returns the number of words, or -1 for an unbalanced quote. */
int protoSplit(char *line, char **argv);

/* RESP replies into buf (at most n bytes); they return the length written. */
int protoSimple(char *buf, size_t n, const char *s);
int protoError(char *buf, size_t n, const char *s);
int protoBulk(char *buf, size_t n, const char *s);   /* NULL: the null bulk string */
int protoInteger(char *buf, size_t n, long long v);
#endif
