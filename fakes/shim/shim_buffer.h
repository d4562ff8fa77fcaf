/* A growable byte buffer, the shim's one container (shim_main.c): always NUL-terminated, so its
 * text can be handed to C string functions; data is NULL until something is added. */
#ifndef BG_FAKES_SHIM_SHIM_BUFFER_H
#define BG_FAKES_SHIM_SHIM_BUFFER_H

#include <stddef.h>

struct buf {
  char* data;
  size_t len, cap;
};

/* Says so on stderr and ends the process with 127 (a shim that cannot reach the harness). */
_Noreturn void out_of_memory(void);

/* Room for `more` bytes (and the NUL) past len; out of memory ends the process with 127. */
void buf_reserve(struct buf* b, size_t more);
void buf_add(struct buf* b, const char* s, size_t n);
void buf_str(struct buf* b, const char* s);
void buf_char(struct buf* b, char c);

#endif
