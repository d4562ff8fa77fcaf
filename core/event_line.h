#pragma once
// An event's history.jsonl line (without its seq): exactly what nlohmann's dump of
// event_to_json(event) gives (core/events_json.h), written directly for the three kinds a run appends
// per request (request, proxy, app: 14,000 of a seed run's 14,763 lines), where building the JSON
// object and dumping it cost a tenth of a sim run's CPU. Any other event, and any event with a
// string the direct writer does not escape itself (a control character, a byte of UTF-8, which
// nlohmann validates), goes through nlohmann: the bytes are the same either way
// (event_line_test.cc compares them).
#include <string>

#include "core/events.h"

namespace bg::core {

std::string event_line(const Event& event);

}  // namespace bg::core
