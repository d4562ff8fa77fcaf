#include "fakes/docker/port_publisher.h"

#include <array>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace bg::fakes {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {
tcp::endpoint loopback(uint16_t port) { return tcp::endpoint(asio::ip::address_v4::loopback(), port); }
}  // namespace

// One accepted client connection: dial the container, then splice, as docker-proxy's TCPProxy does
// per connection (moby cmd/docker-proxy/tcp_proxy.go). Runs where the publisher's handlers run: both
// sockets are on its executor, so their handlers run there unbound.
class PortPublisher::Session : public std::enable_shared_from_this<PortPublisher::Session> {
 public:
  Session(std::shared_ptr<PortPublisher> owner, net::Socket client)
      : owner_(std::move(owner)), client_(std::move(client)), backend_(owner_->serial_.executor(), owner_->network_) {}

  void start() {
    error_code ignored;
    client_.set_no_delay(ignored);
    backend_.async_connect(loopback(owner_->container_port_),
                           [self = shared_from_this()](const error_code& ec) { self->on_connect(ec); });
  }

  void close() {
    error_code ignored;
    client_.close(ignored);
    backend_.close(ignored);
  }

 private:
  struct Direction {
    net::Socket* from = nullptr;
    net::Socket* to = nullptr;
    std::array<char, 16384> buffer;  // left unset: zeroing 32 KiB a connection was a tenth of a sim run
    bool done = false;
  };

  void on_connect(const error_code& ec) {
    if (!ec) {
      error_code ignored;
      backend_.set_no_delay(ignored);
      up_.from = &client_, up_.to = &backend_;
      down_.from = &backend_, down_.to = &client_;
      pump(up_);
      pump(down_);
      return;
    }
    // docker-proxy: "Can't forward traffic to backend tcp/<addr>: <err>", then client.Close() with
    // nothing written. Reading what the client already sent first keeps the close a clean FIN (the
    // kernel would answer unread data with a reset), which is what semantics.md §3 describes.
    error_code ignored;
    if (!owner_->options_.userland_proxy) {
      client_.reset_on_close(ignored);  // NAT would have refused (live only: in sim NAT is modelled)
      owner_->on_backend_refused();
    } else {
      client_.discard_unread(ignored);
      client_.shutdown(tcp::socket::shutdown_send, ignored);
    }
    close();
  }

  void pump(Direction& d) {
    d.from->async_read_some(asio::buffer(d.buffer), [self = shared_from_this(), &d](const error_code& ec, size_t n) {
      self->on_read(d, ec, n);
    });
  }

  void on_read(Direction& d, const error_code& ec, size_t n) {
    if (ec) return finish(d);
    asio::async_write(*d.to, asio::buffer(d.buffer.data(), n),
                      [self = shared_from_this(), &d](const error_code& ec, size_t) {
                        if (ec) return self->finish(d);
                        self->pump(d);
                      });
  }

  // io.Copy ended (EOF or error): from.CloseRead(), to.CloseWrite(); both directions done: close.
  void finish(Direction& d) {
    if (d.done) return;
    d.done = true;
    error_code ignored;
    d.from->shutdown(tcp::socket::shutdown_receive, ignored);
    d.to->shutdown(tcp::socket::shutdown_send, ignored);
    if (up_.done && down_.done) close();
  }

  std::shared_ptr<PortPublisher> owner_;
  net::Socket client_;
  net::Socket backend_;
  Direction up_, down_;
};

std::shared_ptr<PortPublisher> PortPublisher::create(asio::io_context& io, core::PortMap& ports, uint16_t host_port,
                                                     uint16_t container_port, Options options, net::Network network) {
  return std::shared_ptr<PortPublisher>(new PortPublisher(io, ports, host_port, container_port, options, network));
}

PortPublisher::PortPublisher(asio::io_context& io, core::PortMap& ports, uint16_t host_port, uint16_t container_port,
                             Options options, net::Network network)
    : serial_(io, network),
      host_port_(host_port),
      container_port_(container_port),
      options_(options),
      network_(network),
      acceptor_(serial_.executor(), network_),
      listener_(ports, host_port) {
  if (!network_.is_sim()) probe_timer_.emplace(serial_.executor());
}

