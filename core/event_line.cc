#include "core/event_line.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/events_json.h"

namespace bg::core {
namespace {

// An object's fields written straight into its line, in the key order of nlohmann's std::map-backed
// object: each write() below names its keys in that order, and a key out of order is a bug that
// throws (the tests compare every line with nlohmann's). No per-field strings and no sort: this
// runs for every event of a run. `plain` turns false at the first string the direct writer leaves
// to nlohmann.
class Fields {
 public:
  Fields() { out_.reserve(256); }
  void text(std::string_view key, std::string_view value) {
    add_key(key);
    out_ += '"';
    for (const char c : value) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte >= 0x80) plain_ = false;  // nlohmann's \u escapes and UTF-8 checks
      if (c == '"' || c == '\\') out_ += '\\';
      out_ += c;
    }
    out_ += '"';
  }
  template <class Integer>
  void number(std::string_view key, Integer value) {
    add_key(key);
    std::array<char, 24> buffer{};
    const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value).ptr;
    out_.append(buffer.data(), end);
  }
  void time(std::string_view key, Time value) { number(key, value.count()); }

  bool plain() const { return plain_; }
  std::string object() && {
    out_ += '}';
    return std::move(out_);
  }

 private:
  void add_key(std::string_view key) {
    if (!last_key_.empty() && !(last_key_ < key))
      throw std::logic_error("event_line: field \"" + std::string(key) + "\" written out of key order");
    out_ += last_key_.empty() ? "{\"" : ",\"";
    out_ += key;
    out_ += "\":";
    last_key_ = key;
  }
  std::string out_;
  std::string_view last_key_;
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

// Each in key order, "type" included (written here so that it falls in its place).
void write(Fields& f, const RequestEvent& e, std::string_view type) {
  f.text("build_id", e.build_id);
  f.number("client", e.client);
  f.time("end", e.end);
  f.text("error", e.error);
  f.text("execution_id", e.execution_id);
  f.number("id", e.id);
  f.time("intended", e.intended);
  f.text("method", e.method);
  f.text("outcome", outcome_name(e.outcome));
  f.text("path", e.path);
  f.text("served_by", e.served_by);
  f.time("start", e.start);
  f.number("status", e.status);
  f.text("type", type);
}

void write(Fields& f, const ProxyEvent& e, std::string_view type) {
  f.time("at", e.at);
  f.number("attempts", e.attempts);
  f.text("kind", proxy_event_kind_name(e.kind));
  f.text("level", e.level);
  f.text("message", e.message);
  f.text("peer", e.peer);
  f.number("request_id", e.request_id);
  f.number("status", e.status);
  f.text("type", type);
  f.text("upstream_status", e.upstream_status);
  f.number("worker", e.worker);
}

void write(Fields& f, const AppEvent& e, std::string_view type) {
  f.time("at", e.at);
  f.text("build_id", e.build_id);
  f.text("container", e.container);
  f.text("detail", e.detail);
  f.text("execution_id", e.execution_id);
  f.number("request_id", e.request_id);
  f.text("type", type);
  f.text("what", app_what_name(e.what));
}

template <class Direct>
std::string direct_or_nlohmann(const Event& event, const Direct& e) {
  Fields f;
  write(f, e, event_type_name(event));
  if (!f.plain()) return event_to_json(event).dump();
  return std::move(f).object();
}

}  // namespace

std::string event_line(const Event& event) {
  if (const auto* r = std::get_if<RequestEvent>(&event)) return direct_or_nlohmann(event, *r);
  if (const auto* p = std::get_if<ProxyEvent>(&event)) return direct_or_nlohmann(event, *p);
  if (const auto* a = std::get_if<AppEvent>(&event)) return direct_or_nlohmann(event, *a);
  return event_to_json(event).dump();
}

}  // namespace bg::core
