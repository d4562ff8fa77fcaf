#pragma once
// NginxConfigScaler writes the copy of a user's nginx.conf that the real nginx binary runs for a
// scenario: every duration scaled from scenario seconds to real milliseconds (scenario_s *
// time_scale), `listen` ports and upstream/proxy_pass addresses moved to the run's mapped loopback
// ports, includes inlined (read through the run's PathMap), and the process settings the harness
// needs (daemon off, its own pid file, error log at info, an access log with $msec,
// $upstream_status and $http_x_request_id, temp paths in its prefix). Pure apart from reading the
// user's files: the port mapping is a function argument.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/path_map.h"
#include "proxy/nginx_config.h"

namespace bg::proxy {

struct ScaleOptions {
  double time_scale = 1.0;                     // real seconds per scenario second
  std::filesystem::path prefix;                // nginx's prefix folder (pid, logs, temp paths)
  std::function<uint16_t(uint16_t)> map_port;  // declared port -> actual loopback port
  // Upstream host names, resolved when the copy is written (at start and at each reload), as nginx
  // resolves them when it loads the config: the copy names the addresses (races.md R18).
  HostResolver resolve;
};

struct ScaledConfig {
  std::string text;
  // Actual upstream port -> the address as the user wrote it ("localhost:3001"), to name peers in
  // events as ProxyServer does.
  std::map<uint16_t, std::string> peers;
  std::vector<uint16_t> listen_ports;  // declared `listen` ports, in config order
  // Where the copy differs from a faithful scaling (whole-second directives), one line each.
  std::vector<std::string> notes;
};

// The access_log format the copy installs; NginxLogTranslator parses it.
inline constexpr const char* kAccessLogFormat =
    "$msec $connection $status \"$upstream_status\" \"$http_x_request_id\" \"$request\" $body_bytes_sent";

// Throws NginxConfigError (nginx's wording) when the user's file cannot be read or lexed, or an
// upstream host name does not resolve.
ScaledConfig scale_nginx_config(const std::filesystem::path& config_path, const core::PathMap& paths,
                                const ScaleOptions& options);

}  // namespace bg::proxy
