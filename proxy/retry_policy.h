#pragma once
// RetryPolicy decides what nginx does after an upstream attempt went wrong: pass the request to the
// next peer, count the attempt against the peer, and which status the client gets
// (ngx_http_upstream_next and ngx_http_upstream_test_next; semantics.md §1). Pure.
#include <cstdint>
#include <string_view>

#include "core/time.h"

namespace bg::proxy {

// How an attempt ended, as nginx classifies it (NGX_HTTP_UPSTREAM_FT_*).
enum class FailureKind {
  error,           // refused, reset, premature close, send failure
  timeout,         // connect/send/read deadline passed
  invalid_header,  // the upstream's response head did not parse
  http_500,
  http_502,
  http_503,
  http_504,
  http_403,
  http_404,
  http_429,
  no_live,  // get_peer found no eligible peer: no connect was attempted
};

const char* failure_kind_name(FailureKind kind);
// The kind for an upstream response status, or nullopt-like `error` + false when the status is not
// one proxy_next_upstream can name.
bool failure_kind_for_status(int status, FailureKind& kind);

struct RetryInput {
  uint32_t next_upstream = 0;  // the location's proxy_next_upstream mask (NextUpstream bits)
  FailureKind kind = FailureKind::error;
  std::string_view method = "GET";
  bool request_sent = false;                // the request went (at least partly) to the upstream
  bool client_bytes_sent = false;           // something already reached the client
  int tries_left = 0;                       // attempts left after this one (0 for a single-server upstream)
  core::Duration elapsed{0};                // since the first attempt began
  core::Duration next_upstream_timeout{0};  // 0 = no limit
  bool cached = false;                      // the attempt ran on a reused keepalive connection (pc->cached)
};

struct RetryDecision {
  bool retry = false;          // pass the request to the next peer
  bool peer_failed = false;    // free the peer with NGX_PEER_FAILED (failure accounting)
  int status = 502;            // what the client gets if this is the last word
  bool pass_response = false;  // the client gets the upstream's own response (an unretried 5xx)
  bool extra_try = false;      // a failed reused connection: the caller adds one try after free_peer
};

class RetryPolicy {
 public:
  static RetryDecision decide(const RetryInput& in);
};

}  // namespace bg::proxy
