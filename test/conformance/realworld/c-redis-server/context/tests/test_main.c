#include <stdio.h>
#include <string.h>
#include "dict.h"
#include "proto.h"

static int failed;
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); failed++; } } while (0)

int main(void) {
    dict *d = dictCreate();
    char key[32];
    for (int i = 0; i < 1000; i++) { snprintf(key, sizeof key, "key:%d", i); CHECK(dictSet(d, key, key) == 1); }
    CHECK(d->used == 1000 && d->size >= 1000);
    CHECK(strcmp(dictGet(d, "key:500"), "key:500") == 0);
    CHECK(dictSet(d, "key:500", "x") == 0 && strcmp(dictGet(d, "key:500"), "x") == 0);
    CHECK(dictDelete(d, "key:1") == 1 && dictDelete(d, "key:1") == 0 && dictGet(d, "key:1") == NULL);
    dictRelease(d);

    char line[] = "SET \"a key\" value\r\n", *argv[PROTO_MAX_ARGS];
    CHECK(protoSplit(line, argv) == 3 && !strcmp(argv[1], "a key") && !strcmp(argv[2], "value"));
    char bad[] = "GET \"oops";
    CHECK(protoSplit(bad, argv) == -1);
    char out[64];
    protoBulk(out, sizeof out, "hi");
    CHECK(!strcmp(out, "$2\r\nhi\r\n"));
    protoBulk(out, sizeof out, NULL);
    CHECK(!strcmp(out, "$-1\r\n"));
    printf("%s\n", failed ? "tests FAILED" : "All tests passed");
    return failed != 0;
}
