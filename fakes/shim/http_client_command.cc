#include "fakes/shim/http_client_command.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "fakes/shim/curl_options.h"
#include "fakes/shim/http_client_parts.h"

namespace bg::fakes {
namespace {

// How an option is handled. Sources: curl(1) 7.88 (Debian 12) and wget(1) 1.21.
enum class Arg {
  none,     // a flag
  value,    // takes a value, passed through
  seconds,  // takes a number of seconds: scaled to the run's time scale
  url,      // --url: its value is a URL to check
};

const std::map<std::string, Arg> kCurlLong = {{"silent", Arg::none},
                                              {"show-error", Arg::none},
                                              {"fail", Arg::none},
                                              {"fail-with-body", Arg::none},
                                              {"fail-early", Arg::none},
                                              {"location", Arg::none},
                                              {"head", Arg::none},
                                              {"include", Arg::none},
                                              {"verbose", Arg::none},
                                              {"insecure", Arg::none},
                                              {"globoff", Arg::none},
                                              {"no-buffer", Arg::none},
                                              {"progress-bar", Arg::none},
                                              {"no-progress-meter", Arg::none},
                                              {"compressed", Arg::none},
                                              {"get", Arg::none},
                                              {"http1.0", Arg::none},
                                              {"http1.1", Arg::none},
                                              {"ipv4", Arg::none},
                                              {"no-keepalive", Arg::none},
                                              {"remote-name", Arg::none},
                                              {"remote-header-name", Arg::none},
                                              {"raw", Arg::none},
                                              {"tcp-nodelay", Arg::none},
                                              {"retry-connrefused", Arg::none},
                                              {"retry-all-errors", Arg::none},
                                              {"create-dirs", Arg::none},
                                              {"output", Arg::value},
                                              {"request", Arg::value},
                                              {"header", Arg::value},
                                              {"write-out", Arg::value},
                                              {"dump-header", Arg::value},
                                              {"user", Arg::value},
                                              {"user-agent", Arg::value},
                                              {"referer", Arg::value},
                                              {"cookie", Arg::value},
                                              {"cookie-jar", Arg::value},
                                              {"form", Arg::value},
                                              {"range", Arg::value},
                                              {"max-redirs", Arg::value},
                                              {"output-dir", Arg::value},
                                              {"retry", Arg::value},
                                              {"limit-rate", Arg::value},
                                              {"speed-limit", Arg::value},
                                              {"max-filesize", Arg::value},
                                              {"max-time", Arg::seconds},
                                              {"connect-timeout", Arg::seconds},
                                              {"retry-delay", Arg::seconds},
                                              {"retry-max-time", Arg::seconds},
                                              {"expect100-timeout", Arg::seconds},
                                              {"speed-time", Arg::seconds},
                                              {"keepalive-time", Arg::seconds},
                                              {"url", Arg::url},
                                              {"data", Arg::value},
                                              {"data-raw", Arg::value},
                                              {"data-binary", Arg::value},
                                              {"data-urlencode", Arg::value},
                                              {"json", Arg::value},
                                              {"upload-file", Arg::value}};
const std::map<char, std::string> kCurlShort = {
    {'s', "silent"},      {'S', "show-error"},  {'f', "fail"},         {'L', "location"},
    {'I', "head"},        {'i', "include"},     {'v', "verbose"},      {'k', "insecure"},
    {'g', "globoff"},     {'N', "no-buffer"},   {'#', "progress-bar"}, {'G', "get"},
    {'0', "http1.0"},     {'4', "ipv4"},        {'O', "remote-name"},  {'J', "remote-header-name"},
    {'o', "output"},      {'X', "request"},     {'H', "header"},       {'w', "write-out"},
    {'D', "dump-header"}, {'u', "user"},        {'A', "user-agent"},   {'e', "referer"},
    {'b', "cookie"},      {'c', "cookie-jar"},  {'F', "form"},         {'r', "range"},
    {'m', "max-time"},    {'Y', "speed-limit"}, {'y', "speed-time"},   {'d', "data"},
    {'T', "upload-file"}};

const std::map<std::string, Arg> kWgetLong = {{"quiet", Arg::none},
                                              {"verbose", Arg::none},
                                              {"no-verbose", Arg::none},
                                              {"spider", Arg::none},
                                              {"server-response", Arg::none},
                                              {"no-check-certificate", Arg::none},
                                              {"retry-connrefused", Arg::none},
                                              {"content-on-error", Arg::none},
                                              {"no-cache", Arg::none},
                                              {"output-document", Arg::value},
                                              {"output-file", Arg::value},
                                              {"append-output", Arg::value},
                                              {"header", Arg::value},
                                              {"user-agent", Arg::value},
                                              {"method", Arg::value},
                                              {"post-data", Arg::value},
                                              {"body-data", Arg::value},
                                              {"tries", Arg::value},
                                              {"max-redirect", Arg::value},
                                              {"timeout", Arg::seconds},
                                              {"connect-timeout", Arg::seconds},
                                              {"read-timeout", Arg::seconds},
                                              {"dns-timeout", Arg::seconds},
                                              {"wait", Arg::seconds},
                                              {"waitretry", Arg::seconds}};
const std::map<char, std::string> kWgetShort = {
    {'q', "quiet"},       {'v', "verbose"},       {'S', "server-response"}, {'O', "output-document"},
    {'o', "output-file"}, {'a', "append-output"}, {'U', "user-agent"},      {'t', "tries"},
    {'T', "timeout"},     {'w', "wait"}};

std::string scale(const std::string& value, double time_scale) {
  try {
    size_t used = 0;
    const double v = std::stod(value, &used);
    if (used != value.size() || v < 0) return value;
    return fmt::format("{:.3f}", v * time_scale);
  } catch (...) {
    return value;  // the program itself will reject it, with its own message
  }
}

bool is_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// One option as written, normalised to its long name and value.
struct Parsed {
  std::vector<std::string> args;  // the rewritten command line
  std::vector<std::string> urls;
  std::optional<core::CommandResult> refusal;
};

// The long name `word` (after "--") stands for, or a refusal. wget's getopt_long: `--name=value`, the
// name exact. curl (tool_getparam.c): no `=value` (`--max-time=5` is an unknown option), a unique
// prefix of a name, and `--no-` before a boolean only; a word curl itself rejects ends the command
// with curl's usage error, exit 2, as the real curl would, sending nothing.
struct LongWord {
  std::string name;
  std::optional<std::string> value;
  std::optional<core::CommandResult> refusal;
};
LongWord read_long_word(const std::string& program, const std::string& written,
                        const std::map<std::string, Arg>& longs) {
  LongWord w;
  std::string word = written.substr(2);
  if (program == "curl") {
    const bool negated = word.rfind("no-", 0) == 0;
    if (negated) word = word.substr(3);
    bg_curl_option o{};
    const bg_curl_match m = bg_curl_find_long(word.data(), word.size(), negated, &o);
    if (m != BG_CURL_FOUND || (negated && o.kind != '!')) {
      const char* why = m == BG_CURL_UNKNOWN     ? "is unknown"
                        : m == BG_CURL_AMBIGUOUS ? "is ambiguous"
                                                 : "used '--no-' for option that isn't a boolean";
      w.refusal = core::CommandResult{2, "", http_client::curl_help_error(written, why)};
      return w;
    }
    w.name = std::string(o.name, o.length);
    // The table names some booleans by their --no- form (--no-buffer, --no-progress-meter).
    if (negated && longs.count("no-" + w.name)) w.name = "no-" + w.name;
  } else {
    const auto eq = word.find('=');
    w.name = word.substr(0, eq);
    if (eq != std::string::npos) w.value = word.substr(eq + 1);
    if (w.name.rfind("no-", 0) == 0 && longs.count(w.name.substr(3)) && longs.at(w.name.substr(3)) == Arg::none)
      w.name = w.name.substr(3);
  }
  if (!longs.count(w.name)) w.refusal = core::not_modelled_result(fmt::format("{} option --{}", program, w.name));
  return w;
}

// Parses getopt-style options (clustered short flags, `--name value`, wget's `--name=value`) against
// a table, keeping everything as written except scaled times.
Parsed parse(const std::string& program, const std::vector<std::string>& args, const std::map<std::string, Arg>& longs,
             const std::map<char, std::string>& shorts, double time_scale) {
  Parsed p;
  auto take = [&](const std::string& name, Arg kind, const std::string& spelled, std::optional<std::string> value,
                  size_t& i) {
    if (kind == Arg::none) {
      p.args.push_back(spelled);
      return;
    }
    if (!value) {
      if (i + 1 >= args.size()) {
        p.refusal = core::CommandResult{2, "", fmt::format("{}: option {} requires an argument\n", program, spelled)};
        return;
      }
      value = args[++i];
    }
    if (kind == Arg::seconds) value = scale(*value, time_scale);
    if (kind == Arg::url) p.urls.push_back(*value);
    p.args.push_back(spelled.rfind("--", 0) == 0 ? "--" + name : spelled);
    p.args.push_back(*value);
  };
  bool options_end = false;
  for (size_t i = 0; i < args.size() && !p.refusal; ++i) {
    const std::string& a = args[i];
    if (program == "curl" && !options_end && a == "-") {
      p.refusal = core::CommandResult{2, "", http_client::curl_help_error(a, "is unknown")};
      return p;
    }
    if (options_end || a.size() < 2 || a[0] != '-') {
      p.urls.push_back(a);
      p.args.push_back(a);
      continue;
    }
    if (a == "--") {
      options_end = true;
      p.args.push_back(a);
      continue;
    }
    if (a.rfind("--", 0) == 0) {
      LongWord w = read_long_word(program, a, longs);
      if (w.refusal) {
        p.refusal = w.refusal;
        return p;
      }
      take(w.name, longs.at(w.name), w.value ? "--" + w.name : a, w.value, i);
      continue;
    }
    for (size_t k = 1; k < a.size() && !p.refusal; ++k) {
      auto it = shorts.find(a[k]);
      if (it == shorts.end()) {
        bg_curl_option known{};
        if (program == "curl" && !bg_curl_find_short(a[k], &known))
          p.refusal = core::CommandResult{2, "", http_client::curl_help_error(a, "is unknown")};
        else
          p.refusal = core::not_modelled_result(fmt::format("{} option -{}", program, a[k]));
        return p;
      }
      const Arg kind = longs.at(it->second);
      if (kind == Arg::none) {
        p.args.push_back(std::string("-") + a[k]);
        continue;
      }
      std::optional<std::string> value;
      if (k + 1 < a.size()) value = a.substr(k + 1);
      take(it->second, kind, std::string("-") + a[k], value, i);
      break;
    }
  }
  return p;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::optional<UrlTarget> parse_url_target(const std::string& url) {
  UrlTarget t;
  std::string rest = url;
  const auto scheme_end = rest.find("://");
  t.scheme = "http";
  if (scheme_end != std::string::npos) {
    t.scheme = lower(rest.substr(0, scheme_end));
    rest = rest.substr(scheme_end + 3);
  }
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);  // user:pass@
  std::string port;
  if (!rest.empty() && rest.front() == '[') {  // [::1]:3000
    const auto close = rest.find(']');
    if (close == std::string::npos) return std::nullopt;
    t.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else {
    const auto colon = rest.rfind(':');
    t.host = rest.substr(0, colon);
    if (colon != std::string::npos) port = rest.substr(colon + 1);
  }
  if (t.host.empty()) return std::nullopt;
  t.host = lower(t.host);
  if (!port.empty()) {
    if (!is_digits(port) || port.size() > 5 || std::stoi(port) > 65535 || std::stoi(port) == 0) return std::nullopt;
    t.port = static_cast<uint16_t>(std::stoi(port));
  } else {
    static const std::map<std::string, uint16_t> defaults = {{"http", 80}, {"https", 443}};
    auto it = defaults.find(t.scheme);
    if (it == defaults.end()) return std::nullopt;
    t.port = it->second;
  }
  return t;
}

HttpClientPlan plan_curl(const std::vector<std::string>& args, const AddressBook& owned, double time_scale,
                         uint16_t refused_port) {
  HttpClientPlan plan;
  Parsed p = parse("curl", args, kCurlLong, kCurlShort, time_scale);
  if (p.refusal) {
    plan.refusal = p.refusal;
    return plan;
  }
  std::set<std::string> routes;
  for (const auto& url : p.urls) {
    auto target = parse_url_target(url);
    if (!target || (target->scheme != "http" && target->scheme != "https")) {
      plan.refusal =
          core::not_modelled_result(fmt::format("curl of \"{}\" (only http and https to the run's host)", url));
      return plan;
    }
    auto port = owned(target->host, target->port);
    if (!port) {
      plan.refusal = core::not_modelled_result(
          fmt::format("curl to {}:{} (an address outside the run's host)", target->host, target->port));
      return plan;
    }
    // curl's --connect-to HOST1:PORT1:HOST2:PORT2 keeps the URL, and so the Host header, as written.
    const std::string host = target->host.find(':') != std::string::npos ? "[" + target->host + "]" : target->host;
    routes.insert(fmt::format("{}:{}:127.0.0.1:{}", host, target->port, *port));
  }
  // The harness's options first: after a `--` of the script's, curl would read them as URLs.
  for (const auto& r : routes) {
    plan.args.push_back("--connect-to");
    plan.args.push_back(r);
  }
  // Anything else (a redirect to another host) goes to a port where nothing listens: refused.
  plan.args.push_back("--connect-to");
  plan.args.push_back(fmt::format("::127.0.0.1:{}", refused_port));
  plan.args.push_back("--noproxy");
  plan.args.push_back("*");
  plan.args.insert(plan.args.end(), p.args.begin(), p.args.end());
  std::vector<const char*> words;
  for (const auto& a : args) words.push_back(a.c_str());
  plan.reads_stdin = bg_curl_reads_stdin(words.data(), static_cast<int>(words.size())) != 0;
  return plan;
}

HttpClientPlan plan_wget(const std::vector<std::string>& args, const AddressBook& owned, double time_scale) {
  HttpClientPlan plan;
  Parsed p = parse("wget", args, kWgetLong, kWgetShort, time_scale);
  if (p.refusal) {
    plan.refusal = p.refusal;
    return plan;
  }
  // wget has no --connect-to: the URL itself is rewritten and the Host header it would have sent is
  // given explicitly (wget sends a --header Host in place of its own).
  for (auto& a : p.args) {
    if (std::find(p.urls.begin(), p.urls.end(), a) == p.urls.end()) continue;
    auto target = parse_url_target(a);
    if (!target || target->scheme != "http") {
      plan.refusal = core::not_modelled_result(fmt::format("wget of \"{}\" (only http to the run's host)", a));
      return plan;
    }
    auto port = owned(target->host, target->port);
    if (!port) {
      plan.refusal = core::not_modelled_result(
          fmt::format("wget of {}:{} (an address outside the run's host)", target->host, target->port));
      return plan;
    }
    const auto scheme_end = a.find("://");
    const size_t authority = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    const auto path_start = a.find_first_of("/?#", authority);
    const std::string rest = path_start == std::string::npos ? "" : a.substr(path_start);
    const std::string host_header =
        target->port == 80 ? target->host : fmt::format("{}:{}", target->host, target->port);
    plan.args.push_back("--header=Host: " + host_header);
    a = fmt::format("http://127.0.0.1:{}{}", *port, rest);
  }
  plan.args.insert(plan.args.end(), p.args.begin(), p.args.end());
  plan.args.push_back("--no-proxy");
  // None of the options wget is allowed reads stdin (no --input-file=-, --post-file=-).
  return plan;
}

}  // namespace bg::fakes
