#include "proxy/retry_policy.h"

#include "proxy/nginx_config.h"

namespace bg::proxy {
namespace {

uint32_t mask_of(FailureKind kind) {
  switch (kind) {
    case FailureKind::error:
      return kNextError;
    case FailureKind::timeout:
      return kNextTimeout;
    case FailureKind::invalid_header:
      return kNextInvalidHeader;
    case FailureKind::http_500:
      return kNextHttp500;
    case FailureKind::http_502:
      return kNextHttp502;
    case FailureKind::http_503:
      return kNextHttp503;
    case FailureKind::http_504:
      return kNextHttp504;
    case FailureKind::http_403:
      return kNextHttp403;
    case FailureKind::http_404:
      return kNextHttp404;
    case FailureKind::http_429:
      return kNextHttp429;
    case FailureKind::no_live:
      return 1u << 12;  // FT_NOLIVE: no directive value names it
  }
  return 0;
}

bool is_upstream_status(FailureKind kind) {
  return kind != FailureKind::error && kind != FailureKind::timeout && kind != FailureKind::invalid_header &&
         kind != FailureKind::no_live;
}

bool non_idempotent(std::string_view method) { return method == "POST" || method == "PATCH" || method == "LOCK"; }

}  // namespace

const char* failure_kind_name(FailureKind kind) {
  switch (kind) {
    case FailureKind::error:
      return "error";
    case FailureKind::timeout:
      return "timeout";
    case FailureKind::invalid_header:
      return "invalid_header";
    case FailureKind::http_500:
      return "http_500";
    case FailureKind::http_502:
      return "http_502";
    case FailureKind::http_503:
      return "http_503";
    case FailureKind::http_504:
      return "http_504";
    case FailureKind::http_403:
      return "http_403";
    case FailureKind::http_404:
      return "http_404";
    case FailureKind::http_429:
      return "http_429";
    case FailureKind::no_live:
      return "no_live";
  }
  return "?";
}

bool failure_kind_for_status(int status, FailureKind& kind) {
  switch (status) {
    case 500:
      kind = FailureKind::http_500;
      return true;
    case 502:
      kind = FailureKind::http_502;
      return true;
    case 503:
      kind = FailureKind::http_503;
      return true;
    case 504:
      kind = FailureKind::http_504;
      return true;
    case 403:
      kind = FailureKind::http_403;
      return true;
    case 404:
      kind = FailureKind::http_404;
      return true;
    case 429:
      kind = FailureKind::http_429;
      return true;
    default:
      return false;
  }
}

RetryDecision RetryPolicy::decide(const RetryInput& in) {
  RetryDecision d;
  uint32_t mask = mask_of(in.kind);
  // Since 1.9.13 a POST/PATCH/LOCK already sent upstream needs `non_idempotent` as well.
  if (in.request_sent && non_idempotent(in.method)) mask |= kNextNonIdempotent;
  bool timed_out = in.next_upstream_timeout.count() > 0 && in.elapsed >= in.next_upstream_timeout;
  bool allowed = !(in.next_upstream & kNextOff) && (in.next_upstream & mask) == mask;
  // ngx_http_upstream_next: `if (u->peer.cached && ft_type == NGX_HTTP_UPSTREAM_FT_ERROR)
  // u->peer.tries++` — one extra try that does not count against the tries, for a plain error only
  // (a POST already sent has FT_NON_IDEMPOTENT added, so it gets none). §1.
  d.extra_try = in.cached && in.kind == FailureKind::error && !(mask & kNextNonIdempotent);
  int tries_left = in.tries_left + (d.extra_try ? 1 : 0);
  bool can_retry = allowed && tries_left > 0 && !timed_out && !in.client_bytes_sent;

  if (is_upstream_status(in.kind)) {
    // ngx_http_upstream_test_next: an upstream's 5xx/4xx is passed on unless it can go to the next
    // peer; only then is it freed as a failure (403/404 as NGX_PEER_NEXT, never a failure).
    d.retry = can_retry;
    d.peer_failed = can_retry && in.kind != FailureKind::http_403 && in.kind != FailureKind::http_404;
    d.pass_response = !can_retry;
    d.status = 0;
    switch (in.kind) {
      case FailureKind::http_500:
        d.status = 500;
        break;
      case FailureKind::http_502:
        d.status = 502;
        break;
      case FailureKind::http_503:
        d.status = 503;
        break;
      case FailureKind::http_504:
        d.status = 504;
        break;
      case FailureKind::http_403:
        d.status = 403;
        break;
      case FailureKind::http_404:
        d.status = 404;
        break;
      default:
        d.status = 429;
        break;
    }
    return d;
  }
  // ngx_http_upstream_next: error, timeout and invalid_header always count against the peer, listed
  // or not; no_live had no peer to count against and is never retried.
  d.peer_failed = in.kind != FailureKind::no_live;
  d.retry = can_retry && in.kind != FailureKind::no_live;
  d.status = in.kind == FailureKind::timeout ? 504 : 502;
  return d;
}

}  // namespace bg::proxy
