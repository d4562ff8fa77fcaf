#include "sim/interrupt.h"

#include <csignal>
#include <cstdio>

#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <utility>

namespace bg::sim {
namespace {

struct Steps {
  std::function<void()> stop, force;
};

struct State {
  std::mutex mutex;
  std::map<int, Steps> registered;
  int next_id = 1;
};

State& state() {
  static State s;
  return s;
}

std::atomic<int> raised{0};

}  // namespace

int Interrupt::signal() { return raised.load(); }

std::string Interrupt::signal_name(int signal) {
  switch (signal) {
    case 0:
      return "";
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
  }
  return "signal " + std::to_string(signal);
}

std::string Interrupt::signal_name() { return signal_name(signal()); }

bool Interrupt::raise(int signal) {
  int none = 0;
  if (!raised.compare_exchange_strong(none, signal)) return false;
  std::lock_guard lock(state().mutex);
  for (auto& [id, steps] : state().registered)
    if (steps.stop) steps.stop();
  return true;
}

void Interrupt::force() {
  std::lock_guard lock(state().mutex);
  for (auto& [id, steps] : state().registered) {
    auto f = std::exchange(steps.force, {});
    if (!f) continue;
    // The process ends right after: a step that fails (a history that could not be written whole)
    // is said, and the other steps and the exit still happen.
    try {
      f();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "bluegreen: while stopping at once: %s\n", e.what());
    }
  }
}

void Interrupt::reset() { raised = 0; }

Interrupt::Registration Interrupt::on_interrupt(std::function<void()> stop, std::function<void()> force) {
  std::lock_guard lock(state().mutex);
  const int id = state().next_id++;
  if (requested() && stop) stop();
  state().registered[id] = Steps{std::move(stop), std::move(force)};
  return Registration(id);
}

Interrupt::Registration::~Registration() {
  std::lock_guard lock(state().mutex);
  state().registered.erase(id_);
}

}  // namespace bg::sim
