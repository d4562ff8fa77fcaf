// emulate_curl: a script's curl 7.88.1 answered by the harness (http_client_emulation.h).
#include "fakes/shim/http_client_emulation.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "fakes/shim/curl_options.h"
#include "fakes/shim/http_client_parts.h"

// Sources: curl 7.88.1 (src/tool_getparam.c, tool_operate.c, tool_msgs.c, tool_writeout.c, lib/progress.c,
// lib/multi.c, lib/connect.c), read at the release tag; every message below was also compared with the
// Debian 12 binary against a loopback server (http_client_emulation_test.cc's differential test).
namespace bg::fakes {
namespace {

using namespace http_client;
using core::Duration;
using Failure = HttpOutcome::Failure;

long long to_ms(Duration d) { return d.count() / 1000; }

// Every long option of curl 7.88.1 and its letters (curl_options.h): an option the emulation does not
// handle is not modelled; a word that is none of these is curl's own "is unknown" (exit 2).
const char* const kCurlNames = BG_CURL_LONG_OPTIONS;
const char* const kCurlShort = BG_CURL_SHORT_OPTIONS;

// Options that change nothing an emulated http:// exchange shows: TLS, buffering, keepalive, IPv4
// (the run's names are IPv4 already), --fail-early (one URL).
const std::array kCurlHarmless = {"insecure", "buffer", "keepalive", "tcp-nodelay", "http1.1", "ipv4", "fail-early"};

struct CurlOptions {
  bool silent = false, show_error = false, fail = false, fail_with_body = false, head = false, include = false;
  bool location = false, globoff = false, progress = true, retry_connrefused = false, retry_all_errors = false;
  std::optional<std::string> output, dump_header, write_out, request, user_agent;
  std::vector<std::string> headers;
  std::optional<std::string> data;  // -d and friends, joined with '&'
  std::optional<double> max_time, connect_timeout;
  long retry = 0, retry_delay = 0, retry_max_time = 0, max_redirs = 50;
  std::vector<std::string> urls;
  std::string early_err;  // warnings printed while reading the options
};

// tool_msgs.c voutf(): the text cut at 79 columns, each line prefixed.
std::string curl_warning(const std::string& text) {
  const std::string prefix = "Warning: ";
  const size_t width = 79 - prefix.size();
  std::string out;
  size_t pos = 0, len = text.size();
  while (len > 0) {
    out += prefix;
    if (len > width) {
      size_t cut = width - 1;
      while (cut && text[pos + cut] != ' ' && text[pos + cut] != '\t') --cut;
      if (cut == 0) cut = width - 1;
      out += text.substr(pos, cut + 1) + "\n";
      pos += cut + 1;
      len -= cut + 1;
    } else {
      out += text.substr(pos);
      len = 0;
    }
  }
  return out;
}

struct CurlParse {
  CurlOptions o;
  std::optional<core::CommandResult> stop;
};

// One option's value into the options; returns an error message for curl_help_error, or "".
std::string apply_curl_value(CurlOptions& o, const std::string& name, const std::string& v,
                             const std::string& stdin_data, const HttpClientWorld& w) {
  auto udouble = [&](std::optional<double>& to) -> std::string {
    char* end = nullptr;
    const double d = std::strtod(v.c_str(), &end);
    if (v.empty() || *end) return "expected a proper numerical parameter";
    if (d < 0) return "expected a positive numerical parameter";
    to = d;
    return "";
  };
  auto number = [&](long& to, bool allow_negative) -> std::string {
    char* end = nullptr;
    const long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end) return "expected a proper numerical parameter";
    if (n < 0 && !(allow_negative && n == -1)) return "expected a positive numerical parameter";
    to = n;
    return "";
  };
  if (name == "output")
    o.output = v;
  else if (name == "dump-header")
    o.dump_header = v;
  else if (name == "request")
    o.request = v;
  else if (name == "user-agent")
    o.user_agent = v;
  else if (name == "header")
    o.headers.push_back(v);
  else if (name == "url")
    o.urls.push_back(v);
  else if (name == "max-time")
    return udouble(o.max_time);
  else if (name == "connect-timeout")
    return udouble(o.connect_timeout);
  else if (name == "retry")
    return number(o.retry, false);
  else if (name == "retry-delay")
    return number(o.retry_delay, false);
  else if (name == "retry-max-time")
    return number(o.retry_max_time, false);
  else if (name == "max-redirs")
    return number(o.max_redirs, true);
  else if (name == "write-out") {
    if (starts_with(v, "@")) {
      const std::string file = v.substr(1);
      auto text = file == "-" ? std::optional<std::string>(stdin_data) : w.read_file(absolute(w, file));
      o.write_out = text.value_or("");
    } else {
      o.write_out = v;
    }
  } else {  // data, data-ascii, data-binary, data-raw (tool_getparam.c: '@' reads a file or stdin)
    std::string part = v;
    if (name != "data-raw" && starts_with(v, "@")) {
      const std::string file = v.substr(1);
      auto text = file == "-" ? std::optional<std::string>(stdin_data) : w.read_file(absolute(w, file));
      if (!text && !o.silent)
        o.early_err +=
            curl_warning(fmt::format("Couldn't read data from file \"{}\", this makes an empty POST.\n", file));
      part = text.value_or("");
      if (name != "data-binary")
        part.erase(std::remove_if(part.begin(), part.end(), [](char c) { return c == '\r' || c == '\n'; }), part.end());
    }
    o.data = o.data ? *o.data + "&" + part : part;
  }
  return "";
}

CurlParse parse_curl(const std::vector<std::string>& args, const std::string& stdin_data, const HttpClientWorld& w) {
  static const std::vector<OptName> names = read_names(kCurlNames);
  static const std::map<char, std::string> shorts = [] {
    std::map<char, std::string> m;
    std::istringstream in(kCurlShort);
    std::string e;
    while (in >> e) m[e[0]] = e.substr(1);
    return m;
  }();
  static const std::set<std::string> modelled_flags = {
      "silent",          "show-error", "fail",    "fail-with-body", "head",
      "include",         "location",   "globoff", "progress-meter", "retry-connrefused",
      "retry-all-errors"};
  static const std::set<std::string> modelled_values = {
      "output",          "dump-header", "request",     "user-agent",     "header",     "url",       "max-time",
      "connect-timeout", "retry",       "retry-delay", "retry-max-time", "max-redirs", "write-out", "data",
      "data-ascii",      "data-binary", "data-raw"};
  CurlParse p;
  CurlOptions& o = p.o;
  auto fail = [&](core::CommandResult r) {
    p.stop = std::move(r);
    return p;
  };
  // Returns false (and sets p.stop) when the option ends the command.
  auto apply = [&](const OptName& opt, bool toggle, const std::string& word, std::optional<std::string> value,
                   size_t& i) -> bool {
    const bool harmless = std::find(kCurlHarmless.begin(), kCurlHarmless.end(), opt.name) != kCurlHarmless.end();
    const bool is_flag = modelled_flags.count(opt.name) > 0;
    const bool is_value = modelled_values.count(opt.name) > 0;
    if (!harmless && !is_flag && !is_value) {
      p.stop = core::not_modelled_result("curl option --" + opt.name);
      return false;
    }
    if (!opt.value) {
      if (toggle && ((opt.name == "fail" && o.fail_with_body) || (opt.name == "fail-with-body" && o.fail))) {
        p.stop = core::CommandResult{
            2, "",
            (o.silent ? "" : "curl: You must select either --fail or --fail-with-body, not both.\n") +
                curl_help_error(word, "is badly used here")};
        return false;
      }
      if (opt.name == "silent") o.silent = toggle;
      if (opt.name == "show-error") o.show_error = toggle;
      if (opt.name == "fail") o.fail = toggle;
      if (opt.name == "fail-with-body") o.fail_with_body = toggle;
      if (opt.name == "head") o.head = toggle;
      if (opt.name == "include") o.include = toggle;
      if (opt.name == "location") o.location = toggle;
      if (opt.name == "globoff") o.globoff = toggle;
      if (opt.name == "progress-meter") o.progress = toggle;
      if (opt.name == "retry-connrefused") o.retry_connrefused = toggle;
      if (opt.name == "retry-all-errors") o.retry_all_errors = toggle;
      return true;
    }
    if (!value) {
      if (i + 1 >= args.size()) {
        p.stop = core::CommandResult{2, "", curl_help_error(word, "requires parameter")};
        return false;
      }
      value = args[++i];
    }
    if (opt.name == "header" && starts_with(*value, "@")) {
      p.stop = core::not_modelled_result("curl -H @file");
      return false;
    }
    const std::string err = apply_curl_value(o, opt.name, *value, stdin_data, w);
    if (!err.empty()) p.stop = core::CommandResult{2, "", curl_help_error(word, err)};
    return err.empty();
  };
  bool options = true;  // until a "--": every word after it is a URL
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!options || a.empty() || a[0] != '-') {
      o.urls.push_back(a);
      continue;
    }
    if (a == "--") {
      options = false;
      continue;
    }
    if (a == "-") return fail({2, "", curl_help_error(a, "is unknown")});
    if (starts_with(a, "--")) {
      std::string word = a.substr(2);
      bool toggle = true;
      if (starts_with(word, "no-")) word = word.substr(3), toggle = false;
      // curl's own matching (curl_options.h): letters without case, a prefix only without "no-".
      bg_curl_option found{};
      const bg_curl_match m = bg_curl_find_long(word.data(), word.size(), !toggle, &found);
      if (m != BG_CURL_FOUND)
        return fail({2, "", curl_help_error(a, m == BG_CURL_UNKNOWN ? "is unknown" : "is ambiguous")});
      OptName opt;
      match_name(names, std::string(found.name, found.length), opt);
      if (!toggle && !opt.boolean)
        return fail({2, "", curl_help_error(a, "used '--no-' for option that isn't a boolean")});
      if (!apply(opt, toggle, a, std::nullopt, i)) return p;
      continue;
    }
    for (size_t k = 1; k < a.size(); ++k) {
      auto it = shorts.find(a[k]);
      if (it == shorts.end()) return fail({2, "", curl_help_error(a, "is unknown")});
      OptName opt;
      match_name(names, it->second, opt);
      std::optional<std::string> value;
      if (opt.value && k + 1 < a.size()) value = a.substr(k + 1);
      if (!apply(opt, true, a, value, i)) return p;
      if (opt.value) break;
    }
  }
  return p;
}

