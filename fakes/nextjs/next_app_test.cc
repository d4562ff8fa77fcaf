// Tests of the pure Next.js core: profiles by version, routes, and NextApp's lifecycle decisions.
#include <csignal>
#include <stdexcept>

#include <gtest/gtest.h>

#include "fakes/nextjs/next_app.h"
#include "fakes/nextjs/next_app_profile.h"
#include "fakes/nextjs/next_routes.h"

namespace bg::fakes {
namespace {

using namespace std::chrono_literals;

NextAppProfile profile(const char* version) {
  NextAppProfile p;
  p.version = version;
  return p;
}

// A NextApp of `version` that has listened and, when `prepared`, finished preparing.
NextApp listening_app(const char* version, bool prepared) {
  NextApp app(profile(version));
  app.on_listening(1s);
  if (prepared) app.on_prepared(2s);
  return app;
}

// Goal: the SIGTERM behaviour follows §5's version boundaries unless set explicitly.
TEST(NextAppProfileTest, DerivesSigtermModeFromVersion) {
  EXPECT_EQ(profile("12.2").sigterm_mode(), SigtermMode::exit_immediately);
  EXPECT_EQ(profile("13.4.19").sigterm_mode(), SigtermMode::exit_immediately);
  EXPECT_EQ(profile("14.0").sigterm_mode(), SigtermMode::exit_immediately);
  EXPECT_EQ(profile("14.1").sigterm_mode(), SigtermMode::graceful);
  EXPECT_EQ(profile("v15.0.3").sigterm_mode(), SigtermMode::graceful);
  NextAppProfile npm = profile("14.1");
  npm.sigterm = SigtermMode::ignore;
  EXPECT_EQ(npm.sigterm_mode(), SigtermMode::ignore);
}

// Goal: 13.4+ holds early requests (handlersPromise); older templates have no handler yet.
TEST(NextAppProfileTest, DerivesEarlyRequestHandlingFromVersion) {
  EXPECT_EQ(profile("12.2").before_ready_mode(), BeforeReady::handler_missing);
  EXPECT_EQ(profile("13.3").before_ready_mode(), BeforeReady::handler_missing);
  EXPECT_EQ(profile("13.4").before_ready_mode(), BeforeReady::hold);
  EXPECT_EQ(profile("14.1.0-canary.2").before_ready_mode(), BeforeReady::hold);
}

// Goal: a malformed version is an input error naming the text, not a silent default.
TEST(NextAppProfileTest, RejectsMalformedVersions) {
  EXPECT_THROW(parse_next_version(""), std::invalid_argument);
  EXPECT_THROW(parse_next_version("latest"), std::invalid_argument);
  EXPECT_THROW(parse_next_version("14."), std::invalid_argument);
  EXPECT_THROW(parse_next_version("14.1x"), std::invalid_argument);
  NextVersion v = parse_next_version("12.2.0");
  EXPECT_EQ(v.major, 12);
  EXPECT_EQ(v.minor, 2);
  EXPECT_EQ(parse_sigterm_mode("graceful"), SigtermMode::graceful);
  EXPECT_EQ(parse_sigterm_mode("drain"), std::nullopt);
}

// Goal: KEEP_ALIVE_TIMEOUT from the container env sets keepAliveTimeout on 13.x+ only.
TEST(NextAppProfileTest, KeepAliveTimeoutEnvAppliesFrom13) {
  std::map<std::string, std::string> env{{"KEEP_ALIVE_TIMEOUT", "65000"}};
  EXPECT_EQ(apply_env(profile("14.1"), env).keep_alive_timeout, 65s);
  EXPECT_EQ(apply_env(profile("12.2"), env).keep_alive_timeout, 5s);
  EXPECT_EQ(apply_env(profile("14.1"), {{"KEEP_ALIVE_TIMEOUT", "soon"}}).keep_alive_timeout, 5s);
}

// Goal: only this build's assets exist; queries do not change routing.
TEST(NextRoutesTest, RoutesPagesAssetsApiAndUnknownPaths) {
  EXPECT_EQ(route_of("GET", "/", "b1"), Route::page);
  EXPECT_EQ(route_of("HEAD", "/?x=1", "b1"), Route::page);
  EXPECT_EQ(route_of("GET", "/api/health", "b1"), Route::health);
  EXPECT_EQ(route_of("POST", "/api/echo", "b1"), Route::echo);
  EXPECT_EQ(route_of("GET", "/api/echo", "b1"), Route::not_found);
  EXPECT_EQ(route_of("GET", "/_next/static/b1/_buildManifest.js", "b1"), Route::static_asset);
  EXPECT_EQ(route_of("GET", "/_next/static/b0/_buildManifest.js", "b1"), Route::not_found);
  EXPECT_EQ(route_of("GET", "/_next/static/b10/_buildManifest.js", "b1"), Route::not_found);
  EXPECT_EQ(route_of("GET", "/_next/static/b1/", "b1"), Route::not_found);
  EXPECT_EQ(route_of("GET", "/about", "b1"), Route::not_found);
  // With a shared static volume, a build the server listed there is found, one it did not list is
  // not (it was published after the listing); a bare prefix is not.
  const std::set<std::string> listed{"b0"};
  EXPECT_EQ(route_of("GET", "/_next/static/b0/_buildManifest.js", "b1", &listed), Route::static_asset);
  EXPECT_EQ(route_of("GET", "/_next/static/b2/_buildManifest.js", "b1", &listed), Route::not_found);
  EXPECT_EQ(route_of("GET", "/_next/static/b1/_buildManifest.js", "b1", &listed), Route::static_asset);
  EXPECT_EQ(route_of("GET", "/_next/static/b0/", "b1", &listed), Route::not_found);
}

// Goal: the page names its build and references that build's asset path (what R08 checks).
TEST(NextRoutesTest, PageReferencesItsOwnBuildAsset) {
  AppResponse page = render_route(Route::page, "b7", "", "");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("/_next/static/b7/_buildManifest.js"), std::string::npos);
  EXPECT_EQ(render_route(Route::health, "b7", "", "").body, R"({"status":"ok","buildId":"b7"})");
  EXPECT_EQ(render_route(Route::echo, "b7", "hi", "text/x").body, "hi");
  EXPECT_EQ(render_route(Route::not_found, "b7", "", "").status, 404);
  EXPECT_EQ(render_unavailable("b7").status, 503);
  EXPECT_EQ(render_handler_missing().status, 500);
}

// Goal: a process that has not listened cannot receive requests; transitions record their time.
TEST(NextAppTest, DropsRequestsBeforeListeningAndRecordsTransitions) {
  NextApp app(profile("14.1"));
  EXPECT_EQ(app.on_request(0s, Route::page), RequestAction::drop);
  EXPECT_EQ(app.in_flight(), 0);
  EXPECT_TRUE(app.on_listening(3s));
  EXPECT_EQ(app.state(), AppState::listening);
  EXPECT_EQ(app.state_since(), 3s);
  EXPECT_FALSE(app.on_listening(4s));
  EXPECT_TRUE(app.on_prepared(5s));
  EXPECT_EQ(app.state(), AppState::ready);
  EXPECT_EQ(app.state_since(), 5s);
  EXPECT_FALSE(app.on_prepared(6s));
}

// Goal: on 13.4+ every early request is held (and counted in flight), then served when ready.
TEST(NextAppTest, HoldsEarlyRequestsOn13_4) {
  NextApp app = listening_app("13.4", false);
  EXPECT_EQ(app.on_request(1s, Route::health), RequestAction::hold);
  EXPECT_EQ(app.on_request(1s, Route::page), RequestAction::hold);
  EXPECT_EQ(app.in_flight(), 2);
  EXPECT_TRUE(app.on_prepared(2s));
  EXPECT_EQ(app.on_request(2s, Route::health), RequestAction::serve);
  EXPECT_EQ(app.on_request(2s, Route::not_found), RequestAction::serve);
}

// Goal: on 12.x a health check before ready is 503 and any other route 500; ready serves.
TEST(NextAppTest, AnswersEarlyRequestsWithoutHandlerOn12) {
  NextApp app = listening_app("12.2", false);
  EXPECT_EQ(app.on_request(1s, Route::health), RequestAction::unavailable);
  EXPECT_EQ(app.on_request(1s, Route::page), RequestAction::handler_missing);
  EXPECT_TRUE(app.on_prepared(2s));
  EXPECT_EQ(app.on_request(2s, Route::health), RequestAction::serve);
}

// Goal: 12.x-14.0 exit 0 at once on SIGTERM and SIGINT, cutting what is in flight.
TEST(NextAppTest, ImmediateExitCutsInFlightOnSigtermAndSigint) {
  for (int signo : {SIGTERM, SIGINT}) {
    NextApp app = listening_app("14.0", true);
    app.on_request(3s, Route::echo);
    SignalEffect effect = app.on_signal(4s, signo);
    EXPECT_TRUE(effect.exit_now);
    EXPECT_EQ(effect.exit_code, 0);
    EXPECT_TRUE(effect.cut_in_flight);
    EXPECT_FALSE(effect.drain);
    EXPECT_EQ(app.state(), AppState::exited);
    EXPECT_EQ(app.on_request(5s, Route::page), RequestAction::drop);
  }
}

// Goal: 14.1+ drains: no exit while requests are in flight, no keep-alive, exit 0 when idle.
TEST(NextAppTest, GracefulDrainExitsWhenLastRequestFinishes) {
  NextApp app = listening_app("14.1", true);
  app.on_request(3s, Route::echo);
  app.on_request(3s, Route::page);
  EXPECT_TRUE(app.keep_alive(true));
  SignalEffect effect = app.on_signal(4s, SIGTERM);
  EXPECT_TRUE(effect.drain);
  EXPECT_FALSE(effect.exit_now);
  EXPECT_EQ(app.state(), AppState::draining);
  EXPECT_FALSE(app.keep_alive(true));
  EXPECT_TRUE(app.on_signal(4s, SIGTERM).ignored);  // one close is underway
  EXPECT_FALSE(app.on_request_done(5s));
  EXPECT_TRUE(app.on_request_done(6s));
  EXPECT_EQ(app.state(), AppState::exited);
  EXPECT_EQ(app.exit_code(), 0);
}

// Goal: a graceful app with nothing in flight closes its listener and exits at once.
TEST(NextAppTest, GracefulWithNothingInFlightExitsAtOnce) {
  NextApp app = listening_app("14.1", true);
  SignalEffect effect = app.on_signal(4s, SIGTERM);
  EXPECT_TRUE(effect.drain);
  EXPECT_TRUE(effect.exit_now);
  EXPECT_FALSE(effect.cut_in_flight);
  EXPECT_EQ(effect.exit_code, 0);
}

// Goal: a draining app that was not yet prepared still serves what it holds, then exits.
TEST(NextAppTest, DrainBeforeReadyServesHeldRequests) {
  NextApp app = listening_app("14.1", false);
  EXPECT_EQ(app.on_request(1s, Route::page), RequestAction::hold);
  EXPECT_TRUE(app.on_signal(2s, SIGTERM).drain);
  EXPECT_TRUE(app.on_prepared(3s));
  EXPECT_EQ(app.state(), AppState::draining);
  EXPECT_TRUE(app.on_request_done(4s));
  EXPECT_EQ(app.exit_code(), 0);
}

// Goal: npm as PID 1 swallows SIGTERM/SIGINT; only SIGKILL ends it, with 137 and a cut.
TEST(NextAppTest, IgnoreModeEndsOnlyOnSigkill) {
  NextAppProfile p = profile("14.1");
  p.sigterm = SigtermMode::ignore;
  NextApp app(p);
  app.on_listening(1s);
  app.on_prepared(1s);
  app.on_request(2s, Route::page);
  EXPECT_TRUE(app.on_signal(3s, SIGTERM).ignored);
  EXPECT_TRUE(app.on_signal(3s, SIGINT).ignored);
  EXPECT_EQ(app.state(), AppState::ready);
  SignalEffect kill = app.on_signal(4s, SIGKILL);
  EXPECT_TRUE(kill.exit_now);
  EXPECT_EQ(kill.exit_code, 137);
  EXPECT_TRUE(kill.cut_in_flight);
}

// Goal: SIGKILL before listen exits 137; later signals and unknown signals change nothing.
TEST(NextAppTest, SigkillBeforeListenAndSignalsAfterExit) {
  NextApp app(profile("12.2"));
  EXPECT_TRUE(app.on_signal(0s, SIGHUP).ignored);
  SignalEffect kill = app.on_signal(1s, SIGKILL);
  EXPECT_EQ(kill.exit_code, 137);
  EXPECT_FALSE(kill.cut_in_flight);
  EXPECT_FALSE(app.on_listening(2s));
  EXPECT_TRUE(app.on_signal(3s, SIGTERM).ignored);
  EXPECT_TRUE(app.on_signal(3s, SIGKILL).ignored);
  EXPECT_EQ(app.exit_code(), 137);
}

// Goal: a listen failure exits 1, as Node does when listen() throws at startup.
TEST(NextAppTest, ListenFailureExitsOne) {
  NextApp app(profile("14.1"));
  app.on_listen_failed(1s);
  EXPECT_EQ(app.state(), AppState::exited);
  EXPECT_EQ(app.exit_code(), 1);
}

}  // namespace
}  // namespace bg::fakes
