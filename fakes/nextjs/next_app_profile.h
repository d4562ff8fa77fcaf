#pragma once
// NextAppProfile: how one Next.js standalone build behaves as a process, by version
// (semantics.md §5). Scenario files set `version` and the delays; the signal and early-request
// behaviours follow from the version unless a scenario sets them explicitly.
#include <functional>
#include <map>
#include <vector>
#include <optional>
#include <string>
#include <string_view>

#include "core/duration_range.h"
#include "core/time.h"

namespace bg::fakes {

// What the process does with SIGTERM/SIGINT.
enum class SigtermMode {
  exit_immediately,  // 12.x-14.0: process.exit(0) from the handler; in-flight requests are cut
  graceful,          // 14.1+ (PR #60059): server.close(() => process.exit(0)); in-flight finish
  ignore,            // `npm start` as PID 1 swallows it: only SIGKILL (Docker's grace) ends it
};
const char* to_string(SigtermMode mode);
// "exit_immediately", "graceful", "ignore"; nullopt for anything else.
std::optional<SigtermMode> parse_sigterm_mode(std::string_view text);

// What a request that arrives after listen() but before the app is prepared gets.
enum class BeforeReady {
  hold,             // 13.4+: the request awaits handlersPromise and is answered once ready
  handler_missing,  // 12.x template: the request callback finds no handler yet (see next_app.h)
};
const char* to_string(BeforeReady mode);

struct NextVersion {
  int major = 0;
  int minor = 0;
  bool at_least(int ma, int mi) const { return major > ma || (major == ma && minor >= mi); }
};
// "14.1", "13.4.19", "v12.2.0", "15". Throws std::invalid_argument naming the text when malformed.
NextVersion parse_next_version(std::string_view text);

struct NextAppProfile {
  std::string version = "14.1";
  // Container start -> listen(). Before it the container port refuses connections.
  core::Duration listen_delay = std::chrono::milliseconds(300);
  // The range listen_delay was drawn from (scenario app.listen_delay), which the starting event then
  // names, so that a report shows what this container drew; fixed: the event says nothing of it.
  core::DurationRange listen_delay_drawn_from;
  // listen() -> ready (Next's CI measures nextStartReadyDuration ≈ 422 ms for a test app, §5).
  core::Duration prepare_delay = std::chrono::milliseconds(400);
  std::optional<SigtermMode> sigterm;       // unset: from version
  std::optional<BeforeReady> before_ready;  // unset: from version
  // Node's server.keepAliveTimeout (KEEP_ALIVE_TIMEOUT env, default 5000 ms): an idle keep-alive
  // socket is closed this long after its last response (R07).
  core::Duration keep_alive_timeout = std::chrono::seconds(5);
  // Every build's /_next/static/<buildId>/ files go to a volume all containers mount as .next/static
  // (R08's "keep old assets served" fix). Next serves only the files it listed there, once: 12.2 at
  // its first static request (next-server.js getFilesystemPaths, cached in _validFilesystemPathSet),
  // 13.4 and 14.1 when the server sets up (router-utils/filesystem.js, nextStaticFolderItems;
  // apps/next/README.md). So a server serves its own build and the builds published before it
  // listed, never one published after: the old color cannot serve the new build's files.
  bool shared_static = false;
  // The builds whose files are on the shared volume now (the run's builds that have run in a
  // container so far); read when the server lists its static folder.
  std::function<std::vector<std::string>()> published_builds;
  // Latency of an API route handler (/api/*), drawn uniformly per request.
  core::Duration api_latency_min{0};
  core::Duration api_latency_max{0};

  // 14.1+ graceful, older exit_immediately. PR #60059's first release tag was not checked (§5):
  // 14.1 is the assumed boundary.
  SigtermMode sigterm_mode() const;
  // 13.4+ hold (start-server.ts awaits handlersPromise); older: handler_missing. §5 documents
  // nothing for 13.0-13.3; they are taken to share 12.x's template.
  BeforeReady before_ready_mode() const;
};

// The container's environment as the standalone server.js reads it: KEEP_ALIVE_TIMEOUT (ms) sets
// server.keepAliveTimeout on 13.x+ templates (§5); malformed values are ignored, as parseInt's NaN
// is. NEXT_MANUAL_SIG_HANDLE is not modelled: set `sigterm` in the profile instead.
NextAppProfile apply_env(NextAppProfile profile, const std::map<std::string, std::string>& env);

}  // namespace bg::fakes
