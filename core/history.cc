#include "core/history.h"

#include <algorithm>
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

// An event's line without its seq, which is only known under the lock: the costly part (writing
// the JSON object) runs on the appending thread without holding anyone up.
std::string body_of(const Event& event) { return event_line(event); }

std::string with_seq(uint64_t seq, const std::string& body) {
  // body is "{...}" and never "{}": every event has its "type".
  return "{\"seq\":" + std::to_string(seq) + "," + body.substr(1);
}

}  // namespace

// The open file of a streamed history. A large buffer: one write per megabyte, not per event.
struct History::FileSink {
  std::filesystem::path path;
  std::vector<char> buffer = std::vector<char>(1 << 20);
  std::ofstream out;
};

std::string entry_to_line(const Entry& entry) { return with_seq(entry.seq, body_of(entry.event)); }

History::History() = default;

History::~History() {
  // A history dropped without close() (a crashed or abandoned run) keeps what it got, and no end
  // record: readers then know it is incomplete.
  if (sink_) sink_->out.flush();
}

History::History(History&& other) noexcept {
  std::lock_guard lock(other.mutex_);
  entries_ = std::move(other.entries_);
  appended_ = other.appended_;
  counts_ = other.counts_;
  sink_ = std::move(other.sink_);
  observer_ = std::move(other.observer_);
  closed_ = other.closed_;
}

void History::append(Event event) {
  std::string body;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    if (!sink_) {
      ++counts_[event.index()];
      entries_.push_back(Entry{appended_++, std::move(event)});
      if (observer_) observer_(entries_.back());
      return;
    }
  }
  body = body_of(event);
  std::lock_guard lock(mutex_);
  if (closed_ || !sink_) return;
  ++counts_[event.index()];
  const uint64_t seq = appended_++;
  sink_->out << with_seq(seq, body) << '\n';
  if (observer_) observer_(Entry{seq, std::move(event)});
}

void History::set_observer(std::function<void(const Entry&)> observer) {
  std::lock_guard lock(mutex_);
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
  sink->out.rdbuf()->pubsetbuf(sink->buffer.data(), static_cast<std::streamsize>(sink->buffer.size()));
  sink->out.open(path, std::ios::trunc);
  if (!sink->out) throw std::runtime_error("cannot create the history file " + path.string());
  std::lock_guard lock(mutex_);
  if (sink_ || closed_) throw std::logic_error("the history is already streamed or closed");
  for (const auto& e : entries_) sink->out << entry_to_line(e) << '\n';
  entries_.clear();
  entries_.shrink_to_fit();
  sink_ = std::move(sink);
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
  std::lock_guard lock(mutex_);
  HistoryEnd end = end_record(reason, signal);
  if (closed_) return end;
  closed_ = true;
  if (!sink_) return end;
  sink_->out << end_record_json(end).dump() << '\n';
  sink_->out.flush();
  const bool ok = static_cast<bool>(sink_->out);
  sink_->out.close();
  if (!ok) throw std::runtime_error("the history " + sink_->path.string() + " could not be written whole");
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