// lib/progress.c's meter, fed with scenario time: the same columns, the same arithmetic.
class CurlMeter {
 public:
  // The line curl prints at an update; `now_us` from the transfer's start.
  std::string update(long long now_us, long long dl, std::optional<long long> size_dl, long long ul,
                     std::optional<long long> size_ul) {
    std::string s;
    if (!headers_shown_) {
      s += "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
           "                                 Dload  Upload   Total   Spent    Left  Speed\n";
      headers_shown_ = true;
    }
    const long long dlspeed = speed(dl, now_us), ulspeed = speed(ul, now_us);
    // "current speed": bytes over the span back to the oldest of the last six updates.
    const int now_index = count_ % 6;
    samples_[now_index] = {dl + ul, now_us};
    ++count_;
    const int stored = std::min(count_, 6) - 1;
    long long current = ulspeed + dlspeed;
    if (stored) {
      const int check = count_ >= 6 ? count_ % 6 : 0;
      long long span_ms = (now_us - samples_[check].us) / 1000;
      if (span_ms == 0) span_ms = 1;
      const long long amount = samples_[now_index].bytes - samples_[check].bytes;
      current = amount > 4294967 ? static_cast<long long>(static_cast<double>(amount) / (span_ms / 1000.0))
                                 : amount * 1000 / span_ms;
    }
    const long long spent = now_us / 1000000;
    long long dlpct = 0, ulpct = 0, dlest = 0, ulest = 0, total_pct = 0;
    if (size_ul && ulspeed > 0) {
      ulest = *size_ul / ulspeed;
      ulpct = *size_ul > 10000 ? ul / (*size_ul / 100) : *size_ul > 0 ? ul * 100 / *size_ul : 0;
    }
    if (size_dl && dlspeed > 0) {
      dlest = *size_dl / dlspeed;
      dlpct = *size_dl > 10000 ? dl / (*size_dl / 100) : *size_dl > 0 ? dl * 100 / *size_dl : 0;
    }
    const long long estimate = std::max(ulest, dlest);
    const long long expected = size_ul.value_or(ul) + size_dl.value_or(dl);
    const long long transferred = dl + ul;
    total_pct = expected > 10000 ? transferred / (expected / 100) : expected > 0 ? transferred * 100 / expected : 0;
    s += fmt::format("\r{:3} {}  {:3} {}  {:3} {}  {}  {} {} {} {} {}", total_pct, max5(expected), dlpct, max5(dl),
                     ulpct, max5(ul), max5(dlspeed), max5(ulspeed), time2str(estimate), time2str(spent),
                     time2str(estimate > 0 ? estimate - spent : 0), max5(current));
    return s;
  }
  // Curl_pgrsDone(): the next transfer's "current speed" starts afresh.
  void done() { count_ = 0; }

