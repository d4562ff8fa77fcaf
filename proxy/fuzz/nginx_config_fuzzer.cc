// libFuzzer target: nginx.conf loading must answer any bytes with a config, an NginxConfigError or
// core::NotModelled, never a crash, and a loaded config must route requests and scale for real
// nginx without one either. The input is several files: the first part is /etc/nginx/nginx.conf,
// and each line "--- NAME" starts another file NAME under /etc/nginx (so includes, globs and
// nested includes get exercised); variables, maps and proxy_pass with variables come with them.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include <unistd.h>

#include "core/not_modelled.h"
#include "core/path_map.h"
#include "proxy/nginx_config_loader.h"
#include "proxy/nginx_config_scaler.h"
#include "proxy/request_router.h"

namespace {

namespace fs = std::filesystem;

// Every absolute path the input names (include /etc/..., include /dev/zero) resolves inside this
// process's own sandbox folder, so the fuzzer reads only the files it wrote.
struct Sandbox {
  Sandbox() {
    root = fs::temp_directory_path() / ("bg_fuzz_conf_" + std::to_string(::getpid()));
    paths.add("/", root);
  }
  ~Sandbox() {
    std::error_code ignored;
    fs::remove_all(root, ignored);
  }
  fs::path root;
  bg::core::PathMap paths;
};

// A file name the input gives, kept inside /etc/nginx: letters, digits, '.', '_', '-', '/' only,
// no "..", at most 40 characters; "" when none is left.
std::string safe_name(const std::string& name) {
  std::string out;
  for (char c : name.substr(0, 40))
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '/') out += c;
  if (out.find("..") != std::string::npos || out.empty() || out[0] == '/') return "";
  return out;
}

void write_files(const Sandbox& sandbox, const std::string& input) {
  std::error_code ignored;
  fs::remove_all(sandbox.root / "etc", ignored);
  fs::create_directories(sandbox.root / "etc" / "nginx");
  std::string name = "nginx.conf";
  size_t pos = 0;
  while (pos <= input.size()) {
    size_t marker = input.find("\n--- ", pos);
    size_t end = marker == std::string::npos ? input.size() : marker;
    if (!name.empty()) {
      fs::path file = sandbox.root / "etc" / "nginx" / name;
      fs::create_directories(file.parent_path(), ignored);
      std::ofstream(file, std::ios::binary | std::ios::trunc) << input.substr(pos, end - pos);
    }
    if (marker == std::string::npos) break;
    size_t eol = input.find('\n', marker + 5);
    name = safe_name(input.substr(marker + 5, (eol == std::string::npos ? input.size() : eol) - marker - 5));
    pos = eol == std::string::npos ? input.size() + 1 : eol + 1;
  }
}

void route_some(const bg::proxy::NginxConfig& config, const Sandbox& sandbox) {
  bg::proxy::RequestRouter router(config, sandbox.paths);
  for (const char* target : {"/", "/api/x?y=1", "/static/a.png", "/../x", "/a%2fb/"}) {
    bg::proxy::RouteRequest r;
    r.method = "GET";
    r.target = target;
    r.host = "app.example.com";
    r.declared_port = config.servers.empty() || config.servers[0].listen.empty() ? 80 : config.servers[0].listen[0];
    r.header = [](std::string_view) { return std::optional<std::string>("x"); };
    (void)router.route(r);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Sandbox sandbox;
  write_files(sandbox, std::string(reinterpret_cast<const char*>(data), size));
  try {
    bg::proxy::NginxConfig config = bg::proxy::parse_nginx_config("/etc/nginx/nginx.conf", sandbox.paths);
    route_some(config, sandbox);
    bg::proxy::ScaleOptions o;
    o.prefix = sandbox.root / "run";
    o.map_port = [](uint16_t declared) { return static_cast<uint16_t>(declared | 0x8000); };
    (void)bg::proxy::scale_nginx_config("/etc/nginx/nginx.conf", sandbox.paths, o);
  } catch (const bg::proxy::NginxConfigError&) {
  } catch (const bg::core::NotModelled&) {
  }
  return 0;
}
