// next_container_exec: the commands scripts run in a Next.js app's container with `docker exec` —
// health checks against the app itself (busybox `wget -qO- http://localhost:3000/...`, `curl -f
// ...`), and looking around (env, printenv, cat, ls, hostname, echo, true). The HTTP ones really
// ask the app (its loopback port), so their answer follows its lifecycle: refused before it
// listens, 503 on /api/health until it is ready.
//
// Messages: busybox 1.36 wget ("wget: server returned error: HTTP/1.1 503 Service Unavailable",
// "wget: can't connect to remote host (127.0.0.1): Connection refused", exit 1); curl 8
// ("curl: (22) The requested URL returned error: 503", exit 22 with -f; "curl: (7) Failed to
// connect to localhost port 3000 after 0 ms: Connection refused", exit 7; -s hides them unless
// -S). Simplifications: both wget and curl are taken to be in the image; a URL must name the
// container itself (localhost, 127.0.0.1, 0.0.0.0 or its hostname); other flags and commands are
// not modelled, by name.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <httplib.h>

#include "fakes/nextjs/next_exec.h"

namespace bg::fakes {
namespace {

namespace fs = std::filesystem;
using Result = core::CommandResult;

struct Url {
  std::string host;
  int port = 80;
  std::string path = "/";
};

std::optional<Url> parse_url(const std::string& text) {
  std::string rest = text;
  if (rest.rfind("http://", 0) == 0)
    rest = rest.substr(7);
  else if (rest.find("://") != std::string::npos)
    return std::nullopt;
  Url u;
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) u.path = rest.substr(slash);
  size_t colon = authority.find(':');
  u.host = authority.substr(0, colon);
  if (colon != std::string::npos) {
    std::string port = authority.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5)
      return std::nullopt;
    u.port = std::stoi(port);
  }
  return u;
}

int app_port(const ProcessSpec& spec) {
  auto it = spec.env.find("PORT");
  if (it != spec.env.end() && !it->second.empty() && it->second.find_first_not_of("0123456789") == std::string::npos &&
      it->second.size() <= 5)
    return std::stoi(it->second);
  return 3000;
}

struct Fetched {
  bool refused = false;
  int status = 0;
  std::string body;
};

// A GET to the app through its loopback port; a URL on another port of the container is refused
// (nothing else listens there).
Fetched fetch(const ProcessSpec& spec, const Url& url) {
  Fetched f;
  if (url.port != app_port(spec)) {
    f.refused = true;
    return f;
  }
  httplib::Client client("127.0.0.1", spec.container_port);
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(10));
  auto res = client.Get(url.path.c_str());
  if (!res) {
    f.refused = true;
    return f;
  }
  f.status = res->status;
  f.body = res->body;
  return f;
}

// The reason phrase Node's http module sends (the app's statuses).
const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return "";
  }
}

bool is_self(const ProcessSpec& spec, const std::string& host) {
  return host == "localhost" || host == "127.0.0.1" || host == "0.0.0.0" || host == spec.hostname;
}

Result wget(const ProcessSpec& spec, const std::vector<std::string>& argv) {
  bool quiet = false, spider = false;
  std::string out = "", url_text;
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "-q" || a == "--quiet")
      quiet = true;
    else if (a == "-qO-" || a == "-O-")
      quiet = quiet || a == "-qO-", out = "-";
    else if ((a == "-O" || a == "-qO") && i + 1 < argv.size())
      quiet = quiet || a == "-qO", out = argv[++i];
    else if (a == "--spider")
      spider = true;
    else if ((a == "-T" || a == "--timeout") && i + 1 < argv.size())
      ++i;
    else if (a.rfind("--timeout=", 0) == 0 || a == "--no-verbose")
      continue;
    else if (a[0] == '-')
      return core::not_modelled_result("docker exec wget " + a);
    else
      url_text = a;
  }
  auto url = parse_url(url_text);
  if (!url || !is_self(spec, url->host)) return core::not_modelled_result("docker exec wget of " + url_text);
  if (!out.empty() && out != "-" && out != "/dev/null") return core::not_modelled_result("docker exec wget -O " + out);
  if (!spider && out.empty()) return core::not_modelled_result("docker exec wget saving to a file");
  Result r;
  if (!quiet) r.err += fmt::format("Connecting to {}:{} (127.0.0.1:{})\n", url->host, url->port, url->port);
  Fetched f = fetch(spec, *url);
  if (f.refused) return {1, "", r.err + "wget: can't connect to remote host (127.0.0.1): Connection refused\n"};
  if (f.status >= 400)
    return {1, "", r.err + fmt::format("wget: server returned error: HTTP/1.1 {} {}\n", f.status, reason(f.status))};
  if (!spider && out == "-") r.out = f.body;
  if (!quiet && !spider && out == "-") r.err += "writing to stdout\n";
  return r;
}

