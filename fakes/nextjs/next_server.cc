#include "fakes/nextjs/next_server.h"

#include <future>

#include <boost/asio/post.hpp>

#include "core/virtual_clock.h"
#include "fakes/nextjs/next_exec.h"
#include "fakes/nextjs/next_process.h"

namespace bg::fakes {

namespace {

// Real-time bound on waiting for the process's handlers at destruction. If the io_context is not
// being run, nothing can run our handlers concurrently and the teardown is done on the calling
// thread.
constexpr auto kTeardownDeadline = std::chrono::seconds(3);

}  // namespace

NextServer::NextServer(boost::asio::io_context& io, core::Clock& clock, core::History& history, core::PortMap& ports,
                       core::Rng rng, NextAppProfile profile, ProcessSpec spec, net::Network network)
    : process_(
          std::make_shared<NextProcess>(io, clock, history, ports, std::move(rng), std::move(profile), spec, network)),
      spec_(std::move(spec)) {}

NextServer::~NextServer() {
  if (process_->serial().running_in_this_thread()) {
    process_->shutdown();  // destroyed from on_exit (or another handler where ours run)
    return;
  }
  // A run's teardown destroys its containers after joining the io_context's threads: nothing can run
  // our handlers any more, and a post would only wait out the deadline (3 s a container, a World).
  // On a virtual clock the clock runs the handlers, and only while no actor (this thread) runs.
  if (process_->serial().io().context().stopped() || dynamic_cast<core::VirtualClock*>(&process_->clock())) {
    process_->shutdown();
    return;
  }
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  process_->serial().post([process = process_, done] {
    process->shutdown();
    done->set_value();
  });
  if (finished.wait_for(kTeardownDeadline) != std::future_status::ready) process_->shutdown();
}

void NextServer::start() { process_->start(on_exit, on_log); }

void NextServer::signal(int signo) { process_->signal(signo); }

core::CommandResult NextServer::exec(const ExecRequest& request, std::stop_token stop) {
  return next_container_exec(spec_, request, stop);
}

ProcessFactory NextServer::factory(boost::asio::io_context& io, core::Clock& clock, core::History& history,
                                   core::PortMap& ports, core::Rng rng,
                                   std::function<NextAppProfile(const ProcessSpec&)> profile_for,
                                   net::Network network) {
  return [&io, &clock, &history, &ports, rng, profile_for = std::move(profile_for), network](const ProcessSpec& spec) {
    return std::unique_ptr<ContainerProcess>(
        new NextServer(io, clock, history, ports, rng.child(spec.container), profile_for(spec), spec, network));
  };
}

}  // namespace bg::fakes
