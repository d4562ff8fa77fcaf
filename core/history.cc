#include "core/history.h"

#include <algorithm>
#include <istream>
#include <ostream>
#include <stdexcept>

namespace bg::core {

History::History(History&& other) noexcept {
  std::lock_guard lock(other.mutex_);
  entries_ = std::move(other.entries_);
}

void History::append(Event event) {
  std::lock_guard lock(mutex_);
  entries_.push_back(Entry{entries_.size(), std::move(event)});
}

size_t History::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
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

void History::write_jsonl(std::ostream& out) const {
  for (const auto& entry : entries()) {
    auto j = event_to_json(entry.event);
    j["seq"] = entry.seq;
    out << j.dump() << '\n';
  }
}

History History::read_jsonl(std::istream& in, const std::string& source_name) {
  History history;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    try {
      history.append(event_from_json(nlohmann::json::parse(line)));
    } catch (const std::exception& e) {
      throw std::runtime_error(source_name + ":" + std::to_string(line_no) + ": " + e.what());
    }
  }
  return history;
}

}  // namespace bg::core
