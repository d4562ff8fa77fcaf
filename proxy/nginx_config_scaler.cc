#include "proxy/nginx_config_scaler.h"

#include <cmath>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/not_modelled.h"
#include "proxy/address_remapper.h"
#include "proxy/config_reader.h"
#include "proxy/nginx_config_loader.h"
#include "proxy/request_router.h"

namespace bg::proxy {
namespace {

// Directives nginx reads with ngx_conf_set_msec_slot (or an msec parse): they take "250ms".
const std::set<std::string> kMsecDirectives = {"proxy_connect_timeout",
                                               "proxy_send_timeout",
                                               "proxy_read_timeout",
                                               "proxy_next_upstream_timeout",
                                               "keepalive_timeout",
                                               "keepalive_time",
                                               "client_header_timeout",
                                               "client_body_timeout",
                                               "send_timeout",
                                               "lingering_time",
                                               "lingering_timeout",
                                               "resolver_timeout",
                                               "worker_shutdown_timeout",
                                               "proxy_cache_lock_timeout",
                                               "proxy_cache_lock_age",
                                               "auth_delay"};

// nginx's compiled-in durations for directives a config usually leaves out (nginx 1.22, the
// ngx_conf_merge_msec_value defaults of the http core, proxy and upstream keepalive modules).
// They are scenario durations as much as written ones: a scaled copy that left them implicit would
// run them at 1:1, e.g. a 60 s proxy_read_timeout lasting 600 scenario seconds at time_scale 0.1.
// Written at the level they are merged from (http, or the upstream block) unless the user set them
// there, where nginx would reject a duplicate.
const std::vector<std::pair<std::string, std::string>> kHttpDefaults = {
    {"proxy_connect_timeout", "60s"}, {"proxy_send_timeout", "60s"}, {"proxy_read_timeout", "60s"},
    {"keepalive_timeout", "75s"},     {"send_timeout", "60s"},       {"client_header_timeout", "60s"},
    {"client_body_timeout", "60s"},   {"lingering_time", "30s"},     {"lingering_timeout", "5s"}};
constexpr const char* kDefaultFailTimeout = "10s";        // ngx_http_upstream_server: fail_timeout=10
constexpr const char* kDefaultUpstreamKeepalive = "60s";  // ngx_http_upstream_keepalive: keepalive_timeout

bool has_directive(const std::vector<ConfDirective>& ds, const std::string& name) {
  for (const auto& d : ds)
    if (d.name == name) return true;
  return false;
}

// Set by the harness; the user's own lines for these are dropped.
const std::set<std::string> kMainOwned = {"daemon", "master_process", "pid", "error_log", "user"};
// `resolver` too: real nginx would send DNS queries to that address from the machine; a name a
// variable gives is refused before start (address_remapper), so no lookup is ever needed.
const std::set<std::string> kHttpOwned = {"access_log",      "error_log",         "client_body_temp_path",
                                          "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path",
                                          "scgi_temp_path",  "resolver"};

std::string quote(const std::string& a) {
  bool plain = !a.empty() && a.find_first_of(" \t\r\n;{}\"'#\\") == std::string::npos;
  if (plain) return a;
  std::string out = "\"";
  for (char c : a) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

ConfDirective make(const std::string& name, std::vector<std::string> args) {
  ConfDirective d;
  d.name = name;
  d.args = std::move(args);
  return d;
}

class Scaler {
 public:
  Scaler(const ScaleOptions& o, const core::PathMap& paths, ScaledConfig& out) : o_(o), paths_(paths), out_(out) {}

  const std::set<std::string>& upstreams() const { return upstreams_; }

  void collect_upstreams(const std::vector<ConfDirective>& ds) {
    for (const auto& d : ds) {
      if (d.name == "upstream" && !d.args.empty()) upstreams_.insert(d.args[0]);
      if (d.has_block) collect_upstreams(d.block);
    }
  }

  std::vector<ConfDirective> main(const std::vector<ConfDirective>& ds) {
    std::string p = o_.prefix.string();
    std::vector<ConfDirective> out{make("daemon", {"off"}), make("master_process", {"on"}),
                                   make("pid", {p + "/nginx.pid"}), make("error_log", {p + "/error.log", "info"})};
    for (const auto& d : ds) {
      if (kMainOwned.count(d.name)) continue;
      ConfDirective c = d;
      if (d.name == "http") c.block = http(d.block);
      out.push_back(std::move(c));
    }
    return out;
  }

 private:
  std::vector<ConfDirective> http(const std::vector<ConfDirective>& ds) {
    std::string p = o_.prefix.string();
    std::vector<ConfDirective> out{make("log_format", {"bluegreen", kAccessLogFormat}),
                                   make("access_log", {p + "/access.log", "bluegreen"})};
    for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
      out.push_back(make(std::string(t) + "_temp_path", {p + "/" + t}));
    for (const auto& [name, value] : kHttpDefaults)
      if (!has_directive(ds, name)) out.push_back(make(name, {msec(value)}));
    // nginx's default root is "html" under its prefix (Debian: /usr/share/nginx/html); the copy
    // runs with the run's prefix, so it names the host's folder as the run sees it.
    if (!has_directive(ds, "root")) out.push_back(make("root", {host_path("html")}));
    for (const auto& d : ds) rewrite_into(d, out, "http");
    return out;
  }

  // One directive of the http block or below, rewritten (or dropped) into `out`.
  void rewrite_into(const ConfDirective& d, std::vector<ConfDirective>& out, const std::string& parent) {
    if (kHttpOwned.count(d.name)) return;
    ConfDirective c = d;
    if (d.name == "listen" && !d.args.empty()) {
      c.args[0] = listen_address(d.args[0]);
      for (const auto& prior : out)
        if (prior.name == "listen" && !prior.args.empty() && prior.args[0] == c.args[0]) return;  // [::]:80 twin
    } else if (d.name == "server" && parent == "upstream") {
      // A name gives one server line per address, as nginx adds a peer per address it resolves.
      for (auto& line : upstream_servers(c)) out.push_back(std::move(line));
      return;
    } else if (d.name == "proxy_pass" && !d.args.empty()) {
      c.args[0] = proxy_pass(d);
    } else if (d.name == "root" && !d.args.empty()) {
      if (d.args[0].find('$') != std::string::npos)
        throw core::NotModelled(fmt::format("root with variables under real nginx in {}:{}", d.file, d.line));
      c.args[0] = host_path(d.args[0]);
    } else if (kMsecDirectives.count(d.name)) {
      if (!c.args.empty()) c.args[0] = msec(c.args[0]);
      // keepalive_timeout's second parameter (the Keep-Alive header) is whole seconds.
      if (d.name == "keepalive_timeout" && c.args.size() > 1) c.args[1] = whole_seconds(d, c.args[1], d.name);
    }
    if (d.has_block) {
      c.block.clear();
      for (const auto& s : d.block) rewrite_into(s, c.block, d.name);
      if (d.name == "upstream" && has_directive(d.block, "keepalive") && !has_directive(d.block, "keepalive_timeout"))
        c.block.push_back(make("keepalive_timeout", {msec(kDefaultUpstreamKeepalive)}));
    }
    out.push_back(std::move(c));
  }

  uint16_t port_of(const std::string& text) {
    auto colon = text.rfind(':');
    std::string p = colon == std::string::npos ? text : text.substr(colon + 1);
    if (p.empty() || p.find_first_not_of("0123456789") != std::string::npos) return 80;
    return static_cast<uint16_t>(std::stoi(p));
  }

  // The port `authority` (host[:port]) names; nginx's 80 when it names none.
  uint16_t authority_port(const std::string& authority) {
    return port_of(authority.find(':') == std::string::npos ? authority + ":80" : authority);
  }

  std::string listen_address(const std::string& a) {
    bool has_port = a.back() != ']' && (a.find(':') != std::string::npos || a.find('.') == std::string::npos);
    uint16_t declared = has_port ? port_of(a) : 80;
    out_.listen_ports.push_back(declared);
    return fmt::format("127.0.0.1:{}", o_.map_port(declared));
  }

  std::vector<ConfDirective> upstream_servers(const ConfDirective& c) {
    if (c.args.empty()) return {c};
    const std::string& written = c.args[0];
    std::vector<ConfDirective> out;
    for (uint16_t actual : addresses(c, written, authority_port(written))) {
      out.push_back(c);
      upstream_server(out.back(), written, actual);
    }
    return out;
  }

  // The actual ports `written` reaches: a name through the resolver, anything else mapped.
  std::vector<uint16_t> addresses(const ConfDirective& c, const std::string& written, uint16_t declared) {
    std::string host = written.substr(0, written.rfind(':'));
    if (host.rfind("unix:", 0) == 0 || is_address_literal(host)) return {o_.map_port(declared)};
    std::vector<uint16_t> found;
    if (o_.resolve) found = o_.resolve(host, declared);
    if (found.empty())
      throw NginxConfigError(emerg_at(fmt::format("host not found in upstream \"{}\"", written), c.file, c.line));
    return found;
  }

  void upstream_server(ConfDirective& c, const std::string& written, uint16_t actual) {
    out_.peers[actual] = written;
    c.args[0] = fmt::format("127.0.0.1:{}", actual);
    bool written_timeout = false;
    for (size_t i = 1; i < c.args.size(); ++i)
      if (c.args[i].rfind("fail_timeout=", 0) == 0) {
        c.args[i] = "fail_timeout=" + whole_seconds(c, c.args[i].substr(13), "fail_timeout");
        written_timeout = true;
      }
    // The default window scales too: left out, real nginx would keep a failed peer out for 10 s of
    // real time, 100 scenario seconds at time_scale 0.1.
    if (!written_timeout)
      c.args.push_back("fail_timeout=" + whole_seconds(c, kDefaultFailTimeout, "fail_timeout (default)"));
  }

  // The run's folder for a host path (a relative one is under nginx's prefix, /usr/share/nginx/).
  std::string host_path(const std::string& path) {
    std::string host = path.empty() || path[0] != '/' ? kNginxPrefix + path : path;
    return paths_.resolve(host).string();
  }

  std::string proxy_pass(const ConfDirective& d) {
    const std::string& url = d.args[0];
    if (url.rfind("http://", 0) != 0 || url.find('$') != std::string::npos) return url;
    std::string rest = url.substr(7);
    auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    if (upstreams_.count(authority)) return url;
    // Simplification: a name with several addresses is passed to its first (nginx would balance
    // over all of them).
    uint16_t actual = addresses(d, authority, authority_port(authority)).front();
    out_.peers[actual] = authority;
    return fmt::format("http://127.0.0.1:{}{}", actual, slash == std::string::npos ? "" : rest.substr(slash));
  }

  std::string msec(const std::string& value) {
    auto t = parse_nginx_time(value);
    if (!t || t->count() == 0) return value;  // nginx judges a bad value itself; 0 keeps its meaning
    double real_ms = core::to_seconds(*t) * o_.time_scale * 1000.0;
    return fmt::format("{}ms", std::max<long long>(1, std::llround(real_ms)));
  }

  // fail_timeout and other ngx_parse_time(.., 1) values: nginx accepts whole seconds only, so the
  // scaled value is rounded to the nearest second, at least 1 (a note says so when that changes it).
  std::string whole_seconds(const ConfDirective& d, const std::string& value, const std::string& what) {
    auto t = parse_nginx_time(value);
    if (!t || t->count() == 0) return value;
    double real_s = core::to_seconds(*t) * o_.time_scale;
    long long s = std::max<long long>(1, std::llround(real_s));
    if (std::abs(real_s - static_cast<double>(s)) > 1e-9)
      out_.notes.push_back(
          fmt::format("{} {} in {}:{} runs as {}s under real nginx (whole seconds only; scaled "
                      "value {:.3f}s)",
                      what, value, d.file, d.line, s, real_s));
    return fmt::format("{}s", s);
  }

  const ScaleOptions& o_;
  const core::PathMap& paths_;
  ScaledConfig& out_;
  std::set<std::string> upstreams_;
};

void write_block(const std::vector<ConfDirective>& ds, int depth, std::string& out) {
  std::string indent(static_cast<size_t>(depth) * 4, ' ');
  for (const auto& d : ds) {
    out += indent + quote(d.name);  // a map or types key may need quotes
    for (const auto& a : d.args) out += " " + quote(a);
    if (d.has_block || !d.block.empty()) {
      out += " {\n";
      write_block(d.block, depth + 1, out);
      out += indent + "}\n";
    } else {
      out += ";\n";
    }
  }
}

}  // namespace

ScaledConfig scale_nginx_config(const std::filesystem::path& config_path, const core::PathMap& paths,
                                const ScaleOptions& options) {
  std::filesystem::path display = paths.to_virtual(config_path).value_or(config_path);
  // The config is judged as bluegreen's own proxy judges it first: the user's file and line in
  // every message (not the copy's), and what is not modelled refused in both engines alike.
  parse_nginx_config(display, paths, options.resolve);
  ConfigReader reader(paths);
  std::vector<ConfDirective> tree = reader.read_main(display);  // includes come back inlined
  ScaledConfig out;
  Scaler scaler(options, paths, out);
  scaler.collect_upstreams(tree);
  for (auto& [actual, written] : remap_variable_addresses(tree, {options.map_port, scaler.upstreams()}))
    out.peers[actual] = written;
  std::vector<ConfDirective> scaled = scaler.main(tree);
  out.text = "# Written by bluegreen from " + config_path.string() + ": durations scaled, ports mapped.\n";
  write_block(scaled, 0, out.text);
  return out;
}

}  // namespace bg::proxy
