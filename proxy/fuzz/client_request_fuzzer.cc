// libFuzzer target: the proxy's request path from client bytes to the request sent upstream
// (parse_client_request, then make_upstream_request with proxy_set_header variables) must answer
// any bytes with a request or a 400/413, never a crash; upstream_request_bytes must write the bytes
// of that request.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "proxy/http_messages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  bg::proxy::ProxySettings settings;
  settings.http_version = "1.1";
  settings.set_headers = {{"Host", "$host"},
                          {"X-Forwarded-For", "$proxy_add_x_forwarded_for"},
                          {"X-Original-URI", "$request_uri$uri"},
                          {"Connection", ""}};
  bg::proxy::RequestVars vars{"backends", "127.0.0.1"};
  while (!bytes.empty()) {
    auto parsed = bg::proxy::parse_client_request(bytes);
    if (!parsed.request || parsed.consumed == 0) break;
    std::string reference = bg::proxy::serialize(bg::proxy::make_upstream_request(*parsed.request, settings, vars));
    // The proxy writes the same bytes without building the message.
    if (bg::proxy::upstream_request_bytes(*parsed.request, settings, vars) != reference) __builtin_trap();
    bytes.remove_prefix(parsed.consumed);  // keep-alive: the next request follows in the same bytes
  }
  return 0;
}
