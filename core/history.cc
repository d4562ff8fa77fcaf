#include "core/history.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <istream>
#include <ostream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/event_line.h"
#include "core/events_json.h"
#include "core/history_reader.h"

namespace bg::core {
namespace {

std::string with_seq(uint64_t seq, const std::string& body) {
  // body is "{...}" and never "{}": every event has its "type".
  return "{\"seq\":" + std::to_string(seq) + "," + body.substr(1);
}

}  // namespace

// The open file of a streamed history. A large buffer: one write per megabyte, not per event.
struct History::FileSink {
  std::filesystem::path path;
  static constexpr size_t kBufferSize = 1 << 20;
  std::unique_ptr<char[]> buffer = std::make_unique_for_overwrite<char[]>(kBufferSize);  // not zeroed
  std::ofstream out;
};

std::string entry_to_line(const Entry& entry) { return with_seq(entry.seq, event_line(entry.event)); }

History::History() = default;

History::~History() {
  // A history dropped without close() (a crashed or abandoned run) keeps what it got, and no end
  // record: readers then know it is incomplete.
  stop_writer();
  if (sink_) sink_->out.flush();
}

// Only a history that is not streamed is moved in practice (read_jsonl's); a streamed one's writer
// is stopped, then started again on the new object, since the thread works on `this`.
History::History(History&& other) noexcept {
  other.stop_writer();
  std::lock_guard lock(other.mutex_);
  entries_ = std::move(other.entries_);
  appended_ = other.appended_;
  counts_ = other.counts_;
  sink_ = std::move(other.sink_);
  observer_ = std::move(other.observer_);
  closed_ = other.closed_;
  writer_error_ = other.writer_error_;
  if (sink_ && !closed_) start_writer();
}

namespace {
// The writer takes the queue when this many entries wait, or every kWritePeriod: it is woken a few
// dozen times in a sim run, not once per entry (a wake-up is a system call).
constexpr size_t kWriteBatch = 256;
constexpr auto kWritePeriod = std::chrono::milliseconds(50);
// An appender waits for the writer once this many entries wait (a few MB).
constexpr size_t kMaxQueued = 8192;
}  // namespace

void History::append(Event event) {
  std::unique_lock lock(mutex_);
  if (closed_) return;
  ++counts_[event.index()];
  if (!sink_) {
    entries_.push_back(Entry{appended_++, std::move(event)});
    if (observer_) observer_(entries_.back());
    return;
  }
  queued_.push_back(Entry{appended_++, std::move(event)});
  if (queued_.size() >= kWriteBatch && writer_waits_) wake_writer_.notify_one();
  if (queued_.size() >= kMaxQueued) writer_progress_.wait(lock, [&] { return queued_.size() < kMaxQueued; });
}

void History::start_writer() {
  stop_ = false;
  writer_ = std::thread([this] { write_queued(); });
}

void History::stop_writer() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_writer_.notify_one();
  if (writer_.joinable()) writer_.join();
}

void History::write_queued() {
  std::vector<Entry> batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    writer_waits_ = true;
    wake_writer_.wait_for(lock, kWritePeriod,
                          [&] { return queued_.size() >= kWriteBatch || stop_ || (drain_ && !queued_.empty()); });
    writer_waits_ = false;
    if (queued_.empty()) {
      if (stop_) return;
      continue;
    }
    batch.swap(queued_);
    const auto observer = observer_;
    writer_busy_ = true;
    writer_progress_.notify_all();
    lock.unlock();
    for (const auto& e : batch) {
      // Neither a line that cannot be written (text that is not UTF-8) nor an observer that throws
      // may end this thread: close() throws the first such error, so the run is not trusted, and
      // every other line is still written.
      try {
        sink_->out << entry_to_line(e) << '\n';
      } catch (const std::exception& x) {
        if (!writer_error_)
          writer_error_ = std::make_exception_ptr(
              std::runtime_error("the history could not write entry " + std::to_string(e.seq) + ": " + x.what()));
        continue;
      }
      if (!observer || writer_error_) continue;
      try {
        observer(e);
      } catch (...) {
        writer_error_ = std::current_exception();  // no entry after it goes to the observer
      }
    }
    batch.clear();
    lock.lock();
    writer_busy_ = false;
    writer_progress_.notify_all();
  }
}

void History::set_observer(std::function<void(const Entry&)> observer) {
  std::unique_lock lock(mutex_);
  if (writer_.joinable()) {
    // The entries queued so far go to the observer they were appended under.
    drain_ = true;
    wake_writer_.notify_one();
    writer_progress_.wait(lock, [&] { return queued_.empty() && !writer_busy_; });
    drain_ = false;
  }
  observer_ = std::move(observer);
  if (observer_)
    for (const auto& e : entries_) observer_(e);
}

size_t History::size() const {
  std::lock_guard lock(mutex_);
  return appended_;
}

std::vector<Entry> History::entries() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

std::vector<Entry> History::by_time() const {
  auto out = entries();
  std::stable_sort(out.begin(), out.end(),
                   [](const Entry& a, const Entry& b) { return event_time(a.event) < event_time(b.event); });
  return out;
}

void History::stream_to(const std::filesystem::path& path) {
  auto sink = std::make_unique<FileSink>();
  sink->path = path;
  sink->out.rdbuf()->pubsetbuf(sink->buffer.get(), static_cast<std::streamsize>(FileSink::kBufferSize));
  sink->out.open(path, std::ios::trunc);
  if (!sink->out) throw std::runtime_error("cannot create the history file " + path.string());
  std::lock_guard lock(mutex_);
  if (sink_ || closed_) throw std::logic_error("the history is already streamed or closed");
  for (const auto& e : entries_) sink->out << entry_to_line(e) << '\n';
  entries_.clear();
  entries_.shrink_to_fit();
  sink_ = std::move(sink);
  start_writer();
}

bool History::streaming() const {
  std::lock_guard lock(mutex_);
  return sink_ != nullptr;
}

bool History::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

HistoryEnd History::end_record(const std::string& reason, const std::string& signal) const {
  HistoryEnd end;
  end.events = appended_;
  for (size_t i = 0; i < counts_.size(); ++i)
    if (counts_[i]) end.counts[event_type_name_at(i)] = counts_[i];
  end.reason = reason;
  end.signal = signal;
  return end;
}

HistoryEnd History::close(const std::string& reason, const std::string& signal) {
  std::lock_guard closing(close_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (closed_ || !sink_) {
      closed_ = true;
      return end_record(reason, signal);
    }
    closed_ = true;  // later appends are dropped: the writer has all there will be
  }
  stop_writer();
  std::lock_guard lock(mutex_);
  HistoryEnd end = end_record(reason, signal);
  sink_->out << end_record_json(end).dump() << '\n';
  sink_->out.flush();
  const bool ok = static_cast<bool>(sink_->out);
  sink_->out.close();
  if (!ok) throw std::runtime_error("the history " + sink_->path.string() + " could not be written whole");
  if (writer_error_) std::rethrow_exception(std::exchange(writer_error_, nullptr));
  return end;
}

void History::write_jsonl(std::ostream& out) const {
  std::lock_guard lock(mutex_);
  for (const auto& entry : entries_) out << entry_to_line(entry) << '\n';
  out << end_record_json(end_record("", "")).dump() << '\n';
}

History History::read_jsonl(std::istream& in, const std::string& source_name) {
  History history;
  read_history(in, source_name, [&](const Entry& e) { history.append(e.event); });
  return history;
}

}  // namespace bg::core
