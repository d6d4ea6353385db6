/* kv-server: one client at a time, inline commands, RESP replies. */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include "dict.h"
#include "proto.h"

#define KV_VERSION "7.2.4-kv"

static dict *db;

static int execute(char *line, char *out, size_t n) {
    char *argv[PROTO_MAX_ARGS];
    int argc = protoSplit(line, argv);
    if (argc < 0) return protoError(out, n, "Protocol error: unbalanced quotes");
    if (argc == 0) return 0;
    if (!strcasecmp(argv[0], "PING")) return protoSimple(out, n, argc > 1 ? argv[1] : "PONG");
    if (!strcasecmp(argv[0], "SET") && argc == 3) { dictSet(db, argv[1], argv[2]); return protoSimple(out, n, "OK"); }
    if (!strcasecmp(argv[0], "GET") && argc == 2) return protoBulk(out, n, dictGet(db, argv[1]));
    if (!strcasecmp(argv[0], "DEL") && argc >= 2) {
        long long k = 0;
        for (int i = 1; i < argc; i++) k += dictDelete(db, argv[i]);
        return protoInteger(out, n, k);
    }
    if (!strcasecmp(argv[0], "INCR") && argc == 2) {
        const char *v = dictGet(db, argv[1]);
        char *end;
        long long x = v ? strtoll(v, &end, 10) : 0;
        if (v && *end) return protoError(out, n, "value is not an integer or out of range");
        char num[32];
        snprintf(num, sizeof num, "%lld", ++x);
        dictSet(db, argv[1], num);
        return protoInteger(out, n, x);
    }
    if (!strcasecmp(argv[0], "DBSIZE")) return protoInteger(out, n, (long long)db->used);
    if (!strcasecmp(argv[0], "INFO")) return protoBulk(out, n, "# Server\r\nkv_version:" KV_VERSION);
    return protoError(out, n, "unknown command");
}

int main(int argc, char **argv) {
    int port = 6379;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port") && i + 1 < argc) port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-v")) { printf("kv-server v=%s\n", KV_VERSION); return 0; }
    }
    signal(SIGPIPE, SIG_IGN);
    db = dictCreate();
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY) };
    if (bind(s, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(s, 16) < 0) {
        fprintf(stderr, "kv-server: port %d: %s\n", port, strerror(errno));
        return 1;
    }
    fprintf(stderr, "kv-server " KV_VERSION " ready to accept connections on port %d\n", port);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) continue;
        FILE *in = fdopen(c, "r");
        char line[4096], out[4200];
        while (fgets(line, sizeof line, in)) {
            int len = execute(line, out, sizeof out);
            if (len > 0 && write(c, out, (size_t)len) < 0) break;
        }
        fclose(in);
    }
}
