#include "proxy/proxy_test_support.h"

namespace bg::proxy::test_support {

std::vector<core::ProxyEvent> proxy_events(const core::History& history, core::ProxyEventKind kind) {
  std::vector<core::ProxyEvent> out;
  for (auto& e : history.all<core::ProxyEvent>())
    if (e.kind == kind) out.push_back(e);
  return out;
}

}  // namespace bg::proxy::test_support
