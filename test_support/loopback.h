#pragma once
// Loopback clients for tests: connect to 127.0.0.1, send, read one HTTP response or whatever comes
// back before EOF, and a listener on a port of the machine's own loopback (to show that nothing a
// run does reaches it). Blocking, one call at a time, and every read has a deadline, so a test that
// goes wrong fails instead of hanging. Live tests use loopback only (design.md "Ports and processes").
#include <cstdint>
#include <functional>
#include <string>

namespace bg::test_support {

// A connected socket to 127.0.0.1:port, or -errno.
int connect_to(uint16_t port);
// 0 when a connection to 127.0.0.1:port succeeds (it is closed at once), else errno.
int try_connect(uint16_t port);
bool send_all(int fd, const std::string& data);

struct ClientResponse {
  int status = 0;  // 0: no response (connection closed or refused)
  std::string head;
  std::string body;
  int connect_errno = 0;
};

// One request on a new connection (Connection: close); reads to EOF with a 3 s deadline.
ClientResponse http_request(uint16_t port, const std::string& method, const std::string& path,
                            const std::string& extra_headers = "", const std::string& body = "");
// Reads one response head+body from a keep-alive connection (Content-Length framed); 3 s deadline.
ClientResponse read_response(int fd);
// Appends what `fd` receives to `data` until `done(data)` holds or EOF; false when `deadline_ms`
// passes without a byte, or on a read error.
bool read_until(int fd, std::string& data, const std::function<bool(const std::string&)>& done, int deadline_ms = 3000);
// Whether `data` holds a whole HTTP message: a head and the Content-Length body it announces.
bool message_complete(const std::string& data);

// What a raw client sees on 127.0.0.1:port: refused, or connected and then `data` before EOF (or
// the read deadline) after sending `send` and half-closing.
struct Probe {
  bool connected = false;
  int connect_errno = 0;
  std::string data;
  bool eof = false;
};
Probe probe(uint16_t port, const std::string& send = "", int read_deadline_ms = 2000);

// A listening socket on an ephemeral port of the machine's loopback (not the run's PortMap): what a
// test puts where a run must never connect. Closed on destruction.
class LoopbackListener {
 public:
  LoopbackListener();
  ~LoopbackListener();
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  uint16_t port() const { return port_; }
  int fd() const { return fd_; }
  // Whether a connection is waiting to be accepted now (never blocks).
  bool has_pending_connection() const;

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace bg::test_support
