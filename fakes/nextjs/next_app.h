#pragma once
// NextApp: the lifecycle and decisions of one Next.js standalone process, with no I/O
// (semantics.md §5). States: starting -> listening -> ready -> draining -> exited. The live shell
// (NextServer) asks it what to do with each request and each signal, and tells it when requests
// finish; time comes in as arguments, so a deterministic engine can drive the same decisions.
#include <optional>

#include "core/time.h"
#include "fakes/nextjs/next_app_profile.h"
#include "fakes/nextjs/next_routes.h"

namespace bg::fakes {

enum class AppState { starting, listening, ready, draining, exited };
const char* to_string(AppState state);

enum class RequestAction {
  serve,            // run the route now
  hold,             // keep the request until the app is prepared, then serve it (13.4+)
  unavailable,      // 503 for a health check before ready (handler_missing mode)
  handler_missing,  // 500 "internal server error" for any other route before ready (12.x)
  drop,             // the process is not serving (not listening yet, or gone): no response
};
const char* to_string(RequestAction action);

// What a signal does. A drain stops listening and closes idle connections; the app then exits 0
// when its last in-flight request finishes (on_request_done returns true).
struct SignalEffect {
  bool ignored = true;
  bool drain = false;
  bool exit_now = false;
  int exit_code = 0;
  bool cut_in_flight = false;  // in-flight requests end with no response (connections closed)
};

class NextApp {
 public:
  explicit NextApp(NextAppProfile profile, core::Time created = {});

  const NextAppProfile& profile() const { return profile_; }
  AppState state() const { return state_; }
  core::Time state_since() const { return state_since_; }
  bool prepared() const { return prepared_; }
  int in_flight() const { return in_flight_; }
  std::optional<int> exit_code() const { return exit_code_; }

  // listen() returned. False when the process is no longer starting (it exited first).
  bool on_listening(core::Time now);
  // The app finished preparing. True when held requests are to be served now (the process is
  // still alive); a draining app stays draining but serves what it holds.
  bool on_prepared(core::Time now);
  // listen() failed (Node: EADDRINUSE thrown at startup -> exit 1).
  void on_listen_failed(core::Time now);

  // A request arrived on an open connection. Anything but drop counts it in flight until
  // on_request_done.
  RequestAction on_request(core::Time now, Route route);
  // A counted request got its response (or its client went away). True when this ends a drain:
  // the app has exited 0 and the shell must close everything and report the exit.
  bool on_request_done(core::Time now);
  // Whether the connection stays open after this response: never while draining (the listener is
  // closed and Node's close() ends idle connections; simplified to Connection: close).
  bool keep_alive(bool client_wants) const;

  // SIGTERM, SIGINT, SIGKILL; other signals are ignored (only these three are delivered by the
  // runtime; Node as PID 1 ignores signals it has no handler for).
  SignalEffect on_signal(core::Time now, int signo);

 private:
  void enter(AppState state, core::Time now);
  SignalEffect exit_now(core::Time now, int code, bool cut);

  NextAppProfile profile_;
  SigtermMode sigterm_;
  BeforeReady before_ready_;
  AppState state_ = AppState::starting;
  core::Time state_since_{};
  bool prepared_ = false;
  int in_flight_ = 0;
  std::optional<int> exit_code_;
};

}  // namespace bg::fakes
