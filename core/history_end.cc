#include "core/history_end.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace bg::core {

nlohmann::ordered_json end_record_json(const HistoryEnd& end) {
  nlohmann::ordered_json j;
  j["kind"] = "end";
  j["complete"] = end.complete;
  j["events"] = end.events;
  j["counts"] = nlohmann::ordered_json::object();
  for (const auto& [type, n] : end.counts) j["counts"][type] = n;
  if (!end.reason.empty()) j["reason"] = end.reason;
  if (!end.signal.empty()) j["signal"] = end.signal;
  return j;
}

bool is_end_record(const nlohmann::json& j) {
  if (!j.is_object() || j.contains("type")) return false;
  auto kind = j.find("kind");
  return kind != j.end() && kind->is_string() && kind->get<std::string>() == "end";
}

HistoryEnd end_record_from_json(const nlohmann::json& j) {
  if (!is_end_record(j)) throw std::invalid_argument("not an end record (\"kind\":\"end\")");
  auto field = [&](const char* name) -> const nlohmann::json& {
    auto it = j.find(name);
    if (it == j.end()) throw std::invalid_argument(std::string("end record has no \"") + name + "\" field");
    return *it;
  };
  HistoryEnd end;
  const auto& complete = field("complete");
  if (!complete.is_boolean()) throw std::invalid_argument("end record's \"complete\" must be true or false");
  end.complete = complete.get<bool>();
  const auto& events = field("events");
  if (!events.is_number_unsigned()) throw std::invalid_argument("end record's \"events\" must be a count");
  end.events = events.get<uint64_t>();
  if (auto counts = j.find("counts"); counts != j.end()) {
    if (!counts->is_object()) throw std::invalid_argument("end record's \"counts\" must be an object");
    for (const auto& [type, n] : counts->items()) {
      if (!n.is_number_unsigned())
        throw std::invalid_argument("end record's count of \"" + type + "\" must be a count");
      end.counts[type] = n.get<uint64_t>();
    }
  }
  if (auto reason = j.find("reason"); reason != j.end() && reason->is_string()) end.reason = reason->get<std::string>();
  if (auto signal = j.find("signal"); signal != j.end() && signal->is_string()) end.signal = signal->get<std::string>();
  return end;
}

}  // namespace bg::core
