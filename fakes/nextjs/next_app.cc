#include "fakes/nextjs/next_app.h"

#include <csignal>

namespace bg::fakes {

const char* to_string(AppState state) {
  switch (state) {
    case AppState::starting:
      return "starting";
    case AppState::listening:
      return "listening";
    case AppState::ready:
      return "ready";
    case AppState::draining:
      return "draining";
    case AppState::exited:
      return "exited";
  }
  return "?";
}

const char* to_string(RequestAction action) {
  switch (action) {
    case RequestAction::serve:
      return "serve";
    case RequestAction::hold:
      return "hold";
    case RequestAction::unavailable:
      return "unavailable";
    case RequestAction::handler_missing:
      return "handler_missing";
    case RequestAction::drop:
      return "drop";
  }
  return "?";
}

NextApp::NextApp(NextAppProfile profile, core::Time created)
    : profile_(std::move(profile)),
      sigterm_(profile_.sigterm_mode()),
      before_ready_(profile_.before_ready_mode()),
      state_since_(created) {}

void NextApp::enter(AppState state, core::Time now) {
  state_ = state;
  state_since_ = now;
}

bool NextApp::on_listening(core::Time now) {
  if (state_ != AppState::starting) return false;
  enter(AppState::listening, now);
  return true;
}

bool NextApp::on_prepared(core::Time now) {
  if (state_ == AppState::exited || prepared_) return false;
  prepared_ = true;
  if (state_ == AppState::listening) enter(AppState::ready, now);
  return true;
}

void NextApp::on_listen_failed(core::Time now) {
  if (state_ == AppState::exited) return;
  exit_code_ = 1;
  enter(AppState::exited, now);
}

RequestAction NextApp::on_request(core::Time now, Route route) {
  if (state_ == AppState::starting || state_ == AppState::exited) return RequestAction::drop;
  ++in_flight_;
  if (prepared_) return RequestAction::serve;
  // 13.4+ start-server.ts listens first and makes early requests await handlersPromise (§5).
  if (before_ready_ == BeforeReady::hold) return RequestAction::hold;
  // 12.x: server.js listens, then builds NextServer in the listen callback and assigns `handler`
  // there; a request callback that runs first calls an undefined handler, and the template's catch
  // answers 500 "internal server error". In Node the construction mostly blocks the event loop, so
  // the real window is shorter than prepare_delay: this is the pessimistic reading. A health check
  // is a readiness probe here and reports 503, which fails a probe just as the 500 would.
  return route == Route::health ? RequestAction::unavailable : RequestAction::handler_missing;
}

bool NextApp::on_request_done(core::Time now) {
  if (in_flight_ > 0) --in_flight_;
  if (state_ != AppState::draining || in_flight_ > 0) return false;
  // server.close(() => process.exit(0)): the close callback runs once the last connection is done.
  exit_code_ = 0;
  enter(AppState::exited, now);
  return true;
}

bool NextApp::keep_alive(bool client_wants) const {
  return client_wants && (state_ == AppState::listening || state_ == AppState::ready);
}

SignalEffect NextApp::exit_now(core::Time now, int code, bool cut) {
  SignalEffect effect;
  effect.ignored = false;
  effect.exit_now = true;
  effect.exit_code = code;
  effect.cut_in_flight = cut && in_flight_ > 0;
  in_flight_ = 0;
  exit_code_ = code;
  enter(AppState::exited, now);
  return effect;
}

SignalEffect NextApp::on_signal(core::Time now, int signo) {
  if (state_ == AppState::exited) return {};
  // SIGKILL cannot be caught: the kernel ends the process, 128 + 9.
  if (signo == SIGKILL) return exit_now(now, 128 + SIGKILL, true);
  if (signo != SIGTERM && signo != SIGINT) return {};
  switch (sigterm_) {
    case SigtermMode::ignore:
      return {};
    case SigtermMode::exit_immediately:
      // 12.x-14.0 handlers call process.exit(0) (14.0 after a synchronous server.close()): open
      // sockets are destroyed with the process, in-flight requests get no response (§5, R05).
      return exit_now(now, 0, true);
    case SigtermMode::graceful:
      break;
  }
  // 14.1+: server.close(() => process.exit(0)). A second signal while draining changes nothing:
  // Docker sends one SIGTERM and then, at the grace period, SIGKILL.
  if (state_ == AppState::draining) return {};
  if (in_flight_ == 0) {
    // Nothing to finish: the close callback runs at once. A listening app still closes its
    // listener first (drain), one that never listened just exits.
    bool listening = state_ != AppState::starting;
    SignalEffect effect = exit_now(now, 0, false);
    effect.drain = listening;
    return effect;
  }
  enter(AppState::draining, now);
  SignalEffect effect;
  effect.ignored = false;
  effect.drain = true;
  return effect;
}

}  // namespace bg::fakes