 private:
  static long long speed(long long size, long long us) { return us < 1 ? size * 1000000 : size * 1000000 / us; }
  static std::string max5(long long b) {
    constexpr long long K = 1024, M = K * K, G = M * K, T = G * K;
    if (b < 100000) return fmt::format("{:5}", b);
    if (b < 10000 * K) return fmt::format("{:4}k", b / K);
    if (b < 100 * M) return fmt::format("{:2}.{}M", b / M, (b % M) / (M / 10));
    if (b < 10000 * M) return fmt::format("{:4}M", b / M);
    if (b < 100 * G) return fmt::format("{:2}.{}G", b / G, (b % G) / (G / 10));
    if (b < 10000 * G) return fmt::format("{:4}G", b / G);
    if (b < 10000 * T) return fmt::format("{:4}T", b / T);
    return fmt::format("{:4}P", b / (T * K));
  }
  static std::string time2str(long long s) {
    if (s <= 0) return "--:--:--";
    const long long h = s / 3600;
    if (h <= 99) return fmt::format("{:2}:{:02}:{:02}", h, (s - h * 3600) / 60, s % 60);
    const long long d = s / 86400;
    return d <= 999 ? fmt::format("{:3}d {:02}h", d, (s - d * 86400) / 3600) : fmt::format("{:7}d", d);
  }
  struct Sample {
    long long bytes = 0, us = 0;
  };
  bool headers_shown_ = false;
  std::array<Sample, 6> samples_{};
  int count_ = 0;
};

