#pragma once
// A script's `curl` and `wget`, made safe to hand to the real programs. The harness runs them in the
// sandboxed host's files but on its own network (a script's own network is empty), so every address
// they could reach is checked here first: an address of the run's host (localhost, 127.0.0.1, the
// host's names, any port) is pointed at the loopback port the run maps it to, keeping the URL and
// Host header as the script wrote them; any other address is not modelled and ends the run. Time
// options are scenario seconds and are scaled. Options the harness does not know are not modelled:
// an option that could make the program reach elsewhere (a proxy, a config file, --resolve) must not
// slip through.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/command_result.h"

namespace bg::fakes {

// The loopback port the run serves `host:port` of its own host on, or nullopt when the run does not
// own that address.
using AddressBook = std::function<std::optional<uint16_t>(const std::string& host, uint16_t port)>;

struct HttpClientPlan {
  // Arguments for the real program (without argv[0]); empty when `refusal` is set.
  std::vector<std::string> args;
  // Set when the command must not run: what curl/wget itself would say (a usage error), or not modelled.
  std::optional<core::CommandResult> refusal;
  bool reads_stdin = false;  // the real program reads the script's stdin (curl_options.h: `-d @-`, `-T -`, ...)
};

// `refused_port`: a loopback port where nothing ever listens; every address curl was not told about
// (a redirect elsewhere) is sent there and refused.
HttpClientPlan plan_curl(const std::vector<std::string>& args, const AddressBook& owned, double time_scale,
                         uint16_t refused_port);
HttpClientPlan plan_wget(const std::vector<std::string>& args, const AddressBook& owned, double time_scale);

// The host and port a URL names, with curl's defaults (no scheme: http; http 80, https 443).
struct UrlTarget {
  std::string scheme;
  std::string host;
  uint16_t port = 0;
};
std::optional<UrlTarget> parse_url_target(const std::string& url);

}  // namespace bg::fakes
