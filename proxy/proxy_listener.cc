#include "proxy/proxy_listener.h"

#include <sys/socket.h>
#include <unistd.h>

#include "proxy/client_session.h"

namespace bg::proxy {
namespace asio = boost::asio;

ProxyListener::ProxyListener(std::shared_ptr<ServerState> state, uint16_t declared_port)
    : state_(std::move(state)),
      declared_(declared_port),
      actual_(state_->ports.map(declared_port)),
      port_listener_(state_->ports, actual_),
      serial_(state_->io, state_->one_thread),
      acceptor_(serial_.executor(), state_->network) {
  boost::system::error_code ec;
  if (state_->network.is_sim()) {
    acceptor_.listen_sim(actual_, ec);
    if (ec) throw boost::system::system_error(ec, "listen");
    return;
  }
  // nginx sets SO_REUSEADDR on its listen sockets. Without it, listening again on the port after a
  // stop() fails (EADDRINUSE) while connections the proxy closed sit in TIME_WAIT. Accepted sockets
  // inherit the flag, so it must be on the held socket before the first listen.
  int one = 1;
  ::setsockopt(state_->ports.reserved_fd(actual_), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int fd = port_listener_.start();
  acceptor_.assign_listening(fd, ec);
  if (ec) {
    ::close(fd);
    port_listener_.stop();
    throw boost::system::system_error(ec, "assign listening socket");
  }
}

ProxyListener::~ProxyListener() {
  // Normally closed through close(); this covers a listener dropped while its start failed.
  port_listener_.stop();
}

void ProxyListener::start_accepting() {
  serial_.dispatch([self = shared_from_this()] { self->do_accept(); });
}

void ProxyListener::do_accept() {
  if (closed_) return;
  acceptor_.async_accept(state_->io.get_executor(), [self = shared_from_this()](boost::system::error_code ec,
                                                                                ProxySocket socket) {
    if (self->closed_ || ec == asio::error::operation_aborted) return;
    if (!ec) {
      auto generation = self->state_->current_generation();
      if (generation) {
        auto session = std::make_shared<ClientSession>(std::move(socket), self->state_, generation, self->declared_);
        bool registered = false;
        {
          // Checked again under the lock: stop() must see every session it has to close.
          std::lock_guard lock(self->state_->mutex);
          auto& all = self->state_->sessions;
          std::erase_if(all, [](const auto& w) { return w.expired(); });
          if (!self->state_->stopping) all.push_back(session), registered = true;
        }
        if (registered) session->start();
      }
    }
    self->do_accept();
  });
}

std::future<void> ProxyListener::close() {
  // The port refuses from here on, as PortListener::stop below makes it live.
  if (state_->network.is_sim()) state_->network.sim()->close_port(actual_);
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> f = done->get_future();
  serial_.dispatch([self = shared_from_this(), done] {
    if (!self->closed_) {
      self->closed_ = true;
      self->port_listener_.stop();  // before closing the acceptor's descriptor (PortListener's rule)
      boost::system::error_code ignored;
      self->acceptor_.close(ignored);
    }
    done->set_value();
  });
  return f;
}

}  // namespace bg::proxy
