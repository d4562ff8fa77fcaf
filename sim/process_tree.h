#pragma once
// The processes this one started and everything they started in turn, read from /proc: what a
// forced stop (a second Ctrl-C) kills at once, scripts' background jobs and a real nginx's workers
// included. (A process that escaped by reparenting to init is out of reach here: the run's sandbox,
// a PID namespace whose init dies with the run, is what catches those.)
#include <sys/types.h>

#include <vector>

namespace bg::sim {

// Every live process descended from `root`, children before grandchildren.
std::vector<pid_t> descendants(pid_t root);

// SIGKILLs every descendant of this process and each one's process group (a script runs in a group
// of its own), repeating while new ones appear (a shell forking as it dies), a bounded number of
// times. Returns how many were killed.
int kill_descendants();

}  // namespace bg::sim
