/* kv-cli: sends one command, prints the reply the way redis-cli does. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    const char *host = "127.0.0.1";
    int port = 6379, i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "-h") && i + 1 < argc) host = argv[++i];
        else if (!strcmp(argv[i], "-p") && i + 1 < argc) port = atoi(argv[++i]);
        else break;
    }
    char cmd[4096] = "";
    for (int n = 0; i < argc; i++, n++) {
        if (n) strncat(cmd, " ", sizeof cmd - strlen(cmd) - 1);
        strncat(cmd, argv[i], sizeof cmd - strlen(cmd) - 1);
    }
    if (!*cmd) strcpy(cmd, "PING");
    strncat(cmd, "\r\n", sizeof cmd - strlen(cmd) - 1);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, host, &addr.sin_addr);
    if (connect(s, (struct sockaddr *)&addr, sizeof addr) < 0) {
        fprintf(stderr, "Could not connect to kv at %s:%d\n", host, port);
        return 1;
    }
    if (write(s, cmd, strlen(cmd)) < 0) return 1;
    char buf[4200];
    ssize_t n = read(s, buf, sizeof buf - 1);
    if (n <= 0) return 1;
    buf[n] = '\0';
    char *body = strstr(buf, "\r\n");
    if (body) *body = '\0';
    switch (buf[0]) {
    case '+': puts(buf + 1); break;
    case '-': printf("(error) %s\n", buf + 1); return 1;
    case ':': printf("(integer) %s\n", buf + 1); break;
    case '$': if (buf[1] == '-') puts("(nil)"); else printf("\"%.*s\"\n", atoi(buf + 1), body + 2); break;
    default: fputs(buf, stdout);
    }
    return 0;
}
