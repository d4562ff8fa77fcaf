/* The shim's JSON (shim_main.c), as shim_protocol.cc's nlohmann::json reads and writes it: strings
 * written as nlohmann's dump(-1, ' ', false, error_handler_t::replace) writes them, and the
 * ShimReply read as its from_json reads it. */
#ifndef BG_FAKES_SHIM_SHIM_JSON_H
#define BG_FAKES_SHIM_SHIM_JSON_H

#include <stddef.h>

#include "fakes/shim/shim_buffer.h"

/* Appends `s` (n bytes, any bytes) as a quoted JSON string. */
void json_string(struct buf* out, const char* s, size_t n);

/* A NULL-terminated list of strings, for execv. */
struct strings {
  char** items;
  size_t count;
  size_t* name_lengths; /* for "NAME=value" items: each NAME's length (it may hold '=' or NUL) */
};

struct reply {
  int exit_code, has_exit_code;
  struct buf out, err;
  struct strings exec;     /* exec[0] a path; when not empty: exec it instead of printing */
  struct strings exec_env; /* "NAME=value" each; empty: the caller's environment */
};

/* Reads a ShimReply from `body` into `r` (zeroed by the caller): exit_code required, a number an int
 * holds; out, err, exec and exec_env optional, of their types; other fields read past. False, with
 * `*error` saying what was wrong, on anything else. */
int parse_reply(const struct buf* body, struct reply* r, const char** error);

#endif
