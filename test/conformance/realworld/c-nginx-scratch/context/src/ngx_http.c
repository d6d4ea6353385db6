#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ngx_core.h"
#ifdef NGX_HTTP_GZIP
#include <zlib.h>
#endif

const char *ngx_http_mime_type(const char *path) {
    const char *dot = strrchr(path, '.');
    if (!dot) return "application/octet-stream";
    if (!strcmp(dot, ".html")) return "text/html";
    if (!strcmp(dot, ".css")) return "text/css";
    if (!strcmp(dot, ".js")) return "application/javascript";
    if (!strcmp(dot, ".txt")) return "text/plain";
    return "application/octet-stream";
}

size_t ngx_http_gzip(const char *in, size_t n, char *out, size_t cap) {
#ifdef NGX_HTTP_GZIP
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    z.next_in = (Bytef *)in; z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out; z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    deflateEnd(&z);
    return rc == Z_STREAM_END ? z.total_out : 0;
#else
    (void)in; (void)n; (void)out; (void)cap;
    return 0;
#endif
}

static void reply(int fd, const char *status, const char *type, const char *enc, const char *body, size_t n) {
    char head[512];
    int h = snprintf(head, sizeof head, "HTTP/1.1 %s\r\nServer: " NGINX_VER "\r\nContent-Type: %s\r\n%s%s%sContent-Length: %zu\r\nConnection: close\r\n\r\n",
                     status, type, enc ? "Content-Encoding: " : "", enc ? enc : "", enc ? "\r\n" : "", n);
    if (write(fd, head, (size_t)h) < 0 || write(fd, body, n) < 0) return;
}

int ngx_http_serve(ngx_conf_t *cf, int fd) {
    char req[2048] = "", method[8], uri[1024], path[1400];
    ssize_t r = read(fd, req, sizeof req - 1);
    if (r <= 0 || sscanf(req, "%7s %1023s", method, uri) != 2) return -1;
    if (strstr(uri, "..")) { reply(fd, "400 Bad Request", "text/plain", NULL, "bad request\n", 12); return 400; }
    snprintf(path, sizeof path, "%s%s%s", cf->root, uri, uri[strlen(uri) - 1] == '/' ? cf->index : "");
    int f = open(path, O_RDONLY);
    struct stat st;
    if (f < 0 || fstat(f, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (f >= 0) close(f);
        reply(fd, "404 Not Found", "text/html", NULL, "<h1>404 Not Found</h1>\n", 23);
        return 404;
    }
    char *body = malloc((size_t)st.st_size + 1), *gz = NULL;
    ssize_t n = read(f, body, (size_t)st.st_size);
    close(f);
    size_t gzn = 0;
    if (cf->gzip && strstr(req, "gzip") && n > 0) {
        gz = malloc((size_t)n + 64);
        gzn = ngx_http_gzip(body, (size_t)n, gz, (size_t)n + 64);
    }
    if (gzn) reply(fd, "200 OK", ngx_http_mime_type(path), "gzip", gz, gzn);
    else reply(fd, "200 OK", ngx_http_mime_type(path), NULL, body, n > 0 ? (size_t)n : 0);
    free(body); free(gz);
    return 200;
}
