#include "fakes/nextjs/next_process.h"

#include <csignal>
#include <system_error>

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include "fakes/docker/signal_delivery.h"
#include "fakes/nextjs/next_log_lines.h"
#include "fakes/nextjs/next_session.h"

namespace bg::fakes {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

const char* signal_name(int signo) {
  switch (signo) {
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    case SIGKILL:
      return "SIGKILL";
    default:
      return "signal";
  }
}

// R06: when PID 1 is a shell or npm/yarn, SIGTERM never reaches node (signal_delivery.h), so the
// app behaves as if it ignored it and only Docker's SIGKILL at the grace period ends it (137).
NextAppProfile apply_pid1(NextAppProfile profile, const ProcessSpec& spec) {
  if (!signal_delivery(spec.argv, spec.init).reaches_app) profile.sigterm = SigtermMode::ignore;
  return profile;
}

}  // namespace

NextProcess::NextProcess(asio::io_context& io, core::Clock& clock, core::History& history, core::PortMap& ports,
                         core::Rng rng, NextAppProfile profile, ProcessSpec spec, net::Network network)
    : serial_(io, network),
      clock_(clock),
      history_(history),
      ports_(ports),
      rng_(std::move(rng)),
      spec_(std::move(spec)),
      app_(apply_pid1(apply_env(std::move(profile), spec_.env), spec_), clock.now()),
      listen_timer_(serial_.executor(), clock),
      prepare_timer_(serial_.executor(), clock),
      network_(network),
      acceptor_(serial_.executor(), network_) {}

void NextProcess::start(std::function<void(int)> on_exit, std::function<void(const std::string&, bool)> on_log) {
  serial_.post([self = shared_from_this(), cb = std::move(on_exit), log = std::move(on_log)]() mutable {
    if (self->done_ || self->started_) return;
    self->on_exit_ = std::move(cb);
    self->on_log_ = std::move(log);
    self->on_start();
  });
}

void NextProcess::print(const std::vector<std::string>& lines, bool is_stderr) {
  if (!on_log_) return;
  for (const auto& line : lines) on_log_(line, is_stderr);
}

// The port the app listens on inside its container (PORT, else 3000) and the HOSTNAME it binds.
NextLogLines NextProcess::start_lines() const {
  int port = 3000;
  if (auto it = spec_.env.find("PORT"); it != spec_.env.end() && !it->second.empty() &&
                                        it->second.find_first_not_of("0123456789") == std::string::npos &&
                                        it->second.size() <= 5)
    port = std::stoi(it->second);
  auto host = spec_.env.find("HOSTNAME");
  const auto& p = app_.profile();
  long ready_ms = static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(p.listen_delay + p.prepare_delay).count());
  return next_start_lines(p, port, host == spec_.env.end() ? "" : host->second, ready_ms);
}

void NextProcess::signal(int signo) {
  serial_.post([self = shared_from_this(), signo] { self->on_signal(signo); });
}

void NextProcess::log(core::AppWhat what, uint64_t request_id, std::string execution_id, std::string detail) {
  if (done_) return;
  history_.append(core::AppEvent{clock_.now(), spec_.container, spec_.build_id, what, request_id,
                                 std::move(execution_id), std::move(detail)});
}

const std::set<std::string>* NextProcess::shared_static_listing(bool static_request) {
  const auto& p = app_.profile();
  if (!p.shared_static) return nullptr;
  if (!static_listing_ && static_request) {
    static_listing_.emplace();
    if (p.published_builds)
      for (auto& id : p.published_builds()) static_listing_->insert(std::move(id));
  }
  return static_listing_ ? &*static_listing_ : nullptr;
}

std::string NextProcess::next_execution_id() { return fmt::format("{}-{}", spec_.container, ++executions_); }

core::Duration NextProcess::draw_api_latency() {
  const auto& p = app_.profile();
  if (p.api_latency_max <= core::Duration::zero()) return core::Duration::zero();
  return rng_.uniform_duration(p.api_latency_min, std::max(p.api_latency_min, p.api_latency_max));
}

void NextProcess::on_start() {
  started_ = true;
  const auto& p = app_.profile();
  log(core::AppWhat::starting, 0, {},
      fmt::format("next {} sigterm={} before_ready={}{}", p.version, to_string(p.sigterm_mode()),
                  to_string(p.before_ready_mode()),
                  core::drawn_suffix("listen_delay", p.listen_delay, p.listen_delay_drawn_from)));
  listen_timer_.expires_after(p.listen_delay);
  listen_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec && !self->done_) self->on_listen_timer();
  });
}