Result curl(const ProcessSpec& spec, const std::vector<std::string>& argv) {
  bool fail = false, silent = false, show_error = false, discard = false;
  std::string write_out, url_text;
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argv.size() ? argv[++i] : ""; };
    if (a == "--fail")
      fail = true;
    else if (a == "--silent")
      silent = true;
    else if (a == "--show-error")
      show_error = true;
    else if (a == "--location" || a == "-L")
      continue;
    else if (a == "-o" || a == "--output") {
      std::string file = value();
      if (file != "/dev/null") return core::not_modelled_result("docker exec curl -o " + file);
      discard = true;
    } else if (a == "-w" || a == "--write-out") {
      write_out = value();
    } else if (a == "-m" || a == "--max-time" || a == "-H" || a == "--header" || a == "--connect-timeout") {
      value();
    } else if (a.size() > 1 && a[0] == '-' && a[1] != '-' && a.find_first_not_of("fsSL", 1) == std::string::npos) {
      fail = fail || a.find('f') != std::string::npos;
      silent = silent || a.find('s') != std::string::npos;
      show_error = show_error || a.find('S') != std::string::npos;
    } else if (a[0] == '-') {
      return core::not_modelled_result("docker exec curl " + a);
    } else {
      url_text = a;
    }
  }
  auto url = parse_url(url_text);
  if (!url || !is_self(spec, url->host)) return core::not_modelled_result("docker exec curl of " + url_text);
  bool say = !silent || show_error;
  Fetched f = fetch(spec, *url);
  if (f.refused)
    return {7, "",
            say ? fmt::format("curl: (7) Failed to connect to {} port {} after 0 ms: Connection refused\n", url->host,
                              url->port)
                : ""};
  Result r;
  size_t code = write_out.find("%{http_code}");
  std::string written = code == std::string::npos ? write_out : write_out.replace(code, 12, std::to_string(f.status));
  if (written.find("%{") != std::string::npos) return core::not_modelled_result("docker exec curl -w " + write_out);
  if (fail && f.status >= 400) {
    r.exit_code = 22;
    if (say) r.err = fmt::format("curl: (22) The requested URL returned error: {}\n", f.status);
    r.out = written;
    return r;
  }
  r.out = (discard ? "" : f.body) + written;
  return r;
}

Result file_command(const ProcessSpec& spec, const std::vector<std::string>& argv, const std::string& workdir) {
  auto real = [&](const std::string& p) {
    fs::path container = fs::path(p).is_absolute() ? fs::path(p) : fs::path(workdir.empty() ? "/" : workdir) / p;
    return spec.filesystem.resolve(container.lexically_normal());
  };
  Result r;
  if (argv[0] == "cat") {
    for (size_t i = 1; i < argv.size(); ++i) {
      std::ifstream in(real(argv[i]), std::ios::binary);
      if (!in || fs::is_directory(real(argv[i]))) {
        r.err += fmt::format("cat: can't open '{}': No such file or directory\n", argv[i]);
        r.exit_code = 1;
        continue;
      }
      r.out += std::string(std::istreambuf_iterator<char>(in), {});
    }
    return r;
  }
  std::vector<std::string> targets(argv.begin() + 1, argv.end());
  if (targets.empty()) targets.push_back(".");
  for (const auto& t : targets) {
    if (t[0] == '-') return core::not_modelled_result("docker exec ls " + t);
    fs::path p = real(t);
    if (!fs::exists(p)) {
      r.err += fmt::format("ls: {}: No such file or directory\n", t);
      r.exit_code = 1;
    } else if (!fs::is_directory(p)) {
      r.out += t + "\n";
    } else {
      std::vector<std::string> names;
      for (const auto& e : fs::directory_iterator(p)) names.push_back(e.path().filename().string());
      std::sort(names.begin(), names.end());
      for (const auto& n : names) r.out += n + "\n";
    }
  }
  return r;
}

// As ContainerProcess::exec says of every command a process does not model.
Result not_modelled(const ExecRequest& request) {
  std::string cmd = request.argv.empty() ? "" : request.argv.front();
  return core::not_modelled_result("docker exec " + cmd + " in " +
                                   (request.image.empty() ? "this image" : request.image));
}

}  // namespace

core::CommandResult next_container_exec(const ProcessSpec& spec, const ExecRequest& request, std::stop_token stop) {
  const auto& argv = request.argv;
  if (argv.empty()) return not_modelled(request);
  const std::string& cmd = argv[0];
  if (cmd == "wget") return wget(spec, argv);
  if (cmd == "curl") return curl(spec, argv);
  if (cmd == "cat" || cmd == "ls") return file_command(spec, argv, request.workdir);
  if (cmd == "true") return {};
  if (cmd == "hostname") return {0, spec.hostname + "\n", ""};
  if (cmd == "echo") {
    std::string out;
    for (size_t i = 1; i < argv.size(); ++i) out += (i > 1 ? " " : "") + argv[i];
    return {0, out + "\n", ""};
  }
  if (cmd == "env" && argv.size() == 1) {
    // Simplification: PATH and HOSTNAME first, then the rest sorted, HOME last.
    std::string out = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n";
    for (const auto& [k, v] : request.env)
      if (k != "PATH") out += k + "=" + v + "\n";
    return {0, out + "HOME=/root\n", ""};
  }
  if (cmd == "printenv" && argv.size() <= 2) {
    if (argv.size() == 1) return next_container_exec(spec, ExecRequest{{"env"}, request.env}, stop);
    auto it = request.env.find(argv[1]);
    if (it == request.env.end()) return {1, "", ""};
    return {0, it->second + "\n", ""};
  }
  return not_modelled(request);
}

}  // namespace bg::fakes
