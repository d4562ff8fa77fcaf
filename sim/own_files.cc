#include "sim/own_files.h"

#include <string>

#include "core/install_layout.h"

#ifndef BG_SHIM_BINARY
#error "BG_SHIM_BINARY must name the bluegreen-shim executable"
#endif
#ifndef BG_HOST_BINARY
#error "BG_HOST_BINARY must name the bluegreen-host executable"
#endif
#ifndef BG_SOURCE_DIR
#error "BG_SOURCE_DIR must name the source tree (the stock host files live in it)"
#endif

namespace bg::sim {
namespace fs = std::filesystem;

namespace {

fs::path own_data(const std::string& relative) {
  return core::installed_or_built("share/bluegreen/" + relative, std::string(BG_SOURCE_DIR) + "/" + relative);
}

}  // namespace

fs::path shim_program() { return core::installed_or_built("libexec/bluegreen/bluegreen-shim", BG_SHIM_BINARY); }
fs::path host_program() { return core::installed_or_built("libexec/bluegreen/bluegreen-host", BG_HOST_BINARY); }
fs::path stock_nginx() { return own_data("proxy/data/debian-12/etc/nginx"); }
fs::path stock_www() { return own_data("proxy/data/debian-12/var/www"); }
fs::path alpine_nginx() { return own_data("proxy/data/nginx-alpine/etc/nginx"); }

}  // namespace bg::sim
