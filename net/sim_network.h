#pragma once
// SimNetwork: the in-memory loopback network of the deterministic engine (docs/design.md, "Time";
// docs/network.md). Live runs get TCP's behaviour from the kernel; here it is modelled, explicitly
// and only as far as a deployment's races depend on it, with the kernel's own rule cited for each:
//  - connect to a port nobody listens on: refused (the peer's RST, ECONNREFUSED);
//  - connect to a listener: the handshake completes in the kernel, before any accept(); the
//    connection waits in the listener's backlog;
//  - a listener that closes resets every connection still in its backlog (Linux
//    inet_csk_listen_stop -> inet_child_forget -> tcp_disconnect);
//  - close() with received data still unread sends RST instead of FIN (RFC 2525 2.17; Linux
//    tcp_close, "data_was_unread"), and data arriving at a socket that was closed is answered with
//    RST (tcp_rcv_state_process, LINUX_MIB_TCPABORTONDATA);
//  - shutdown(send) is a half-close: the peer reads the data, then end of stream, and may still send;
//  - an RST leaves an error that the next read or write reports once (sk_err): ECONNRESET, or EPIPE
//    when the peer had already closed its side (tcp_reset, CLOSE_WAIT); then reads see end of
//    stream and writes EPIPE. Reads return data received before the RST first, and end of stream
//    before the error once a FIN has arrived (tcp_recvmsg, SOCK_DONE);
//  - every segment (data, FIN, RST, SYN, SYN-ACK) takes a one-way latency drawn from the run's seed
//    (FoundationDB-style perturbation), and the segments of one direction arrive in the order sent;
//  - an operation that was waiting when its segment arrived completes a wake-up later, also drawn
//    (SimNetworkOptions::wakeup); one that finds its result ready completes at once.
// Simplifications (each said where it matters): sends complete at once (no send buffer limit, no
// flow control); the backlog has no limit (the kernel's is somaxconn, 4096); data after
// shutdown(receive) is dropped; there are no addresses but loopback ports.
//
// Lifetime: the network must outlive the sockets on it, including those held by handlers still
// queued on an io_context (declare it before the io_context). Arrivals still scheduled on the
// clock when it goes are dropped.
//
// Threads: every call is thread-safe (one mutex); completions are posted to their handlers'
// executors, never run inside a call. Time: segments arrive through VirtualClock::call_at, so the
// network moves only with the virtual clock, and the same calls in the same order give the same
// arrivals.
#include <utility>  // before Asio under C++20 (docs/design.md)

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include "core/rng.h"
#include "core/time.h"
#include "core/virtual_clock.h"
#include "net/completion.h"

namespace bg::net {

struct SimNetworkOptions {
  // One-way latency of a segment: `latency` plus a draw in [0, jitter]. Loopback hands a segment to
  // the peer's socket within the sender's system call: microseconds.
  core::Duration latency = std::chrono::microseconds(5);
  core::Duration jitter = std::chrono::microseconds(10);
  // How long an operation that was waiting (an accept, a read, a connect) takes to learn that its
  // segment arrived: `wakeup` plus a draw in [0, wakeup_jitter]. This is the application's side of
  // a real exchange, a thread or event loop woken by the kernel; it is slower than the loopback
  // itself. So a client that writes right after its connect returns reaches the server's socket
  // before the server has reacted to the accept, as on a real machine (docker-proxy's close after
  // a refused dial then finds the request there: a FIN after draining it, not an RST).
  core::Duration wakeup = std::chrono::microseconds(20);
  core::Duration wakeup_jitter = std::chrono::microseconds(100);
};

class SimNetwork {
 public:
  struct Endpoint;  // one side of a connection
  struct Listener;  // a listening port
  using IoDone = Completion<boost::system::error_code, std::size_t>;
  using ConnectDone = Completion<boost::system::error_code>;
  using AcceptDone = Completion<boost::system::error_code, std::shared_ptr<Endpoint>>;

  SimNetwork(core::VirtualClock& clock, core::Rng rng, SimNetworkOptions options = {});
  ~SimNetwork();
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;

  core::VirtualClock& clock() const { return clock_; }

