#pragma once
// ProxyServer is the run's nginx: it reads an nginx.conf (the subset NginxConfig knows), listens on
// the run's mapping of its `listen` ports and round-robins requests over the upstream peers with
// nginx's semantics (semantics.md §1, §7), recording its error and access log lines in the
// History. It runs on the caller's io_context, which several threads may run.
#include <utility>  // before Asio under C++20 (design.md)

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "net/network.h"

#include "core/clock.h"
#include "core/history.h"
#include "core/path_map.h"
#include "core/port_map.h"
#include "proxy/nginx_config.h"
#include "proxy/proxy_control.h"
#include "proxy/upstream_pool.h"

namespace bg::proxy {

class ProxyListener;
class ProxyGeneration;
struct ServerState;

class ProxyServer final : public ProxyControl {
 public:
  // `network`: the kernel's loopback (live), or the run's in-memory network (sim; `ports` then a
  // PortMap::InMemory).
  ProxyServer(boost::asio::io_context& io, core::Clock& clock, core::History& history, core::PortMap& ports,
              const core::PathMap& paths, net::Network network = {});
  ~ProxyServer() override;  // stop()
  ProxyServer(const ProxyServer&) = delete;
  ProxyServer& operator=(const ProxyServer&) = delete;

  // Reads `config_path` (virtual, e.g. /etc/nginx/nginx.conf, resolved through the PathMap) and
  // starts listening. Throws NginxConfigError for a bad config, std::system_error when a port cannot
  // be listened on. May be called again after stop().
  void start(const std::string& config_path) override;
  // `nginx -s reload`: re-reads the file. On error the old config keeps running and the message is
  // returned; on success the old generation keeps taking connections for 100 ms of scenario time, as
  // nginx's old workers do until the master shuts them down, then a new generation with fresh peer
  // state takes over and the old one finishes its in-flight requests and closes its connections.
  std::optional<std::string> reload() override;
  std::optional<std::string> test() const override;
  // Stops listening (ports refuse again) and closes every connection. When called from a thread
  // that is not running the io_context, waits (bounded) until every connection object is gone.
  void stop() override;
  // A graceful stop (ProxyControl::quit): every connection is retired as a reload retires the old
  // generation's, after the listeners are closed.
  void quit(core::Duration drain) override;

  bool running() const override;
  // Log events go to `sink` instead of the History (ProxyLog::set_sink). Call before start().
  void set_log_sink(std::function<void(const core::ProxyEvent&)> sink);
  // Connect to upstream ports as the config writes them, without reserving them in the PortMap
  // (the proxy in front of services it does not run). Call before start().
  void connect_upstreams_as_declared(bool on);
  // The caller runs the io_context on exactly one thread, as nginx's worker is one event loop: each
  // connection's handlers then run straight on it, without a strand of their own
  // (net::SerialExecutor). On the sim network that is always so. Call before start().
  void run_on_one_thread(bool on);
  // Resolves upstream host names at each config load (start, reload, `nginx -t`): the run's
  // container network (races.md R18). Without one, only localhost and IPv4 literals resolve. Call
  // before start().
  void set_resolver(HostResolver resolve) { resolve_ = std::move(resolve); }
  const std::string& config_path() const override { return config_path_; }
  const core::PathMap& paths() const override { return paths_; }
  // The actual (mapped) port of the first `listen`; 0 when not running.
  uint16_t listen_port() const override;
  std::shared_ptr<const NginxConfig> config() const;
  // Peer state of one upstream in one worker of the current generation (for logs and tests).
  std::vector<PeerSnapshot> peer_states(const std::string& upstream, int worker = 0) const;

 private:
  void sync_listeners(const NginxConfig& config);
  void close_listener(uint16_t declared_port);
  void retire_sessions_of(const void* generation, bool stop_now);
  static void retire(ServerState& state, ProxyGeneration& old);
  static void retire_sessions(ServerState& state, const void* generation, bool stop_now);
  void stop_now();  // stop() under control_mutex_
  // Until no connection object is left or `deadline` of scenario time has passed. False, at once,
  // on the io_context's own thread, which must run them.
  bool wait_for_sessions(core::Duration deadline);

  std::shared_ptr<ServerState> state_;
  const core::PathMap& paths_;
  mutable std::mutex control_mutex_;  // start / reload / stop one at a time, as nginx's master does
  std::string config_path_;
  HostResolver resolve_;
  std::map<uint16_t, std::shared_ptr<ProxyListener>> listeners_;  // by declared port
  uint16_t first_listen_ = 0;
  int generations_ = 0;
  bool running_ = false;
};

}  // namespace bg::proxy