// Where -o or -D sends bytes.
struct CurlSink {
  enum class Kind { stdout_stream, stderr_stream, discard, file } kind = Kind::stdout_stream;
  std::string written;  // the name as the script wrote it ("" for curl's own stdout)
  std::string path;     // absolute, for a file
  bool named() const { return !written.empty(); }
};
// `absent`: where the bytes go without the option (-o: stdout; -D: nowhere).
CurlSink curl_sink(const std::optional<std::string>& name, CurlSink::Kind absent, const HttpClientWorld& w) {
  CurlSink s;
  if (!name) s.kind = absent;
  if (!name || *name == "-") return s;
  s.written = *name;
  if (*name == "/dev/null")
    s.kind = CurlSink::Kind::discard;
  else if (*name == "/dev/stdout")
    s.kind = CurlSink::Kind::stdout_stream;
  else if (*name == "/dev/stderr")
    s.kind = CurlSink::Kind::stderr_stream;
  else
    s.kind = CurlSink::Kind::file, s.path = absolute(w, *name);
  return s;
}

// What one transfer (one try, its redirects followed) left for the messages and -w.
struct CurlTransfer {
  int code = 0;          // CURLcode
  std::string errorbuf;  // libcurl's error text
  int http_code = 0;
  std::string effective_url, redirect_url, content_type, method, remote_ip, http_version = "0";
  uint16_t remote_port = 0;
  long redirects = 0, num_headers = 0;
  long long size_download = 0, size_upload = 0, size_header = 0, body_bytes = 0;
  Duration total{};
  std::optional<long long> retry_after;
};

class CurlRun {
 public:
  CurlRun(const CurlOptions& o, const HttpClientWorld& w) : o_(o), w_(w) {
    out_sink_ = curl_sink(o.output, CurlSink::Kind::stdout_stream, w);
    dump_sink_ = curl_sink(o.dump_header, CurlSink::Kind::discard, w);
  }

  core::CommandResult run(const Url& url);

 private:
  bool show_errors() const { return !o_.silent || o_.show_error; }
  void emit(const CurlSink& sink, const std::string& bytes, std::string& file) {
    switch (sink.kind) {
      case CurlSink::Kind::stdout_stream:
        out_ += bytes;
        break;
      case CurlSink::Kind::stderr_stream:
        err_ += bytes;
        break;
      case CurlSink::Kind::discard:
        break;
      case CurlSink::Kind::file:
        file += bytes;
        break;
    }
  }
  // To -o: a file is created at its first byte (tool_cb_wrt.c); one that cannot be is curl's warning
  // (into `warnings`, printed inside the meter as curl does) and error 23.
  bool emit_out(const std::string& bytes, CurlTransfer& t, std::string& warnings) {
    if (out_sink_.kind == CurlSink::Kind::file && !body_file_opened_ && !bytes.empty()) {
      body_file_opened_ = true;
      if (!w_.write_file(out_sink_.path, "")) {
        if (!o_.silent)
          warnings += curl_warning(
              fmt::format("Failed to open the file {}: {}\n", out_sink_.written, write_error_of(w_, out_sink_.path)));
        t.code = 23;
        t.errorbuf = "Failure writing output to destination";
        return false;
      }
    }
    emit(out_sink_, bytes, body_file_);
    return true;
  }
  std::optional<core::CommandResult> transfer(const Url& first, CurlTransfer& t);
  HttpHeaders request_headers(const Url& url, const Url& first, bool with_body) const;
  std::string write_out(const CurlTransfer& t, std::string& to_err) const;

  const CurlOptions& o_;
  const HttpClientWorld& w_;
  CurlSink out_sink_, dump_sink_;
  std::string out_, err_, body_file_, dump_file_;
  bool body_file_opened_ = false;
  CurlMeter meter_;
};

