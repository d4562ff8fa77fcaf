#pragma once
// The shims' wire format: the bluegreen-shim executable (installed as docker, docker-compose, sleep,
// nginx, curl, wget) sends one ShimRequest as JSON to the run's ShimServer over a Unix socket and
// acts on the ShimReply: print out/err and exit with exit_code, or execv() `exec` when set (how
// `curl` runs the real curl with the run's ports substituted).
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bg::fakes {

// The environment variable naming the server's socket.
inline constexpr const char* kShimSocketEnv = "BLUEGREEN_SHIM_SOCKET";
// The HTTP path requests are posted to.
inline constexpr const char* kShimPath = "/run";
// Environment variables the shim forwards (CodeDeploy's hook variables).
inline const std::vector<std::string>& shim_forwarded_env() {
  static const std::vector<std::string> names = {"DEPLOYMENT_ID", "LIFECYCLE_EVENT", "DEPLOYMENT_GROUP_NAME",
                                                 "APPLICATION_NAME"};
  return names;
}

struct ShimRequest {
  std::string program;              // basename(argv[0]): docker, docker-compose, sleep, ...
  std::vector<std::string> args;    // argv[1..]
  std::string cwd;                  // the script's working directory
  std::string stdin;                // what was piped in ("" when stdin is a terminal or not a pipe/file)
  std::map<std::string, std::string> env;  // the forwarded variables that were set
};

struct ShimReply {
  int exit_code = 0;
  std::string out;
  std::string err;
  std::vector<std::string> exec;    // when not empty: execv(exec[0], exec) instead of printing
};

void to_json(nlohmann::json& j, const ShimRequest& r);
void from_json(const nlohmann::json& j, ShimRequest& r);
void to_json(nlohmann::json& j, const ShimReply& r);
void from_json(const nlohmann::json& j, ShimReply& r);

}  // namespace bg::fakes
