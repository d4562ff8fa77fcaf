#pragma once
// The completeness record: the last line of every history a run finished writing, normally or
// interrupted. A history without it was cut short (the process was killed, the disk filled, the file
// was truncated or is not a bluegreen history), so nothing may be concluded from it:
//   {"kind":"end","complete":true,"events":1234,"counts":{"request":900,...}}
//   {"kind":"end","complete":true,"events":80,"counts":{...},"reason":"interrupted by SIGINT","signal":"SIGINT"}
// "complete" says the file holds every event the run recorded; whether the run itself ran to its end
// is "reason" ("" or absent: it did).
#include <cstdint>
#include <map>
#include <string>

// Declarations only: the files that include history.h but never read or write the record need
// not parse nlohmann/json; the ones that call these include it themselves.
#include <nlohmann/json_fwd.hpp>

namespace bg::core {

struct HistoryEnd {
  bool complete = true;
  uint64_t events = 0;                     // event lines before this record
  std::map<std::string, uint64_t> counts;  // per event type ("request", "container", ...)
  std::string reason;                      // why the run ended early; "" when it ran to its end
  std::string signal;                      // "SIGINT", "SIGTERM", "SIGHUP" when a signal ended it
};

// The record as one JSON object, "kind" and "complete" first so that it reads as what it is.
nlohmann::ordered_json end_record_json(const HistoryEnd& end);
// True for a line that is a completeness record ({"kind":"end",...} without an event "type").
bool is_end_record(const nlohmann::json& j);
// Throws std::invalid_argument naming the field that is missing or of the wrong type.
HistoryEnd end_record_from_json(const nlohmann::json& j);

}  // namespace bg::core
