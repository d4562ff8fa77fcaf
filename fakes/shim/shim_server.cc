#include "fakes/shim/shim_server.h"

#include <sys/socket.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace bg::fakes {

ShimServer::ShimServer(std::filesystem::path socket_path, Handler handler)
    : path_(std::move(socket_path)), handler_(std::move(handler)), server_(std::make_unique<httplib::Server>()) {}

ShimServer::~ShimServer() { stop(); }

void ShimServer::start() {
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
  server_->set_address_family(AF_UNIX);
  server_->set_keep_alive_max_count(1);  // one request per shim process
  server_->Post(kShimPath, [this](const httplib::Request& req, httplib::Response& res) {
    ShimReply reply;
    try {
      ShimRequest request = nlohmann::json::parse(req.body).get<ShimRequest>();
      reply = handler_(request, stop_.get_token());
    } catch (const std::exception& e) {
      // A harness fault is the script's failure too, and never silent.
      reply = ShimReply{1, "", std::string("bluegreen-shim: harness error: ") + e.what() + "\n", {}};
    }
    nlohmann::json j = reply;
    res.set_content(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
  });
  if (!server_->bind_to_port(path_.string(), 80))
    throw std::runtime_error("cannot listen on the shim socket " + path_.string());
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() does nothing until the thread's loop runs (is_running()): a stop() that came
  // sooner, a run or a test that ends at once on a loaded machine, left the thread in accept() for
  // ever and stop()'s join with it. So start() returns once it runs.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!server_->is_running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      thread_.detach();  // blocked in accept(), or not started at all: it cannot be joined
      throw std::runtime_error("the shim server on " + path_.string() + " did not start within 30 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void ShimServer::stop() {
  stop_.request_stop();
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();  // listen_after_bind returns after its workers are joined
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

}  // namespace bg::fakes
