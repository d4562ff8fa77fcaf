#include "fakes/shim/shim_buffer.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Noreturn void out_of_memory(void) {
  static const char message[] = "bluegreen-shim: out of memory\n";
  ssize_t ignored = write(STDERR_FILENO, message, sizeof message - 1);
  (void)ignored;
  _exit(127);
}

void buf_reserve(struct buf* b, size_t more) {
  if (b->len + more + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->len + more + 1) cap *= 2;
  char* data = realloc(b->data, cap);
  if (!data) out_of_memory();
  b->data = data;
  b->cap = cap;
}

void buf_add(struct buf* b, const char* s, size_t n) {
  buf_reserve(b, n);
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void buf_str(struct buf* b, const char* s) { buf_add(b, s, strlen(s)); }

void buf_char(struct buf* b, char c) { buf_add(b, &c, 1); }
