#include "proxy/nginx_log_translator.h"

#include <algorithm>
#include <charconv>
#include <regex>

#include <fmt/format.h>

namespace bg::proxy {
namespace {

// Splits on spaces, keeping "quoted" fields whole (without their quotes).
std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  for (size_t i = 0; i < line.size();) {
    if (line[i] == ' ') {
      ++i;
    } else if (line[i] == '"') {
      auto end = line.find('"', i + 1);
      if (end == std::string::npos) end = line.size();
      out.push_back(line.substr(i + 1, end - i - 1));
      i = end + 1;
    } else {
      auto end = line.find(' ', i);
      if (end == std::string::npos) end = line.size();
      out.push_back(line.substr(i, end - i));
      i = end;
    }
  }
  return out;
}

template <class T>
bool number(const std::string& s, T& v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

std::optional<ParsedAccessLine> parse_access_line(const std::string& line) {
  auto f = fields(line);
  ParsedAccessLine a;
  if (f.size() != 7) return std::nullopt;
  try {
    a.msec = std::stod(f[0]);
  } catch (...) {
    return std::nullopt;
  }
  if (!number(f[1], a.connection) || !number(f[2], a.status)) return std::nullopt;
  a.upstream_status = f[3] == "-" ? "" : f[3];
  if (!number(f[4], a.request_id)) a.request_id = 0;
  a.request_line = f[5];
  number(f[6], a.bytes_sent);
  return a;
}

// "2024/05/01 12:34:56 [error] 123#123: *5 connect() failed (111: ...) while connecting to upstream, ..."
std::optional<ParsedErrorLine> parse_error_line(const std::string& line) {
  auto open = line.find(" [");
  auto close = line.find("] ", open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return std::nullopt;
  ParsedErrorLine e;
  e.level = line.substr(open + 2, close - open - 2);
  auto colon = line.find(": ", close);
  if (colon == std::string::npos) return std::nullopt;
  std::string rest = line.substr(colon + 2);
  if (rest.size() > 1 && rest[0] == '*') {
    auto space = rest.find(' ');
    number(rest.substr(1, space - 1), e.connection);
    rest = space == std::string::npos ? "" : rest.substr(space + 1);
  }
  e.message = rest;
  return e;
}

NginxLogTranslator::NginxLogTranslator(std::function<std::optional<uint16_t>(uint16_t)> declared_for,
                                       std::map<uint16_t, std::string> peers,
                                       std::function<core::Time(double)> wall_to_scenario)
    : declared_for_(std::move(declared_for)),
      peers_(std::move(peers)),
      wall_to_scenario_(std::move(wall_to_scenario)) {}

// "127.0.0.1:41234" -> "127.0.0.1:3001": messages read as ProxyServer's, in declared ports.
std::string NginxLogTranslator::declared_ports(const std::string& message) const {
  static const std::regex addr(R"(127\.0\.0\.1:(\d+))");
  std::string out;
  auto begin = std::sregex_iterator(message.begin(), message.end(), addr);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    uint16_t actual = static_cast<uint16_t>(std::stoi((*it)[1].str()));
    auto declared = declared_for_(actual);
    out += message.substr(last, it->position() - last);
    out += fmt::format("127.0.0.1:{}", declared.value_or(actual));
    last = it->position() + it->length();
  }
  return out + message.substr(last);
}

std::string NginxLogTranslator::peer_of(const std::string& message) const {
  static const std::regex upstream(R"(upstream: "http://127\.0\.0\.1:(\d+))");
  static const std::regex connect_to(R"(connect\(\) to 127\.0\.0\.1:(\d+))");
  std::smatch m;
  if (std::regex_search(message, m, upstream) || std::regex_search(message, m, connect_to)) {
    auto it = peers_.find(static_cast<uint16_t>(std::stoi(m[1].str())));
    if (it != peers_.end()) return it->second;
  }
  return "";
}

std::vector<core::ProxyEvent> NginxLogTranslator::error_line(const std::string& line, core::Time now) {
  auto parsed = parse_error_line(line);
  // info is nginx's client-connection chatter ("client closed keepalive connection"), which
  // ProxyServer does not log either.
  if (!parsed || parsed->level == "info" || parsed->level == "debug") return {};
  core::ProxyEvent e;
  e.at = now;
  e.kind = core::ProxyEventKind::error_log;
  e.level = parsed->level;
  e.peer = peer_of(parsed->message);
  e.message = declared_ports(parsed->message);
  std::vector<core::ProxyEvent> out;
  if (parsed->level == "warn" && parsed->message.find("upstream server temporarily disabled") != std::string::npos) {
    core::ProxyEvent down = e;  // ProxyServer's peer_down, from the line nginx writes for it
    down.kind = core::ProxyEventKind::peer_down;
    if (parsed->connection)
      pending_[parsed->connection].push_back(down);
    else
      out.push_back(down);
  }
  if (parsed->connection)
    pending_[parsed->connection].push_back(std::move(e));
  else
    out.push_back(std::move(e));
  return out;
}

std::vector<core::ProxyEvent> NginxLogTranslator::access_line(const std::string& line) {
  auto a = parse_access_line(line);
  if (!a) return {};
  std::vector<core::ProxyEvent> out;
  if (auto it = pending_.find(a->connection); it != pending_.end()) {
    for (auto& e : it->second) {
      e.request_id = a->request_id;
      out.push_back(std::move(e));
    }
    pending_.erase(it);
  }
  core::ProxyEvent e;
  e.at = wall_to_scenario_(a->msec);
  e.kind = core::ProxyEventKind::access_log;
  e.message = fmt::format("127.0.0.1 - - \"{}\" {} {} upstream_status=\"{}\"", a->request_line, a->status,
                          a->bytes_sent, a->upstream_status.empty() ? "-" : a->upstream_status);
  e.request_id = a->request_id;
  e.status = a->status;
  e.upstream_status = a->upstream_status;
  e.attempts = a->upstream_status.empty()
                   ? 0
                   : 1 + static_cast<int>(std::count(a->upstream_status.begin(), a->upstream_status.end(), ','));
  out.push_back(std::move(e));
  return out;
}

std::vector<core::ProxyEvent> NginxLogTranslator::flush() {
  std::vector<core::ProxyEvent> out;
  for (auto& [conn, events] : pending_)
    for (auto& e : events) out.push_back(std::move(e));
  pending_.clear();
  return out;
}

}  // namespace bg::proxy
