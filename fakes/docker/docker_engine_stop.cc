// DockerEngine: how containers stop — the stop signal, the grace period and SIGKILL, removal after
// the endpoint's teardown, and the end of a run (semantics.md §3 "Stop and down").
#include <algorithm>
#include <csignal>

#include <fmt/format.h>

#include "fakes/docker/docker_engine.h"
#include "fakes/docker/docker_engine_live.h"
#include "fakes/docker/signal_delivery.h"

namespace bg::fakes {
namespace {

// Bounds in scenario time, reached only when something is broken (2 s real at the smallest time
// scale, 0.01; on a virtual clock the io_context's handlers all run before time passes, so only a
// process that ignores SIGKILL reaches them).
constexpr core::Duration kKillDeadline = std::chrono::seconds(200);   // SIGKILL ends a process at once
constexpr core::Duration kTeardownSlack = std::chrono::seconds(200);  // the io_context slow to tear down
constexpr core::Duration kCloseDeadline = std::chrono::seconds(5);    // the publishers closing (0.5 s real at 0.1)

}  // namespace

void DockerEngine::deliver(const std::string& name, const std::shared_ptr<Live>& live, int signo) {
  std::shared_ptr<ContainerProcess> process;
  {
    std::lock_guard lock(mutex_);
    process = live->process;
    std::string detail = signal_name(signo);
    if (signo != SIGKILL) {
      // Say in the history when PID 1 will swallow it (R06), so a report can explain the 137.
      std::vector<std::string> argv = live->image.dockerfile.entrypoint;
      const auto& cmd = live->spec.command.empty() ? live->image.dockerfile.cmd : live->spec.command;
      argv.insert(argv.end(), cmd.begin(), cmd.end());
      SignalDelivery delivery = signal_delivery(argv, live->spec.init);
      if (!delivery.reaches_app) detail += "; " + delivery.why;
    }
    if (const ContainerRecord* rec = runtime_.find(name)) append(*rec, core::ContainerWhat::signal, detail);
  }
  if (process) process->signal(signo);
}

bool DockerEngine::wait_exited(const std::shared_ptr<Live>& live, core::Duration span, std::stop_token stop) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, span, stop, [&] { return live->exited; });
}

int DockerEngine::stop(const std::string& name, std::optional<core::Duration> timeout, std::stop_token stop) {
  std::shared_ptr<Live> live;
  int signo = SIGTERM;
  core::Duration grace{};
  uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    const ContainerRecord* rec = runtime_.find(name);
    if (!rec) throw DockerError("No such container: " + name);
    live = live_.at(name);
    live->manually_stopped = true;
    live->restarts.cancel_next();
    if (rec->state == ContainerState::restarting) {
      // Between a crash and its policy restart: the restart is cancelled and it stays exited.
      ++live->generation;
      runtime_.transition(name, ContainerState::exited, clock_.now(), rec->exit_code);
      append(*rec, core::ContainerWhat::restart_canceled);
      changed_.notify_all();
      return rec->exit_code;
    }
    if (live->exited) return rec->exit_code;
    grace = timeout.value_or(live->spec.stop_grace_period.value_or(options_.default_stop_timeout));
    if (!live->spec.stop_signal.empty()) signo = signal_number(live->spec.stop_signal);
    generation = live->generation;
    append(*rec, core::ContainerWhat::stop_requested, fmt::format("timeout {}", core::format_seconds(grace)));
  }
  deliver(name, live, signo);
  if (!wait_exited(live, grace, stop)) {
    {
      std::lock_guard lock(mutex_);
      append(*runtime_.find(name), core::ContainerWhat::killed,
             fmt::format("grace period {} expired", core::format_seconds(grace)));
    }
    deliver(name, live, SIGKILL);
    // A process that ignores SIGKILL breaks the ContainerProcess contract; record it as killed.
    if (!wait_exited(live, kKillDeadline, {})) on_process_exit(live->id, generation, 128 + SIGKILL);
  }
  std::lock_guard lock(mutex_);
  return live->exit_code;
}

bool DockerEngine::kill(const std::string& name) {
  std::shared_ptr<Live> live;
  {
    std::lock_guard lock(mutex_);
    const ContainerRecord* rec = runtime_.find(name);
    if (!rec) throw DockerError("No such container: " + name);
    live = live_.at(name);
    if (live->exited) return false;
  }
  deliver(name, live, SIGKILL);
  return true;
}

