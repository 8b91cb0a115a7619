// Listens on the kernel's TCP ports before anything else in the process runs.
//
// A Jupyter client connects right after it starts the kernel. A TCP connect to a port nobody
// listens on yet is refused, and ZeroMQ then waits its reconnect interval (100 ms or more) before
// trying again; so the kernel listens as early as it can: from .preinit_array, which the dynamic
// loader runs before the shared libraries' constructors (OpenBLAS starts its threads there) and
// before the Swift runtime. Connections that arrive before ZeroMQ takes the sockets over
// (ZMQ_USE_FD) wait in the listen backlog. Anything unexpected here (no `kernel` subcommand, an
// unreadable or odd connection file, ipc, a bind error) leaves the slots empty, and the kernel
// binds the usual way later.
//
// Loading morph's shared libraries takes 8-25 ms before even .preinit_array runs, so the
// kernelspec starts the kernel through morph-kernel, a small C program without them that
// listens within a millisecond (this same code) and execs morph with the listening sockets
// open; their numbers travel in MORPH_EARLY_LISTENERS and morph adopts them here.

#define _GNU_SOURCE
#include "CEarlyListen.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int listeners[MORPH_EARLY_CHANNELS] = {-1, -1, -1, -1, -1};

int morph_early_listener_take(int slot) {
    if (slot < 0 || slot >= MORPH_EARLY_CHANNELS) return -1;
    // Atomic: kernels started on several threads (as tests do) may take slots at once, and
    // exactly one of them gets each socket.
    return __atomic_exchange_n(&listeners[slot], -1, __ATOMIC_ACQ_REL);
}

/// The value after `"key"` and a colon in `text`, or NULL.
static const char *value_of(const char *text, const char *key) {
    size_t length = strlen(key);
    for (const char *p = strstr(text, key); p != NULL; p = strstr(p + 1, key)) {
        if (p == text || p[-1] != '"' || p[length] != '"') continue;
        const char *q = p + length + 1;
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
        if (*q != ':') continue;
        q++;
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
        return q;
    }
    return NULL;
}

/// Copies the JSON string at `value` (no escapes allowed) into `out`; 0 on success.
static int string_at(const char *value, char *out, size_t capacity) {
    if (value == NULL || *value != '"') return -1;
    size_t n = 0;
    for (const char *p = value + 1; *p != '"'; p++) {
        if (*p == '\0' || *p == '\\' || n + 1 >= capacity) return -1;
        out[n++] = *p;
    }
    out[n] = '\0';
    return 0;
}

/// The port number at `value` (1...65535), or -1.
static int port_at(const char *value) {
    if (value == NULL) return -1;
    long port = 0;
    int digits = 0;
    for (const char *p = value; *p >= '0' && *p <= '9'; p++) {
        if (++digits > 5) return -1;
        port = port * 10 + (*p - '0');
    }
    return digits > 0 && port >= 1 && port <= 65535 ? (int)port : -1;
}

static void listen_early(const char *path) {
    int file = open(path, O_RDONLY | O_CLOEXEC);
    if (file < 0) return;
    char text[8192];
    ssize_t size = read(file, text, sizeof text - 1);
    close(file);
    if (size <= 0) return;
    text[size] = '\0';

    char transport[16] = "tcp";
    const char *transport_value = value_of(text, "transport");
    if (transport_value != NULL && string_at(transport_value, transport, sizeof transport) != 0) return;
    if (strcmp(transport, "tcp") != 0) return;
    char ip[64] = "127.0.0.1";
    const char *ip_value = value_of(text, "ip");
    if (ip_value != NULL && string_at(ip_value, ip, sizeof ip) != 0) return;
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    if (strcmp(ip, "*") == 0 || strcmp(ip, "0.0.0.0") == 0) {
        address.sin_addr.s_addr = htonl(INADDR_ANY);
    } else if (inet_pton(AF_INET, ip, &address.sin_addr) != 1) {
        return;  // a host name or IPv6: ZeroMQ resolves it later
    }

    static const char *const keys[MORPH_EARLY_CHANNELS] = {
        "shell_port", "control_port", "stdin_port", "iopub_port", "hb_port"};
    for (int slot = 0; slot < MORPH_EARLY_CHANNELS; slot++) {
        int port = port_at(value_of(text, keys[slot]));
        if (port < 0) continue;
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) continue;
        int on = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        address.sin_port = htons((unsigned short)port);
        if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0 || listen(fd, 100) != 0) {
            close(fd);
            continue;
        }
        listeners[slot] = fd;
    }
}

static const char *const inherited_variable = "MORPH_EARLY_LISTENERS";

/// Takes over the listening sockets a launcher left open (their numbers in MORPH_EARLY_LISTENERS,
/// one per slot, -1 for none); returns 1 when the variable was there. Reads `envp`: getenv does
/// not work yet when .preinit_array runs (the Swift side removes the variable later).
static int adopt_inherited(char **envp) {
    const char *list = NULL;
    size_t name_length = strlen(inherited_variable);
    for (char **e = envp; e != NULL && *e != NULL; e++) {
        if (strncmp(*e, inherited_variable, name_length) == 0 && (*e)[name_length] == '=') {
            list = *e + name_length + 1;
            break;
        }
    }
    if (list == NULL) return 0;
    const char *p = list;
    for (int slot = 0; slot < MORPH_EARLY_CHANNELS && *p != '\0'; slot++) {
        char *end = NULL;
        long fd = strtol(p, &end, 10);
        if (end == p) break;
        int listening = 0;
        socklen_t length = sizeof listening;
        if (fd >= 0 && fd < 65536 && getsockopt((int)fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0 && listening) {
            fcntl((int)fd, F_SETFD, FD_CLOEXEC);
            listeners[slot] = (int)fd;
        }
        p = *end == ',' ? end + 1 : end;
    }
    return 1;
}

int morph_early_listeners_hand_over(void) {
    char list[128];
    size_t used = 0;
    int any = 0;
    for (int slot = 0; slot < MORPH_EARLY_CHANNELS; slot++) {
        int fd = listeners[slot];
        if (fd >= 0) {
            fcntl(fd, F_SETFD, 0);
            any = 1;
        }
        int n = snprintf(list + used, sizeof list - used, slot == 0 ? "%d" : ",%d", fd);
        if (n < 0 || (size_t)n >= sizeof list - used) return -1;
        used += (size_t)n;
    }
    if (!any) return 0;
    return setenv(inherited_variable, list, 1) == 0 ? 0 : -1;
}

static void morph_early_listen(int argc, char **argv, char **envp) {
    if (adopt_inherited(envp)) return;
    if (argc < 3 || argv == NULL || argv[1] == NULL || strcmp(argv[1], "kernel") != 0) return;
    for (int i = 2; i < argc && argv[i] != NULL; i++) {
        if (strcmp(argv[i], "--connection-file") == 0 && i + 1 < argc && argv[i + 1] != NULL) {
            listen_early(argv[i + 1]);
            return;
        }
        if (strncmp(argv[i], "--connection-file=", 18) == 0) {
            listen_early(argv[i] + 18);
            return;
        }
    }
}

__attribute__((section(".preinit_array"), used))
static void (*const morph_early_listen_entry)(int, char **, char **) = morph_early_listen;