HttpHeaders CurlRun::request_headers(const Url& url, const Url& first, bool with_body) const {
  // "Name: value" sends it; "Name:" removes curl's own; "Name;" sends it empty (curl(1) -H).
  HttpHeaders custom;
  std::vector<std::string> removed;
  for (const auto& h : o_.headers) {
    const auto colon = h.find(':'), semi = h.find(';');
    if (colon != std::string::npos && (semi == std::string::npos || colon < semi)) {
      std::string v = h.substr(colon + 1);
      v.erase(0, v.find_first_not_of(" \t"));
      if (v.empty())
        removed.push_back(h.substr(0, colon));
      else
        custom.emplace_back(h.substr(0, colon), v);
    } else if (semi != std::string::npos && semi + 1 == h.size()) {
      custom.emplace_back(h.substr(0, semi), "");
    }
  }
  auto custom_has = [&](const std::string& n) {
    return find_header(custom, n) ||
           std::any_of(removed.begin(), removed.end(), [&](const std::string& r) { return iequal(r, n); });
  };
  HttpHeaders hs;
  // A custom Host goes first, and only to the first host of a redirect chain (lib/http.c).
  auto host = find_header(custom, "Host");
  const bool keep_host = host && iequal(url.host, first.host);
  if (keep_host)
    hs.emplace_back("Host", *host);
  else if (!custom_has("Host") || host)
    hs.emplace_back("Host", url.host_header());
  if (!custom_has("User-Agent") && (!o_.user_agent || !o_.user_agent->empty()))
    hs.emplace_back("User-Agent", o_.user_agent.value_or("curl/7.88.1"));
  if (!custom_has("Accept")) hs.emplace_back("Accept", "*/*");
  for (const auto& h : custom)
    if (!iequal(h.first, "Host")) hs.push_back(h);
  if (with_body) {
    if (!custom_has("Content-Length")) hs.emplace_back("Content-Length", std::to_string(o_.data->size()));
    if (!custom_has("Content-Type")) hs.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  }
  return hs;
}

