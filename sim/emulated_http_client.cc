#include "sim/emulated_http_client.h"

#include <fstream>
#include <sstream>

#include "fakes/shim/http_client_emulation.h"
#include "net/blocking_probe.h"

namespace bg::sim {
namespace {

using Failure = fakes::HttpOutcome::Failure;

// How the network's outcome reads to the emulated client. Simplified: end of stream within a
// response (partial) is told as a reset (curl 56) rather than curl's 18 "transfer closed with
// outstanding read data remaining", which the emulation does not model; no fake ends a response so.
fakes::HttpOutcome to_client(const net::HttpExchangeOutcome& o) {
  fakes::HttpOutcome out;
  out.elapsed = o.elapsed;
  switch (o.failure) {
    case net::HttpExchangeOutcome::Failure::none:
      out.status = o.status;
      out.reason = o.reason;
      out.headers = o.headers;
      out.body = o.body;
      return out;
    case net::HttpExchangeOutcome::Failure::refused:
      out.failure = Failure::refused;
      out.connected = false;
      return out;
    case net::HttpExchangeOutcome::Failure::empty_reply:
      out.failure = Failure::empty_reply;
      return out;
    case net::HttpExchangeOutcome::Failure::timeout:
      out.failure = Failure::timeout;
      out.connected = o.connected;
      return out;
    case net::HttpExchangeOutcome::Failure::reset:
    case net::HttpExchangeOutcome::Failure::partial:
    case net::HttpExchangeOutcome::Failure::other:
      out.failure = Failure::reset;
      return out;
  }
  return out;
}

}  // namespace

core::CommandResult emulated_http_client(const EmulatedHttpClientWiring& w, const fakes::ShimRequest& request,
                                         std::stop_token stop) {
  fakes::HttpClientWorld world;
  world.owned = w.owned;
  world.exchange = [&](const fakes::HttpCall& call) {
    net::HttpExchangeRequest r{call.method, call.target, call.headers, call.body};
    return to_client(net::blocking_http_exchange(w.network, w.executor, w.clock, call.port, r, call.timeout, stop));
  };
  world.sleep = [&](core::Duration d) { return w.clock.sleep_for(d, stop); };
  world.now = [&] { return w.clock.now(); };
  world.write_file = [&](const std::string& path, const std::string& data) {
    std::ofstream out(w.files.resolve(path), std::ios::binary | std::ios::trunc);
    out << data;
    return static_cast<bool>(out.flush());
  };
  world.read_file = [&](const std::string& path) -> std::optional<std::string> {
    std::ifstream in(w.files.resolve(path), std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  };
  world.cwd = request.cwd;
  return request.program == "curl" ? fakes::emulate_curl(request.args, request.stdin, world)
                                   : fakes::emulate_wget(request.args, request.stdin, world);
}

}  // namespace bg::sim
