#include "core/history_reader.h"

#include <fstream>
#include <istream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/events_json.h"

namespace bg::core {
namespace {

// A number in a history field that no int64 holds (3e+64, or one written as a float where the field
// is an integer): nlohmann's conversion to an integer field would be undefined behaviour (UBSan
// float-cast-overflow, found by bg_fuzz_history), and no history bluegreen writes holds one.
void check_numbers(const nlohmann::json& record) {
  if (!record.is_object()) return;
  for (const auto& [field, value] : record.items()) {
    if (!value.is_number_float()) continue;
    const double v = value.get<double>();
    if (!(v >= -9.2233720368547758e18 && v < 9.2233720368547758e18))
      throw std::invalid_argument("field \"" + field + "\": " + value.dump() + " is out of range");
  }
}

}  // namespace

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
      check_numbers(j);
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
