// emulate_wget: a script's wget 1.21.3 answered by the harness (http_client_emulation.h).
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

#include "fakes/shim/http_client_parts.h"

// Sources: wget 1.21.3 (src/main.c, http.c, retr.c, connect.c, progress.c, exits.c), read at the release tag; every
// message below was also compared with the Debian 12 binary against a loopback server (http_client_emulation_test.cc's
// differential test).
namespace bg::fakes {
namespace {

using namespace http_client;
using core::Duration;
using Failure = HttpOutcome::Failure;

// wget 1.21.3's long options (wget --help), to tell an unknown option from one not modelled.
const char* const kWgetNames =
    "accept accept-regex adjust-extension append-output ask-password auth-no-challenge background "
    "backup-converted backups base bind-address body-data body-file ca-certificate ca-directory certificate "
    "certificate-type ciphers compression config connect-timeout content-disposition content-on-error continue "
    "convert-file-only convert-links crl-file cut-dirs debug default-page delete-after directory-prefix "
    "dns-timeout domains exclude-directories exclude-domains execute follow-ftp follow-tags force-directories "
    "force-html ftp-password ftp-user ftps-clear-data-connection ftps-fallback-to-ftp ftps-implicit "
    "ftps-resume-ssl header help hsts-file http-password http-user https-only ignore-case ignore-length "
    "ignore-tags include-directories inet4-only inet6-only input-file keep-session-cookies level limit-rate "
    "load-cookies local-encoding max-redirect method mirror no-cache no-check-certificate no-clobber no-config "
    "no-cookies no-directories no-dns-cache no-glob no-host-directories no-hsts no-http-keep-alive "
    "no-if-modified-since no-iri no-netrc no-parent no-passive-ftp no-proxy no-remove-listing "
    "no-use-server-timestamps no-verbose no-warc-compression no-warc-digests no-warc-keep-log output-document "
    "output-file page-requisites password pinnedpubkey post-data post-file prefer-family preserve-permissions "
    "private-key private-key-type progress protocol-directories proxy-password proxy-user quiet quota "
    "random-wait read-timeout recursive referer regex-type reject reject-regex rejected-log relative "
    "remote-encoding report-speed restrict-file-names retr-symlinks retry-connrefused retry-on-http-error "
    "save-cookies save-headers secure-protocol server-response show-progress span-hosts spider start-pos "
    "strict-comments timeout timestamping tries trust-server-names unlink use-askpass user user-agent verbose "
    "version wait waitretry warc-cdx warc-dedup warc-file warc-header warc-max-size warc-tempdir xattr";

// The options modelled: "name=" takes a value.
const char* const kWgetModelled =
    "quiet verbose no-verbose spider server-response retry-connrefused content-on-error no-check-certificate "
    "no-http-keep-alive no-dns-cache inet4-only output-document= header= user-agent= method= post-data= "
    "body-data= tries= timeout= connect-timeout= read-timeout= dns-timeout= wait= waitretry= max-redirect=";
const std::map<char, std::string> kWgetShort = {{'q', "quiet"},           {'v', "verbose"},    {'S', "server-response"},
                                                {'O', "output-document"}, {'U', "user-agent"}, {'t', "tries"},
                                                {'T', "timeout"},         {'w', "wait"},       {'4', "inet4-only"}};
const char* const kWgetOtherShort = "VhbeoadiFBcNQ6xPEUrlkKmpARDHLIX";

struct WgetOptions {
  bool quiet = false, spider = false, server_response = false, retry_connrefused = false, content_on_error = false;
  int verbose = -1;  // -1: not said (then !quiet)
  std::optional<std::string> output_document, method, body_data, user_agent;
  std::vector<std::string> headers;
  int tries = 20, max_redirect = 20;
  double wait = 0, waitretry = 10;
  std::optional<double> connect_timeout, read_timeout = 900;
  std::vector<std::string> urls;
};

std::string wget_usage(const std::string& first_line) {
  return first_line + "Usage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n";
}

struct WgetParse {
  WgetOptions o;
  std::optional<core::CommandResult> stop;
};

WgetParse parse_wget(const std::vector<std::string>& args, const HttpClientWorld& w) {
  static const std::vector<OptName> all = read_names(kWgetNames);
  static const std::vector<OptName> modelled = read_names(kWgetModelled);
  WgetParse p;
  WgetOptions& o = p.o;
  auto quote = [&](const std::string& s) { return w.utf8_locale ? "\u2018" + s + "\u2019" : "'" + s + "'"; };
  auto seconds = [](const std::string& v) -> std::optional<double> {
    char* end = nullptr;
    const double d = std::strtod(v.c_str(), &end);
    if (v.empty() || *end || d < 0) return std::nullopt;
    return d;
  };
  // Returns false (p.stop set) to end the command.
  auto apply = [&](const std::string& name, const std::string& v, const std::string& spelled) -> bool {
    auto bad = [&](const std::string& what) {
      p.stop = core::CommandResult{2, "", fmt::format("wget: {}: Invalid {} {}.\n", spelled, what, quote(v))};
      return false;
    };
    if (name == "quiet")
      o.quiet = true;
    else if (name == "verbose")
      o.verbose = 1;
    else if (name == "no-verbose")
      o.verbose = 0;
    else if (name == "spider")
      o.spider = true;
    else if (name == "server-response")
      o.server_response = true;
    else if (name == "retry-connrefused")
      o.retry_connrefused = true;
    else if (name == "content-on-error")
      o.content_on_error = true;
    else if (name == "output-document")
      o.output_document = v;
    else if (name == "user-agent")
      o.user_agent = v;
    else if (name == "method")
      o.method = v;
    else if (name == "post-data")
      o.method = "POST", o.body_data = v;
    else if (name == "body-data")
      o.body_data = v;
    else if (name == "header") {
      // main.c check_user_specified_header(): a name, then ':'; an empty value clears the list.
      if (v.empty()) {
        o.headers.clear();
        return true;
      }
      const auto colon = v.find(':');
      if (colon == std::string::npos || colon == 0 || v.find_first_of(" \t") < colon ||
          v.find('\n') != std::string::npos)
        return bad("header");
      o.headers.push_back(v);
    } else if (name == "tries") {
      if (v == "inf")
        o.tries = 0;
      else if (!v.empty() && v.find_first_not_of("0123456789") == std::string::npos)
        o.tries = std::stoi(v);
      else
        return bad("number");
    } else if (name == "max-redirect") {
      if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos) return bad("number");
      o.max_redirect = std::stoi(v);
    } else if (name == "inet4-only" || name == "no-check-certificate" || name == "no-http-keep-alive" ||
               name == "no-dns-cache" || name == "dns-timeout") {
      // Change nothing an emulated http:// exchange to the run's IPv4 names shows.
    } else {
      auto s = seconds(v);
      if (!s) return bad("time period");
      if (name == "timeout")
        o.connect_timeout = o.read_timeout = *s;
      else if (name == "connect-timeout")
        o.connect_timeout = *s;
      else if (name == "read-timeout")
        o.read_timeout = *s;
      else if (name == "wait")
        o.wait = *s;
      else if (name == "waitretry")
        o.waitretry = *s;
      if (o.read_timeout && *o.read_timeout == 0) o.read_timeout.reset();
      if (o.connect_timeout && *o.connect_timeout == 0) o.connect_timeout.reset();
    }
    return true;
  };
  for (size_t i = 0; i < args.size() && !p.stop; ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      o.urls.insert(o.urls.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (a.size() < 2 || a[0] != '-') {
      o.urls.push_back(a);
      continue;
    }
    if (starts_with(a, "--")) {
      const auto eq = a.find('=');
      const std::string word = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      OptName hit;
      const Match m = match_name(all, word, hit);
      const bool negated_known = starts_with(word, "no-") && match_name(all, word.substr(3), hit) == Match::found;
      if (m == Match::unknown && !negated_known) {
        p.stop = core::CommandResult{2, "", wget_usage(fmt::format("wget: unrecognized option '{}'\n", a))};
        break;
      }
      if (m == Match::ambiguous) {
        p.stop = core::not_modelled_result("wget's ambiguous option " + a);
        break;
      }
      OptName opt;
      if (m != Match::found || match_name(modelled, hit.name, opt) != Match::found || opt.name != hit.name) {
        p.stop = core::not_modelled_result("wget option --" + (m == Match::found ? hit.name : word));
        break;
      }
      std::string v;
      if (opt.value) {
        if (eq != std::string::npos)
          v = a.substr(eq + 1);
        else if (i + 1 < args.size())
          v = args[++i];
        else {
          p.stop = core::CommandResult{2, "",
                                       wget_usage(fmt::format("wget: option '--{}' requires an argument\n", opt.name))};
          break;
        }
      }
      apply(opt.name, v, "--" + opt.name);
      continue;
    }
    if (starts_with(a, "-n")) {  // -nv, -nc, -nH...: wget's "no" prefix letters
      if (a == "-nv") {
        o.verbose = 0;
        continue;
      }
      p.stop = core::not_modelled_result("wget option " + a);
      break;
    }
    for (size_t k = 1; k < a.size() && !p.stop; ++k) {
      auto it = kWgetShort.find(a[k]);
      if (it == kWgetShort.end()) {
        const bool known = std::string(kWgetOtherShort).find(a[k]) != std::string::npos;
        p.stop = known ? core::not_modelled_result(fmt::format("wget option -{}", a[k]))
                       : core::CommandResult{2, "", wget_usage(fmt::format("wget: invalid option -- '{}'\n", a[k]))};
        break;
      }
      OptName opt;
      match_name(modelled, it->second, opt);
      if (!opt.value) {
        apply(opt.name, "", std::string("-") + a[k]);
        continue;
      }
      std::string v;
      if (k + 1 < a.size())
        v = a.substr(k + 1);
      else if (i + 1 < args.size())
        v = args[++i];
      else {
        p.stop =
            core::CommandResult{2, "", wget_usage(fmt::format("wget: option requires an argument -- '{}'\n", a[k]))};
        break;
      }
      apply(opt.name, v, "--" + opt.name);
      break;
    }
  }
  return p;
}

// wget's log levels (log.c CHECK_VERBOSE).
enum class Log { always, notquiet, nonverbose, verbose, progress };

class WgetRun {
 public:
  WgetRun(const WgetOptions& o, const HttpClientWorld& w) : o_(o), w_(w) {
    verbose_ = o.verbose == -1 ? !o.quiet : o.verbose == 1;
  }
  core::CommandResult run(const Url& url);

