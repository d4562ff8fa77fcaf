#include "net/sim_network.h"

#include <algorithm>
#include <stdexcept>
#include <tuple>
#include <utility>

#include <boost/asio/error.hpp>

namespace bg::net {

namespace asio = boost::asio;
using boost::system::error_code;

struct SimNetwork::Endpoint {
  int id = 0;
  uint16_t port = 0;       // its own
  uint16_t peer_port = 0;  // the other side's (0 until connected)
  std::weak_ptr<Endpoint> peer;
  std::string inbox;  // arrived, not read yet
  bool connected = false;
  bool fin_received = false;
  bool reset = false;        // an RST arrived (or the listener's close reset it)
  error_code pending_error;  // sk_err: reported once, by the next read or write
  bool closed = false;
  bool send_shut = false;
  bool receive_shut = false;
  core::Time last_arrival{};  // of this side's segments: one direction arrives in order
  std::vector<asio::mutable_buffer> read_buffers;
  IoDone read_done;
  ConnectDone connect_done;
};

struct SimNetwork::Listener {
  uint16_t port = 0;
  bool open = true;
  std::deque<std::shared_ptr<Endpoint>> backlog;  // handshake done, not accepted yet
  AcceptDone accept_done;
};

SimNetwork::SimNetwork(core::VirtualClock& clock, core::Rng rng, SimNetworkOptions options)
    : clock_(clock),
      rng_(std::move(rng)),
      options_(options),
      guard_(std::make_shared<Guard>()),
      mutex_(guard_->mutex) {}

SimNetwork::~SimNetwork() {
  std::lock_guard lock(mutex_);
  guard_->alive = false;
}

int SimNetwork::id(const Endpoint& e) { return e.id; }
uint16_t SimNetwork::local_port(const Endpoint& e) { return e.port; }

bool SimNetwork::idle_usable(const std::shared_ptr<Endpoint>& e) const {
  std::lock_guard lock(mutex_);
  return e->connected && e->inbox.empty() && !e->fin_received && !e->reset && !e->closed;
}
uint16_t SimNetwork::remote_port(const Endpoint& e) { return e.peer_port; }

core::Duration SimNetwork::draw_latency() {
  return options_.latency + rng_.uniform_duration(core::Duration(0), options_.jitter);
}

core::Duration SimNetwork::draw_wakeup() {
  return options_.wakeup + rng_.uniform_duration(core::Duration(0), options_.wakeup_jitter);
}

template <class... Args>
void SimNetwork::wake(Completion<Args...>& done, Args... args) {
  // One object holds all the callback needs, so that the callback holds only the pointer to it and
  // fits in std::function's own storage: one allocation per wake-up, not two.
  struct Wake {
    std::shared_ptr<Guard> guard;
    Completion<Args...> done;
    std::tuple<Args...> args;
  };
  auto wake = std::make_shared<Wake>(Wake{guard_, std::move(done), std::tuple<Args...>(std::move(args)...)});
  clock_.call_at(clock_.now() + draw_wakeup(), [wake] {
    std::lock_guard lock(wake->guard->mutex);
    if (!wake->guard->alive) return;  // the network gone: so are the io_contexts it served
    std::apply([&](Args&... a) { wake->done.post(std::move(a)...); }, wake->args);
  });
}

bool SimNetwork::listening(uint16_t port) const {
  std::lock_guard lock(mutex_);
  return listeners_.count(port) > 0;
}

std::shared_ptr<SimNetwork::Listener> SimNetwork::listen(uint16_t port, error_code& ec) {
  std::lock_guard lock(mutex_);
  if (listeners_.count(port)) {
    ec = asio::error::address_in_use;
    return nullptr;
  }
  auto listener = std::make_shared<Listener>();
  listener->port = port;
  listeners_[port] = listener;
  ec = {};
  return listener;
}

void SimNetwork::accept(const std::shared_ptr<Listener>& listener, AcceptDone done) {
  std::lock_guard lock(mutex_);
  if (!listener->open) return done.post(asio::error::bad_descriptor, nullptr);
  if (listener->accept_done) throw std::logic_error("SimNetwork: a second accept while one is pending");
  if (!listener->backlog.empty()) {
    auto e = std::move(listener->backlog.front());
    listener->backlog.pop_front();
    return done.post(error_code(), std::move(e));
  }
  listener->accept_done = std::move(done);
}

void SimNetwork::close_port(uint16_t port) {
  std::shared_ptr<Listener> listener;
  {
    std::lock_guard lock(mutex_);
    if (auto it = listeners_.find(port); it != listeners_.end()) listener = it->second;
  }
  if (listener) close(*listener);
}

void SimNetwork::forward(uint16_t from, uint16_t to) {
  std::lock_guard lock(mutex_);
  forwards_[from] = to;
}

void SimNetwork::unforward(uint16_t from) {
  std::lock_guard lock(mutex_);
  forwards_.erase(from);
}

void SimNetwork::discard_unread(const std::shared_ptr<Endpoint>& e) {
  std::lock_guard lock(mutex_);
  e->inbox.clear();
}

void SimNetwork::close(Listener& listener) {
  std::lock_guard lock(mutex_);
  if (!listener.open) return;
  listener.open = false;
  if (auto it = listeners_.find(listener.port); it != listeners_.end() && it->second.get() == &listener)
    listeners_.erase(it);
  if (listener.accept_done) listener.accept_done.post(asio::error::operation_aborted, nullptr);
  // inet_csk_listen_stop: each connection nobody accepted is disconnected, which resets its peer.
  for (auto& e : listener.backlog) {
    e->closed = true;
    send(e, e->peer.lock(), Segment::rst);
  }
  listener.backlog.clear();
}

std::shared_ptr<SimNetwork::Endpoint> SimNetwork::open() {
  std::lock_guard lock(mutex_);
  auto e = std::make_shared<Endpoint>();
  e->id = next_id_++;
  e->port = next_ephemeral_++;
  if (next_ephemeral_ == 0) next_ephemeral_ = 40000;  // wrapped (a very long run)
  return e;
}

void SimNetwork::connect(const std::shared_ptr<Endpoint>& e, uint16_t port, ConnectDone done) {
  std::lock_guard lock(mutex_);
  if (e->closed) return done.post(asio::error::bad_descriptor);
  if (e->connected || e->connect_done) return done.post(asio::error::already_connected);
  e->connect_done = std::move(done);
  e->peer_port = port;
  send(e, nullptr, Segment::syn);
}

void SimNetwork::read(const std::shared_ptr<Endpoint>& e, std::vector<asio::mutable_buffer> buffers, IoDone done) {
  std::lock_guard lock(mutex_);
  if (e->closed) return done.post(asio::error::bad_descriptor, 0);
  if (e->read_done) throw std::logic_error("SimNetwork: a second read while one is pending");
  if (asio::buffer_size(buffers) == 0) return done.post(error_code(), 0);
  if (!e->connected && !e->reset) return done.post(asio::error::not_connected, 0);
  e->read_buffers = std::move(buffers);
  e->read_done = std::move(done);
  try_complete_read(*e, false);
}

std::size_t SimNetwork::available(const std::shared_ptr<Endpoint>& e) const {
  std::lock_guard lock(mutex_);
  return e->inbox.size();
}

void SimNetwork::write(const std::shared_ptr<Endpoint>& e, std::string bytes, IoDone done) {
  std::lock_guard lock(mutex_);
  if (e->closed) return done.post(asio::error::bad_descriptor, 0);
  // tcp_sendmsg: a pending error first (sk_stream_error -> sock_error, which clears it), then EPIPE.
  if (e->pending_error) return done.post(std::exchange(e->pending_error, {}), 0);
  if (e->reset || e->send_shut) return done.post(asio::error::broken_pipe, 0);
  if (!e->connected) return done.post(asio::error::not_connected, 0);
  const size_t n = bytes.size();
  if (n > 0) send(e, e->peer.lock(), Segment::data, std::move(bytes));
  done.post(error_code(), n);
}

void SimNetwork::shutdown_send(const std::shared_ptr<Endpoint>& e) {
  std::lock_guard lock(mutex_);
  if (e->closed || e->send_shut || !e->connected || e->reset) return;
  e->send_shut = true;
  send(e, e->peer.lock(), Segment::fin);
}

void SimNetwork::shutdown_receive(const std::shared_ptr<Endpoint>& e) {
  std::lock_guard lock(mutex_);
  if (e->closed) return;
  e->receive_shut = true;
  try_complete_read(*e, false);
}

void SimNetwork::cancel(const std::shared_ptr<Endpoint>& e) {
  std::lock_guard lock(mutex_);
  abort_pending(*e);
}

void SimNetwork::close(const std::shared_ptr<Endpoint>& e) {
  std::lock_guard lock(mutex_);
  if (e->closed) return;
  abort_pending(*e);
  e->closed = true;
  if (!e->connected || e->reset) return;
  // tcp_close: unread data means the application lost it, and the peer is told with RST.
  if (!e->inbox.empty())
    send(e, e->peer.lock(), Segment::rst);
  else if (!e->send_shut)
    send(e, e->peer.lock(), Segment::fin);
  e->inbox.clear();
}

void SimNetwork::abort_pending(Endpoint& e) {
  if (e.read_done) {
    e.read_buffers.clear();
    e.read_done.post(asio::error::operation_aborted, 0);
  }
  if (e.connect_done) e.connect_done.post(asio::error::operation_aborted);
}

void SimNetwork::try_complete_read(Endpoint& e, bool woken) {
  if (!e.read_done) return;
  error_code ec;
  size_t n = 0;
  // tcp_recvmsg's order: data first; then end of stream once a FIN arrived (SOCK_DONE), before any
  // pending error; then the pending error (reported once); then end of stream (RCV_SHUTDOWN).
  if (!e.inbox.empty() && !e.receive_shut) {
    n = asio::buffer_copy(e.read_buffers, asio::buffer(e.inbox));
    e.inbox.erase(0, n);
  } else if (e.fin_received) {
    ec = asio::error::eof;
  } else if (e.pending_error) {
    ec = std::exchange(e.pending_error, {});
  } else if (e.reset || e.receive_shut) {
    ec = asio::error::eof;
  } else {
    return;  // nothing yet: the read waits
  }
  e.read_buffers.clear();
  if (woken)
    wake(e.read_done, ec, n);
  else
    e.read_done.post(ec, n);
}

void SimNetwork::send(const std::shared_ptr<Endpoint>& from, const std::shared_ptr<Endpoint>& to, Segment kind,
                      std::string bytes) {
  core::Time at = clock_.now() + draw_latency();
  if (from) {
    at = std::max(at, from->last_arrival);
    from->last_arrival = at;
  }
  // An arrival completes nothing itself (what it ends completes a wake-up later), so it posts no
  // handler: the clock need not poll the io_context after it.
  clock_.call_at_posting_nothing(at, [this, guard = guard_, to = std::weak_ptr<Endpoint>(to),
                                      from = std::weak_ptr<Endpoint>(from), kind, bytes = std::move(bytes)] {
    std::lock_guard lock(guard->mutex);
    if (!guard->alive) return;
    arrive(to, from, kind, bytes);
  });
}

// Under mutex_. Posts no handler (send() schedules it with call_at_posting_nothing): whatever it
// ends completes through wake().
void SimNetwork::arrive(std::weak_ptr<Endpoint> to_weak, std::weak_ptr<Endpoint> from_weak, Segment kind,
                        const std::string& bytes) {
  auto to = to_weak.lock();
  auto from = from_weak.lock();
  switch (kind) {
    case Segment::syn: {
      if (!from || from->closed) return;  // the client gave up: nothing to answer
      uint16_t port = from->peer_port;
      if (auto f = forwards_.find(port); f != forwards_.end()) port = f->second;  // NAT
      auto it = listeners_.find(port);
      if (it == listeners_.end()) return send(nullptr, from, Segment::refuse);
      Listener& listener = *it->second;
      // The kernel completes the handshake without the application: the server side exists now.
      auto server = std::make_shared<Endpoint>();
      server->id = next_id_++;
      server->port = listener.port;
      server->peer_port = from->port;
      server->peer = from;
      server->connected = true;
      from->peer = server;
      send(server, from, Segment::syn_ack);
      if (listener.accept_done) {
        wake(listener.accept_done, error_code(), std::move(server));
      } else {
        listener.backlog.push_back(std::move(server));
      }
      return;
    }
    case Segment::syn_ack:
      if (!to) return;
      if (to->closed) return send(to, from, Segment::rst);  // closed while connecting
      to->connected = true;
      if (to->connect_done) wake(to->connect_done, error_code());
      return;
    case Segment::refuse:
      if (!to || !to->connect_done) return;
      to->peer_port = 0;
      wake(to->connect_done, error_code(asio::error::connection_refused));
      return;
    case Segment::data:
      // Data for a socket that is gone or closed is answered with RST.
      if (!to || to->closed) {
        if (from && !from->reset) send(to, from, Segment::rst);
        return;
      }
      if (to->reset || to->receive_shut) return;  // simplification: dropped after shutdown(receive)
      to->inbox += bytes;
      try_complete_read(*to, true);
      return;
    case Segment::fin:
      if (!to || to->closed || to->reset) return;
      to->fin_received = true;
      try_complete_read(*to, true);
      return;
    case Segment::rst:
      if (!to || to->closed || to->reset) return;
      to->reset = true;
      // tcp_reset: EPIPE once the peer had closed its side (CLOSE_WAIT), else ECONNRESET.
      to->pending_error =
          to->fin_received ? error_code(asio::error::broken_pipe) : error_code(asio::error::connection_reset);
      if (to->connect_done) {  // reset before the handshake completed
        to->pending_error = {};
        wake(to->connect_done, error_code(asio::error::connection_reset));
      }
      try_complete_read(*to, true);
      return;
  }
}

}  // namespace bg::net
