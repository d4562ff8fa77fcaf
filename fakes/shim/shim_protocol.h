#pragma once
// The shims' wire format: the bluegreen-shim executable (installed in the run's host where docker,
// docker-compose, nginx, curl, sudo, systemctl... are; shim_main.c) sends one ShimRequest as JSON to
// the run's ShimServer over a Unix socket and acts on the ShimReply: print out/err and exit with
// exit_code, or exec `exec` when set (how `sudo cmd` and `timeout 5 cmd` run cmd inside the host).
// The shim is C: it writes and reads this JSON itself, as these to_json/from_json do.
#include <map>
#include <string>
#include <vector>

// Declarations only: the files that use the protocol but never (de)serialize it need not parse
// nlohmann/json; the ones that do include it themselves.
#include <nlohmann/json_fwd.hpp>

#include "fakes/shim/shim_wire.h"

namespace bg::fakes {

// The environment variable naming the server's socket.
inline constexpr const char* kShimSocketEnv = BG_SHIM_SOCKET_ENV;
// The HTTP path requests are posted to.
inline constexpr const char* kShimPath = BG_SHIM_HTTP_PATH;
// Set in every script's environment by the BASH_ENV file: the script and line that is running, so a
// command the simulation does not model can be named with where it was called.
inline constexpr const char* kScriptEnv = "BLUEGREEN_SCRIPT";
inline constexpr const char* kLineEnv = "BLUEGREEN_LINE";

struct ShimRequest {
  std::string program;                     // basename(argv[0]): docker, docker-compose, sleep, ...
  std::vector<std::string> args;           // argv[1..]
  std::string cwd;                         // the script's working directory
  std::string stdin;                       // what was piped in, when the command reads it (shim_main.c); else ""
  std::map<std::string, std::string> env;  // the caller's whole environment
  int pid = 0;                             // the shim process's pid, as its host numbers it (0: unknown)
};

struct ShimReply {
  int exit_code = 0;
  std::string out;
  std::string err;
  std::vector<std::string> exec;                // when not empty: exec it (exec[0] a path) instead of printing
  std::map<std::string, std::string> exec_env;  // its environment; empty: the caller's
};

void to_json(nlohmann::json& j, const ShimRequest& r);
void from_json(const nlohmann::json& j, ShimRequest& r);
void to_json(nlohmann::json& j, const ShimReply& r);
void from_json(const nlohmann::json& j, ShimReply& r);

}  // namespace bg::fakes
