#pragma once
// The shim's side of its wire: one HTTP/1.1 POST over the run's Unix socket, written out by hand.
// Every docker, curl, sleep... a deploy script calls starts bluegreen-shim anew, and on the
// deterministic engine the script holds scenario time still while that start runs, so it is on the
// critical path of every run. cpp-httplib's client made each start load libssl, libcrypto, brotli and
// zlib (2.6 ms of CPU and 6 ms elapsed per call against 0.4 ms for /bin/true): this client needs
// nothing but libc, so the shim links statically. The server stays cpp-httplib's (ShimServer).
#include <chrono>
#include <string>

namespace bg::fakes {

struct ShimPostResult {
  bool reached = false;  // a whole HTTP response came back
  int status = 0;        // its status code
  std::string body;      // its body
  std::string error;     // why not, when !reached
};

// POSTs `body` (application/json) to `http_path` on the server listening at the Unix socket
// `socket_path`, then reads the reply to its end (the server closes each connection after one
// request). Connecting gives up after `connect_timeout`; reading the reply has no deadline (the
// harness ends a hung script itself).
ShimPostResult post_to_shim_server(const std::string& socket_path, const std::string& http_path,
                                   const std::string& body, std::chrono::milliseconds connect_timeout);

}  // namespace bg::fakes
