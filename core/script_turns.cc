#include "core/script_turns.h"

#include <poll.h>
#include <signal.h>

#include <cerrno>
#include <charconv>

#include <fmt/format.h>

#include "core/process_spawn.h"

namespace bg::core {

uint64_t ScriptTurns::begin() {
  VirtualClock::Turn turn(clock_);  // counted before the lock: the script runs from this moment
  std::lock_guard lock(mutex_);
  const uint64_t id = next_id_++;
  Script& s = scripts_[id];
  s.turn.emplace(std::move(turn));
  s.since = std::chrono::steady_clock::now();
  return id;
}

void ScriptTurns::end(uint64_t id) {
  std::optional<VirtualClock::Turn> released;  // given back after the lock: that may let time pass
  {
    std::lock_guard lock(mutex_);
    auto it = scripts_.find(id);
    if (it == scripts_.end() || it->second.ended) return;
    if (it->second.turn) released.emplace(std::move(*it->second.turn));
    it->second.turn.reset();
    if (it->second.calls == 0)
      scripts_.erase(it);
    else
      it->second.ended = true;
  }
}

// A watcher stopped this way gives no turn back: the scripts' turns go with scripts_.
ScriptTurns::~ScriptTurns() { stop_leftovers(false); }

void ScriptTurns::end_with_group(uint64_t id, int group, const std::string& script) {
  if (!group_has_live_members(group)) return end(id);
  std::lock_guard lock(leftovers_mutex_);
  leftovers_.emplace_back(id, [this, id, group, script](std::stop_token stop) {
    using namespace std::chrono_literals;
    constexpr auto kScan = 20ms;  // a scan of /proc; kill(-group, 0) every millisecond between
    auto next_scan = std::chrono::steady_clock::now();
    bool reported = false;
    while (!stop.stop_requested()) {
      if (::kill(-group, 0) != 0 && errno == ESRCH) break;
      const auto now = std::chrono::steady_clock::now();
      if (now >= next_scan) {
        next_scan = now + kScan;
        if (!group_has_live_members(group)) break;  // only zombies left, which the host's init reaps
        // Whether they compute or wait on something no shim serves (a `tail -f`), time cannot pass
        // under them: past the spin limit the run ends as an error. Telling the two apart by the
        // processes' states was tried, and a loaded machine's scheduler made it decide differently
        // from run to run.
        if (!reported && running_for(id) > spin_limit()) {
          reported = true;
          report_spin(fmt::format(
              "{} left processes running after it ended that ran for {} s of real time without calling any "
              "program bluegreen stands in for (computing, or waiting on something no such program serves). The "
              "deterministic engine (--engine sim) holds scenario time still while a script's processes run, so "
              "it cannot run them; run it with --engine live",
              script, std::chrono::duration<double>(spin_limit()).count()));
          ::kill(-group, SIGKILL);
        }
      }
      timespec pause{0, 1'000'000};
      ::ppoll(nullptr, 0, &pause, nullptr);
    }
    if (!stop.stop_requested()) end(id);
  });
}

void ScriptTurns::stop_leftovers(bool end_turns) {
  std::vector<std::pair<uint64_t, std::jthread>> watchers;
  {
    std::lock_guard lock(leftovers_mutex_);
    watchers.swap(leftovers_);
  }
  for (auto& [id, w] : watchers) {
    w.request_stop();
    w.join();
    if (end_turns) end(id);
  }
}

bool ScriptTurns::wait_for_calls(uint64_t id, std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return calls_returned_.wait_until(lock, deadline, [&] { return !scripts_.contains(id); });
}

uint64_t ScriptTurns::parse(std::string_view text) {
  uint64_t id = 0;
  std::from_chars(text.data(), text.data() + text.size(), id);
  return id;
}

ScriptTurns::Entry ScriptTurns::enter(uint64_t id) {
  Entry entry;
  std::lock_guard lock(mutex_);
  auto it = scripts_.find(id);
  if (it == scripts_.end() || it->second.ended) return entry;
  entry.counted = true;
  if (it->second.calls++ == 0 && it->second.turn) {
    entry.turn.emplace(std::move(*it->second.turn));
    it->second.turn.reset();
  }
  return entry;
}

void ScriptTurns::leave(uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = scripts_.find(id);
  if (it == scripts_.end() || --it->second.calls > 0) return;
  if (it->second.ended) {
    scripts_.erase(it);
    calls_returned_.notify_all();
    return;
  }
  it->second.turn.emplace(clock_);
  it->second.since = std::chrono::steady_clock::now();
}

std::chrono::steady_clock::duration ScriptTurns::running_for(uint64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = scripts_.find(id);
  if (it == scripts_.end() || !it->second.turn) return {};
  return std::chrono::steady_clock::now() - it->second.since;
}

void ScriptTurns::set_spin_limit(std::chrono::nanoseconds limit) {
  std::lock_guard lock(mutex_);
  spin_limit_ = limit;
}

std::chrono::nanoseconds ScriptTurns::spin_limit() const {
  std::lock_guard lock(mutex_);
  return spin_limit_;
}

void ScriptTurns::set_on_spin(std::function<void(const std::string&)> on_spin) {
  std::lock_guard lock(mutex_);
  on_spin_ = std::move(on_spin);
}

void ScriptTurns::report_spin(const std::string& message) const {
  std::function<void(const std::string&)> tell;
  {
    std::lock_guard lock(mutex_);
    tell = on_spin_;
  }
  if (tell) tell(message);
}

}  // namespace bg::core
