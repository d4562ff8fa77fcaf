// libFuzzer target: the nginx.conf subset parser (ConfigReader's lexer and includes, NginxConfig's
// interpreter) must answer any bytes with a config or an NginxConfigError (or core::NotModelled for a
// directive nginx knows and the fakes do not: plan "Nothing silent"), never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include <unistd.h>

#include "core/not_modelled.h"
#include "core/path_map.h"
#include "proxy/nginx_config.h"

namespace {

// Every absolute path the input names (include /etc/..., include /dev/zero) resolves inside this
// process's own sandbox folder, so the fuzzer reads only the file it wrote.
struct Sandbox {
  Sandbox() {
    root = std::filesystem::temp_directory_path() / ("bg_fuzz_conf_" + std::to_string(::getpid()));
    std::filesystem::create_directories(root / "etc" / "nginx");
    paths.add("/", root);
  }
  ~Sandbox() {
    std::error_code ignored;
    std::filesystem::remove_all(root, ignored);
  }
  std::filesystem::path root;
  bg::core::PathMap paths;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Sandbox sandbox;
  {
    std::ofstream out(sandbox.root / "etc" / "nginx" / "nginx.conf", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    bg::proxy::NginxConfig config = bg::proxy::parse_nginx_config("/etc/nginx/nginx.conf", sandbox.paths);
    for (const auto& server : config.servers)
      for (const auto& location : server.locations) (void)config.find_upstream(location.proxy_pass);
  } catch (const bg::proxy::NginxConfigError&) {
  } catch (const bg::core::NotModelled&) {
  }
  return 0;
}
