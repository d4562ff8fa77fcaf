#include "proxy/config_interpreter.h"

#include <fmt/format.h>

#include "proxy/directive_support.h"
#include "proxy/nginx_values.h"
#include "proxy/user_regex.h"

namespace bg::proxy {
namespace ctx = conf_contexts;

LevelSettings LevelSettings::over(const LevelSettings& parent) const {
  LevelSettings r = *this;
  r.proxy = proxy.over(parent.proxy);
  if (!r.root) r.root = parent.root;
  if (!r.index) r.index = parent.index;
  if (!r.client_max_body_size) r.client_max_body_size = parent.client_max_body_size;
  if (!r.keepalive_timeout) r.keepalive_timeout = parent.keepalive_timeout;
  if (!r.keepalive_requests) r.keepalive_requests = parent.keepalive_requests;
  return r;
}

void LevelSettings::settle_into(Location& l) const {
  l.proxy = proxy.settle();
  if (root) l.root = *root;
  if (index) l.index = *index;
  if (client_max_body_size) l.client_max_body_size = *client_max_body_size;
  if (keepalive_timeout) l.keepalive_timeout = *keepalive_timeout;
  if (keepalive_requests) l.keepalive_requests = *keepalive_requests;
}

void ConfigInterpreter::run(const std::vector<ConfDirective>& tree) {
  main_block(tree);
  settle_servers();
  check_variables();
  if (not_modelled_) throw *not_modelled_;
}

ConfigInterpreter::Verdict ConfigInterpreter::check(const ConfDirective& d, ConfContext c,
                                                    std::set<std::string>& seen) {
  const NginxDirectiveSpec& spec = checker_.check(d, c);
  switch (directive_support(d.name, spec.module)) {
    case DirectiveSupport::modelled:
      DirectiveChecker::check_slot(d, spec, seen);
      return Verdict::interpret;
    case DirectiveSupport::harmless:
      DirectiveChecker::check_slot(d, spec, seen);
      if (d.has_block) validate_block(d, c);
      return Verdict::skip;
    case DirectiveSupport::not_modelled:
      DirectiveChecker::check_slot(d, spec, seen);
      not_modelled(d, fmt::format("nginx directive \"{}\"", d.name));
      if (d.has_block) validate_block(d, c);
      return Verdict::skip;
  }
  return Verdict::skip;
}

void ConfigInterpreter::not_modelled(const ConfDirective& d, const std::string& what) {
  if (!not_modelled_) not_modelled_.emplace(fmt::format("{} in {}:{}", what, d.file, d.line));
}

// The contents of a block the interpreter does not model, checked as nginx would read them: the
// blocks whose contents are directives get each one checked in their context; blocks read by a
// custom handler (types, map, geo, split_clients, charset_map, match) take any words.
void ConfigInterpreter::validate_block(const ConfDirective& d, ConfContext outer) {
  std::optional<ConfContext> inner;
  if (d.name == "if")
    inner = outer.cmd_type == ctx::kServer.cmd_type ? ctx::kServerIf : ctx::kLocationIf;
  else if (d.name == "limit_except")
    inner = ctx::kLimitExcept;
  else if (d.name == "location")
    inner = ctx::kLocation;
  else if (d.name == "server" && outer.module == ConfModuleKind::http)
    inner = ctx::kServer;
  else if (d.name == "upstream")
    inner = ctx::kUpstream;
  std::set<std::string> seen;
  for (const auto& c : d.block) {
    raise_if_error(c);
    if (!inner) {
      if (c.has_block) throw NginxConfigError(emerg_at("unexpected \"{\"", c.file, c.line));
      continue;
    }
    check(c, *inner, seen);
  }
}

void ConfigInterpreter::main_block(const std::vector<ConfDirective>& ds) {
  bool events = false;
  std::set<std::string> seen;
  for (const auto& d : ds) {
    if (check(d, ctx::kMain, seen) == Verdict::skip) continue;
    if (d.name == "events") {
      if (events) fail_at(d, "\"events\" directive is duplicate");
      events = true;
      events_block(d);
    } else if (d.name == "http") {
      if (http_seen_) fail_at(d, "\"http\" directive is duplicate");
      http_seen_ = true;
      http_block(d);
    } else if (d.name == "worker_processes") {
      worker_processes(d);
    } else if (d.name == "load_module") {
      // ngx_load_module: a path relative to the prefix; Debian's own modules are known by file name.
      std::string file = std::filesystem::path(d.args[0]).filename().string();
      bool nginx_module = false;
      for (const auto& s : nginx_directive_specs()) nginx_module = nginx_module || file == s.shared_object;
      if (!nginx_module) not_modelled(d, fmt::format("nginx dynamic module \"{}\"", d.args[0]));
      checker_.load_module(file);
    }
  }
  if (!events) throw NginxConfigError("[emerg] no \"events\" section in configuration");
}

void ConfigInterpreter::events_block(const ConfDirective& d) {
  std::set<std::string> seen;
  for (const auto& e : d.block) check(e, ctx::kEvents, seen);
}

void ConfigInterpreter::worker_processes(const ConfDirective& d) {
  if (d.args[0] == "auto") {
    // Simplification: nginx starts one worker per CPU; the simulation starts one.
    config_.worker_processes = 1;
    config_.warnings.push_back(fmt::format("\"worker_processes auto\" simulated as 1 in {}:{}", d.file, d.line));
    return;
  }
  auto n = nginx_atoi(d.args[0]);
  if (!n) fail_at(d, "\"worker_processes\" directive invalid value");
  // Each worker is a peer-state copy here; more than a machine could run is not modelled.
  if (*n > 64) not_modelled(d, fmt::format("worker_processes {} (bluegreen models up to 64)", *n));
  config_.worker_processes = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(*n, 64)));
}

