#include "proxy/nginx_directives.h"

namespace bg::proxy {

std::span<const NginxDirectiveSpec> nginx_directive_specs() {
  using namespace ngx_flags;
  static const NginxDirectiveSpec kSpecs[] = {
#include "proxy/nginx_directive_table.inc"
  };
  return kSpecs;
}

}  // namespace bg::proxy
