/* bluegreen-shim: stands in the run's sandboxed host where docker, docker-compose, nginx, curl, sleep,
 * sudo, systemctl... are installed. It forwards its invocation (arguments, cwd, environment, and
 * stdin when the command reads it) to the run's ShimServer and plays back the reply: stdout, stderr
 * and exit code, or an exec of the reply's command (`sudo cmd` runs cmd). It has no timeout of its
 * own shorter than a day: the harness kills a hung script itself. The wire format is
 * shim_protocol.h's: one JSON ShimRequest posted over a Unix socket, one JSON ShimReply back.
 *
 * Why C, linked statically against musl: every call a script makes starts this program, dozens per
 * deployment, and a glibc program spends most of its start-up probing the CPU's caches (cpuid in a
 * loop, which a virtual machine traps): 0.6 ms of the 0.8 ms the C++ shim took per call on a 2-core
 * VM, a sixth of all the CPU a `check` case used (docs/engines.md, "Speed"). musl's start-up does
 * none of that. The JSON it writes is what nlohmann::json::dump writes with error_handler_t::replace
 * (an invalid UTF-8 sequence becomes U+FFFD), so the harness reads the same strings the C++ shim
 * sent; shim_test.cc checks that byte for byte against nlohmann on arbitrary bytes. The parts:
 * shim_json.c (the JSON), shim_http.c (the exchange), shim_buffer.c (their buffer). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fakes/shim/curl_options.h"
#include "fakes/shim/shim_buffer.h"
#include "fakes/shim/shim_http.h"
#include "fakes/shim/shim_json.h"
#include "fakes/shim/shim_wire.h"

extern char** environ;

static const char* base_name(const char* path) {
  const char* slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static int has_arg(char** args, int count, const char* what) {
  for (int i = 0; i < count; ++i)
    if (strcmp(args[i], what) == 0) return 1;
  return 0;
}

/* Whether `program args` reads its standard input (`curl -d @-`, `docker login --password-stdin`):
 * only then is it read and sent along. Reading it otherwise would take input that belongs to the
 * script (`while read ...; do docker ps; done < list`), or hang on a terminal. */
static int reads_stdin(const char* program, char** args, int count) {
  if (strcmp(program, "curl") == 0) return bg_curl_reads_stdin((const char* const*)args, count);
  if (strcmp(program, "docker") == 0) {
    if (has_arg(args, count, "--password-stdin")) return 1;
    if (count > 0 && (strcmp(args[0], "exec") == 0 || strcmp(args[0], "run") == 0 || strcmp(args[0], "load") == 0))
      return has_arg(args, count, "-i") || has_arg(args, count, "--interactive") || has_arg(args, count, "-it") ||
             has_arg(args, count, "-ti") || strcmp(args[0], "load") == 0;
    return 0;
  }
  return 0;
}

static void read_all(int fd, struct buf* into) {
  for (;;) {
    buf_reserve(into, 65536);
    const ssize_t n = read(fd, into->data + into->len, 65536);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    into->len += (size_t)n;
    into->data[into->len] = '\0';
  }
}

/* The working folder, or "" when it cannot be had (removed under the script). */
static void current_folder(struct buf* into) {
  for (size_t size = 4096;; size *= 2) {
    char* path = malloc(size);
    if (!path) out_of_memory();
    if (getcwd(path, size)) {
      buf_str(into, path);
      free(path);
      return;
    }
    free(path);
    if (errno != ERANGE) return;
  }
}

/* The ShimRequest's JSON: {"args","cwd","env","pid","program","stdin"}. An environment entry without
 * '=' is left out; a name given twice keeps its last value, as the harness's map does. */
static void make_request(struct buf* body, int argc, char** argv) {
  /* argv may be empty (execve allows it): then the shim was called by no name at all. */
  const char* program = base_name(argc > 0 ? argv[0] : "bluegreen-shim");
  char** args = argc > 0 ? argv + 1 : argv;
  int count = argc > 0 ? argc - 1 : 0;
  /* Called by its own name, the first argument names the program (handy by hand and in tests). */
  if (strcmp(program, "bluegreen-shim") == 0 && count > 0) {
    program = args[0];
    ++args;
    --count;
  }
  buf_str(body, "{\"args\":[");
  for (int i = 0; i < count; ++i) {
    if (i > 0) buf_char(body, ',');
    json_string(body, args[i], strlen(args[i]));
  }
  buf_str(body, "],\"cwd\":");
  struct buf cwd = {0};
  current_folder(&cwd);
  json_string(body, cwd.data ? cwd.data : "", cwd.len);
  buf_str(body, ",\"env\":{");
  int first = 1;
  for (char** e = environ; *e; ++e) {
    const char* eq = strchr(*e, '=');
    if (!eq) continue;
    if (!first) buf_char(body, ',');
    first = 0;
    json_string(body, *e, (size_t)(eq - *e));
    buf_char(body, ':');
    json_string(body, eq + 1, strlen(eq + 1));
  }
  char pid[32];
  snprintf(pid, sizeof pid, "},\"pid\":%d,\"program\":", (int)getpid());
  buf_str(body, pid);
  json_string(body, program, strlen(program));
  buf_str(body, ",\"stdin\":");
  struct buf input = {0};
  if (reads_stdin(program, args, count) && !isatty(STDIN_FILENO)) read_all(STDIN_FILENO, &input);
  json_string(body, input.data ? input.data : "", input.len);
  buf_char(body, '}');
  free(cwd.data);
  free(input.data);
}

static void write_all(int fd, const struct buf* data) {
  for (size_t done = 0; done < data->len;) {
    const ssize_t n = write(fd, data->data + done, data->len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += (size_t)n;
  }
}

int main(int argc, char** argv) {
  const char* program = base_name(argc > 0 ? argv[0] : "bluegreen-shim");
  const char* socket_path = getenv(BG_SHIM_SOCKET_ENV);
  if (!socket_path || !*socket_path) {
    fprintf(stderr,
            "%s: %s is not set: this '%s' is the bluegreen harness's shim and only works inside a bluegreen run\n",
            program, BG_SHIM_SOCKET_ENV, program);
    return 127;
  }
  struct buf body = {0};
  make_request(&body, argc, argv);
  struct response res;
  memset(&res, 0, sizeof res);
  /* The reply has no deadline: the harness kills a hung script itself. */
  if (!post(socket_path, &body, &res) || res.status != 200) {
    char status[32];
    snprintf(status, sizeof status, "HTTP %d", res.status);
    fprintf(stderr, "%s: cannot reach the bluegreen harness at %s: %s\n", program, socket_path,
            res.error[0] ? res.error : status);
    return 127;
  }
  struct reply reply;
  memset(&reply, 0, sizeof reply);
  const char* error;
  if (!parse_reply(&res.body, &reply, &error)) {
    fprintf(stderr, "%s: malformed reply from the bluegreen harness: %s\n", program, error);
    return 127;
  }
  if (reply.exec.count > 0) {
    if (reply.exec_env.count == 0)
      execv(reply.exec.items[0], reply.exec.items);
    else
      execve(reply.exec.items[0], reply.exec.items, reply.exec_env.items);
    fprintf(stderr, "bluegreen-shim: exec %s: %s\n", reply.exec.items[0], strerror(errno));
    return 127;
  }
  write_all(STDOUT_FILENO, &reply.out);
  write_all(STDERR_FILENO, &reply.err);
  return reply.exit_code;
}
