#pragma once
// HealthTracker: Docker's healthcheck state for one container run, as a pure core (semantics.md §3;
// Docker's HEALTHCHECK / compose `healthcheck:` semantics): status starts "starting"; a passing
// probe makes it "healthy"; `retries` consecutive failures make it "unhealthy", except that failures
// during `start_period` do not count. Probes run every `interval` (default 30 s) and fail after
// `timeout` (default 30 s); the shell (DockerEngine) runs them and feeds the results in.
#include <optional>
#include <string>

#include "core/time.h"
#include "fakes/docker/compose_file.h"

namespace bg::fakes {

// What a probe does: an HTTP GET to the app's container port (a curl/wget test naming an
// http://localhost:<port>/<path> URL; any status >= 400 fails, as `curl -f` does), else a TCP
// connect to that port (simplification: a test the simulation cannot run counts as passing when the
// app listens).
struct HealthProbe {
  bool http = false;
  std::string path = "/";
};

class HealthTracker {
 public:
  HealthTracker(const Healthcheck& check, core::Time started);

  // Whether `test` runs a check at all (not disabled, not ["NONE"], not empty).
  static bool active(const Healthcheck& check);
  static HealthProbe probe_for(const Healthcheck& check);

  core::Duration interval() const { return interval_; }
  core::Duration timeout() const { return timeout_; }
  const std::string& status() const { return status_; }
  // A probe finished at `now`; returns the new status when it changed.
  std::optional<std::string> on_probe(core::Time now, bool passed);

 private:
  core::Duration interval_;
  core::Duration timeout_;
  core::Duration start_period_;
  int retries_;
  core::Time started_;
  int failures_ = 0;
  std::string status_ = "starting";
};

}  // namespace bg::fakes
