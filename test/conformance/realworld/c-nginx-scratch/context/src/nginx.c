#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "ngx_core.h"

static volatile sig_atomic_t quit;
static void on_quit(int sig) { (void)sig; quit = 1; }

int main(int argc, char **argv) {
    ngx_conf_t cf = { .listen = 80, .root = NGX_PREFIX "html", .index = "index.html", .gzip = 0, .daemon = 1 };
    const char *conf = NGX_CONF_PATH;
    int test = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v")) { fprintf(stderr, "nginx version: " NGINX_VER "\n"); return 0; }
        if (!strcmp(argv[i], "-V")) { fprintf(stderr, "nginx version: " NGINX_VER "\nconfigure arguments: " NGX_CONFIGURE "\n"); return 0; }
        if (!strcmp(argv[i], "-t")) test = 1;
        else if (!strcmp(argv[i], "-c") && i + 1 < argc) conf = argv[++i];
        else if (!strcmp(argv[i], "-g") && i + 1 < argc) ngx_conf_directive(&cf, argv[++i]);
    }
    if (ngx_conf_parse(&cf, conf) < 0) { fprintf(stderr, "nginx: [emerg] open() \"%s\" failed\n", conf); return 1; }
    if (test) { fprintf(stderr, "nginx: the configuration file %s syntax is ok\n", conf); return 0; }
    signal(SIGQUIT, on_quit);
    signal(SIGPIPE, SIG_IGN);
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)cf.listen), .sin_addr.s_addr = htonl(INADDR_ANY) };
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 511) < 0) { perror("nginx: [emerg] bind()"); return 1; }
    if (cf.daemon && daemon(0, 0) < 0) return 1;
    while (!quit) {
        int c = accept(s, NULL, NULL);
        if (c < 0) continue;
        ngx_http_serve(&cf, c);
        close(c);
    }
    return 0;
}
