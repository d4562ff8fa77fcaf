#include "core/script_turns.h"

#include <charconv>

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
