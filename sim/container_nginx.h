#pragma once
// ContainerNginx: nginx as the process of a container (a registry image that `runs: nginx`, such as
// nginx:1.25-alpine), so that a deployment whose proxy is a container runs as written: the run's
// proxy engine (bluegreen's ProxyServer, or the real nginx binary) reads the container's own
// /etc/nginx/nginx.conf through the container's filesystem (its layer, the image's stock tree, and
// its bind mounts), listens on the container's address (what `ports: 80:80` publishes), reaches
// other containers by name on the run's container network, and takes `docker exec <c> nginx -s
// reload` / `nginx -t` and the signals `docker stop` and `docker kill` send.
//
// Signals (nginx's ngx_signal_handler; the image's STOPSIGNAL is SIGQUIT): QUIT, TERM and INT end
// the master, exit 0; HUP reloads; USR1 reopens logs (nothing to do here); KILL exits 137. Any
// other signal ends it as the kernel's default action does (128 + signal).
//
// Simplifications, each said where it matters:
//  - One port: the container has one address (container_network.h), which stands for its port 80
//    (the image's EXPOSE). A config that listens on another port is not modelled.
//  - The image's entrypoint (/docker-entrypoint.sh) runs no /docker-entrypoint.d step here: a
//    container with /etc/nginx/templates (envsubst into conf.d) or a command other than the
//    image's `nginx -g 'daemon off;'` is not modelled.
//  - A graceful stop (QUIT) closes connections as a fast one does: the run's proxy container is not
//    stopped while traffic flows in the deployments modelled so far.
//  - `nginx -v` inside answers as the host's Debian nginx 1.22 does (proxy/nginx_cli.h).
#include <utility>  // before Asio under C++20 (design.md)
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/io_context.hpp>

#include "core/clock.h"
#include "core/history.h"
#include "core/port_map.h"
#include "fakes/docker/container_process.h"
#include "net/network.h"
#include "proxy/nginx_config.h"
#include "proxy/proxy_control.h"

namespace bg::sim {

// What the run's proxy is: bluegreen's own ("builtin") or the real nginx binary ("nginx").
enum class ProxyEngine { builtin, real_nginx };

class ContainerNginx final : public fakes::ContainerProcess {
 public:
  // The port nginx listens on inside the container, the one its address stands for.
  static constexpr uint16_t kContainerPort = 80;
  static constexpr const char* kConfig = "/etc/nginx/nginx.conf";

  // Throws core::NotModelled for a container this class cannot run faithfully (see above).
  ContainerNginx(boost::asio::io_context& io, core::Clock& clock, core::History& history, core::PortMap& run_ports,
                 proxy::HostResolver resolve, ProxyEngine engine, fakes::ProcessSpec spec, net::Network network = {});
  ~ContainerNginx() override;  // stops nginx (bounded); never calls on_exit
  ContainerNginx(const ContainerNginx&) = delete;
  ContainerNginx& operator=(const ContainerNginx&) = delete;

  // Starts nginx on the container's config. A config nginx rejects (or a name that does not
  // resolve) ends the process with exit 1 and nginx's "[emerg]" line in its log, as the container's
  // nginx would; what nginx asks for that is not modelled ends the run (core::NotModelled).
  void start() override;
  void signal(int signo) override;
  // `nginx ...` inside the container (proxy/nginx_cli.h); anything else is not modelled.
  core::CommandResult exec(const fakes::ExecRequest& request, std::stop_token stop) override;

 private:
  std::unique_ptr<proxy::ProxyControl> make_proxy();
  void exited(int code);  // reports the exit once, from the io_context

  boost::asio::io_context& io_;
  core::Clock& clock_;
  core::History& history_;
  proxy::HostResolver resolve_;
  ProxyEngine engine_;
  net::Network network_;
  fakes::ProcessSpec spec_;  // spec_.filesystem is the PathMap nginx reads its files through
  core::PortMap ports_;      // the container's own: port 80 is its address
  std::mutex mutex_;         // start, signals and exec one at a time, as nginx's master takes them
  std::unique_ptr<proxy::ProxyControl> proxy_;
  bool exited_ = false;
};

}  // namespace bg::sim