// One try: the request, and the redirects -L follows. Returns a result only for what is not modelled.
std::optional<core::CommandResult> CurlRun::transfer(const Url& first, CurlTransfer& t) {
  Url url = first;
  std::string method = o_.head ? "HEAD" : o_.data ? "POST" : "GET";
  bool with_body = o_.data.has_value();
  body_file_.clear();
  body_file_opened_ = false;
  for (;;) {
    HttpCall call;
    call.method = o_.request.value_or(method);
    auto port = w_.owned(lower(url.host), url.port);
    if (!port)
      return core::not_modelled_result(
          fmt::format("curl to {}:{} (an address outside the run's host)", lower(url.host), url.port));
    call.port = *port;
    call.target = url.target;
    call.headers = request_headers(url, first, with_body);
    if (with_body) call.body = *o_.data;
    if (call.body.size() > 1024 * 1024)
      return core::not_modelled_result("curl with a body over 1 MiB (Expect: 100-continue)");
    if (o_.max_time) call.timeout = core::from_seconds(*o_.max_time) - t.total;
    call.connect_timeout =
        o_.connect_timeout ? core::from_seconds(*o_.connect_timeout) : Duration(std::chrono::seconds(300));
    const HttpOutcome r = w_.exchange(call);
    t.total += r.elapsed;
    t.method = call.method;
    t.effective_url = url.text() + url.fragment;
    t.remote_ip = address_of(w_, lower(url.host));
    t.remote_port = url.port;
    t.http_code = r.status;
    t.redirect_url.clear();
    t.size_download = 0;
    const bool connected = r.failure != Failure::refused && (r.failure != Failure::timeout || r.connected);
    t.size_upload = connected ? static_cast<long long>(call.body.size()) : 0;
    t.http_version = r.status == 0 ? "0" : r.version == "HTTP/1.0" ? "1" : r.version == "HTTP/2" ? "2" : "1.1";
    const long long elapsed_us = r.elapsed.count();
    // The meter: at the start, at each whole second, and the forced last update.
    std::string meter_start, meter_end;
    const bool meter = !o_.silent && o_.progress;
    if (meter) {
      meter_start = meter_.update(0, 0, std::nullopt, 0, std::nullopt);
      for (long long s = 1; s * 1000000 < elapsed_us; ++s)
        meter_start += meter_.update(s * 1000000, 0, std::nullopt, t.size_upload,
                                     connected ? std::optional<long long>(t.size_upload) : std::nullopt);
    }
    std::string middle;  // stderr between the meter's start and its end
    const bool have_head = r.status != 0;
    const std::optional<long long> length = have_head ? content_length(r) : std::nullopt;
    bool followed = false;
    if (have_head) {
      const std::string head = response_head(r);
      t.size_header += static_cast<long long>(head.size());
      t.num_headers = static_cast<long>(r.headers.size());
      t.content_type = find_header(r.headers, "Content-Type").value_or("");
      if (auto ra = find_header(r.headers, "Retry-After")) {
        if (ra->find_first_not_of("0123456789") != std::string::npos)
          return core::not_modelled_result("curl --retry with a Retry-After date");
        t.retry_after = std::stoll(*ra);
      }
      emit(dump_sink_, head, dump_file_);
      if (o_.include || o_.head) emit_out(head, t, middle);
      auto location = find_header(r.headers, "Location");
      const bool redirect = location && r.status >= 300 && r.status < 400;
      if (redirect) t.redirect_url = resolve_location(url, *location);
      if (redirect && o_.location && r.failure == Failure::none) {
        if (o_.max_redirs != -1 && t.redirects >= o_.max_redirs) {
          t.code = 47;
          t.errorbuf = fmt::format("Maximum ({}) redirects followed", o_.max_redirs);
        } else {
          followed = true;
        }
      } else if (o_.fail && r.status >= 400) {
        t.code = 22;
        t.errorbuf = fmt::format("The requested URL returned error: {}", r.status);
      } else if (t.code == 0 && !o_.head) {
        t.size_download = static_cast<long long>(r.body.size());
        if (emit_out(r.body, t, middle)) t.body_bytes += static_cast<long long>(r.body.size());
      }
    }
    if (t.code == 0) {
      const std::string host = url.host;
      switch (r.failure) {
        case Failure::none:
          if (length && !o_.head && !followed && t.size_download < *length) {
            t.code = 18;
            t.errorbuf = fmt::format("transfer closed with {} bytes remaining to read", *length - t.size_download);
          }
          break;
        case Failure::refused:
          t.code = 7;
          t.errorbuf = fmt::format("Failed to connect to {} port {} after {} ms: Couldn't connect to server", host,
                                   url.port, to_ms(r.elapsed));
          break;
        case Failure::timeout: {
          t.code = 28;
          const bool by_connect_timeout = !r.connected && call.connect_timeout <= call.timeout;
          if (by_connect_timeout)
            t.errorbuf = fmt::format("Failed to connect to {} port {} after {} ms: Timeout was reached", host, url.port,
                                     to_ms(r.elapsed));
          else if (!r.connected)
            t.errorbuf = fmt::format("Connection timed out after {} milliseconds", to_ms(r.elapsed));
          else if (length)
            t.errorbuf = fmt::format("Operation timed out after {} milliseconds with {} out of {} bytes received",
                                     to_ms(r.elapsed), t.size_download, *length);
          else
            t.errorbuf = fmt::format("Operation timed out after {} milliseconds with {} bytes received",
                                     to_ms(r.elapsed), t.size_download);
          break;
        }
        case Failure::empty_reply:
          t.code = 52;
          t.errorbuf = "Empty reply from server";
          break;
        case Failure::reset:
          t.code = 56;
          t.errorbuf = "Recv failure: Connection reset by peer";
          break;
      }
    }
    if (meter) {
      const long long dl = t.size_download;
      meter_end = meter_.update(elapsed_us, dl, length, t.size_upload,
                                connected ? std::optional<long long>(t.size_upload) : std::nullopt) +
                  "\n";
      meter_.done();
    }
    err_ += meter_start + middle + meter_end;
    if (!followed) return std::nullopt;
    if (t.redirect_url.empty()) return core::not_modelled_result("curl -L to an empty Location");
    // -L: to an address of the run's own only; POST becomes GET on 301, 302 and 303 (curl(1) -L).
    const std::string next = t.redirect_url;
    ParsedUrl p = parse_http_url(next);
    if (!p.url) return core::not_modelled_result(fmt::format("curl -L to \"{}\"", next));
    if ((r.status == 301 || r.status == 302 || r.status == 303) && method == "POST") method = "GET", with_body = false;
    ++t.redirects;
    url = *p.url;
  }
}

