#pragma once
// run_health_probe: the I/O of one healthcheck probe against the app's loopback port (the shell
// half of HealthTracker): an HTTP GET that passes below status 400, as `curl -f` does, or a TCP
// connect. Blocking, bounded by `timeout` (real time).
#include <chrono>
#include <cstdint>

#include "fakes/docker/health_tracker.h"

namespace bg::fakes {

bool run_health_probe(const HealthProbe& probe, uint16_t port, std::chrono::nanoseconds timeout);

}  // namespace bg::fakes
