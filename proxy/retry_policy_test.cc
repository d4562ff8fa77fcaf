#include "proxy/retry_policy.h"

#include <gtest/gtest.h>

#include "proxy/nginx_config.h"

namespace bg::proxy {
namespace {

using namespace std::chrono_literals;

RetryInput input(FailureKind kind, std::string_view method, bool sent) {
  RetryInput in;
  in.next_upstream = kNextError | kNextTimeout;
  in.kind = kind;
  in.method = method;
  in.request_sent = sent;
  in.tries_left = 1;
  return in;
}

}  // namespace

// Goal: a POST that reached the upstream is not passed on (502), but one whose connect was refused is.
TEST(RetryPolicy, PostNotRetriedAfterSentButRetriedAfterRefused) {
  auto sent = RetryPolicy::decide(input(FailureKind::error, "POST", true));
  EXPECT_FALSE(sent.retry);
  EXPECT_TRUE(sent.peer_failed);
  EXPECT_EQ(sent.status, 502);
  auto refused = RetryPolicy::decide(input(FailureKind::error, "POST", false));
  EXPECT_TRUE(refused.retry);
  EXPECT_TRUE(refused.peer_failed);
}

// Goal: GET is retried after a premature close; non_idempotent lets POST be retried too.
TEST(RetryPolicy, GetRetriedAfterSentAndNonIdempotentAllowsPost) {
  EXPECT_TRUE(RetryPolicy::decide(input(FailureKind::error, "GET", true)).retry);
  auto in = input(FailureKind::error, "PATCH", true);
  in.next_upstream |= kNextNonIdempotent;
  EXPECT_TRUE(RetryPolicy::decide(in).retry);
}

// Goal: timeouts answer 504, errors 502, and neither is retried without tries left.
TEST(RetryPolicy, StatusesAndExhaustedTries) {
  auto in = input(FailureKind::timeout, "GET", true);
  in.tries_left = 0;
  auto d = RetryPolicy::decide(in);
  EXPECT_FALSE(d.retry);
  EXPECT_EQ(d.status, 504);
  EXPECT_TRUE(d.peer_failed);
  in.kind = FailureKind::invalid_header;
  EXPECT_EQ(RetryPolicy::decide(in).status, 502);
}

// Goal: error/timeout count against the peer even when proxy_next_upstream is off.
TEST(RetryPolicy, ErrorsCountAsFailuresEvenWhenNotListed) {
  auto in = input(FailureKind::error, "GET", false);
  in.next_upstream = kNextOff;
  auto d = RetryPolicy::decide(in);
  EXPECT_FALSE(d.retry);
  EXPECT_TRUE(d.peer_failed);
}

// Goal: "no live upstreams" answers 502 at once, counts against nobody and is never retried.
TEST(RetryPolicy, NoLiveIsNeverRetried) {
  auto in = input(FailureKind::no_live, "GET", false);
  in.tries_left = 2;
  auto d = RetryPolicy::decide(in);
  EXPECT_FALSE(d.retry);
  EXPECT_FALSE(d.peer_failed);
  EXPECT_EQ(d.status, 502);
}

// Goal: an upstream 5xx is passed to the client unless listed; listed, it is retried and counted.
TEST(RetryPolicy, UpstreamFiveHundredPassedUnlessListed) {
  auto in = input(FailureKind::http_503, "GET", true);
  auto d = RetryPolicy::decide(in);
  EXPECT_FALSE(d.retry);
  EXPECT_TRUE(d.pass_response);
  EXPECT_FALSE(d.peer_failed);
  in.next_upstream |= kNextHttp503;
  d = RetryPolicy::decide(in);
  EXPECT_TRUE(d.retry);
  EXPECT_TRUE(d.peer_failed);
  in.tries_left = 0;  // the last peer's 503 is passed on as is
  d = RetryPolicy::decide(in);
  EXPECT_TRUE(d.pass_response);
  EXPECT_EQ(d.status, 503);
}

// Goal: 403/404 never count as peer failures, even when listed and retried.
TEST(RetryPolicy, NotFoundNeverCountsAsFailure) {
  auto in = input(FailureKind::http_404, "GET", true);
  in.next_upstream |= kNextHttp404;
  auto d = RetryPolicy::decide(in);
  EXPECT_TRUE(d.retry);
  EXPECT_FALSE(d.peer_failed);
}

// Goal: proxy_next_upstream_timeout and bytes already sent to the client stop retries.
TEST(RetryPolicy, TimeoutBudgetAndClientBytesStopRetries) {
  auto in = input(FailureKind::error, "GET", true);
  in.next_upstream_timeout = 5s;
  in.elapsed = 5s;
  EXPECT_FALSE(RetryPolicy::decide(in).retry);
  in.elapsed = 4s;
  EXPECT_TRUE(RetryPolicy::decide(in).retry);
  in.client_bytes_sent = true;
  EXPECT_FALSE(RetryPolicy::decide(in).retry);
}

}  // namespace bg::proxy