void NextProcess::on_listen_timer() {
  if (!app_.on_listening(clock_.now())) return;
  // 13.4 and 14.1 list .next/static when the server sets up; 12.x at its first static request.
  if (parse_next_version(app_.profile().version).at_least(13, 4)) shared_static_listing(true);
  try {
    boost::system::error_code ec;
    if (network_.is_sim()) {
      acceptor_.listen_sim(spec_.container_port, ec);
    } else {
      listener_.emplace(ports_, spec_.container_port);
      acceptor_.assign_listening(listener_->start(), ec);
    }
    if (ec && network_.is_sim())  // Node's words for a port already held
      throw std::runtime_error(fmt::format("listen EADDRINUSE: address already in use :::{}", spec_.container_port));
    if (ec) throw boost::system::system_error(ec, "listen");
  } catch (const std::exception& e) {
    // Node throws at startup (e.g. "listen EADDRINUSE") and the process exits 1.
    app_.on_listen_failed(clock_.now());
    print({"Failed to start server", e.what()}, true);
    finish_exit(1, fmt::format("listen failed: {}", e.what()), false);
    return;
  }
  log(core::AppWhat::listening, 0, {}, fmt::format("port {}", spec_.container_port));
  print(start_lines().on_listen);
  do_accept();
  prepare_timer_.expires_after(app_.profile().prepare_delay);
  prepare_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec && !self->done_) self->on_prepared();
  });
}

void NextProcess::do_accept() {
  acceptor_.async_accept([self = shared_from_this()](boost::system::error_code ec, net::Socket socket) {
    self->on_accept(ec, std::move(socket));
  });
}

void NextProcess::on_accept(boost::system::error_code ec, net::Socket socket) {
  if (done_ || !acceptor_.is_open()) return;
  if (!ec) {
    // Each response goes out in one write with Nagle off: no 40 ms delayed-ACK stalls (§7).
    socket.set_no_delay(ec);
    auto session = std::make_shared<NextSession>(shared_from_this(), std::move(socket), next_session_id_++);
    sessions_[session->id()] = session;
    session->run();
  } else if (ec == asio::error::operation_aborted) {
    return;
  }
  do_accept();
}

void NextProcess::on_prepared() {
  if (!app_.on_prepared(clock_.now())) return;
  if (app_.state() == AppState::ready) {
    log(core::AppWhat::ready);
    print(start_lines().on_ready);
  }
  auto held = std::move(held_);
  held_.clear();
  for (auto& weak : held)
    if (auto session = weak.lock()) session->release();
}

void NextProcess::hold(std::weak_ptr<NextSession> session) { held_.push_back(std::move(session)); }

void NextProcess::on_signal(int signo) {
  if (done_) return;
  SignalEffect effect = app_.on_signal(clock_.now(), signo);
  if (effect.ignored) return;
  std::string cause = fmt::format("signal={}", signal_name(signo));
  if (effect.drain) {
    // server.close(): the listener closes (new connects are refused) and idle keep-alive
    // connections are closed; requests in flight go on.
    stop_listening();
    log(core::AppWhat::draining, 0, {}, cause);
    close_idle_sessions();
  }
  if (effect.exit_now) finish_exit(effect.exit_code, cause, effect.cut_in_flight);
}

void NextProcess::request_done() {
  if (done_) return;
  if (app_.on_request_done(clock_.now())) finish_exit(0, "drained", false);
}

void NextProcess::session_closed(uint64_t session_id) {
  if (!done_) sessions_.erase(session_id);
}

void NextProcess::stop_listening() {
  if (listener_) listener_->stop();  // before closing the acceptor's descriptor (PortListener)
  listener_.reset();
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void NextProcess::close_idle_sessions() {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (it->second->in_request()) {
      ++it;
      continue;
    }
    it->second->close();
    it = sessions_.erase(it);
  }
}

void NextProcess::finish_exit(int code, const std::string& cause, bool cut) {
  if (done_) return;
  stop_listening();
  // The process is gone: the kernel closes its sockets, so every open connection ends with no
  // response (EOF, or a reset when request bytes are still unread).
  for (auto& [id, session] : sessions_) {
    if (cut && session->in_request()) log(core::AppWhat::cut, session->request_id(), {}, cause);
    session->close();
  }
  log(core::AppWhat::exited, 0, {}, fmt::format("code={} {}", code, cause));
  auto on_exit = std::move(on_exit_);
  on_exit_ = nullptr;
  shutdown();
  if (on_exit) on_exit(code);
}

void NextProcess::shutdown() {
  done_ = true;
  stop_listening();
  listen_timer_.cancel();
  prepare_timer_.cancel();
  auto sessions = std::move(sessions_);
  sessions_.clear();
  for (auto& [id, session] : sessions) session->close();
  held_.clear();
  on_exit_ = nullptr;
  on_log_ = nullptr;
}

}  // namespace bg::fakes
