/* The two names the shim executable (shim_main.c, C) and the run's ShimServer (C++) must agree on,
 * in a header both languages read: the environment variable naming the server's socket, and the
 * HTTP path a request is posted to. The rest of the wire format is shim_protocol.h's. */
#ifndef BG_FAKES_SHIM_SHIM_WIRE_H
#define BG_FAKES_SHIM_SHIM_WIRE_H

#define BG_SHIM_SOCKET_ENV "BLUEGREEN_SHIM_SOCKET"
#define BG_SHIM_HTTP_PATH "/run"

#endif
