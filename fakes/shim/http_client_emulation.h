#pragma once
// A script's `curl` and `wget` answered by the harness itself, for the deterministic engine: there is
// no kernel network to hand the real programs to (http_client_command.h does that for live runs), so
// the command line is parsed here, each HTTP exchange is asked of the run through `exchange`, and
// what curl 7.88.1 / wget 1.21.3 (Debian 12) would print on stdout and stderr, exit with and write to
// files is produced from the outcomes. Pure given the world's functions: no sockets, no real time,
// no threads. Anything not modelled (an option, https, an address the run does not own, several
// URLs, a -w variable whose value is unknown here, a redirect elsewhere) ends as
// core::not_modelled_result naming it, never as an approximation; what the command line shows is
// refused before any exchange.
//
// Where the output depends on timing, it follows scenario time deterministically: curl's progress
// meter (on stderr unless -s or --no-progress-meter; curl hides it only when the body goes to a
// terminal, which a deploy script's stdout is not) updates at the start, at each whole scenario
// second of a request and at its end (the real one at wall-clock second ticks), one meter per
// request of a redirect chain; wget's dots take the body in 8 KiB reads arriving evenly over
// HttpOutcome::body_elapsed. A response's head is rebuilt from its parts ("Name: value" lines). A
// file is written whole when a request ends, not as bytes arrive. /dev/stdout and /dev/stderr as -o
// are taken to be pipes (curl cannot truncate them).
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/command_result.h"
#include "core/time.h"
#include "fakes/shim/http_client_command.h"

namespace bg::fakes {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// One HTTP exchange the emulated client asks the run for, on the loopback port the run maps the
// URL's address to.
struct HttpCall {
  std::string method;  // GET, HEAD, POST...
  uint16_t port = 0;   // from AddressBook
  std::string target;  // origin-form: path and query, as the URL had it
  // In send order: Host (as the script's URL says), User-Agent, Accept, ..., the script's headers,
  // Content-Type/Length for a body; what the real program sends, in its order.
  HttpHeaders headers;
  std::string body;
  // Scenario time left for the whole exchange (curl --max-time; Duration::max() for none).
  core::Duration timeout = core::Duration::max();
  // Longest wait for the connection to be established (curl --connect-timeout, 300 s by default;
  // wget --connect-timeout / -T).
  core::Duration connect_timeout = core::Duration::max();
  // Longest wait for the next byte once connected (wget --read-timeout / -T, 900 s by default).
  core::Duration read_timeout = core::Duration::max();
};

struct HttpOutcome {
  enum class Failure {
    none,
    refused,
    reset,
    empty_reply,  // EOF before any response byte
    timeout,
  };
  Failure failure = Failure::none;
  // For a timeout: whether the connection had been established (curl and wget word it differently).
  bool connected = true;
  core::Duration elapsed{};  // scenario time the exchange took (%{time_total}, --max-time)
  // Of `elapsed`, the part spent receiving the body after the head (wget's download time, the rate
  // it prints); 0 when the body came with the head.
  core::Duration body_elapsed{};
  // The response, or the part received before a failure (status 0: no head).
  std::string version = "HTTP/1.1";
  int status = 0;
  std::string reason;
  HttpHeaders headers;
  std::string body;
};

struct HttpClientWorld {
  AddressBook owned;                                     // host,port -> loopback port; nullopt: not the run's
  std::function<HttpOutcome(const HttpCall&)> exchange;  // performs one exchange (blocking, scenario time)
  std::function<bool(core::Duration)> sleep;             // scenario-time sleep; false when the run is stopping
  std::function<core::Time()> now;                       // scenario clock
  // The script's files, by absolute path: a relative path the script wrote is joined to `cwd` here,
  // so the caller only maps the host's paths (messages keep the path as written). /dev/null and
  // /dev/stdout, /dev/stderr are handled here and never reach these functions.
  std::function<bool(const std::string& path, const std::string& data)> write_file;  // false: cannot write
  std::function<std::optional<std::string>(const std::string& path)> read_file;      // nullopt: cannot read
  std::string cwd;
  // Why write_file refused a path, as strerror says it ("Is a directory"); curl and wget print it.
  // Unset: "No such file or directory" (a missing folder, the usual cause).
  std::function<std::string(const std::string& path)> write_error;
  // What a host name resolves to on the run's host, as wget prints it and %{remote_ip} says; unset:
  // loopback_address_of.
  std::function<std::optional<std::string>(const std::string& host)> address_of;
  // The wall-clock time at scenario time 0: wget prints dates (UTC).
  std::chrono::sys_seconds wall_clock_origin{};
  // wget quotes names ‘so’ in a UTF-8 locale (the sandbox's C.UTF-8) and 'so' in the C locale.
  bool utf8_locale = true;
};

core::CommandResult emulate_curl(const std::vector<std::string>& args, const std::string& stdin_data,
                                 const HttpClientWorld& world);
core::CommandResult emulate_wget(const std::vector<std::string>& args, const std::string& stdin_data,
                                 const HttpClientWorld& world);

// The address a name of the run's host resolves to, as on an EC2 host: localhost is 127.0.0.1 only
// (Amazon Linux's and Ubuntu's /etc/hosts), ip6-localhost is ::1, ip-A-B-C-D is A.B.C.D, an address
// is itself; nullopt for any other name.
std::optional<std::string> loopback_address_of(const std::string& host);

}  // namespace bg::fakes
