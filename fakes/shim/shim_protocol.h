#pragma once
// The shims' wire format: the bluegreen-shim executable (installed in the run's host where docker,
// docker-compose, nginx, curl, sudo, systemctl... are) sends one ShimRequest as JSON to the run's
// ShimServer over a Unix socket and acts on the ShimReply: print out/err and exit with exit_code, or
// exec `exec` when set (how `sudo cmd` and `timeout 5 cmd` run cmd inside the host).
#include <map>
#include <string>
#include <vector>

// Declarations only: the files that use the protocol but never (de)serialize it need not parse
// nlohmann/json; the ones that do include it themselves.
#include <nlohmann/json_fwd.hpp>

namespace bg::fakes {

// The environment variable naming the server's socket.
inline constexpr const char* kShimSocketEnv = "BLUEGREEN_SHIM_SOCKET";
// The HTTP path requests are posted to.
inline constexpr const char* kShimPath = "/run";
// Set in every script's environment by the BASH_ENV file: the script and line that is running, so a
// command the simulation does not model can be named with where it was called.
inline constexpr const char* kScriptEnv = "BLUEGREEN_SCRIPT";
inline constexpr const char* kLineEnv = "BLUEGREEN_LINE";

// Whether `program args` reads its standard input (`curl -d @-`, `docker login --password-stdin`):
// only then does the shim read it and send it along. Reading it otherwise would take input that
// belongs to the script (`while read ...; do docker ps; done < list`), or hang on a terminal.
bool reads_stdin(const std::string& program, const std::vector<std::string>& args);

struct ShimRequest {
  std::string program;                     // basename(argv[0]): docker, docker-compose, sleep, ...
  std::vector<std::string> args;           // argv[1..]
  std::string cwd;                         // the script's working directory
  std::string stdin;                       // what was piped in, when reads_stdin(); else ""
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
