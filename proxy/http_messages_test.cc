// The proxy's client-bytes path without sockets: parse_client_request, make_upstream_request, serialize.
#include "proxy/http_messages.h"

#include <vector>

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

// serialize() writes by hand (for speed) exactly the bytes Beast's own serializer writes, for the
// requests the proxy sends upstream and the responses and error pages it sends to clients.
TEST(HttpMessagesTest, SerializeWritesBeastsBytes) {
  ProxySettings settings;
  settings.http_version = "1.1";
  settings.set_headers.push_back({"Connection", ""});
  settings.set_headers.push_back({"X-Forwarded-For", "$proxy_add_x_forwarded_for"});
  for (const char* raw : {"GET /a?b=1 HTTP/1.1\r\nHost: h:3000\r\nX-Request-Id: 7\r\n\r\n",
                          "FOO /x HTTP/1.0\r\nHost: a\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\t\t:80\r\n\r\n",
                          "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nconnection: keep-alive\r\n\r\nhello"}) {
    auto parsed = parse_client_request(raw);
    ASSERT_TRUE(parsed.request) << raw;
    EXPECT_EQ(serialize(*parsed.request), serialize_by_beast(*parsed.request)) << raw;
    auto up = make_upstream_request(*parsed.request, settings, {"backends", "127.0.0.1"});
    EXPECT_EQ(serialize(up), serialize_by_beast(up)) << raw;
  }
  http::request<http::string_body> no_target;
  no_target.method(http::verb::get);
  EXPECT_EQ(serialize(no_target), serialize_by_beast(no_target));

  http::response<http::string_body> up{http::status::ok, 11};
  up.set(http::field::content_type, "text/plain");
  up.set("X-Pad", "x");
  up.set(http::field::connection, "keep-alive");
  up.body() = "hello";
  for (bool keep : {true, false})
    for (unsigned version : {10u, 11u}) {
      auto copy = up;
      auto out = make_client_response(std::move(copy), version, keep, false);
      EXPECT_EQ(serialize(out), serialize_by_beast(out));
    }
  http::response<http::string_body> odd{static_cast<http::status>(299), 11};  // no reason known
  EXPECT_EQ(serialize(odd), serialize_by_beast(odd));
  odd.reason("Fine Thanks");
  EXPECT_EQ(serialize(odd), serialize_by_beast(odd));
  for (int status : {400, 404, 502, 504}) {
    auto page = make_error_page(status, 11, status != 400);
    EXPECT_EQ(serialize(page), serialize_by_beast(page));
    std::string whole = serialize_by_beast(page);
    EXPECT_EQ(serialize_head(page), whole.substr(0, whole.find("\r\n\r\n") + 4));
  }
}

// upstream_request_bytes and client_response_bytes write the same bytes as building the message and
// serializing it, whatever proxy_set_header does (Host replaced, Connection removed, a header added
// twice, a Content-Length or Transfer-Encoding set by hand, a value Beast trims: the fuzzer's find,
// `$host` of "a\t\t:80") and for every status, version and method.
TEST(HttpMessagesTest, BytesWithoutTheMessageAreTheMessagesBytes) {
  std::vector<ProxySettings> variants(5);
  variants[1].http_version = "1.1";
  variants[1].set_headers = {{"Connection", ""}, {"X-Forwarded-For", "$proxy_add_x_forwarded_for"}};
  variants[2].set_headers = {{"Host", "$host"},
                             {"x-request-id", "fixed"},
                             {"X-Original-URI", "$request_uri$uri"},
                             {"X-Request-Id", "$remote_addr"},
                             {"X-Empty", ""}};
  variants[3].set_headers = {{"content-length", "3"}, {"Upgrade", "$http_host"}, {"X-Padded", " \t padded \t"}};
  variants[4].set_headers = {{"Transfer-Encoding", "chunked"}};
  RequestVars vars{"backends", "127.0.0.1"};
  for (const char* raw :
       {"GET /a?b=1 HTTP/1.1\r\nHost: h:3000\r\nX-Request-Id: 7\r\nx-forwarded-for: 10.0.0.1\r\n\r\n",
        "FOO /x HTTP/1.0\r\nHost: a\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\t\t:80\r\n\r\n",
        "POST /p HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        "PUT /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nconnection: keep-alive\r\nTE: x\r\n\r\nhello",
        "DELETE /d HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nX-A: 2\r\nContent-Length: 2\r\n\r\nab"}) {
    auto parsed = parse_client_request(raw);
    ASSERT_TRUE(parsed.request) << raw;
    for (const auto& settings : variants)
      EXPECT_EQ(upstream_request_bytes(*parsed.request, settings, vars),
                serialize(make_upstream_request(*parsed.request, settings, vars)))
          << raw;
  }

  for (int status : {200, 201, 204, 206, 299, 301, 304, 404, 502, 101}) {
    http::response<http::string_body> up{static_cast<http::status>(status), 11};
    up.set(http::field::content_type, "text/plain");
    up.set("X-Pad", "x");
    up.set("x-accel-redirect", "/y");
    up.set(http::field::connection, "keep-alive");
    up.set(http::field::date, "today");
    up.insert(http::field::set_cookie, "a=1");
    up.insert(http::field::set_cookie, "b=2");
    if (status == 206) up.reason("Partly");
    bool empty = status < 200 || status == 204 || status == 304;
    if (!empty) up.body() = "hello";
    if (status == 200) up.set(http::field::content_length, "5");
    for (bool head : {false, true})
      for (bool keep : {true, false})
        for (unsigned version : {10u, 11u}) {
          auto a = up, b = up;
          EXPECT_EQ(client_response_bytes(std::move(a), version, keep, head),
                    serialize(make_client_response(std::move(b), version, keep, head)))
              << status << " head " << head << " keep " << keep << " version " << version;
        }
  }
}

}  // namespace
}  // namespace bg::proxy
