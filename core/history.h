#pragma once
// History: the run's one append-only record. Every component appends what it observed; checkers and
// reports read it. Thread-safe; entries keep their append order (seq) and their own timestamps.
#include <cstdint>
#include <iosfwd>
#include <mutex>
#include <string>
#include <vector>

#include "core/events.h"

namespace bg::core {

struct Entry {
  uint64_t seq = 0;
  Event event;
};

// Every event of one type among `entries`, in their order: how checkers and reports read a history.
template <class T>
std::vector<T> events_of(const std::vector<Entry>& entries) {
  std::vector<T> out;
  for (const auto& e : entries)
    if (auto* p = std::get_if<T>(&e.event)) out.push_back(*p);
  return out;
}

class History {
 public:
  History() = default;
  History(const History&) = delete;
  History& operator=(const History&) = delete;
  History(History&& other) noexcept;

  void append(Event event);
  size_t size() const;
  // A copy of all entries in append order.
  std::vector<Entry> entries() const;
  // A copy of all entries sorted by event time (stable: ties keep append order).
  std::vector<Entry> by_time() const;

  // Every event of one type, in append order.
  template <class T>
  std::vector<T> all() const {
    std::lock_guard lock(mutex_);
    return events_of<T>(entries_);
  }

  // One JSON object per line: {"seq":..,"type":"request",...fields}.
  void write_jsonl(std::ostream& out) const;
  // Reads what write_jsonl wrote. Throws std::runtime_error naming the line that is malformed.
  static History read_jsonl(std::istream& in, const std::string& source_name);

 private:
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

}  // namespace bg::core
