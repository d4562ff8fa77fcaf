#include "fakes/nextjs/real_next_protocol.h"

#include <charconv>

namespace bg::fakes {
namespace {

constexpr std::string_view kPrefix = "bluegreen ";

// "key=value" words after the kind; each value a run of non-spaces.
std::optional<std::string_view> field(std::string_view rest, std::string_view key) {
  size_t at = 0;
  while (at < rest.size()) {
    size_t end = rest.find(' ', at);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view word = rest.substr(at, end - at);
    if (word.size() > key.size() && word.substr(0, key.size()) == key && word[key.size()] == '=')
      return word.substr(key.size() + 1);
    at = end + 1;
  }
  return std::nullopt;
}

std::optional<uint64_t> number(std::optional<std::string_view> text) {
  if (!text || text->empty()) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc{} || end != text->data() + text->size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<ProtocolLine> parse_protocol_line(std::string_view line) {
  if (line.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view rest = line.substr(kPrefix.size());
  std::string_view kind = rest.substr(0, rest.find(' '));
  std::string_view fields = kind.size() < rest.size() ? rest.substr(kind.size() + 1) : std::string_view{};
  ProtocolLine p;
  if (kind == "ready" && fields.empty()) {
    p.kind = ProtocolLine::Kind::ready;
  } else if (kind == "draining" && fields.empty()) {
    p.kind = ProtocolLine::Kind::draining;
  } else if (kind == "listening") {
    auto port = number(field(fields, "port"));
    if (!port) return std::nullopt;
    p.kind = ProtocolLine::Kind::listening;
    p.detail = "port=" + std::to_string(*port);
  } else if (kind == "begin") {
    auto n = number(field(fields, "n"));
    auto id = number(field(fields, "request_id"));
    if (!n || !id) return std::nullopt;
    p.kind = ProtocolLine::Kind::begin;
    p.n = *n;
    p.request_id = *id;
  } else if (kind == "end") {
    auto n = number(field(fields, "n"));
    if (!n) return std::nullopt;
    p.kind = ProtocolLine::Kind::end;
    p.n = *n;
  } else if (kind == "execution") {
    auto id = number(field(fields, "request_id"));
    auto execution = field(fields, "execution_id");
    if (!id || !execution || execution->empty()) return std::nullopt;
    p.kind = ProtocolLine::Kind::execution;
    p.request_id = *id;
    p.execution_id = std::string(*execution);
  } else {
    return std::nullopt;
  }
  return p;
}

std::optional<core::AppWhat> RealNextRequests::take(const ProtocolLine& line) {
  using K = ProtocolLine::Kind;
  switch (line.kind) {
    case K::begin:
      in_flight_[line.n] = line.request_id;
      return std::nullopt;
    case K::end:
      in_flight_.erase(line.n);
      return std::nullopt;
    case K::listening:
      return core::AppWhat::listening;
    case K::ready:
      return core::AppWhat::ready;
    case K::draining:
      return core::AppWhat::draining;
    case K::execution:
      return core::AppWhat::execution;
  }
  return std::nullopt;
}

std::vector<uint64_t> RealNextRequests::cut_at_exit() {
  std::vector<uint64_t> ids;
  for (const auto& [n, id] : in_flight_) ids.push_back(id);
  in_flight_.clear();
  return ids;
}

}  // namespace bg::fakes
