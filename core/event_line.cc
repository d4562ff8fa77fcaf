#include "core/event_line.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/events_json.h"

namespace bg::core {
namespace {

// Fields as (key, JSON text) pairs, put in key order as nlohmann's std::map-backed object is.
// `plain` turns false at the first string the direct writer leaves to nlohmann.
class Fields {
 public:
  void text(std::string_view key, std::string_view value) {
    std::string quoted;
    quoted.reserve(value.size() + 2);
    quoted += '"';
    for (const char c : value) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte >= 0x80) plain_ = false;  // nlohmann's \u escapes and UTF-8 checks
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    quoted += '"';
    add(key, std::move(quoted));
  }
  template <class Integer>
  void number(std::string_view key, Integer value) {
    std::array<char, 24> buffer{};
    const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value).ptr;
    add(key, std::string(buffer.data(), end));
  }
  void time(std::string_view key, Time value) { number(key, value.count()); }

  bool plain() const { return plain_; }
  std::string object() {
    std::sort(fields_.begin(), fields_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out = "{";
    for (const auto& [key, value] : fields_) {
      if (out.size() > 1) out += ',';
      out += '"';
      out += key;
      out += "\":";
      out += value;
    }
    out += '}';
    return out;
  }

 private:
  void add(std::string_view key, std::string value) { fields_.emplace_back(key, std::move(value)); }
  std::vector<std::pair<std::string_view, std::string>> fields_;
  bool plain_ = true;
};

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::ok:
      return "ok";
    case Outcome::fail:
      return "fail";
    case Outcome::info:
      return "info";
  }
  return "ok";
}

void write(Fields& f, const RequestEvent& e) {
  f.number("id", e.id);
  f.number("client", e.client);
  f.text("method", e.method);
  f.text("path", e.path);
  f.time("intended", e.intended);
  f.time("start", e.start);
  f.time("end", e.end);
  f.number("status", e.status);
  f.text("error", e.error);
  f.text("outcome", outcome_name(e.outcome));
  f.text("served_by", e.served_by);
  f.text("build_id", e.build_id);
  f.text("execution_id", e.execution_id);
}

void write(Fields& f, const ProxyEvent& e) {
  f.time("at", e.at);
  f.text("kind", proxy_event_kind_name(e.kind));
  f.text("level", e.level);
  f.text("message", e.message);
  f.text("peer", e.peer);
  f.number("request_id", e.request_id);
  f.number("worker", e.worker);
  f.number("status", e.status);
  f.number("attempts", e.attempts);
  f.text("upstream_status", e.upstream_status);
}

void write(Fields& f, const AppEvent& e) {
  f.time("at", e.at);
  f.text("container", e.container);
  f.text("build_id", e.build_id);
  f.text("what", app_what_name(e.what));
  f.number("request_id", e.request_id);
  f.text("execution_id", e.execution_id);
  f.text("detail", e.detail);
}

template <class Direct>
std::string direct_or_nlohmann(const Event& event, const Direct& e) {
  Fields f;
  write(f, e);
  if (!f.plain()) return event_to_json(event).dump();
  f.text("type", event_type_name(event));
  return f.object();
}

}  // namespace

std::string event_line(const Event& event) {
  if (const auto* r = std::get_if<RequestEvent>(&event)) return direct_or_nlohmann(event, *r);
  if (const auto* p = std::get_if<ProxyEvent>(&event)) return direct_or_nlohmann(event, *p);
  if (const auto* a = std::get_if<AppEvent>(&event)) return direct_or_nlohmann(event, *a);
  return event_to_json(event).dump();
}

}  // namespace bg::core
