// morph-kernel: what the kernelspec runs. A program without morph's shared libraries starts in
// about a millisecond; by then CEarlyListen (linked in, run from .preinit_array) listens on the
// connection file's ports, so a client connecting at once is queued, not refused. Then it
// execs the morph binary beside it with the same arguments and the sockets still open.

#define _GNU_SOURCE
#include "CEarlyListen.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    (void)argc;
    char path[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
    if (length <= 0) {
        fprintf(stderr, "morph-kernel: cannot find its own path: %s\n", strerror(errno));
        return 127;
    }
    path[length] = '\0';
    char *slash = strrchr(path, '/');
    const char *name = "morph";
    if (slash == NULL || (size_t)(slash - path) + 1 + strlen(name) + 1 > sizeof path) {
        fprintf(stderr, "morph-kernel: unusable path %s\n", path);
        return 127;
    }
    strcpy(slash + 1, name);
    if (morph_early_listeners_hand_over() != 0) {
        fprintf(stderr, "morph-kernel: cannot pass the listening sockets on; morph binds them itself\n");
    }
    argv[0] = path;
    execv(path, argv);
    fprintf(stderr, "morph-kernel: cannot run %s: %s\n", path, strerror(errno));
    return 127;
}