  // --- listeners
  // Listens on `port`; nullptr and address_in_use when another listener holds it.
  std::shared_ptr<Listener> listen(uint16_t port, boost::system::error_code& ec);
  // The next connection of the backlog, now or when one arrives; operation_aborted when the
  // listener closes first.
  void accept(const std::shared_ptr<Listener>& listener, AcceptDone done);
  // Stops listening: the port refuses from now, a pending accept is aborted and the backlog reset.
  void close(Listener& listener);
  // Closes whatever listens on `port`, from any thread (close(Listener&) of its holder may come
  // later, where the holder's handlers run, as a live acceptor's close follows PortListener::stop).
  void close_port(uint16_t port);
  bool listening(uint16_t port) const;
  // NAT (dockerd --userland-proxy=false): a connect to `from` goes to `to`, refused when nothing
  // listens there, until unforward(from).
  void forward(uint16_t from, uint16_t to);
  void unforward(uint16_t from);

  // --- connections
  // A socket not connected yet (a client's), with an ephemeral port of its own.
  std::shared_ptr<Endpoint> open();
  void connect(const std::shared_ptr<Endpoint>& e, uint16_t port, ConnectDone done);
  // Reads what has arrived into `buffers`: at once when something has, else when it does.
  void read(const std::shared_ptr<Endpoint>& e, std::vector<boost::asio::mutable_buffer> buffers, IoDone done);
  // Bytes arrived and not read yet (FIONREAD).
  std::size_t available(const std::shared_ptr<Endpoint>& e) const;
  // An idle connection a client may send on again: nothing arrived on it, no FIN, no RST (what
  // recv(MSG_PEEK | MSG_DONTWAIT) failing with EAGAIN says of a live socket).
  bool idle_usable(const std::shared_ptr<Endpoint>& e) const;
  // Reads and drops what has arrived, so a close that follows is a FIN, not an RST.
  void discard_unread(const std::shared_ptr<Endpoint>& e);
  // Sends `bytes`; completes at once with their size (no send buffer limit), or with the error.
  void write(const std::shared_ptr<Endpoint>& e, std::string bytes, IoDone done);
  void shutdown_send(const std::shared_ptr<Endpoint>& e);
  void shutdown_receive(const std::shared_ptr<Endpoint>& e);
  // Pending operations end with operation_aborted.
  void cancel(const std::shared_ptr<Endpoint>& e);
  // cancel(), then FIN, or RST when received data is unread.
  void close(const std::shared_ptr<Endpoint>& e);

  // A number naming the connection while it lives, never a descriptor of the process (they start
  // at kFirstConnectionId): what a live socket's descriptor is to a cache keyed by it.
  static constexpr int kFirstConnectionId = 1 << 30;
  static int id(const Endpoint& e);
  static uint16_t local_port(const Endpoint& e);
  static uint16_t remote_port(const Endpoint& e);

 private:
  enum class Segment { syn, syn_ack, refuse, data, fin, rst };
  // Sends a segment from `from` to `to` (either may be gone by then); arrival after the latency,
  // never before an earlier segment of the same direction. Under mutex_.
  void send(const std::shared_ptr<Endpoint>& from, const std::shared_ptr<Endpoint>& to, Segment kind,
            std::string bytes = {});
  void arrive(std::weak_ptr<Endpoint> to, std::weak_ptr<Endpoint> from, Segment kind, const std::string& bytes);
  // `woken`: the read was waiting and this is the arrival that ends it (a wake-up later).
  void try_complete_read(Endpoint& e, bool woken);  // under mutex_
  // Completes a waiting operation a drawn wake-up from now. Under mutex_.
  template <class... Args>
  void wake(Completion<Args...>& done, Args... args);
  core::Duration draw_wakeup();     // under mutex_
  void abort_pending(Endpoint& e);  // under mutex_
  core::Duration draw_latency();    // under mutex_

  core::VirtualClock& clock_;
  core::Rng rng_;
  SimNetworkOptions options_;
  // The lock of everything below, shared with the arrivals scheduled on the clock: they may run
  // after the network is gone (then they find `alive` false and do nothing).
  struct Guard {
    std::mutex mutex;
    bool alive = true;
  };
  std::shared_ptr<Guard> guard_;
  std::mutex& mutex_;
  std::map<uint16_t, std::shared_ptr<Listener>> listeners_;
  std::map<uint16_t, uint16_t> forwards_;
  uint16_t next_ephemeral_ = 40000;
  int next_id_ = kFirstConnectionId;
};

}  // namespace bg::net
