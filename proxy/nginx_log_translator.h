#pragma once
// NginxLogTranslator turns the real nginx's log lines into the History's core::ProxyEvents, worded
// and keyed as ProxyServer's own (semantics.md §1): an error_log event per error-log line
// (level and message, the mapped port put back to the declared one, the peer as the user wrote it),
// an access_log event per access-log line in NginxConfigScaler's format (status, $upstream_status,
// X-Request-Id). An error line names its connection (`*N`), not its request; the translator holds it
// until the access line of the same connection ($connection) ends that request and gives it the
// request's id. Pure: lines and times in, events out.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/events.h"
#include "core/time.h"

namespace bg::proxy {

struct ParsedAccessLine {
  double msec = 0;          // $msec: wall seconds with millisecond precision
  uint64_t connection = 0;  // $connection
  int status = 0;
  std::string upstream_status;  // "" for "-"
  uint64_t request_id = 0;
  std::string request_line;
  uint64_t bytes_sent = 0;
};

struct ParsedErrorLine {
  std::string level;
  uint64_t connection = 0;  // the `*N` connection number; 0 when the line has none
  std::string message;
};

std::optional<ParsedAccessLine> parse_access_line(const std::string& line);
std::optional<ParsedErrorLine> parse_error_line(const std::string& line);

class NginxLogTranslator {
 public:
  // `declared_for`: actual port -> declared port (the PortMap's view); `peers`: actual upstream
  // port -> address as written (NginxConfigScaler's). `wall_to_scenario` converts $msec.
  NginxLogTranslator(std::function<std::optional<uint16_t>(uint16_t)> declared_for,
                     std::map<uint16_t, std::string> peers, std::function<core::Time(double)> wall_to_scenario);

  void set_peers(std::map<uint16_t, std::string> peers) { peers_ = std::move(peers); }
  // An error-log line read at scenario time `now` (its own timestamp has whole seconds only).
  std::vector<core::ProxyEvent> error_line(const std::string& line, core::Time now);
  std::vector<core::ProxyEvent> access_line(const std::string& line);
  // The error lines still waiting for their request's access line (at stop).
  std::vector<core::ProxyEvent> flush();

 private:
  std::string declared_ports(const std::string& message) const;
  std::string peer_of(const std::string& message) const;

  std::function<std::optional<uint16_t>(uint16_t)> declared_for_;
  std::map<uint16_t, std::string> peers_;
  std::function<core::Time(double)> wall_to_scenario_;
  std::map<uint64_t, std::vector<core::ProxyEvent>> pending_;  // by connection
};

}  // namespace bg::proxy
