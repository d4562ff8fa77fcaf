#pragma once
// NextServer: a fake Next.js standalone server as the process of a fake container
// (fakes::ContainerProcess): a live Beast HTTP/1.1 server on the container's held loopback port
// whose start-up, readiness, routes and signal handling follow NextApp (semantics.md §5).
//
// Lifecycle: start() -> after listen_delay it listens on spec.container_port (before that the port
// refuses connections) -> after prepare_delay it is ready. Signals per NextAppProfile::sigterm_mode;
// SIGKILL exits 137 at once. AppEvents: starting, listening, ready, draining, exited (detail
// "code=N signal=SIG..."), execution (POST /api/echo ran), cut (an in-flight request dropped).
// Every response carries X-Served-By, X-Build-Id and echoes X-Request-Id; the test header
// X-Bluegreen-Delay-Ms: N delays a response by N scenario ms.
//
// The io_context may be run by any number of threads: everything runs on one strand (on the sim
// network, where one thread runs it, straight on it: net::SerialExecutor). Destroy it from outside
// the io_context's threads or from within on_exit; destruction closes everything (waiting up to a
// real-time deadline for the handlers) and does not call on_exit.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs it under C++20

#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "core/clock.h"
#include "core/history.h"
#include "core/port_map.h"
#include "core/rng.h"
#include "fakes/docker/container_process.h"
#include "fakes/nextjs/next_app_profile.h"
#include "net/network.h"

namespace bg::fakes {

class NextProcess;

class NextServer final : public ContainerProcess {
 public:
  // `network`: the kernel's loopback (live) or the run's in-memory network (sim).
  NextServer(boost::asio::io_context& io, core::Clock& clock, core::History& history, core::PortMap& ports,
             core::Rng rng, NextAppProfile profile, ProcessSpec spec, net::Network network = {});
  ~NextServer() override;
  NextServer(const NextServer&) = delete;
  NextServer& operator=(const NextServer&) = delete;

  void start() override;
  void signal(int signo) override;
  // What a health check or an admin runs in the app's container (next_exec.cc): wget/curl of the
  // app itself, env, printenv, cat, ls, hostname, echo, true; anything else is not modelled.
  core::CommandResult exec(const ExecRequest& request, std::stop_token stop) override;

  // A ProcessFactory for the fake Docker runtime: one NextServer per container, its profile chosen
  // from the spec (image, env) and its randomness from rng.child(<container name>).
  static ProcessFactory factory(boost::asio::io_context& io, core::Clock& clock, core::History& history,
                                core::PortMap& ports, core::Rng rng,
                                std::function<NextAppProfile(const ProcessSpec&)> profile_for,
                                net::Network network = {});

 private:
  std::shared_ptr<NextProcess> process_;
  ProcessSpec spec_;
};

}  // namespace bg::fakes
