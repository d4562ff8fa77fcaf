#include "cli/saved_history.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <optional>
#include <variant>

#include "core/events_json.h"
#include "core/history_end.h"

namespace bg::cli {
namespace {

namespace fs = std::filesystem;

// nlohmann's messages start with "[json.exception.parse_error.101] "; the user needs the rest.
std::string without_library_tag(const std::string& what) {
  if (what.rfind("[json.exception.", 0) != 0) return what;
  const auto end = what.find("] ");
  return end == std::string::npos ? what : what.substr(end + 2);
}

// The end record at `line` must say the history is complete and that it holds `events` events.
void check_end(const fs::path& path, int line, const nlohmann::json& end, uint64_t events) {
  const auto where = fmt::format("{}:{}", path.string(), line);
  const auto complete = end.find("complete");
  if (complete == end.end() || !complete->is_boolean())
    throw SavedHistoryError(fmt::format("{}: the end record has no \"complete\": true or false", where));
  if (!complete->get<bool>())
    throw SavedHistoryError(
        fmt::format("{}: the end record says the history is incomplete (\"complete\": false): "
                    "events were lost, so it cannot be judged",
                    where));
  if (const auto reason = end.find("reason"); reason != end.end() && reason->is_string() && !reason->empty())
    throw SavedHistoryError(
        fmt::format("{}: the run ended early ({}): its history covers part of the run, so no "
                    "verdict can be given from it",
                    where, reason->get<std::string>()));
  if (const auto said = end.find("events"); said != end.end()) {
    if (!said->is_number_unsigned())
      throw SavedHistoryError(fmt::format("{}: the end record's \"events\" is not a count", where));
    if (said->get<uint64_t>() != events)
      throw SavedHistoryError(
          fmt::format("{}: the end record says {} events but the history holds {}: lines were "
                      "lost or added",
                      where, said->get<uint64_t>(), events));
  }
}

}  // namespace

void check_saved_history(const fs::path& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status)) throw SavedHistoryError(fmt::format("{}: no such file", path.string()));
  if (fs::is_directory(status))
    throw SavedHistoryError(
        fmt::format("{}: is a folder, not a history (expected a run's history.jsonl or result.json)", path.string()));
  // A FIFO would block the read and a device (/dev/zero) never end it.
  if (!fs::is_regular_file(status))
    throw SavedHistoryError(fmt::format("{}: is not a regular file (expected a run's history.jsonl)", path.string()));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SavedHistoryError(fmt::format("{}: cannot be read", path.string()));

  uint64_t events = 0, requests = 0;
  std::optional<int> end_line;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.empty()) continue;
    const auto where = fmt::format("{}:{}", path.string(), line_no);
    if (end_line)
      throw SavedHistoryError(
          fmt::format("{}: a line after the end record (line {}): two histories joined, or a "
                      "file written to after its run ended",
                      where, *end_line));
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      throw SavedHistoryError(
          fmt::format("{}: not JSON ({}): not a bluegreen history", where, without_library_tag(e.what())));
    }
    if (core::is_end_record(j)) {
      check_end(path, line_no, j, events);
      end_line = line_no;
      continue;
    }
    try {
      const core::Event event = core::event_from_json(j);
      ++events;
      if (std::holds_alternative<core::RequestEvent>(event)) ++requests;
    } catch (const std::exception& e) {
      throw SavedHistoryError(
          fmt::format("{}: not a bluegreen history record: {}", where, without_library_tag(e.what())));
    }
  }
  if (events == 0 && !end_line)
    throw SavedHistoryError(
        fmt::format("{}: is empty: a run's history holds its events and ends with its end record", path.string()));
  if (!end_line)
    throw SavedHistoryError(
        fmt::format("{}: ends at line {} without its end record ({{\"kind\":\"end\",...}}): the "
                    "history was cut short (the run was killed, or the file truncated or not "
                    "written by bluegreen), so it cannot be judged",
                    path.string(), line_no));
  // Every run sends requests: with none, every checker holds vacuously and the verdict would be HELD.
  if (requests == 0)
    throw SavedHistoryError(fmt::format("{}: holds no request, so there is nothing to judge", path.string()));
}

}  // namespace bg::cli