std::string CurlRun::write_out(const CurlTransfer& t, std::string& to_err) const {
  std::string out;
  std::string* stream = &out;
  const std::string& f = *o_.write_out;
  for (size_t i = 0; i < f.size();) {
    if (f[i] == '%' && i + 1 < f.size()) {
      if (f[i + 1] == '%') {
        *stream += '%';
        i += 2;
        continue;
      }
      if (f[i + 1] == '{') {
        const auto end = f.find('}', i);
        if (end == std::string::npos) {
          *stream += "%{";
          i += 2;
          continue;
        }
        const std::string var = f.substr(i + 2, end - i - 2);
        i = end + 1;
        const std::string v = lower(var);
        if (v == "http_code" || v == "response_code")
          *stream += fmt::format("{:03}", t.http_code);
        else if (v == "exitcode")
          *stream += std::to_string(t.code);
        else if (v == "errormsg")
          *stream += t.code == 0           ? ""
                     : !t.errorbuf.empty() ? t.errorbuf
                     : t.code == 22        ? "HTTP response code said error"
                                           : "Failed writing received data to disk/application";
        else if (v == "time_total")
          *stream += fmt::format("{}.{:06}", t.total.count() / 1000000, t.total.count() % 1000000);
        else if (v == "size_download")
          *stream += std::to_string(t.size_download);
        else if (v == "size_upload")
          *stream += std::to_string(t.size_upload);
        else if (v == "size_header")
          *stream += std::to_string(t.size_header);
        else if (v == "speed_download")
          *stream += std::to_string(t.total.count() < 1 ? t.size_download * 1000000
                                                        : t.size_download * 1000000 / t.total.count());
        else if (v == "url_effective")
          *stream += t.effective_url;
        else if (v == "url")
          *stream += o_.urls[0];
        else if (v == "urlnum")
          *stream += "0";
        else if (v == "redirect_url")
          *stream += t.redirect_url;
        else if (v == "num_redirects")
          *stream += std::to_string(t.redirects);
        else if (v == "num_headers")
          *stream += std::to_string(t.num_headers);
        else if (v == "content_type")
          *stream += t.content_type;
        else if (v == "method")
          *stream += t.method;
        else if (v == "scheme")
          *stream += "HTTP";
        else if (v == "http_version")
          *stream += t.http_version;
        else if (v == "remote_ip")
          *stream += t.remote_ip;
        else if (v == "remote_port")
          *stream += std::to_string(t.remote_port);
        else if (v == "filename_effective")
          *stream += out_sink_.written;
        else if (v == "stdout")
          stream = &out;
        else if (v == "stderr")
          stream = &to_err;
        else if (v == "onerror") {
          if (t.code == 0) break;
        } else {
          to_err += fmt::format("curl: unknown --write-out variable: '{}'\n", var);
        }
        continue;
      }
      if (starts_with(f.substr(i + 1), "header{")) {
        const auto end = f.find('}', i);
        if (end == std::string::npos) {
          *stream += "%header{";
          i += 8;
          continue;
        }
        i = end + 1;  // not modelled, refused before any exchange (unmodelled_write_out)
        continue;
      }
      *stream += f.substr(i, 2);
      i += 2;
    } else if (f[i] == '\\' && i + 1 < f.size()) {
      const char c = f[i + 1];
      *stream += c == 'r'   ? std::string("\r")
                 : c == 'n' ? std::string("\n")
                 : c == 't' ? std::string("\t")
                            : f.substr(i, 2);
      i += 2;
    } else {
      *stream += f[i++];
    }
  }
  return out;
}

// The -w variables whose value the emulation does not know (times between connect and first byte,
// certificates, JSON renderings): refused before any exchange.
std::optional<std::string> unmodelled_write_out(const std::string& f) {
  static const std::vector<std::string> unknown_values = {"certs",
                                                          "num_certs",
                                                          "ssl_verify_result",
                                                          "proxy_ssl_verify_result",
                                                          "http_connect",
                                                          "json",
                                                          "header_json",
                                                          "local_ip",
                                                          "local_port",
                                                          "num_connects",
                                                          "referer",
                                                          "size_request",
                                                          "speed_upload",
                                                          "ftp_entry_path",
                                                          "time_appconnect",
                                                          "time_connect",
                                                          "time_namelookup",
                                                          "time_pretransfer",
                                                          "time_redirect",
                                                          "time_starttransfer"};
  for (size_t i = f.find("%{"); i != std::string::npos; i = f.find("%{", i + 2)) {
    if (i > 0 && f[i - 1] == '%') continue;
    const auto end = f.find('}', i);
    if (end == std::string::npos) break;
    const std::string v = lower(f.substr(i + 2, end - i - 2));
    if (std::find(unknown_values.begin(), unknown_values.end(), v) != unknown_values.end()) return v;
  }
  if (f.find("%header{") != std::string::npos) return "header{...}";
  return std::nullopt;
}

