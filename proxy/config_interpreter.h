#pragma once
// ConfigInterpreter walks the directive tree in file order, as nginx's handlers run while it reads
// (so the first error in the file is the one reported): each directive is checked where it stands
// (DirectiveChecker), then modelled, accepted as harmless, or recorded as not modelled
// (directive_support.h). Its parts: nginx_config.cc (main, events, http, map, the end checks),
// upstream_config.cc (upstream blocks, proxy_pass targets), server_config.cc (server and location
// blocks, rewrite and content directives). Internal to the proxy's config loading.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/not_modelled.h"
#include "proxy/config_reader.h"
#include "proxy/directive_checker.h"
#include "proxy/nginx_config.h"
#include "proxy/proxy_layer.h"

namespace bg::proxy {

// Settings of one level (http, server, location) that inner levels inherit, as nginx's merge
// functions do: unset here means the parent's.
struct LevelSettings {
  ProxyLayer proxy;
  std::optional<std::string> root;
  std::optional<std::vector<Script>> index;
  std::optional<int64_t> client_max_body_size;
  std::optional<core::Duration> keepalive_timeout;
  std::optional<int> keepalive_requests;

  LevelSettings over(const LevelSettings& parent) const;
  void settle_into(Location& location) const;
};

class ConfigInterpreter {
 public:
  ConfigInterpreter(NginxConfig& config, const HostResolver& resolve) : config_(config), resolve_(resolve) {}
  // Throws NginxConfigError for what nginx rejects, then core::NotModelled for the first directive
  // that is valid but not modelled.
  void run(const std::vector<ConfDirective>& tree);

  // What the caller does with a directive after check(): interpret it, or skip it.
  enum class Verdict { interpret, skip };
  // Checks `d` in `ctx`; harmless ones get the generic value checks; not modelled ones are
  // recorded (the first is thrown at the end) and their blocks validated.
  Verdict check(const ConfDirective& d, ConfContext ctx, std::set<std::string>& seen);
  void not_modelled(const ConfDirective& d, const std::string& what);
  // A variable named in a value: must be known at the end (nginx's `unknown "x" variable`); one
  // in a value that decides a request's fate must also be one bluegreen evaluates.
  Script compile(const ConfDirective& d, const std::string& text, bool decides_fate);

 private:
  struct PendingLocation {
    Location location;
    LevelSettings own;
    const ConfDirective* proxy_pass = nullptr;
    std::vector<PendingLocation> nested;
  };
  struct PendingServer {
    ServerBlock server;
    LevelSettings own;
    std::vector<PendingLocation> locations;
  };
  struct VariableUse {
    std::string name;
    std::string file;
    int line = 0;
    bool decides_fate = false;
  };

  void main_block(const std::vector<ConfDirective>& ds);
  void events_block(const ConfDirective& d);
  void http_block(const ConfDirective& d);
  void worker_processes(const ConfDirective& d);
  void map_block(const ConfDirective& d);
  void validate_block(const ConfDirective& d, ConfContext ctx);
  void check_variables();
  void settle_servers();
  void settle_location(PendingLocation& p, const LevelSettings& parent, Location& out);

  // upstream_config.cc
  void upstream_block(const ConfDirective& d);
  std::vector<UpstreamServer> upstream_servers(const ConfDirective& s);
  std::vector<UpstreamServer> addresses_of(const ConfDirective& d, const UpstreamServer& srv);
  void proxy_pass(const ConfDirective& d, Location& location);
  std::string upstream_for(const ConfDirective& d, const Location& location);

  // server_config.cc
  void server_block(const ConfDirective& d);
  void listen(const ConfDirective& d, ServerBlock& server);
  void server_name(const ConfDirective& d, ServerBlock& server);
  PendingLocation location_block(const ConfDirective& d, const Location* parent, ConfContext parent_ctx);
  void location_name(const ConfDirective& d, const Location* parent, Location& location);
  // A directive of server or location level that both share; false when `d` is none of them.
  bool level_directive(const ConfDirective& d, LevelSettings& own, Location& content, std::vector<RewriteStep>& rewrite,
                       std::set<std::string>& seen);
  RewriteStep return_step(const ConfDirective& d);
  RewriteStep set_step(const ConfDirective& d);

  NginxConfig& config_;
  const HostResolver& resolve_;
  DirectiveChecker checker_;
  std::optional<core::NotModelled> not_modelled_;
  LevelSettings http_;
  std::vector<PendingServer> servers_;
  std::set<std::string> defined_variables_;
  std::vector<VariableUse> variable_uses_;
  bool http_seen_ = false;
  bool ssl_listen_ = false;       // the server being read has `listen ... ssl`
  bool ssl_certificate_ = false;  // and an ssl_certificate (its own or http's)
  bool http_ssl_certificate_ = false;
};

}  // namespace bg::proxy
