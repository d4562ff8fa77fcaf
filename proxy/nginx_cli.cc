#include "proxy/nginx_cli.h"

#include <fmt/format.h>

#include "core/not_modelled.h"
#include "proxy/config_reader.h"
#include "proxy/nginx_config_loader.h"
#include "proxy/proxy_server.h"

namespace bg::proxy {
namespace {

struct Options {
  bool version = false;
  bool configure = false;
  bool help = false;
  bool test = false;
  bool quiet = false;
  bool dump = false;  // -T
  std::string signal;
  std::string config;
  std::string prefix;
  std::string globals;  // -g
};

// Debian 12's build (nginx -V of nginx 1.22.1-9+deb12u11), the prefix relative paths start from.
constexpr const char* kDefaultPrefix = "/usr/share/nginx/";
constexpr const char* kConfigure =
    "configure arguments: --with-cc-opt='-g -O2 -ffile-prefix-map=/build/reproducible-path/nginx-1.22.1=. "
    "-fstack-protector-strong -Wformat -Werror=format-security -fPIC -Wdate-time -D_FORTIFY_SOURCE=2' "
    "--with-ld-opt='-Wl,-z,relro -Wl,-z,now -fPIC' --prefix=/usr/share/nginx --conf-path=/etc/nginx/nginx.conf "
    "--http-log-path=/var/log/nginx/access.log --error-log-path=stderr --lock-path=/var/lock/nginx.lock "
    "--pid-path=/run/nginx.pid --modules-path=/usr/lib/nginx/modules "
    "--http-client-body-temp-path=/var/lib/nginx/body --http-fastcgi-temp-path=/var/lib/nginx/fastcgi "
    "--http-proxy-temp-path=/var/lib/nginx/proxy --http-scgi-temp-path=/var/lib/nginx/scgi "
    "--http-uwsgi-temp-path=/var/lib/nginx/uwsgi --with-compat --with-debug --with-pcre-jit "
    "--with-http_ssl_module --with-http_stub_status_module --with-http_realip_module "
    "--with-http_auth_request_module --with-http_v2_module --with-http_dav_module --with-http_slice_module "
    "--with-threads --with-http_addition_module --with-http_flv_module --with-http_gunzip_module "
    "--with-http_gzip_static_module --with-http_mp4_module --with-http_random_index_module "
    "--with-http_secure_link_module --with-http_sub_module --with-mail_ssl_module --with-stream_ssl_module "
    "--with-stream_ssl_preread_module --with-stream_realip_module --with-http_geoip_module=dynamic "
    "--with-http_image_filter_module=dynamic --with-http_perl_module=dynamic --with-http_xslt_module=dynamic "
    "--with-mail=dynamic --with-stream=dynamic --with-stream_geoip_module=dynamic\n";

constexpr const char* kUsage =
    "Usage: nginx [-?hvVtTq] [-s signal] [-p prefix]\n"
    "             [-e filename] [-c filename] [-g directives]\n";

// ngx_get_options: flags may be grouped (-tq); a flag's parameter is the rest of the word or the
// next word. Returns the error line, or "" when the options are fine.
std::string parse_options(const std::vector<std::string>& args, Options& o) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.empty() || a[0] != '-') return fmt::format("invalid option: \"{}\"", a);
    for (size_t j = 1; j < a.size(); ++j) {
      char c = a[j];
      auto parameter = [&](const char* what, std::string& out) -> std::string {
        if (j + 1 < a.size())
          out = a.substr(j + 1);
        else if (i + 1 < args.size())
          out = args[++i];
        else
          return fmt::format("option \"-{}\" requires {}", c, what);
        j = a.size();
        return "";
      };
      std::string ignored, err;
      switch (c) {
        case '?':
        case 'h':
          o.help = true;
          break;
        case 'v':
          o.version = true;
          break;
        case 'V':
          o.version = o.configure = true;
          break;
        case 't':
          o.test = true;
          break;
        case 'T':
          o.test = o.dump = true;
          break;
        case 'q':
          o.quiet = true;
          break;
        case 'c':
          err = parameter("file name", o.config);
          break;
        case 'p':
          err = parameter("directory name", o.prefix);
          break;
        case 'e':
          err = parameter("file name", ignored);
          break;  // the error log: the harness keeps its own
        case 'g':
          err = parameter("parameter", o.globals);
          break;
        case 's':
          err = parameter("parameter", o.signal);
          if (err.empty() && o.signal != "stop" && o.signal != "quit" && o.signal != "reopen" && o.signal != "reload")
            err = fmt::format("invalid option: \"-s {}\"", o.signal);
          break;
        default:
          return fmt::format("invalid option: \"{}\"", c);
      }
      if (!err.empty()) return err;
    }
  }
  return "";
}

void line(std::string& out, const std::string& text) { out += "nginx: " + text + "\n"; }

// nginx's answer to a config it rejects: its message, then "test failed" under -t, exit 1.
core::CommandResult config_failed(const std::string& error, const Options& o, core::CommandResult& r) {
  line(r.err, error);
  if (o.test) line(r.err, fmt::format("configuration file {} test failed", o.config));
  r.exit_code = 1;
  return r;
}

