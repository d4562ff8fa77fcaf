/* The shim's one HTTP exchange with the run's ShimServer (shim_main.c): a POST over a Unix socket,
 * the whole response read until the server closes. */
#ifndef BG_FAKES_SHIM_SHIM_HTTP_H
#define BG_FAKES_SHIM_SHIM_HTTP_H

#include "fakes/shim/shim_buffer.h"

struct response {
  int status;
  struct buf body;
  char error[160]; /* what went wrong when the harness could not be reached */
};

/* Posts `body` as JSON to the server at `socket_path`; false, with r->error, when no whole response
 * came back. Connecting is retried for 10 s while the server's backlog is full; the reply itself has
 * no deadline (the harness kills a hung script itself). */
int post(const char* socket_path, const struct buf* body, struct response* r);

#endif
