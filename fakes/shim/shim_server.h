#pragma once
// ShimServer: the run's end of the shims. A cpp-httplib server on a Unix socket (the path the
// shims find in BLUEGREEN_SHIM_SOCKET) that turns each POSTed ShimRequest into a ShimReply through
// the run's Handler, on its own worker threads. stop() asks in-flight handlers to finish (their
// stop_token is requested), joins every thread and removes the socket file.
#include <filesystem>
#include <functional>
#include <memory>
#include <stop_token>
#include <thread>

#include "fakes/shim/shim_protocol.h"

namespace httplib {
class Server;
}

namespace bg::fakes {

class ShimServer {
 public:
  using Handler = std::function<ShimReply(const ShimRequest&, std::stop_token)>;

  ShimServer(std::filesystem::path socket_path, Handler handler);
  ~ShimServer();  // stop()
  ShimServer(const ShimServer&) = delete;
  ShimServer& operator=(const ShimServer&) = delete;

  // Binds the socket (replacing a stale file) and starts serving. Throws std::runtime_error.
  void start();
  void stop();
  const std::filesystem::path& socket_path() const { return path_; }

 private:
  std::filesystem::path path_;
  Handler handler_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::stop_source stop_;
};

}  // namespace bg::fakes
