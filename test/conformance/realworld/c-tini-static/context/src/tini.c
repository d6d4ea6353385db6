/* A tiny init for containers: spawns one child, forwards signals to it, reaps zombies, and
 * exits with the child's status (a subset of krallin/tini). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tiniConfig.h"

#define PRINT_FATAL(...) do { fprintf(stderr, "[FATAL tini (%d)] ", getpid()); fprintf(stderr, __VA_ARGS__); fprintf(stderr, "\n"); } while (0)

static int verbosity = 1;
static int subreaper = 0;

static void usage(const char *name, FILE *f) {
    fprintf(f, "%s (tini version " TINI_VERSION TINI_GIT ")\n", name);
    fprintf(f, "Usage: %s [OPTIONS] PROGRAM -- [ARGS]\n\n", name);
    fprintf(f, "  -h: Show this help message and exit.\n");
    fprintf(f, "  -s: Register as a process subreaper (requires Linux >= 3.4).\n");
    fprintf(f, "  -v: Generate more verbose output. Repeat up to 3 times.\n");
    fprintf(f, "  --version: Show version and exit.\n");
}

static int parse_args(int argc, char **argv, char ***child_args) {
#ifndef TINI_MINIMAL
    int c;
    if (argc > 1 && !strcmp(argv[1], "--version")) { printf("tini version " TINI_VERSION TINI_GIT "\n"); return 1; }
    while ((c = getopt(argc, argv, "+hsv")) != -1) {
        switch (c) {
        case 'h': usage(argv[0], stdout); return 1;
        case 's': subreaper++; break;
        case 'v': verbosity++; break;
        default: usage(argv[0], stderr); return 2;
        }
    }
#else
    optind = 1;
#endif
    if (optind < argc && !strcmp(argv[optind], "--")) optind++;
    if (optind >= argc) { usage(argv[0], stderr); return 2; }
    *child_args = &argv[optind];
    return 0;
}

int main(int argc, char **argv) {
    char **child_args = NULL;
    int r = parse_args(argc, argv, &child_args);
    if (r) return r == 1 ? 0 : 1;
    if (subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) { PRINT_FATAL("PR_SET_CHILD_SUBREAPER failed: %s", strerror(errno)); return 1; }

    sigset_t all, parent;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, &parent);
    pid_t child = fork();
    if (child < 0) { PRINT_FATAL("fork failed: %s", strerror(errno)); return 1; }
    if (child == 0) {
        sigprocmask(SIG_SETMASK, &parent, NULL);
        execvp(child_args[0], child_args);
        PRINT_FATAL("exec %s failed: %s", child_args[0], strerror(errno));
        _exit(127);
    }
    for (;;) {
        siginfo_t sig;
        struct timespec ts = { .tv_sec = 1, .tv_nsec = 0 };
        if (sigtimedwait(&all, &sig, &ts) > 0 && sig.si_signo != SIGCHLD) kill(child, sig.si_signo);
        int status;
        pid_t p;
        while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
            if (p != child) continue;
            if (WIFEXITED(status)) return WEXITSTATUS(status);
            if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
        }
    }
}
