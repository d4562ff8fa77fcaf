// The proxy's client-bytes path without sockets: parse_client_request and make_upstream_request.
#include "proxy/http_messages.h"

#include <gtest/gtest.h>

namespace bg::proxy {
namespace {

// A method Beast does not know is passed on by its name instead of throwing (the fuzzer's find:
// the throw escaped an Asio handler and ended the process).
TEST(HttpMessagesTest, UnknownMethodIsPassedOnByName) {
  auto parsed = parse_client_request("FOO /x HTTP/1.1\r\nHost: a\r\n\r\n");
  ASSERT_TRUE(parsed.request);
  ProxySettings settings;
  std::string up = serialize(make_upstream_request(*parsed.request, settings, {"backends", "127.0.0.1"}));
  EXPECT_EQ(up.rfind("FOO /x HTTP/1.0\r\n", 0), 0u) << up;
  EXPECT_NE(up.find("Connection: close\r\n"), std::string::npos);
}

// Pipelined requests come off the front one at a time; garbage is a 400, an oversized body a 413,
// and a partial head asks for more bytes.
TEST(HttpMessagesTest, ParsesOneRequestOrSaysWhyNot) {
  std::string two = "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n";
  auto first = parse_client_request(two);
  ASSERT_TRUE(first.request);
  EXPECT_EQ(first.request->target(), "/a");
  EXPECT_EQ(first.consumed, two.size() / 2);
  EXPECT_EQ(parse_client_request("NOT HTTP AT ALL\r\n\r\n").error_status, 400);
  EXPECT_EQ(parse_client_request("POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n").error_status, 413);
  auto partial = parse_client_request("GET / HTTP/1.1\r\nHo");
  EXPECT_FALSE(partial.request);
  EXPECT_EQ(partial.error_status, 0);
}

}  // namespace
}  // namespace bg::proxy
