/* bluegreen-relay: how the harness starts a program (core/process_spawn.cc, process_relay.h).
 *
 * Why a program of its own: the harness used to fork() itself for every deploy script and every
 * process it starts. A fork copies the page tables of a large, many-threaded process, and every page
 * either side writes next faults to be copied or reclaimed: in `check`, that was a fifth of the CPU a
 * case used. The harness now posix_spawn()s this small static program instead (glibc's posix_spawn
 * is a vfork-style clone that shares the harness's memory until the exec), and this program does what
 * the forked child did: enter the namespaces, start the program in its own session with its
 * descriptors and a clean signal state, report what failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/process_relay.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

extern char** environ;

static void report(int fd, char kind, int value) {
  struct bg_relay_report r;
  r.kind = kind;
  r.value = value;
  ssize_t ignored = write(fd, &r, sizeof r);
  (void)ignored;
}

/* Every signal back to its default and none blocked, through the kernel's own calls: what the
 * harness's threads ignore (SIGPIPE, commonly, in network code) or block stays so across exec, and
 * so do glibc's internal signals (32, 33), which posix_spawn leaves ignored and musl's sigaction()
 * refuses to touch. The old fork()ed child gave the program defaults; so does this. */
static void default_signals(void) {
  struct {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    unsigned long mask;
  } dfl = {SIG_DFL, 0, NULL, 0};
  for (int sig = 1; sig <= 64; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP) syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
  const unsigned long none = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof none);
}

static int number(const char* text) { return (int)strtol(text, NULL, 10); }

struct launch {
  int in_fd, out_fd, err_fd, report_fd;
  const char* cwd;
  char** argv; /* argv[0] is the file executed */
};

/* The program's side: its own session and process group (so the whole group can be signalled), its
 * folder, its descriptors and nothing else. */
static _Noreturn void exec_program(const struct launch* l) {
  setsid();
  int failure = 'c';
  if (chdir(l->cwd) == 0) {
    /* Through descriptors above 2 first, so that one of IN/OUT/ERR being another's target (OUT == 0)
     * does not clobber it. */
    const int in = fcntl(l->in_fd, F_DUPFD_CLOEXEC, 3), out = fcntl(l->out_fd, F_DUPFD_CLOEXEC, 3),
              err = fcntl(l->err_fd, F_DUPFD_CLOEXEC, 3);
    /* A descriptor that cannot be placed is an exec that failed: never a program on the wrong ones. */
    if (in >= 0 && out >= 0 && err >= 0 && dup2(in, 0) == 0 && dup2(out, 1) == 1 && dup2(err, 2) == 2) {
      /* Descriptors the harness's threads opened without O_CLOEXEC must not leak into the program. */
      syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
      execve(l->argv[0], l->argv, environ);
    }
    failure = 'e';
  }
  const int error = errno;
  report(l->report_fd, (char)failure, error);
  _exit(error == ENOENT ? 127 : 126);
}

/* Between the harness and a program in other namespaces: entering a PID namespace only takes effect
 * for the caller's children, so the program is forked once inside, and the relay ends as it ends
 * (same exit code, same signal). */
static _Noreturn void relay(const struct launch* l, int ns_fd, int ns_flags, pid_t parent) {
  /* Killed with the harness's thread that started it, so an ended harness leaves no relay behind
   * (the program, a member of the sandbox's PID namespace, ends with that namespace). */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(126);
  if (setns(ns_fd, ns_flags) != 0) {
    report(l->report_fd, 's', errno);
    _exit(126);
  }
  const pid_t program = fork();
  if (program < 0) {
    report(l->report_fd, 'f', errno);
    _exit(126);
  }
  if (program == 0) exec_program(l);
  report(l->report_fd, 'p', program);
  /* Nothing of the harness's is needed any more; a terminal's Ctrl-C or hangup is for the harness,
   * which decides what happens to the program. */
  syscall(SYS_close_range, 0U, ~0U, 0U);
  const int ignored[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU};
  for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; ++i) signal(ignored[i], SIG_IGN);
  int status = 0;
  while (waitpid(program, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
  const int signo = WTERMSIG(status);
  signal(signo, SIG_DFL);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, signo);
  sigprocmask(SIG_UNBLOCK, &only, NULL);
  kill(getpid(), signo);
  _exit(128 + signo);
}

int main(int argc, char** argv) {
  if (argc < 1 + BG_RELAY_FIXED_ARGS + 1) return 126; /* only the harness starts it */
  struct launch l;
  l.in_fd = number(argv[1]);
  l.out_fd = number(argv[2]);
  l.err_fd = number(argv[3]);
  l.report_fd = number(argv[4]);
  const int ns_fd = number(argv[5]), ns_flags = number(argv[6]);
  const pid_t parent = (pid_t)number(argv[7]);
  l.cwd = argv[8];
  l.argv = argv + 1 + BG_RELAY_FIXED_ARGS;
  default_signals();
  if (ns_fd >= 0) relay(&l, ns_fd, ns_flags, parent);
  exec_program(&l);
}