// moby daemon/delete.go ContainerRm with force: SIGKILL (not the stop signal), no grace, and the
// restart policy does not bring it back; then the removal.
void DockerEngine::remove_forced(const std::string& name, std::stop_token stop) {
  std::shared_ptr<Live> live;
  uint64_t generation = 0;
  bool running = false;
  {
    std::lock_guard lock(mutex_);
    const ContainerRecord* rec = runtime_.find(name);
    if (!rec) throw DockerError("No such container: " + name);
    live = live_.at(name);
    live->restarts.cancel_next();
    live->manually_stopped = true;
    if (rec->state == ContainerState::restarting) {
      ++live->generation;
      runtime_.transition(name, ContainerState::exited, clock_.now(), rec->exit_code);
    }
    running = !live->exited;
    generation = live->generation;
  }
  if (running) {
    deliver(name, live, SIGKILL);
    if (!wait_exited(live, kKillDeadline, stop)) on_process_exit(live->id, generation, 128 + SIGKILL);
  }
  remove(name, stop);
}

void DockerEngine::remove(const std::string& name, std::stop_token stop) {
  std::shared_ptr<Live> live;  // released after the lock, so the process is destroyed outside it
  std::jthread health;         // likewise joined after the lock
  std::unique_lock lock(mutex_);
  const ContainerRecord* rec = runtime_.find(name);
  if (!rec) throw DockerError("No such container: " + name);
  if (rec->state == ContainerState::running || rec->state == ContainerState::paused ||
      rec->state == ContainerState::restarting)
    throw DockerError(
        fmt::format("You cannot remove a running container {}. Stop the container before attempting "
                    "removal or force remove",
                    rec->id));
  runtime_.transition(name, ContainerState::removing, clock_.now());
  live = live_.at(name);
  health = std::move(live->health);
  health.request_stop();
  // The endpoint is released before the container is gone: once `down` returns the port refuses.
  changed_.wait_for(lock, options_.teardown_delay + kTeardownSlack, stop, [&] { return live->torn_down; });
  teardown_locked(*live, name);
  ContainerRecord removed = *runtime_.find(name);
  runtime_.erase(name);
  live_.erase(name);
  // The name stops resolving; the address stays held by the run (map_to_itself), so a proxy still
  // holding it is refused until kAddressReuseAfter later removals have passed, and then reaches the
  // instance that took it over, never a port outside the run.
  network_.detach(name);
  released_addresses_.push_back(live->container_port);
  networks_.forget(removed.id);
  append(removed, core::ContainerWhat::removed);
  changed_.notify_all();  // `docker wait` returns when its container is removed
  lock.unlock();
  // Its writable layer goes with it, as `docker rm` deletes the container's folder under
  // /var/lib/docker (named volumes stay: they live beside the containers, not in them).
  std::error_code ignored;
  std::filesystem::remove_all(live->layer, ignored);
}

void DockerEngine::shutdown() {
  std::vector<std::pair<std::string, std::shared_ptr<Live>>> lives;
  {
    std::lock_guard lock(mutex_);
    if (shut_down_) return;
    shut_down_ = true;
    lives.assign(live_.begin(), live_.end());
  }
  for (auto& [name, live] : lives) {
    uint64_t generation = 0;
    {
      std::lock_guard lock(mutex_);
      if (live->exited) continue;
      generation = live->generation;
    }
    deliver(name, live, SIGKILL);
    if (!wait_exited(live, kKillDeadline, {})) on_process_exit(live->id, generation, 128 + SIGKILL);
  }
  std::vector<std::shared_ptr<PortPublisher>> publishers;
  std::vector<std::jthread> health;
  {
    std::lock_guard lock(mutex_);
    for (auto& [name, live] : lives) {
      live->health.request_stop();
      health.push_back(std::move(live->health));
      publishers.insert(publishers.end(), live->publishers.begin(), live->publishers.end());
      teardown_locked(*live, name);
    }
  }
  std::vector<std::jthread> workers;
  {
    std::lock_guard lock(mutex_);
    for (auto& [name, live] : lives)
      if (live->restart_timer) live->restart_timer->cancel();
    workers = std::move(workers_);
  }
  workers.clear();  // joins: a --rm removal is bounded by the teardown deadline
  // Connections are closed on the io_context; when nobody runs it any more, its destruction does.
  health.clear();  // joins: each loop ends at its stop token (a probe is bounded by its timeout)
  if (io_.stopped()) return;
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, kCloseDeadline, {}, [&] {
    return std::all_of(publishers.begin(), publishers.end(), [](const auto& p) { return p->closed(); });
  });
}

}  // namespace bg::fakes
