#ifndef MORPH_EARLY_LISTEN_H
#define MORPH_EARLY_LISTEN_H

/// The channels, in the order of their slots: shell, control, stdin, iopub, heartbeat.
enum { MORPH_EARLY_CHANNELS = 5 };

/// The listening TCP socket made for channel `slot` before `main` ran, or -1. The caller owns
/// it from then on (the slot is emptied): it hands it to ZeroMQ or closes it.
int morph_early_listener_take(int slot);

/// Keeps the listening sockets open across exec and names them in the environment, for the
/// process a launcher execs next; 0 on success.
int morph_early_listeners_hand_over(void);

#endif
