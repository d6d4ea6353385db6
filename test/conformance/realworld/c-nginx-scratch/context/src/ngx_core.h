#ifndef NGX_CORE_H
#define NGX_CORE_H
#include <stddef.h>
#include "ngx_auto_config.h"

#define NGINX_VERSION "1.25.3"
#define NGINX_VER "nginx/" NGINX_VERSION

typedef struct {
    int listen;
    char root[256];
    char index[64];
    int gzip;
    int daemon;
} ngx_conf_t;

int ngx_conf_parse(ngx_conf_t *cf, const char *path);
int ngx_conf_directive(ngx_conf_t *cf, const char *line);
const char *ngx_http_mime_type(const char *path);
int ngx_http_serve(ngx_conf_t *cf, int fd);
size_t ngx_http_gzip(const char *in, size_t n, char *out, size_t cap);
#endif
