#include "bench/bench_backend.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace bg::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(asio::ip::tcp::socket socket) : stream_(std::move(socket)) {}
  void start() { do_read(); }

 private:
  void do_read() {
    request_ = {};
    http::async_read(stream_, buffer_, request_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (!ec) self->respond();
    });
  }
  void respond() {
    response_ = {};
    response_.result(http::status::ok);
    response_.version(11);
    response_.set(http::field::content_type, "text/plain");
    response_.body() = "hello from the backend";
    response_.keep_alive(request_.keep_alive());
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec || !self->response_.keep_alive()) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        return;
      }
      self->do_read();
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

}  // namespace

BenchBackend::BenchBackend(core::PortMap& ports, uint16_t declared_port)
    : listener_(ports, ports.map(declared_port)), port_(ports.map(declared_port)), acceptor_(io_) {
  acceptor_.assign(asio::ip::tcp::v4(), listener_.start());
  do_accept();
  thread_ = std::thread([this] { io_.run(); });
}

BenchBackend::~BenchBackend() {
  asio::post(io_, [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  io_.stop();
  thread_.join();
  listener_.stop();
}

void BenchBackend::do_accept() {
  acceptor_.async_accept([this](beast::error_code ec, asio::ip::tcp::socket socket) {
    if (ec) return;
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    std::make_shared<Session>(std::move(socket))->start();
    do_accept();
  });
}

}  // namespace bg::bench
