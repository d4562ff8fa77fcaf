#include "core/history_reader.h"

#include <fstream>
#include <istream>
#include <stdexcept>

namespace bg::core {

HistoryRead read_history(std::istream& in, const std::string& source, const EntryVisitor& visit) {
  HistoryRead read;
  std::string line;
  uint64_t line_no = 0;
  Entry entry;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto where = [&] { return source + ":" + std::to_string(line_no) + ": "; };
    if (read.end) throw std::runtime_error(where() + "a line after the history's end record");
    try {
      const auto j = nlohmann::json::parse(line);
      if (is_end_record(j)) {
        read.end = end_record_from_json(j);
        continue;
      }
      entry.event = event_from_json(j);
    } catch (const std::exception& e) {
      throw std::runtime_error(where() + e.what());
    }
    entry.seq = read.events++;
    visit(entry);
  }
  return read;
}

HistoryRead read_history_file(const std::filesystem::path& path, const EntryVisitor& visit) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the history " + path.string());
  return read_history(in, path.string(), visit);
}

EntrySource file_source(std::filesystem::path path) {
  return [path = std::move(path)](const EntryVisitor& visit) { return read_history_file(path, visit); };
}

EntrySource memory_source(const std::vector<Entry>& entries) {
  return [&entries](const EntryVisitor& visit) {
    HistoryRead read;
    for (const auto& e : entries) {
      visit(e);
      ++read.events;
    }
    read.end = HistoryEnd{true, read.events, {}, "", ""};
    return read;
  };
}

}  // namespace bg::core
