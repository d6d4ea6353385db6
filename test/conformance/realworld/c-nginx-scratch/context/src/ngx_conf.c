#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ngx_core.h"

/* One "name value;" directive; unknown directives and blocks are ignored. */
int ngx_conf_directive(ngx_conf_t *cf, const char *line) {
    char name[64], value[256];
    if (sscanf(line, " %63s %255[^;];", name, value) != 2) return 0;
    if (!strcmp(name, "listen")) cf->listen = atoi(value);
    else if (!strcmp(name, "root")) snprintf(cf->root, sizeof cf->root, "%s", value);
    else if (!strcmp(name, "index")) snprintf(cf->index, sizeof cf->index, "%s", value);
    else if (!strcmp(name, "gzip")) cf->gzip = !strcmp(value, "on");
    else if (!strcmp(name, "daemon")) cf->daemon = !strcmp(value, "on");
    return 1;
}

int ngx_conf_parse(ngx_conf_t *cf, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[512];
    while (fgets(line, sizeof line, f)) ngx_conf_directive(cf, line);
    fclose(f);
    return 0;
}
