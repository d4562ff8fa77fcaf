#define _GNU_SOURCE /* strncasecmp, SOCK_CLOEXEC */
#include "fakes/shim/shim_http.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fakes/shim/shim_wire.h"

static int connect_unix(int fd, const char* path, char* error, size_t error_size) {
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof addr.sun_path) {
    snprintf(error, error_size, "socket path too long");
    return 0;
  }
  strcpy(addr.sun_path, path);
  /* Retried while the server's backlog is full (EAGAIN on a Unix socket), for up to 10 s. */
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    if (connect(fd, (const struct sockaddr*)&addr, sizeof addr) == 0) return 1;
    if (errno == EINTR) continue;
    clock_gettime(CLOCK_MONOTONIC, &now);
    const long long waited_ms = (now.tv_sec - start.tv_sec) * 1000LL + (now.tv_nsec - start.tv_nsec) / 1000000;
    if (errno != EAGAIN || waited_ms >= 10000) {
      snprintf(error, error_size, "could not establish connection: %s", strerror(errno));
      return 0;
    }
    poll(NULL, 0, 10);
  }
}

/* Splits a whole HTTP/1.1 response: the status line's code, and the body (Content-Length's bytes
 * when the header is there, else everything after the headers: the server closed the connection). */
static int parse_http(struct buf* raw, struct response* r) {
  const char* head_end = raw->data ? strstr(raw->data, "\r\n\r\n") : NULL;
  if (!head_end || strncmp(raw->data, "HTTP/", 5) != 0) return 0;
  const char* space = strchr(raw->data, ' ');
  if (!space || space > head_end) return 0;
  r->status = atoi(space + 1);
  const char* body = head_end + 4;
  size_t length = raw->len - (size_t)(body - raw->data);
  /* Header names are case-insensitive; cpp-httplib writes "Content-Length". */
  for (const char* at = strstr(raw->data, "\r\n"); at && at < head_end; at = strstr(at + 2, "\r\n")) {
    static const char kLength[] = "content-length:";
    if (strncasecmp(at + 2, kLength, sizeof kLength - 1) != 0) continue;
    const size_t declared = strtoull(at + 2 + sizeof kLength - 1, NULL, 10);
    if (length < declared) return 0; /* cut short */
    length = declared;
    break;
  }
  buf_add(&r->body, body, length);
  return 1;
}

int post(const char* socket_path, const struct buf* body, struct response* r) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    snprintf(r->error, sizeof r->error, "socket: %s", strerror(errno));
    return 0;
  }
  int ok = 0;
  struct buf request = {0}, raw = {0};
  char head[256];
  if (!connect_unix(fd, socket_path, r->error, sizeof r->error)) goto done;
  snprintf(head, sizeof head,
           "POST " BG_SHIM_HTTP_PATH
           " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
           "Connection: close\r\n\r\n",
           body->len);
  buf_str(&request, head);
  buf_add(&request, body->data, body->len);
  for (size_t done = 0; done < request.len;) {
    const ssize_t n = send(fd, request.data + done, request.len - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      snprintf(r->error, sizeof r->error, "failed to write connection: %s", strerror(errno));
      goto done;
    }
    done += (size_t)n;
  }
  for (;;) {
    buf_reserve(&raw, 65536);
    const ssize_t n = recv(fd, raw.data + raw.len, 65536, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      snprintf(r->error, sizeof r->error, "failed to read connection: %s", strerror(errno));
      goto done;
    }
    if (n == 0) break;
    raw.len += (size_t)n;
    raw.data[raw.len] = '\0';
  }
  if (!parse_http(&raw, r)) {
    snprintf(r->error, sizeof r->error, "%s",
             raw.len == 0 ? "failed to read connection: no response" : "malformed HTTP response");
    goto done;
  }
  ok = 1;
done:
  close(fd);
  free(request.data);
  free(raw.data);
  return ok;
}