// -T: every file read, once, in order, as nginx.c writes them to stdout.
std::string dump_config(const std::string& path, const core::PathMap& paths) {
  ConfigReader reader(paths);
  reader.read_main(paths.to_virtual(path).value_or(path));
  std::string out;
  for (const auto& [name, text] : reader.files()) out += "# configuration file " + name + ":\n" + text + "\n";
  return out;
}

// A plain `nginx`: a new master. With one already running it cannot bind the listen ports.
core::CommandResult start_master(ProxyControl* proxy, const std::string& config_path, const NginxConfig& config) {
  core::CommandResult r;
  if (proxy && proxy->running()) {
    uint16_t port = !config.servers.empty() && !config.servers[0].listen.empty() ? config.servers[0].listen[0] : 80;
    for (int i = 0; i < 5; ++i)
      line(r.err, fmt::format("[emerg] bind() to 0.0.0.0:{} failed (98: Address already in use)", port));
    line(r.err, "[emerg] still could not bind()");
    r.exit_code = 1;
    return r;
  }
  if (!proxy) {
    line(r.err, "[alert] starting nginx is not simulated in this run (no proxy)");
    r.exit_code = 1;
    return r;
  }
  try {
    proxy->start(config_path);
  } catch (const core::NotModelled& e) {
    return core::not_modelled_result(e.subject());
  } catch (const std::exception& e) {
    line(r.err, e.what());
    r.exit_code = 1;
  }
  return r;
}

}  // namespace

core::CommandResult run_nginx_command(ProxyControl* running, const std::vector<std::string>& args,
                                      const std::string& virtual_config_path, const core::PathMap& paths,
                                      const HostResolver& resolve) {
  core::CommandResult r;
  Options o;
  o.config = virtual_config_path;
  if (std::string err = parse_options(args, o); !err.empty()) {
    line(r.err, err);
    r.exit_code = 1;
    return r;
  }
  if (o.version) {
    r.err += "nginx version: nginx/1.22.1\n";
    if (o.configure)
      r.err += std::string("built with OpenSSL 3.0.11 19 Sep 2023\nTLS SNI support enabled\n") + kConfigure;
  }
  if (o.help) r.err += kUsage;
  if ((o.version || o.help) && !o.test) return r;

  // -p moves every relative path (root html, -c nginx.conf) away from Debian's prefix.
  if (!o.prefix.empty() && o.prefix != kDefaultPrefix && o.prefix + "/" != kDefaultPrefix)
    return core::not_modelled_result(fmt::format("nginx -p {} (a prefix other than {})", o.prefix, kDefaultPrefix));
  if (!o.globals.empty()) {
    try {
      if (auto err = check_global_directives(o.globals)) return config_failed(*err, o, r);
    } catch (const core::NotModelled& e) {
      return core::not_modelled_result(e.subject());
    }
  }
  if (!o.config.empty() && o.config[0] != '/') o.config = kDefaultPrefix + o.config;  // ngx_conf_full_name
  const core::PathMap& map = paths.entries().empty() && running ? running->paths() : paths;
  NginxConfig config;
  try {
    config = parse_nginx_config(o.config, map, resolve);
  } catch (const NginxConfigError& e) {
    return config_failed(e.what(), o, r);
  } catch (const core::NotModelled& e) {
    return core::not_modelled_result(e.subject());
  }
  if (o.test) {
    if (!o.quiet) {
      line(r.err, fmt::format("the configuration file {} syntax is ok", o.config));
      line(r.err, fmt::format("configuration file {} test is successful", o.config));
    }
    if (o.dump) r.out = dump_config(o.config, map);
    return r;
  }
  if (o.signal.empty()) return start_master(running, o.config, config);
  if (!running || !running->running()) {
    line(r.err, "[error] invalid PID number \"\" in \"/run/nginx.pid\"");
    r.exit_code = 1;
    return r;
  }
  // The signal is sent; what the master makes of it (a failed reload) goes to its error log only.
  if (o.signal == "reload") {
    // The signaller reads the config before it signals (ngx_init_cycle, then ngx_signal_process).
    // RealNginx's reload() runs that check with the real binary; ProxyServer's errors after a good
    // parse are the master's (listen sockets), which go to its error log only.
    std::optional<std::string> err;
    try {
      err = running->reload();
    } catch (const core::NotModelled& e) {
      return core::not_modelled_result(e.subject());
    }
    if (err && !dynamic_cast<ProxyServer*>(running)) {
      for (size_t b = 0, e; b < err->size(); b = e + 1) {
        e = err->find('\n', b);
        if (e == std::string::npos) e = err->size();
        if (e > b) line(r.err, err->substr(b, e - b));
      }
      r.exit_code = 1;
    }
  } else if (o.signal == "stop" || o.signal == "quit")
    running->stop();
  return r;
}

}  // namespace bg::proxy