void PortPublisher::start() {
  if (network_.is_sim() && !options_.userland_proxy) {
    // NAT: the host port is the app's, refusing while the app does not listen, at once.
    std::lock_guard lock(mutex_);
    network_.sim()->forward(host_port_, container_port_);
    listening_ = true;
    return;
  }
  if (options_.userland_proxy) {
    start_listening();  // docker-proxy binds at container start, before the app (moby#16976)
    return;
  }
  serial_.dispatch([self = shared_from_this()] { self->on_probe(false); });
}

// listening_ is also written by stop() on the caller's thread, so the handlers read it under the
// mutex too (TSan: data race between stop() and on_probe()).
bool PortPublisher::listening() const {
  std::lock_guard lock(mutex_);
  return listening_;
}

void PortPublisher::start_listening() {
  std::lock_guard lock(mutex_);
  if (stopped_ || listening_) return;
  error_code ec;
  if (network_.is_sim()) {
    acceptor_.listen_sim(host_port_, ec);
    if (ec) throw boost::system::system_error(ec, "listen");
  } else {
    acceptor_.assign_listening(listener_.start(), ec);
    if (ec) {
      listener_.stop();
      throw boost::system::system_error(ec, "acceptor assign");
    }
  }
  listening_ = true;
  serial_.dispatch([self = shared_from_this()] { self->do_accept(); });
}

// Runs where the handlers run.
void PortPublisher::stop_listening() {
  std::lock_guard lock(mutex_);
  if (network_.is_sim())
    network_.sim()->close_port(host_port_);
  else
    listener_.stop();
  listening_ = false;
  error_code ignored;
  acceptor_.close(ignored);
}

void PortPublisher::do_accept() {
  if (stopped_ || !acceptor_.is_open()) return;
  acceptor_.async_accept([self = shared_from_this()](const error_code& ec, net::Socket socket) {
    self->on_accept(ec, std::move(socket));
  });
}

void PortPublisher::on_accept(const error_code& ec, net::Socket socket) {
  if (stopped_ || ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (!ec) {
    auto session = std::make_shared<Session>(shared_from_this(), std::move(socket));
    {
      std::lock_guard lock(mutex_);
      std::erase_if(sessions_, [](const auto& w) { return w.expired(); });
      sessions_.push_back(session);
    }
    session->start();
  }
  // Transient accept errors (EMFILE, ECONNABORTED) do not end the accept loop, as in docker-proxy.
  do_accept();
}

// userland_proxy=false: a refused dial means the app no longer listens, so NAT would refuse now.
void PortPublisher::on_backend_refused() {
  if (listening()) stop_listening();
}

void PortPublisher::schedule_probe() {
  if (stopped_) return;
  probe_timer_->expires_after(options_.probe_interval);
  probe_timer_->async_wait([self = shared_from_this()](const error_code& ec) {
    if (ec || self->stopped_) return;
    auto probe = std::make_shared<tcp::socket>(self->serial_.executor());
    probe->async_connect(loopback(self->container_port_), [self, probe](const error_code& ec) {
      error_code ignored;
      probe->close(ignored);
      self->on_probe(!ec);
    });
  });
}

// userland_proxy=false: follow the app's listening state, one probe interval behind.
void PortPublisher::on_probe(bool app_listens) {
  if (stopped_) return;
  const bool now_listening = listening();
  if (app_listens && !now_listening) start_listening();
  if (!app_listens && now_listening) stop_listening();
  schedule_probe();
}

void PortPublisher::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_.exchange(true)) return;
    // From here connects are refused: the observable part happens synchronously.
    if (!network_.is_sim())
      listener_.stop();
    else if (options_.userland_proxy)
      network_.sim()->close_port(host_port_);
    else
      network_.sim()->unforward(host_port_);
    listening_ = false;
  }
  serial_.post([self = shared_from_this()] { self->close_all(); });
}

void PortPublisher::close_all() {
  error_code ignored;
  acceptor_.close(ignored);
  if (probe_timer_) probe_timer_->cancel();
  std::vector<std::weak_ptr<Session>> sessions;
  {
    std::lock_guard lock(mutex_);
    sessions.swap(sessions_);
  }
  for (auto& w : sessions)
    if (auto s = w.lock()) s->close();
  closed_ = true;
  if (options_.on_closed) options_.on_closed();
}

size_t PortPublisher::open_connections() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& w : sessions_) n += !w.expired();
  return n;
}

}  // namespace bg::fakes
