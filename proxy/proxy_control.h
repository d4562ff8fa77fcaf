#pragma once
// ProxyControl is what a run holds of its proxy, whichever it is: bluegreen's own ProxyServer or the
// real nginx binary (RealNginx). It is also what the `nginx` shim drives (run_nginx_command).
#include <cstdint>
#include <optional>
#include <string>

#include "core/path_map.h"
#include "core/time.h"

namespace bg::proxy {

class ProxyControl {
 public:
  virtual ~ProxyControl() = default;

  // Reads `config_path` (virtual, resolved through paths()) and starts serving. Throws
  // NginxConfigError for a config nginx would reject, std::runtime_error when it cannot start.
  virtual void start(const std::string& config_path) = 0;
  // `nginx -s reload`: nullopt once the new config is taken, else nginx's message (the old
  // config keeps running).
  virtual std::optional<std::string> reload() = 0;
  // `nginx -t` on the file reload() would read: nullopt when it is fine, else nginx's message.
  virtual std::optional<std::string> test() const = 0;
  // Stops serving; the listen ports refuse again. Safe to call twice.
  virtual void stop() = 0;
  // Stops serving gracefully, as systemd's stop of nginx.service does (SIGQUIT, then SIGTERM when
  // the master is still there after `drain`; docs/semantics.md, "systemctl and nginx"): the listen
  // ports close at once, so new connections are refused; requests in flight finish and their
  // connections close, idle keep-alive ones at once; what is left after `drain` of scenario time is
  // cut as stop() cuts it. Returns when stopped.
  virtual void quit(core::Duration drain) = 0;

  virtual bool running() const = 0;
  // The actual (mapped) port of the first `listen`; 0 when not running.
  virtual uint16_t listen_port() const = 0;
  virtual const std::string& config_path() const = 0;
  virtual const core::PathMap& paths() const = 0;
};

}  // namespace bg::proxy
