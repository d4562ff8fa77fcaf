#pragma once
// What curl's and wget's emulations (curl_emulation.cc, wget_emulation.cc) share: text, headers, the
// script's files, http URLs as both clients split them, and long-option matching. Internal to
// fakes/shim: the public entry points are http_client_emulation.h's.
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fakes/shim/http_client_emulation.h"

namespace bg::fakes::http_client {

std::string lower(std::string s);
// curl's usage error about one word of its command line (tool_helpers.c helpf()), exit code 2.
std::string curl_help_error(const std::string& word, const std::string& what);
bool iequal(const std::string& a, const std::string& b);
bool starts_with(const std::string& s, const std::string& p);

std::optional<std::string> find_header(const HttpHeaders& headers, const std::string& name);
// Content-Length when it is a plain number.
std::optional<long long> content_length(const HttpOutcome& o);
// The response head as the client received it (rebuilt: "Name: value" lines).
std::string response_head(const HttpOutcome& o);

// A path the script wrote, joined to its working folder when relative.
std::string absolute(const HttpClientWorld& w, const std::string& path);
// Why a file cannot be written, in strerror's words.
std::string write_error_of(const HttpClientWorld& w, const std::string& path);
// The address a host name stands for, as the clients print it ("Connecting to ... (127.0.0.1)").
std::string address_of(const HttpClientWorld& w, const std::string& host);
bool is_ip_literal(const std::string& host);
// RFC 3986 5.2.4, as curl's URL parser applies it.
std::string remove_dot_segments(const std::string& path);

// An http URL of the run's host, split the way the clients use it.
struct Url {
  std::string host;  // as written (no brackets)
  uint16_t port = 80;
  bool port_written = false;
  std::string target;    // path and query: what is sent
  std::string fragment;  // "#..." or empty: kept in curl's effective URL, never sent
  std::string host_header() const {
    const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return port == 80 ? h : fmt::format("{}:{}", h, port);
  }
  std::string origin() const {
    const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return port_written ? fmt::format("http://{}:{}", h, port) : "http://" + h;
  }
  std::string text() const { return origin() + target; }  // curl: as written, dot segments removed
  std::string wget_text() const {                         // wget (url.c url_string): no default port
    return "http://" + host_header() + target;
  }
};

enum class UrlError { none, malformed, not_http };
struct ParsedUrl {
  std::optional<Url> url;
  UrlError error = UrlError::none;
  std::string scheme;
};

ParsedUrl parse_http_url(const std::string& s);
// A Location header against the URL it answered.
std::string resolve_location(const Url& base, const std::string& loc);

// An option table entry: the long name, whether it takes a value, whether it is a boolean (curl's
// --no-NAME), read from a compact list ("name=" takes a value, "name!" is a boolean).
struct OptName {
  std::string name;
  bool value = false;
  bool boolean = false;
};
std::vector<OptName> read_names(const char* list);

// getopt_long's and curl's matching: an exact name, else the one name the word begins.
enum class Match { found, unknown, ambiguous };
Match match_name(const std::vector<OptName>& names, const std::string& word, OptName& hit);

}  // namespace bg::fakes::http_client
