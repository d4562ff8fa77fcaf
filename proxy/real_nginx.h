#pragma once
// RealNginx runs the real nginx binary as a run's proxy (`proxy: nginx`), so a scenario can be
// judged behind nginx itself as well as behind ProxyServer. It writes a time-scaled copy of the
// user's config into its own prefix folder (NginxConfigScaler), starts nginx as a child process in
// its own process group with `daemon off`, reloads it as `nginx -s reload` does (check, then HUP),
// stops it (SIGQUIT, then SIGKILL after a deadline, reaped) and turns its error and access logs into
// the History's ProxyEvents (NginxLogTranslator), tailing them while it runs.
#include <utility>  // before Asio under C++20 (design.md)

#include <sys/types.h>

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/clock.h"
#include "core/history.h"
#include "core/path_map.h"
#include "core/port_map.h"
#include "proxy/nginx_config_scaler.h"
#include "proxy/nginx_log_translator.h"
#include "proxy/proxy_control.h"

namespace bg::proxy {

class RealNginx final : public ProxyControl {
 public:
  static constexpr const char* kDefaultBinary = "/usr/sbin/nginx";
  // Whether `binary` exists and can be executed (tests skip, and runs refuse `proxy: nginx`, without it).
  static bool available(const std::string& binary = kDefaultBinary);

  // Constructed like ProxyServer so a run can hold either; the io_context is not used (nginx runs
  // its own event loop), the clock gives the time scale and converts log timestamps.
  RealNginx(boost::asio::io_context& io, core::Clock& clock, core::History& history, core::PortMap& ports,
            const core::PathMap& paths, std::string binary = kDefaultBinary);
  ~RealNginx() override;  // stop(), then the prefix folder is removed
  RealNginx(const RealNginx&) = delete;
  RealNginx& operator=(const RealNginx&) = delete;

  // Throws NginxConfigError with nginx's own message when it rejects the config, std::runtime_error
  // when it does not come up before the deadline.
  void start(const std::string& config_path) override;
  std::optional<std::string> reload() override;
  std::optional<std::string> test() const override;
  void stop() override;
  // stop() is already nginx's graceful shutdown (SIGQUIT), the real master draining in its own time
  // up to the stop deadline (5 s of real time, as systemd's QUIT/5): `drain` is not scaled onto it.
  void quit(core::Duration) override { stop(); }

  bool running() const override;
  uint16_t listen_port() const override;
  const std::string& config_path() const override { return config_path_; }
  const core::PathMap& paths() const override { return paths_; }

  // Resolves upstream host names each time the scaled copy is written (start, reload, `nginx -t`),
  // as nginx resolves them at config load: the copy names the addresses. Call before start().
  void set_resolver(HostResolver resolve) { resolve_ = std::move(resolve); }
  const std::filesystem::path& prefix() const { return prefix_; }
  pid_t pid() const { return pid_; }
  // Where the scaled copy is not faithful (whole-second directives such as fail_timeout).
  std::vector<std::string> notes() const;
  // Reads the log lines written since the last call into the History (the tail thread calls it).
  void collect_logs();

 private:
  ScaledConfig write_scaled_copy(const std::filesystem::path& target) const;
  std::optional<std::string> check_config(const std::filesystem::path& conf) const;
  bool wait_until_listening(std::string& failure);
  void reap_or_kill();
  void tail_logs();
  void lifecycle(core::ProxyEventKind kind, const std::string& level, const std::string& message);

  core::Clock& clock_;
  core::History& history_;
  core::PortMap& ports_;
  const core::PathMap& paths_;
  std::string binary_;
  std::filesystem::path prefix_;
  double time_scale_ = 1.0;
  HostResolver resolve_;

  mutable std::mutex control_mutex_;
  std::string config_path_;
  pid_t pid_ = -1;
  uint16_t first_listen_ = 0;
  std::vector<std::string> notes_;

  std::mutex log_mutex_;
  std::unique_ptr<NginxLogTranslator> translator_;
  size_t error_offset_ = 0, access_offset_ = 0;
  std::mutex tail_mutex_;
  std::condition_variable tail_wake_;
  bool tail_stop_ = false;
  std::thread tail_;
};

}  // namespace bg::proxy
