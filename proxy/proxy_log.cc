#include "proxy/proxy_log.h"

#include <fmt/format.h>

namespace bg::proxy {

std::string ProxyLog::format_context(const LogContext& ctx) {
  std::string s = fmt::format(", client: {}, server: {}, request: \"{}\"", ctx.client, ctx.server, ctx.request_line);
  if (!ctx.upstream.empty()) s += fmt::format(", upstream: \"{}\"", ctx.upstream);
  if (!ctx.host.empty()) s += fmt::format(", host: \"{}\"", ctx.host);
  return s;
}

void ProxyLog::error(const std::string& level, const std::string& text, const std::string& action,
                     const LogContext& ctx, const std::string& peer) {
  core::ProxyEvent e;
  e.at = clock_.now();
  e.kind = core::ProxyEventKind::error_log;
  e.level = level;
  e.message = text + (action.empty() ? "" : " while " + action) + format_context(ctx);
  e.peer = peer;
  e.request_id = ctx.request_id;
  e.worker = ctx.worker;
  emit(std::move(e));
}

void ProxyLog::peer_change(core::ProxyEventKind kind, const std::string& peer, const std::string& upstream,
                           const LogContext& ctx) {
  core::ProxyEvent e;
  e.at = clock_.now();
  e.kind = kind;
  e.level = kind == core::ProxyEventKind::peer_down ? "warn" : "notice";
  e.message = kind == core::ProxyEventKind::peer_down
                  ? fmt::format("peer {} of upstream \"{}\" temporarily disabled", peer, upstream)
                  : fmt::format("peer {} of upstream \"{}\" answered its probe: live again", peer, upstream);
  e.peer = peer;
  e.request_id = ctx.request_id;
  e.worker = ctx.worker;
  emit(std::move(e));
}

void ProxyLog::unowned_address(const std::string& peer, const LogContext& ctx) {
  core::ProxyEvent e;
  e.at = clock_.now();
  e.kind = core::ProxyEventKind::unowned_address_refused;
  e.level = "error";
  e.message = "bluegreen refused to connect to " + peer +
              ": an address the run does not own (named by a proxy_pass variable)" + format_context(ctx);
  e.peer = peer;
  e.request_id = ctx.request_id;
  e.worker = ctx.worker;
  emit(std::move(e));
}

void ProxyLog::access(const LogContext& ctx, int status, int attempts, const std::string& upstream_status,
                      uint64_t bytes_sent) {
  core::ProxyEvent e;
  e.at = clock_.now();
  e.kind = core::ProxyEventKind::access_log;
  // nginx's "main" format, less the time and user-agent fields the simulation has no use for:
  // `127.0.0.1 - - "GET / HTTP/1.1" 200 153 upstream_status="200"`. Appended by hand, not through
  // fmt::format: one is made for every request (a tenth of the proxy's own instructions went there).
  std::string_view up = upstream_status.empty() ? std::string_view("-") : std::string_view(upstream_status);
  std::string& m = e.message;
  m.reserve(ctx.client.size() + ctx.request_line.size() + up.size() + 64);
  m += ctx.client;
  m += " - - \"";
  m += ctx.request_line;
  m += "\" ";
  m += std::to_string(status);
  m += ' ';
  m += std::to_string(bytes_sent);
  m += " upstream_status=\"";
  m += up;
  m += '"';
  e.request_id = ctx.request_id;
  e.worker = ctx.worker;
  e.status = status;
  e.attempts = attempts;
  e.upstream_status = upstream_status;
  emit(std::move(e));
}

void ProxyLog::lifecycle(core::ProxyEventKind kind, const std::string& level, const std::string& message) {
  core::ProxyEvent e;
  e.at = clock_.now();
  e.kind = kind;
  e.level = level;
  e.message = message;
  emit(std::move(e));
}

}  // namespace bg::proxy