 private:
  void log(Log level, const std::string& s) {
    const bool shown = level == Log::always || (level == Log::notquiet && !o_.quiet) ||
                       (level == Log::nonverbose && !verbose_ && !o_.quiet) ||
                       ((level == Log::verbose || level == Log::progress) && verbose_);
    if (shown) err_ += s;
  }
  std::string quote(const std::string& s) const { return w_.utf8_locale ? "\u2018" + s + "\u2019" : "'" + s + "'"; }
  std::string date() const {
    const auto t = w_.wall_clock_origin + std::chrono::duration_cast<std::chrono::seconds>(w_.now());
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
  }
  HttpHeaders request_headers(const Url& url, const std::string& method) const;
  std::string dots(long long size, std::optional<long long> total, double dltime);
  std::optional<core::CommandResult> local_name(const Url& url, std::string& name);
  std::optional<core::CommandResult> save_body(const HttpOutcome& r, const Url& url, int count, const std::string& name,
                                               bool saved_line);

  const WgetOptions& o_;
  const HttpClientWorld& w_;
  bool verbose_ = true;
  std::string out_, err_;
  std::map<std::string, bool> resolved_;
  // Where the body goes: -O - (stdout), -O /dev/null, -O FILE (one file for everything), or a file
  // named after the URL.
  enum class Out { stdout_stream, discard, file, named } out_kind_ = Out::named;
  std::string out_path_, out_data_;
  bool post_suspended_ = false;  // a 301-303 redirect turned the request into a GET (retr.c SUSPEND_METHOD)
};

// wget's rates: calc_rate()/retr_rate() (retr.c), with a body that took no time at all measured as
// half the timer's resolution (1 ns), as wget does.
std::pair<double, int> calc_rate(long long bytes, double secs) {
  if (secs == 0) secs = 1e-9 / 2;
  double rate = static_cast<double>(bytes) / secs;
  int units = 0;
  while (units < 4 && rate >= 1024) rate /= 1024, ++units;
  if (units == 4 && rate > 99.99) rate = 99.99;
  return {rate, units};
}
int rate_decimals(double r) { return r >= 99.95 ? 0 : r >= 9.995 ? 1 : 2; }
std::string retr_rate(long long bytes, double secs) {
  static const char* names[] = {"B/s", "KB/s", "MB/s", "GB/s", "TB/s"};
  auto [rate, units] = calc_rate(bytes, secs);
  return fmt::format("{:.{}f} {}", rate, rate_decimals(rate), names[units]);
}
// utils.c print_decimal().
std::string print_decimal(double n) {
  if (n >= 9.95) return fmt::format("{:.0f}", n);
  if (n >= 0.95) return fmt::format("{:.1f}", n);
  if (n >= 0.001) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1g", n);
    return buf;
  }
  if (n >= 0.0005) return fmt::format("{:.3f}", n);
  return "0";
}
std::string eta_short(int secs) {
  if (secs < 100) return fmt::format("{}s", secs);
  if (secs < 100 * 60) return fmt::format("{}m{}s", secs / 60, secs % 60);
  if (secs < 48 * 3600) return fmt::format("{}h{}m", secs / 3600, (secs / 60) % 60);
  if (secs < 100 * 86400) return fmt::format("{}d{}h", secs / 86400, (secs / 3600) % 24);
  return fmt::format("{}d", secs / 86400);
}
// utils.c human_readable(n, 10, 1).
std::string human_readable(long long n) {
  static const char powers[] = {'K', 'M', 'G', 'T', 'P', 'E'};
  if (n < 1024) return std::to_string(n);
  for (int i = 0; i < 6; ++i) {
    if (n / 1024 < 1024 || i == 5) {
      const double v = static_cast<double>(n) / 1024.0;
      return fmt::format("{:.{}f}{}", v, v < 10 ? 1 : 0, powers[i]);
    }
    n /= 1024;
  }
  return "";
}

// progress.c's "dot" display (stderr is not a terminal). The body is read as wget reads it, 8 KiB
// at a time (retr.c fd_read_body: max(BUFSIZ, 8K)), arriving at an even pace over `dltime`.
std::string WgetRun::dots(long long size, std::optional<long long> total, double dltime) {
  constexpr long long kDot = 1024, kLine = 50, kRow = kDot * kLine, kRead = 8192;
  std::string s;
  long long accumulated = 0, received = 0, rows = 0, dots = 0;
  double now = 0, last_timer = 0;
  auto stats = [&](bool last, long long added_rows) {  // print_row_stats()
    const long long shown = rows * kRow + dots * kDot + (last ? accumulated : 0);
    if (total && *total)
      s += fmt::format("{:3}%", static_cast<int>(100.0 * static_cast<double>(shown) / static_cast<double>(*total)));
    const long long this_row = last ? dots * kDot + accumulated : kRow * added_rows;
    static const char names[] = {' ', 'K', 'M', 'G', 'T'};
    auto [rate, units] = calc_rate(this_row, now - last_timer);
    s += fmt::format(" {:4.{}f}{}", rate, rate_decimals(rate), names[units]);
    last_timer = now;
    if (last) {
      s += now >= 10 ? "=" + eta_short(static_cast<int>(now + 0.5)) : "=" + print_decimal(now) + "s";
    } else if (total && *total) {
      const long long remaining = *total > shown ? *total - shown : 0;
      const double eta = now * static_cast<double>(remaining) / static_cast<double>(shown > 0 ? shown : 1);
      s += " " + eta_short(static_cast<int>(eta + 0.5));
    }
  };
  while (received < size) {  // dot_update() then dot_draw() per read
    const long long chunk = std::min(kRead, size - received);
    received += chunk;
    accumulated += chunk;
    now = dltime * static_cast<double>(received) / static_cast<double>(size);
    while (accumulated >= kDot) {
      accumulated -= kDot;
      if (dots == 0) s += fmt::format("\n{:>6}K", rows * kRow / 1024);
      if (dots % 10 == 0) s += " ";
      s += ".";
      if (++dots >= kLine) {
        dots = 0;
        ++rows;  // a read never holds the 4 rows that would make ADD_DOT_ROWS_THRS add several
        stats(false, 1);
      }
    }
  }
  now = dltime;  // dot_finish()
  if (dots == 0) s += fmt::format("\n{:>6}K", rows * kRow / 1024);
  for (long long i = dots; i < kLine; ++i) s += i % 10 == 0 ? "  " : " ";
  stats(true, 0);
  return s + "\n\n";
}

HttpHeaders WgetRun::request_headers(const Url& url, const std::string& method) const {
  HttpHeaders hs = {{"Host", url.host_header()}};
  if (!o_.user_agent)
    hs.emplace_back("User-Agent", "Wget/1.21.3");
  else if (!o_.user_agent->empty())
    hs.emplace_back("User-Agent", *o_.user_agent);
  hs.emplace_back("Accept", "*/*");
  hs.emplace_back("Accept-Encoding", "identity");
  hs.emplace_back("Connection", "Keep-Alive");
  if (o_.body_data && !post_suspended_) {
    hs.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    hs.emplace_back("Content-Length", std::to_string(o_.body_data->size()));
  } else if (o_.method && !post_suspended_ &&
             (iequal(method, "post") || iequal(method, "put") || iequal(method, "patch"))) {
    hs.emplace_back("Content-Length", "0");
  }
  // http.c request_set_user_header(): the script's header replaces one of the same name where it is.
  for (const auto& h : o_.headers) {
    const auto colon = h.find(':');
    std::string name = h.substr(0, colon), value = h.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t\r\n\f\v"));
    auto it = std::find_if(hs.begin(), hs.end(), [&](const auto& e) { return iequal(e.first, name); });
    if (it != hs.end())
      *it = {name, value};
    else
      hs.emplace_back(name, value);
  }
  return hs;
}

// url.c url_file_name(): the last path segment (query kept), index.html for none, and ".N" while
// that name is taken (no --no-clobber).
std::optional<core::CommandResult> WgetRun::local_name(const Url& url, std::string& name) {
  const std::string path = url.target.substr(0, url.target.find('?'));
  std::string base = path.substr(path.rfind('/') + 1);
  if (base.empty()) base = "index.html";
  const auto q = url.target.find('?');
  if (q != std::string::npos && !path.substr(path.rfind('/') + 1).empty()) base += url.target.substr(q);
  if (base.find_first_of("%") != std::string::npos)
    return core::not_modelled_result("wget's file name for \"" + url.target + "\" (escapes)");
  name = base;
  for (int n = 1; w_.read_file(absolute(w_, name)); ++n) name = fmt::format("{}.{}", base, n);
  return std::nullopt;
}

// http.c gethttp()'s download and http_loop()'s line for it: the file, "Saving to", the dots, and the
// "saved" line (not for an error's body saved by --content-on-error).
std::optional<core::CommandResult> WgetRun::save_body(const HttpOutcome& r, const Url& url, int count,
                                                      const std::string& name, bool saved_line) {
  const auto length = content_length(r);
  const std::string shown_name = o_.output_document ? *o_.output_document : name;
  if (r.failure != Failure::none || (length && static_cast<long long>(r.body.size()) < *length))
    return core::not_modelled_result("wget's resumption of a body cut short (Range)");
  if (out_kind_ == Out::named && !w_.write_file(absolute(w_, name), "")) {
    log(Log::notquiet, fmt::format("{}: {}\n", name, write_error_of(w_, absolute(w_, name))));
    log(Log::verbose, "\n");
    log(Log::notquiet, fmt::format("Cannot write to {} ({}).\n", quote(name), write_error_of(w_, absolute(w_, name))));
    return core::CommandResult{3, out_, err_};
  }
  log(Log::verbose, fmt::format("Saving to: {}\n", quote(out_kind_ == Out::stdout_stream ? "STDOUT" : shown_name)));
  const double dltime = core::to_seconds(r.body_elapsed);
  const long long size = static_cast<long long>(r.body.size());
  log(Log::progress, dots(size, length, dltime));
  switch (out_kind_) {
    case Out::stdout_stream:
      out_ += r.body;
      break;
    case Out::discard:
      break;
    case Out::file:
      out_data_ += r.body;
      w_.write_file(out_path_, out_data_);
      break;
    case Out::named:
      w_.write_file(absolute(w_, name), r.body);
      break;
  }
  if (!saved_line) return std::nullopt;
  const std::string sizes = length ? fmt::format("{}/{}", size, *length) : std::to_string(size);
  const std::string when = date();
  if (out_kind_ == Out::stdout_stream)
    log(Log::verbose, fmt::format("{} ({}) - written to stdout [{}]\n\n", when, retr_rate(size, dltime), sizes));
  else
    log(Log::verbose,
        fmt::format("{} ({}) - {} saved [{}]\n\n", when, retr_rate(size, dltime), quote(shown_name), sizes));
  log(Log::nonverbose, fmt::format("{} URL:{} [{}] -> \"{}\" [{}]\n", when, url.wget_text(), sizes,
                                   out_kind_ == Out::stdout_stream ? "-" : shown_name, count));
  return std::nullopt;
}

core::CommandResult WgetRun::run(const Url& first) {
  // -O FILE is opened (truncated) before anything is sent (main.c), its failure is perror's.
  if (o_.output_document) {
    if (*o_.output_document == "-")
      out_kind_ = Out::stdout_stream;
    else if (*o_.output_document == "/dev/null")
      out_kind_ = Out::discard;
    else {
      out_kind_ = Out::file;
      out_path_ = absolute(w_, *o_.output_document);
      if (!w_.write_file(out_path_, ""))
        return {1, "", fmt::format("{}: {}\n", *o_.output_document, write_error_of(w_, out_path_))};
    }
  }
  Url url = first;
  int redirects = 0;
  for (;;) {  // retr.c retrieve_url(): one URL, then each redirect
    auto port = w_.owned(lower(url.host), url.port);
    if (!port)
      return core::not_modelled_result(
          fmt::format("wget of {}:{} (an address outside the run's host)", lower(url.host), url.port));
    std::string name;
    if (out_kind_ == Out::named)
      if (auto stop = local_name(url, name)) return *stop;
    const std::string method = post_suspended_ ? "GET" : o_.method.value_or("GET");
    bool got_head = false;
    int count = 0;
    int status = 4;  // TRYLIMEXC: the tries ran out
    std::optional<std::string> newloc;
    bool keep_post = false;
    // http.c http_loop().
    while (o_.tries == 0 || count < o_.tries) {
      ++count;
      if (count > 1) {
        const double pause = o_.waitretry ? std::min<double>(count - 1, o_.waitretry) : o_.wait;
        if (pause > 0 && !w_.sleep(core::from_seconds(pause))) return {status, out_, err_};
      }
      if (o_.spider && !got_head) log(Log::verbose, "Spider mode enabled. Check if remote file exists.\n");
      if (verbose_)
        log(Log::notquiet, count > 1 ? fmt::format("--{}--  (try:{:2})  {}\n", date(), count, url.wget_text())
                                     : fmt::format("--{}--  {}\n", date(), url.wget_text()));
      const bool head_only = o_.spider && !got_head;
      const std::string lhost = lower(url.host);
      const std::string addr = address_of(w_, lhost);
      if (!is_ip_literal(url.host) && !resolved_[lhost]) {
        if (!(w_.address_of ? w_.address_of(lhost) : loopback_address_of(lhost)))
          return core::not_modelled_result("wget's resolution of " + url.host);
        log(Log::verbose, fmt::format("Resolving {} ({})... {}\n", url.host, url.host, addr));
        resolved_[lhost] = true;
      }
      if (is_ip_literal(url.host))
        log(Log::verbose, addr.find(':') != std::string::npos ? fmt::format("Connecting to [{}]:{}... ", addr, url.port)
                                                              : fmt::format("Connecting to {}:{}... ", addr, url.port));
      else
        log(Log::verbose, fmt::format("Connecting to {} ({})|{}|:{}... ", url.host, url.host, addr, url.port));
      HttpCall call;
      call.method = head_only ? "HEAD" : method;
      call.port = *port;
      call.target = url.target;
      call.headers = request_headers(url, call.method);
      if (o_.body_data && !post_suspended_) call.body = *o_.body_data;
      if (o_.connect_timeout) call.connect_timeout = core::from_seconds(*o_.connect_timeout);
      if (o_.read_timeout) call.read_timeout = core::from_seconds(*o_.read_timeout);
      const HttpOutcome r = w_.exchange(call);
      const bool connected = r.failure != Failure::refused && (r.failure != Failure::timeout || r.connected);
      if (!connected) {
        const bool refused = r.failure == Failure::refused;
        log(Log::notquiet, refused ? "failed: Connection refused.\n" : "failed: Connection timed out.\n");
        if (refused && !o_.retry_connrefused) return {4, out_, err_};  // CONIMPOSSIBLE: fatal
        log(Log::verbose, count == o_.tries ? "Giving up.\n\n" : "Retrying.\n\n");
        continue;
      }
      log(Log::verbose, "connected.\n");
      log(Log::verbose, "HTTP request sent, awaiting response... ");
      if (r.status == 0) {
        if (r.failure == Failure::empty_reply)
          log(Log::notquiet, "No data received.\n");
        else
          log(Log::notquiet,
              fmt::format("Read error ({}) in headers.\n",
                          r.failure == Failure::reset ? "Connection reset by peer" : "Connection timed out"));
        log(Log::verbose, count == o_.tries ? "Giving up.\n\n" : "Retrying.\n\n");
        continue;
      }
      if (!o_.server_response) {
        log(Log::verbose, fmt::format("{:2} {}\n", r.status, r.reason));
      } else {
        log(Log::verbose, "\n");
        log(Log::always, fmt::format("  {} {} {}\n", r.version, r.status, r.reason));
        for (const auto& [k, v] : r.headers) log(Log::always, fmt::format("  {}: {}\n", k, v));
      }
      const auto length = content_length(r);
      const auto type = find_header(r.headers, "Content-Type");
      const auto location = find_header(r.headers, "Location");
      if ((r.status >= 301 && r.status <= 303) || r.status == 307 || r.status == 308) {
        log(Log::verbose, location ? fmt::format("Location: {} [following]\n", *location) : "Location: unspecified\n");
        if (!location) {
          log(Log::notquiet, fmt::format("ERROR: Redirection ({}) without location.\n", r.status));
          return {8, out_, err_};
        }
        newloc = resolve_location(url, *location);
        keep_post = r.status == 307 || r.status == 308;
        break;
      }
      const bool ok = r.status >= 200 && r.status < 300;
      if (ok && verbose_) {
        std::string len = length ? std::to_string(*length) : "unspecified";
        if (length && *length >= 1024) len += fmt::format(" ({})", human_readable(*length));
        log(Log::verbose, "Length: " + len + (type ? fmt::format(" [{}]\n", *type) : "\n"));
      }
      if (!ok && (!o_.content_on_error || head_only) && r.status == 504) {  // GATEWAYTIMEOUT: retried
        log(Log::verbose, count == o_.tries ? "Giving up.\n\n" : "Retrying.\n\n");
        continue;
      }
      // With --content-on-error an error's body is saved first, then judged as below.
      if (!ok && o_.content_on_error && !head_only && !o_.spider)
        if (auto stop = save_body(r, url, count, name, false)) return *stop;
      if (!ok) {
        log(Log::nonverbose, url.wget_text() + ":\n");
        if (head_only && (r.status == 500 || r.status == 501)) {  // HEAD refused: try a GET
          got_head = true;
          continue;
        }
        if (o_.spider)
          log(Log::notquiet, "Remote file does not exist -- broken link!!!\n");
        else
          log(Log::notquiet, fmt::format("{} ERROR {}: {}.\n", date(), r.status, r.reason));
        log(Log::verbose, "\n");
        return {8, out_, err_};  // WRONGCODE
      }
      if (o_.spider) {
        const bool html =
            type && (starts_with(lower(*type), "text/html") || starts_with(lower(*type), "application/xhtml+xml"));
        log(Log::verbose, html ? "Remote file exists and could contain further links,\n"
                                 "but recursion is disabled -- not retrieving.\n\n"
                               : "Remote file exists.\n\n");
        log(Log::nonverbose, fmt::format("{} URL: {} {:2} {}\n", date(), url.wget_text(), r.status, r.reason));
        return {0, out_, err_};
      }
      if (auto stop = save_body(r, url, count, name, true)) return *stop;
      return {0, out_, err_};
    }
    if (!newloc) return {status, out_, err_};
    // retr.c: follow the Location, at most --max-redirect times; POST becomes GET (but 307, 308).
    if (++redirects > o_.max_redirect) {
      log(Log::notquiet, fmt::format("{} redirections exceeded.\n", o_.max_redirect));
      return {8, out_, err_};
    }
    ParsedUrl p = parse_http_url(*newloc);
    if (!p.url) return core::not_modelled_result(fmt::format("wget redirect to \"{}\"", *newloc));
    if (!keep_post) post_suspended_ = true;
    url = *p.url;
  }
}

}  // namespace

core::CommandResult emulate_wget(const std::vector<std::string>& args, const std::string& stdin_data,
                                 const HttpClientWorld& world) {
  (void)stdin_data;  // wget reads no stdin without --input-file=- (not modelled)
  WgetParse p = parse_wget(args, world);
  if (p.stop) return *p.stop;
  const WgetOptions& o = p.o;
  if (o.verbose == 1 && o.quiet) return {1, "", wget_usage("Can't be verbose and quiet at the same time.\n")};
  if (o.urls.empty()) return {1, "", wget_usage("wget: missing URL\n")};
  if (o.urls.size() > 1) return core::not_modelled_result("wget with more than one URL");
  if (o.body_data && !o.method) return core::not_modelled_result("wget --body-data without --method");
  ParsedUrl u = parse_http_url(o.urls[0]);
  if (!u.url) return core::not_modelled_result(fmt::format("wget of \"{}\" (only http to the run's host)", o.urls[0]));
  WgetRun run(o, world);
  return run.run(*u.url);
}

}  // namespace bg::fakes
