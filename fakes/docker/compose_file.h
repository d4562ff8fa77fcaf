#pragma once
// ComposeFile: the subset of the Compose specification the fake Docker runtime acts on, read from a
// user's compose file with yaml-cpp (semantics.md §3). Keys the runtime does not model are kept as
// warnings rather than rejected, so users' real files load; errors name file:line:column and what
// was expected.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace bg::fakes {

// Thrown for unreadable or malformed compose files; what() is "<file>:<line>:<column>: <problem>".
class ComposeFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One published port. published == 0 means "any free host port" (short form "3000").
struct PortMapping {
  std::string host_ip;   // "" = all interfaces (0.0.0.0)
  uint16_t published = 0;
  uint16_t target = 0;
  std::string protocol = "tcp";
  bool operator==(const PortMapping&) const = default;
};

// A bind mount (compose `volumes: - ./nginx.conf:/etc/nginx/nginx.conf:ro`, `docker run -v`): the
// container sees the host path `source` at `target`. `source` is an absolute host path (a relative
// one is resolved against the compose file's folder or the caller's cwd before it gets here); a
// named volume has `source` = its name and `named` set.
struct BindMount {
  std::string source;
  std::string target;
  bool read_only = false;
  bool named = false;
  bool operator==(const BindMount&) const = default;
};

// `healthcheck:`: the engine runs it (HealthTracker) and `ps`, `inspect` and `up --wait` see it.
struct Healthcheck {
  std::vector<std::string> test;
  std::optional<core::Duration> interval, timeout, start_period;
  int retries = 3;
  bool disable = false;
};

struct ServiceConfig {
  std::string name;
  std::string image;
  std::vector<PortMapping> ports;
  std::optional<core::Duration> stop_grace_period;  // unset: Docker's default (10 s)
  std::string stop_signal;                          // "" = the image's (SIGTERM)
  std::map<std::string, std::string> environment;
  bool init = false;
  std::vector<std::string> command;                 // empty = the image's CMD
  std::optional<Healthcheck> healthcheck;

  // A stable hash of everything that makes compose recreate a container when it changes
  // (compose's com.docker.compose.config-hash label).
  std::string config_hash() const;
};

struct ComposeFile {
  std::string path;
  std::vector<ServiceConfig> services;  // in file order
  std::vector<std::string> warnings;    // "file:line:col: services.blue.restart is not modelled"

  const ServiceConfig* find(std::string_view service) const;
};

// Reads and parses a compose file. Throws ComposeFileError.
ComposeFile parse_compose_file(const std::filesystem::path& path);
// Parses compose YAML text; `name` is used in messages.
ComposeFile parse_compose_text(std::string_view text, const std::string& name);

}  // namespace bg::fakes
