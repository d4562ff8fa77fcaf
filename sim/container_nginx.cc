#include "sim/container_nginx.h"

#include <signal.h>

#include <filesystem>
#include <optional>

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/not_modelled.h"
#include "proxy/nginx_cli.h"
#include "proxy/nginx_config_loader.h"
#include "proxy/proxy_server.h"
#include "proxy/real_nginx.h"

namespace bg::sim {
namespace fs = std::filesystem;

namespace {

// What the official image runs as PID 1 (docker-library/nginx Dockerfile: ENTRYPOINT
// ["/docker-entrypoint.sh"], CMD ["nginx", "-g", "daemon off;"]), with or without the entrypoint
// written out again in a compose `command:`.
bool runs_stock_nginx(const std::vector<std::string>& argv) {
  const std::vector<std::string> stock{"nginx", "-g", "daemon off;"};
  if (argv.empty() || argv == stock) return true;
  return argv.size() == 4 && argv[0] == "/docker-entrypoint.sh" &&
         std::vector<std::string>(argv.begin() + 1, argv.end()) == stock;
}

}  // namespace

ContainerNginx::ContainerNginx(boost::asio::io_context& io, core::Clock& clock, core::History& history,
                               core::PortMap& run_ports, proxy::HostResolver resolve, ProxyEngine engine,
                               fakes::ProcessSpec spec, net::Network network)
    : io_(io),
      clock_(clock),
      history_(history),
      resolve_(std::move(resolve)),
      engine_(engine),
      network_(network),
      spec_(std::move(spec)),
      ports_(run_ports, {{kContainerPort, spec_.container_port}}) {
  if (!runs_stock_nginx(spec_.argv))
    throw core::NotModelled(
        fmt::format("the container {} of {} running `{}` (only the image's `nginx -g 'daemon off;'`)", spec_.container,
                    spec_.image, fmt::join(spec_.argv, " ")));
}

ContainerNginx::~ContainerNginx() {
  std::lock_guard lock(mutex_);
  if (proxy_) proxy_->stop();
  proxy_.reset();
}

std::unique_ptr<proxy::ProxyControl> ContainerNginx::make_proxy() {
  if (engine_ == ProxyEngine::real_nginx) {
    auto nginx = std::make_unique<proxy::RealNginx>(io_, clock_, history_, ports_, spec_.filesystem);
    nginx->set_resolver(resolve_);
    return nginx;
  }
  auto own = std::make_unique<proxy::ProxyServer>(io_, clock_, history_, ports_, spec_.filesystem, network_);
  own->set_resolver(resolve_);
  return own;
}

void ContainerNginx::start() {
  std::lock_guard lock(mutex_);
  // The image's entrypoint turns /etc/nginx/templates/*.template into conf.d files with envsubst
  // before nginx starts (docker-library/nginx 20-envsubst-on-templates.sh): not run here.
  const fs::path templates = spec_.filesystem.resolve("/etc/nginx/templates");
  if (fs::is_directory(templates) && !fs::is_empty(templates))
    throw core::NotModelled(
        fmt::format("the nginx image's /etc/nginx/templates (envsubst at start) in {}", spec_.container));
  // One address per container, which stands for its port 80: a server that listens on another
  // port (beside 80 or alone) would be reachable nowhere here, while Docker could publish it.
  // A config nginx rejects is left to start(), which reports it as nginx does.
  std::optional<proxy::NginxConfig> config;
  try {
    config = proxy::parse_nginx_config(kConfig, spec_.filesystem, resolve_);
  } catch (const std::exception&) {
  }
  if (config)
    for (const auto& server : config->servers)
      for (uint16_t port : server.listen)
        if (port != kContainerPort)
          throw core::NotModelled(
              fmt::format("nginx in the container {} listening on port {} (a container's one "
                          "address stands for its port {})",
                          spec_.container, port, kContainerPort));
  proxy_ = make_proxy();
  try {
    proxy_->start(kConfig);
  } catch (const core::NotModelled&) {
    throw;
  } catch (const std::exception& e) {
    // nginx exits 1 at start, its message on stderr (docker logs shows it).
    proxy_.reset();
    const std::string message = e.what();
    if (on_log) on_log(message.rfind("nginx: ", 0) == 0 ? message : "nginx: " + message, true);
    exited(1);
    return;
  }
}

void ContainerNginx::signal(int signo) {
  std::lock_guard lock(mutex_);
  if (exited_) return;
  switch (signo) {
    case SIGHUP:
      if (proxy_) (void)proxy_->reload();  // a failed reload keeps the old config; the log says why
      return;
    case SIGUSR1:
      return;  // reopen the log files: the run keeps its own
    case SIGQUIT:
    case SIGTERM:
    case SIGINT:
      if (proxy_) proxy_->stop();
      exited(0);
      return;
    default:
      if (proxy_) proxy_->stop();
      exited(128 + signo);  // SIGKILL: 137
  }
}

core::CommandResult ContainerNginx::exec(const fakes::ExecRequest& request, std::stop_token stop) {
  if (request.argv.empty() || request.argv.front() != "nginx") return ContainerProcess::exec(request, stop);
  std::lock_guard lock(mutex_);
  const bool was_running = proxy_ && proxy_->running();
  core::CommandResult r = proxy::run_nginx_command(proxy_.get(), {request.argv.begin() + 1, request.argv.end()},
                                                   kConfig, spec_.filesystem, resolve_);
  // `nginx -s stop|quit` ends the master, PID 1: the container exits with it.
  if (was_running && !proxy_->running() && !exited_) exited(0);
  return r;
}

// Under mutex_. The runtime may destroy this process from on_exit: it runs on the io_context,
// after the caller has let go of everything here.
void ContainerNginx::exited(int code) {
  if (exited_) return;
  exited_ = true;
  if (on_exit) boost::asio::post(io_, [done = on_exit, code] { done(code); });
}

}  // namespace bg::sim
