#pragma once
// CallerWatch: the processes whose shim calls are in flight, watched by one thread for the whole run,
// so that a call whose caller is gone ends (a killed script's `sleep 3600` must not keep sleeping,
// nor hold one of the shims' server's workers). One thread polls every caller's /proc entry every
// 20 ms of real time; a caller that is gone, or whose pid now names another process (its start time
// differs), has its call asked to stop. It replaced a thread started for every call: thread starts
// were 4 % of a `check` case's CPU.
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

namespace bg::sim {

class CallerWatch {
 public:
  CallerWatch() = default;
  ~CallerWatch();  // stops and joins the thread
  CallerWatch(const CallerWatch&) = delete;
  CallerWatch& operator=(const CallerWatch&) = delete;

  // Watches the process of `stat` (its /proc/<pid>/stat, seen from here) for as long as the Guard
  // lives: `call` is asked to stop once the process has gone, or is already gone at the watch's first
  // look. Nothing is read here: most calls end before the first look, and reading a stat through
  // the host's /proc was 4 % of a `check` case's CPU when every call did.
  class Guard {
   public:
    Guard() = default;
    Guard(CallerWatch* watch, uint64_t id) : watch_(watch), id_(id) {}
    Guard(Guard&& o) noexcept : watch_(o.watch_), id_(o.id_) { o.watch_ = nullptr; }
    Guard& operator=(Guard&&) = delete;
    ~Guard();

   private:
    CallerWatch* watch_ = nullptr;
    uint64_t id_ = 0;
  };
  [[nodiscard]] Guard watch(std::filesystem::path stat, std::stop_source& call);

 private:
  struct Caller {
    std::filesystem::path stat;
    std::string started;  // /proc/<pid>/stat's field 22 at the first look; empty before it
    std::stop_source* call;
  };
  void run(std::stop_token stop);

  std::mutex mutex_;
  std::condition_variable_any tick_;
  std::map<uint64_t, Caller> callers_;
  uint64_t next_id_ = 1;
  std::jthread thread_;  // started with the first caller
};

// Field 22 of a /proc/<pid>/stat (when the process started, in clock ticks since boot), or "" when
// the process is gone or a zombie.
std::string process_start_time(const std::filesystem::path& stat);

}  // namespace bg::sim