void ConfigInterpreter::http_block(const ConfDirective& d) {
  std::set<std::string> seen;
  Location ignored;
  std::vector<RewriteStep> no_rewrite;
  for (const auto& c : d.block) {
    if (c.name == "ssl_certificate") http_ssl_certificate_ = true;
    if (check(c, ctx::kHttp, seen) == Verdict::skip) continue;
    if (c.name == "upstream")
      upstream_block(c);
    else if (c.name == "server")
      server_block(c);
    else if (c.name == "map")
      map_block(c);
    else if (c.name == "resolver")
      config_.has_resolver = true;
    else
      level_directive(c, http_, ignored, no_rewrite, seen);
  }
}

// map $source $variable { [hostnames;] [volatile;] default V; KEY V; ~REGEX V; include F; }
void ConfigInterpreter::map_block(const ConfDirective& d) {
  MapBlock m;
  m.source = compile(d, d.args[0], true);
  if (d.args[1].size() < 2 || d.args[1][0] != '$') fail_at(d, fmt::format("invalid variable name \"{}\"", d.args[1]));
  m.variable = d.args[1].substr(1);
  defined_variables_.insert(m.variable);
  for (const auto& e : d.block) {
    raise_if_error(e);
    if (e.has_block) fail_at(e, "unexpected \"{\"");
    if (e.args.empty() && (e.name == "hostnames" || e.name == "volatile")) {
      m.hostnames = m.hostnames || e.name == "hostnames";
      continue;
    }
    if (e.args.size() != 1) fail_at(e, "invalid number of the map parameters");
    Script value = compile(e, e.args[0], true);
    if (e.name == "default") {
      if (m.default_value) fail_at(e, "duplicate default map parameter");
      m.default_value = value;
      continue;
    }
    MapBlock::Entry entry{e.name, nullptr, value};
    if (e.name.size() > 1 && e.name[0] == '~') {
      bool caseless = e.name[1] == '*';
      std::string pattern = e.name.substr(caseless ? 2 : 1);
      auto compiled = compile_user_regex(pattern, caseless);
      if (!compiled.nginx_error.empty()) fail_at(e, compiled.nginx_error);
      if (!compiled.not_modelled.empty()) not_modelled(e, compiled.not_modelled);
      entry.regex = std::move(compiled.regex);
    } else {
      for (char& ch : entry.key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (m.hostnames && (entry.key.find('*') != std::string::npos || entry.key.front() == '.'))
        not_modelled(e, fmt::format("map hostnames wildcard \"{}\"", e.name));
    }
    m.entries.push_back(std::move(entry));
  }
  config_.maps.push_back(std::move(m));
}

Script ConfigInterpreter::compile(const ConfDirective& d, const std::string& text, bool decides_fate) {
  std::string error;
  auto s = Script::compile(text, error);
  if (!s) fail_at(d, error);
  for (const auto& p : s->parts())
    if (p.variable) variable_uses_.push_back({p.text, d.file, d.line, decides_fate});
  return *s;
}

// After the whole file, as ngx_http_variables_init_vars does: every variable named must exist
// (its message has no position). Then those that decide a request's fate must be evaluable.
void ConfigInterpreter::check_variables() {
  auto loaded = [this](const std::string& so) { return checker_.loaded(so); };
  for (const auto& u : variable_uses_)
    if (!defined_variables_.count(u.name) && !nginx_knows_variable(u.name, loaded))
      throw NginxConfigError(fmt::format("[emerg] unknown \"{}\" variable", u.name));
  for (const auto& u : variable_uses_)
    if (u.decides_fate && !defined_variables_.count(u.name) && !evaluable_variable(u.name) && !not_modelled_)
      not_modelled_.emplace(fmt::format("nginx variable \"${}\" in {}:{}", u.name, u.file, u.line));
}

void ConfigInterpreter::settle_servers() {
  for (auto& p : servers_) {
    LevelSettings server = p.own.over(http_);
    server.settle_into(p.server.fallback);
    for (auto& loc : p.locations) {
      p.server.locations.emplace_back();
      settle_location(loc, server, p.server.locations.back());
    }
    config_.servers.push_back(std::move(p.server));
  }
}

void ConfigInterpreter::settle_location(PendingLocation& p, const LevelSettings& parent, Location& out) {
  LevelSettings level = p.own.over(parent);
  out = std::move(p.location);
  level.settle_into(out);
  if (p.proxy_pass && !out.proxy_pass.empty()) out.proxy_pass = upstream_for(*p.proxy_pass, out);
  for (auto& n : p.nested) {
    out.nested.emplace_back();
    settle_location(n, level, out.nested.back());
  }
}

}  // namespace bg::proxy
