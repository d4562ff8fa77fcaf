#include "sim/caller_watch.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <vector>

namespace bg::sim {

std::string process_start_time(const std::filesystem::path& stat) {
  std::ifstream in(stat);
  std::string line;
  if (!std::getline(in, line)) return "";
  auto close = line.rfind(')');  // the command name may hold spaces and parentheses
  if (close == std::string::npos || close + 2 >= line.size() || line[close + 2] == 'Z') return "";
  std::istringstream fields(line.substr(close + 2));
  std::string f;
  for (int i = 0; i < 20 && fields >> f; ++i) {
  }
  return f;  // field 22: starttime
}

CallerWatch::~CallerWatch() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

CallerWatch::Guard CallerWatch::watch(std::filesystem::path stat, std::stop_source& call) {
  std::lock_guard lock(mutex_);
  const uint64_t id = next_id_++;
  callers_.emplace(id, Caller{std::move(stat), "", &call});
  if (!thread_.joinable()) thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
  return Guard(this, id);
}

CallerWatch::Guard::~Guard() {
  if (!watch_) return;
  std::lock_guard lock(watch_->mutex_);
  watch_->callers_.erase(id_);
}

// Real time, not scenario time: this watches processes of the machine, not the scenario.
void CallerWatch::run(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!tick_.wait_for(lock, stop, std::chrono::milliseconds(20), [] { return false; }) && !stop.stop_requested()) {
    std::vector<std::pair<uint64_t, Caller>> now(callers_.begin(), callers_.end());
    lock.unlock();
    std::vector<uint64_t> gone;
    std::vector<std::pair<uint64_t, std::string>> first_seen;
    for (const auto& [id, c] : now) {
      const std::string started = process_start_time(c.stat);
      if (started.empty() || (!c.started.empty() && started != c.started))
        gone.push_back(id);
      else if (c.started.empty())
        first_seen.emplace_back(id, started);
    }
    lock.lock();
    // Only a call still registered is stopped: its Guard, and so its stop_source, still live.
    for (uint64_t id : gone)
      if (auto it = callers_.find(id); it != callers_.end()) {
        it->second.call->request_stop();
        callers_.erase(it);
      }
    for (auto& [id, started] : first_seen)
      if (auto it = callers_.find(id); it != callers_.end()) it->second.started = std::move(started);
  }
}

}  // namespace bg::sim
