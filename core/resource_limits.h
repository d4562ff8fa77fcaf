#pragma once
// The process's own limits a run depends on. A run holds several descriptors per request in flight
// (the client's socket, the proxy's two, the app's, a docker-proxy's two) and one per container
// address for its whole length (core/port_map.h); the soft limit of open files many shells set
// (1024) is reached by a loaded machine's backlog of open-loop requests, after which every file the
// harness opens fails at random: a bundle copy, an appspec read, a request ("Too many open files").
#include <sys/resource.h>

namespace bg::core {

// Raises the soft limit of open files to the hard limit (as servers do at start; nginx's
// worker_rlimit_nofile). Returns the soft limit now in force.
rlim_t raise_open_file_limit();

}  // namespace bg::core
