// ClientSession's first step for each request: RequestRouter decides what nginx's phases do with
// it; an answer of nginx's own (return, a static file, 301/404/...) is written at once, and a
// proxied request gets its peers: an upstream block's shared state, or the addresses a variable
// named, each checked to be an address the run owns before anything connects to it.
#include <charconv>

#include <fmt/format.h>

#include "proxy/client_session.h"
#include "proxy/http_messages.h"

namespace bg::proxy {
namespace {

uint64_t parse_request_id(std::string_view s) {
  uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// The request line as nginx logs it: GET / HTTP/1.1.
std::string request_line(const http::request<http::string_body>& req) {
  std::string out;
  out.reserve(req.method_string().size() + req.target().size() + 10);
  out += req.method_string();
  out += ' ';
  out += req.target();
  out += " HTTP/";
  out += static_cast<char>('0' + req.version() / 10);
  out += '.';
  out += static_cast<char>('0' + req.version() % 10);
  return out;
}

}  // namespace

void ClientSession::handle_request() {
  ctx_ = LogContext{};
  ctx_.request_line = request_line(request_);
  ctx_.host = std::string(request_[http::field::host]);
  ctx_.request_id = parse_request_id(request_["X-Request-Id"]);
  ctx_.worker = worker_.index;
  attempts_ = 0;
  upstream_status_.clear();
  // ngx_http_process_host: "client sent duplicate host header", 400.
  if (request_.count(http::field::host) > 1) {
    state_->log.error("info", "client sent duplicate host header", "reading client request headers", ctx_, "");
    return respond_status(400, true);
  }
  RouteRequest rr;
  rr.method = std::string(request_.method_string());
  rr.target = std::string(request_.target());
  rr.host = ctx_.host;
  rr.declared_port = declared_port_;
  if (request_.find(http::field::content_length) != request_.end())
    rr.content_length = static_cast<int64_t>(request_.body().size());
  rr.header = [this](std::string_view field) -> std::optional<std::string> {
    auto it = request_.find(field);
    if (it == request_.end()) return std::nullopt;
    return std::string(it->value());
  };
  route_ = generation_->router().route(rr);
  location_ = route_.location;
  if (route_.server && !route_.server->server_names.empty()) ctx_.server = route_.server->server_names.front();
  if (location_) {
    keepalive_timeout_ = location_->keepalive_timeout;
    keepalive_requests_ = location_->keepalive_requests;
  }
  if (route_.kind != RouteResult::Kind::proxy) return respond_route();
  adhoc_pool_.reset();
  adhoc_cache_.reset();
  if (!route_.upstream.empty()) {
    pool_ = &worker_.pools.at(route_.upstream);
    cache_ = &worker_.caches.at(route_.upstream);
  } else {
    use_addresses();
  }
  {
    std::lock_guard lock(worker_.mutex);
    peer_request_ = pool_->begin_request(location_->proxy.next_upstream_tries);
  }
  first_attempt_ = state_->clock.now();
  next_attempt();
}

// The addresses a variable named become a peer set of this request alone, as nginx makes one.
void ClientSession::use_addresses() {
  Upstream up;
  up.name = route_.proxy_host;
  up.implicit = true;
  for (const auto& a : route_.addresses) {
    UpstreamServer s;
    s.address = a.written;
    s.host = a.host;
    s.port = a.port;
    s.resolved = a.resolved;
    up.servers.push_back(std::move(s));
  }
  adhoc_pool_.emplace(up);
  adhoc_cache_.emplace(up);
  pool_ = &*adhoc_pool_;
  cache_ = &*adhoc_cache_;
}

// The loopback port to connect to for `peer`, or nullopt when the run does not own its address:
// an upstream block's peers are the run's by construction (their ports go through the PortMap);
// an address a variable named must be loopback and a port the run declared (or one its resolver
// gave), so that no request ever reaches a service of the machine the run happens to be on.
std::optional<uint16_t> ClientSession::owned_port(const UpstreamServer& peer) const {
  if (!adhoc_pool_) return state_->upstreams_as_declared ? peer.port : state_->ports.map(peer.port);
  if (peer.resolved) return state_->ports.map(peer.port);
  bool loopback = peer.host == "localhost" || peer.host.rfind("127.", 0) == 0;
  if (!loopback) return std::nullopt;
  if (state_->upstreams_as_declared) return peer.port;
  return state_->ports.lookup(peer.port);
}

// What a refused connect() does (the next peer, or 502), after saying why in the History.
void ClientSession::refuse_unowned() {
  state_->log.unowned_address(peer_.address, ctx_);
  AttemptResult refused;
  refused.kind = FailureKind::error;
  refused.error_text = "connect() failed (111: Connection refused)";
  refused.action = "connecting to upstream";
  on_attempt(std::move(refused));
}

// An answer nginx makes itself. Its error_log line first (a variable's proxy_pass that failed).
void ClientSession::respond_route() {
  if (!route_.error.empty()) state_->log.error("error", route_.error, "", ctx_, "");
  std::string location = route_.location_header;
  if (!location.empty() && location[0] == '/') {
    // The header filter makes it absolute (absolute_redirect on, server_name_in_redirect off).
    std::string host = ctx_.host.empty() ? ctx_.server : ctx_.host.substr(0, ctx_.host.find(':'));
    location = "http://" + host + (declared_port_ == 80 ? "" : ":" + std::to_string(declared_port_)) + location;
  }
  bool keep = may_keep_alive();
  auto res = make_answer(route_.status, route_.has_body ? &route_.body : nullptr, route_.content_type, location,
                         request_.version() ? request_.version() : 11, keep, request_.method() == http::verb::head);
  write(serialize(res), route_.status, !keep);
}

}  // namespace bg::proxy
