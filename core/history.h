#pragma once
// History: the run's one append-only record. Every component appends what it observed; checkers and
// reports read it. Thread-safe; entries keep their append order (seq) and their own timestamps.
//
// Two ways to keep it. In memory (the default: unit tests, short worlds a test inspects as it goes),
// or streamed to a JSONL file as it is appended (stream_to: a run, whose memory must not grow with
// its length, about 2.3 KB per request when kept). A streamed history is read back in one pass with
// core/history_reader.h, and ends with its completeness record (core/history_end.h) once closed.
//
// A streamed history is written by a thread of its own: an append only numbers the entry and queues
// it, and the writer turns it into its JSON line and hands it to the observer (the run's judge).
// Writing and judging were a sixth of a sim run's CPU on the thread that runs the simulation, which
// a second core now takes. The queue is bounded (an appender far ahead of the writer waits for it),
// so memory still does not grow with the run; close() waits until every entry is written.
#include <array>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/events.h"
#include "core/history_end.h"

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

// How far apart in scenario time the events about one request or one swap may be appended: a
// request is appended when it ends (up to its client timeout after its send), a real nginx's log
// lines when the log is next read. Streaming readers hold what may still be joined for this long
// after the history's clock (the latest event time read) has passed it; what arrives later still is
// judged alone. Far above any timeout a scenario sets, and small enough to hold.
inline constexpr Duration kAppendLag = std::chrono::seconds(300);

class History {
 public:
  History();
  ~History();
  History(const History&) = delete;
  History& operator=(const History&) = delete;
  History(History&& other) noexcept;

  void append(Event event);
  // Events appended so far (kept or streamed).
  size_t size() const;
  // A copy of the entries kept in memory, in append order (none are kept once streaming).
  std::vector<Entry> entries() const;
  // A copy of the kept entries sorted by event time (stable: ties keep append order).
  std::vector<Entry> by_time() const;

  // Every kept event of one type, in append order.
  template <class T>
  std::vector<T> all() const {
    std::lock_guard lock(mutex_);
    return events_of<T>(entries_);
  }

  // From now on every event goes to `path` as one JSON line when appended and is not kept; the
  // entries kept so far are written first and dropped. Throws std::runtime_error when the file
  // cannot be created.
  void stream_to(const std::filesystem::path& path);
  bool streaming() const;
  // Ends the history: writes the completeness record (with `reason` and `signal` when the run
  // ended early) and closes the file. Later appends are dropped. Only the first call writes; it
  // returns the record, or throws std::runtime_error when the file could not be written whole
  // (a full disk), so the caller never trusts a history that lost events.
  HistoryEnd close(const std::string& reason = "", const std::string& signal = "");
  bool closed() const;

  // The kept entries, one JSON object per line ({"seq":..,"type":"request",...fields}), then the
  // completeness record.
  void write_jsonl(std::ostream& out) const;
  // Reads what write_jsonl or a streamed run wrote, into memory. Throws std::runtime_error naming
  // the line that is malformed.
  static History read_jsonl(std::istream& in, const std::string& source_name);

  // Hands every entry to `observer` in seq order, as a reader of the closed file would see them: the
  // ones kept so far at once, then each one as it is appended (streamed or kept). So a run is judged
  // while it is produced instead of by reading its history.jsonl back, which parsing every line made
  // a fifth of a sim run's CPU. On a kept history it runs under the history's lock, on the appending
  // thread; on a streamed one, on the writer thread, after the entry's line is written, and every
  // entry is handed on before close() returns. Either way it must not append. When it throws, the
  // history is still written whole and close() throws what it threw (so does a line that could not
  // be written). Setting one on a streamed history first waits until the entries queued so far have
  // gone to the old one. An empty observer stops the handing on.
  void set_observer(std::function<void(const Entry&)> observer);

 private:
  struct FileSink;
  HistoryEnd end_record(const std::string& reason, const std::string& signal) const;  // under mutex_
  // The writer thread: writes the queued entries' lines and hands them to the observer, in seq
  // order, until stop_writer().
  void write_queued();
  void start_writer();
  void stop_writer();  // waits until every queued entry is written

  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
  uint64_t appended_ = 0;
  std::array<uint64_t, std::variant_size_v<Event>> counts_{};
  std::unique_ptr<FileSink> sink_;
  std::function<void(const Entry&)> observer_;
  bool closed_ = false;
  std::mutex close_mutex_;  // a second close() waits until the first has written the end record

  // The streamed history's queue (under mutex_).
  std::vector<Entry> queued_;
  std::condition_variable wake_writer_;      // a full batch is queued, a drain or stop was asked for
  std::condition_variable writer_progress_;  // the writer took a batch or finished one
  bool writer_waits_ = false;
  bool writer_busy_ = false;  // it writes a batch outside the lock
  bool drain_ = false;        // set_observer() waits for the queue to empty
  bool stop_ = false;
  std::exception_ptr writer_error_;  // the first line or observer that failed (the writer's thread only)
  std::thread writer_;
};

// One event as the history's JSON line (without the newline).
std::string entry_to_line(const Entry& entry);

}  // namespace bg::core