core::CommandResult CurlRun::run(const Url& url) {
  err_ += o_.early_err;
  const core::Time start = w_.now();
  long retries_left = o_.retry;
  long sleep_ms = o_.retry_delay ? o_.retry_delay * 1000 : 1000;
  for (;;) {
    CurlTransfer t;
    if (auto stop = transfer(url, t)) return *stop;
    int result = t.code;
    if (result && show_errors())
      err_ += fmt::format("curl: ({}) {}\n", result, t.errorbuf);
    else if (!result && o_.fail_with_body && t.http_code >= 400) {
      if (show_errors()) err_ += fmt::format("curl: (22) The requested URL returned error: {}\n", t.http_code);
      result = t.code = 22;
    }
    if (out_sink_.kind == CurlSink::Kind::file) {
      if (body_file_opened_ && t.code != 23) w_.write_file(out_sink_.path, body_file_);
      if (!result && !body_file_opened_ && !w_.write_file(out_sink_.path, "")) {
        // tool_create_output_file() for an empty body: its warning, and 23 without a "curl: (23)" line.
        if (!o_.silent)
          err_ += curl_warning(
              fmt::format("Failed to open the file {}: {}\n", out_sink_.written, write_error_of(w_, out_sink_.path)));
        result = t.code = 23;
      }
    }
    if (dump_sink_.kind == CurlSink::Kind::file && !w_.write_file(dump_sink_.path, dump_file_))
      return core::not_modelled_result("curl -D to a file that cannot be written");
    // tool_operate.c post_per_transfer(): which failures are transient, and the wait before the next try.
    const bool in_time = !o_.retry_max_time || (w_.now() - start) < std::chrono::seconds(o_.retry_max_time);
    if (retries_left && in_time) {
      std::string why;
      if (result == 28)
        why = ": timeout";
      else if (result == 7 && o_.retry_connrefused)
        why = ": connection refused";
      else if (result == 0 || (result == 22 && (o_.fail || o_.fail_with_body))) {
        static const std::array transient = {408, 429, 500, 502, 503, 504};
        if (std::find(transient.begin(), transient.end(), t.http_code) != transient.end()) why = ": HTTP error";
      }
      if (why.empty() && result && o_.retry_all_errors) why = "(retrying all errors)";
      if (!why.empty()) {
        long delay = sleep_ms;
        bool give_up = false;
        if (why == ": HTTP error" && t.retry_after && *t.retry_after) {
          delay = static_cast<long>(*t.retry_after * 1000);
          const long long spent = std::chrono::duration_cast<std::chrono::seconds>(w_.now() - start).count();
          if (o_.retry_max_time && spent + *t.retry_after > o_.retry_max_time) {
            if (!o_.silent)
              err_ += curl_warning(
                  "The Retry-After: time would make this command line exceed the maximum allowed "
                  "time for retries.");
            give_up = true;
          }
        }
        if (!give_up) {
          if (!o_.silent)
            err_ += curl_warning(fmt::format("Problem {}. Will retry in {} seconds. {} retries left.\n", why,
                                             delay / 1000, retries_left));
          --retries_left;
          if (!o_.retry_delay) sleep_ms = std::min(sleep_ms * 2, 10L * 60 * 1000);
          if (t.body_bytes && out_sink_.named()) {
            if (!o_.silent) err_ += fmt::format("Throwing away {} bytes\n", t.body_bytes);
            // ftruncate() works on a file; /dev/null and the standard streams refuse it.
            if (out_sink_.kind != CurlSink::Kind::file) {
              if (show_errors()) err_ += "curl: (23) Failed to truncate file\n";
              return {23, out_, err_};
            }
            w_.write_file(out_sink_.path, "");
          }
          if (!w_.sleep(std::chrono::milliseconds(delay))) return {result, out_, err_};
          continue;
        }
      }
    }
    if (o_.write_out) {
      std::string to_err;
      std::string text = write_out(t, to_err);
      out_ += text;
      err_ += to_err;
    }
    return {result, out_, err_};
  }
}

}  // namespace

core::CommandResult emulate_curl(const std::vector<std::string>& args, const std::string& stdin_data,
                                 const HttpClientWorld& world) {
  CurlParse p = parse_curl(args, stdin_data, world);
  if (p.stop) return *p.stop;
  const CurlOptions& o = p.o;
  if (o.urls.empty())
    return {2, "", "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n"};
  if (o.urls.size() > 1) return core::not_modelled_result("curl with more than one URL");
  if (o.request && iequal(*o.request, "HEAD") && !o.head)
    return core::not_modelled_result("curl -X HEAD (curl waits for a body that never comes)");
  if (o.head && o.data)
    return {2, "",
            o.silent ? ""
                     : o.early_err + curl_warning("You can only select one HTTP request method! You "
                                                  "asked for both POST (-d, --data) and HEAD (-I, --head).\n")};
  if (o.write_out)
    if (auto v = unmodelled_write_out(*o.write_out)) return core::not_modelled_result("curl -w %{" + *v + "}");
  const std::string& text = o.urls[0];
  if (!o.globoff && text.find_first_of("[]{}") != std::string::npos)
    return core::not_modelled_result("curl's URL globbing (\"" + text + "\")");
  ParsedUrl u = parse_http_url(text);
  if (u.error == UrlError::not_http)
    return core::not_modelled_result(fmt::format("curl of \"{}\" (only http to the run's host)", text));
  if (u.error == UrlError::malformed) {
    // Nothing is sent: the message, and -w with what a transfer that never started has.
    core::CommandResult r{3, "", o.early_err};
    if (!o.silent || o.show_error) r.err += "curl: (3) URL using bad/illegal format or missing URL\n";
    return r;
  }
  CurlRun run(o, world);
  return run.run(*u.url);
}

}  // namespace bg::fakes
