/* What the harness (core/process_spawn.cc, C++) and bluegreen-relay (core/process_relay.c, C) say to
 * each other, in a header both languages read.
 *
 * The harness starts every program through the relay:
 *
 *   bluegreen-relay IN OUT ERR REPORT NS_FD NS_FLAGS PARENT CWD PROGRAM [ARG...]
 *
 * IN, OUT, ERR: descriptors the program gets as 0, 1, 2. REPORT: a pipe's write end for the records
 * below. NS_FD: -1, or the pidfd of a process whose namespaces NS_FLAGS (CLONE_NEW*) to enter; then
 * the relay stays between the harness and the program (see process_spawn.h for why) and PARENT is the
 * harness's pid, to notice it died before the relay could ask to die with it. CWD: the program's
 * working folder, as seen inside the namespaces. The relay's environment is the program's. */
#ifndef BG_CORE_PROCESS_RELAY_H
#define BG_CORE_PROCESS_RELAY_H

#define BG_RELAY_FIXED_ARGS 8 /* IN..CWD, before PROGRAM */

/* One record on the report pipe. The pipe is close-on-exec in the program, so a program that starts
 * leaves it silent but for the relay's 'p'. */
struct bg_relay_report {
  char kind; /* 'p' the program's pid (from a staying relay); 's' setns, 'f' fork, 'c' chdir, 'e' exec failed */
  int value; /* the pid, or errno */
};

#endif
