#pragma once
// ComposeFile: one compose file read into what the fakes act on (semantics.md §3), after its
// variables were substituted (compose_document.h). Every key compose knows is either read here,
// accepted as harmless, or refused as core::NotModelled naming file:line and the key (the table is
// compose_schema.cc); a key compose itself does not know gets compose's validation error. Relative
// paths (bind mounts, env_file, build context) are resolved against the project directory, as host
// paths. Several files are merged by compose_merge.h; the project is assembled by compose_loader.h.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/time.h"
#include "fakes/docker/compose_interpolation.h"

namespace bg::fakes {

// A compose file compose refuses: what() is compose's message (or "<file>:<line>:<column>: ..."
// for what the fakes word themselves, such as YAML syntax).
class ComposeFileError : public std::runtime_error {
 public:
  // not_found: a file compose cannot open (compose v2 exits 14 for it, 15 for the rest).
  enum class Kind { invalid, not_found };
  explicit ComposeFileError(const std::string& what, Kind kind = Kind::invalid)
      : std::runtime_error(what), kind(kind) {}
  Kind kind;
};

// One published port. published == 0 means "any free host port" (short form "3000").
struct PortMapping {
  std::string host_ip;  // "" = all interfaces (0.0.0.0)
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
  std::vector<std::string> test;  // ["CMD", ...], ["CMD-SHELL", "..."] or ["NONE"]
  std::optional<core::Duration> interval, timeout, start_period;
  int retries = 3;
  bool disable = false;
};

// A service's attachment to a network of the project (`networks:` of the service).
struct ServiceNetwork {
  std::string key;  // the project's name for it (the top-level `networks:` key)
  std::vector<std::string> aliases;
  bool operator==(const ServiceNetwork&) const = default;
};

// `depends_on:` (both forms): start `service` first and, for service_healthy, wait until healthy.
struct Dependency {
  std::string service;
  std::string condition = "service_started";  // service_healthy, service_completed_successfully
  bool operator==(const Dependency&) const = default;
};

// `build:` (a context string or context + dockerfile): `up --build` and `build` build it.
struct BuildConfig {
  std::string context;                    // absolute host path
  std::string dockerfile = "Dockerfile";  // relative to the context
  std::map<std::string, std::string> args;
  bool operator==(const BuildConfig&) const = default;
};

struct ServiceConfig {
  std::string name;
  std::string image;  // "" with build: compose names it <project>-<service> (v1: _)
  std::optional<BuildConfig> build;
  std::string container_name;  // "" = compose's <project>-<service>-<n>
  std::vector<PortMapping> ports;
  std::optional<core::Duration> stop_grace_period;  // unset: Docker's default (10 s)
  std::string stop_signal;                          // "" = the image's (SIGTERM)
  // `environment:` as written: nullopt for a bare KEY, which takes the project environment's value.
  std::map<std::string, std::optional<std::string>> environment_entries;
  std::vector<std::string> env_files;  // absolute host paths, in order
  // What the container gets: env_file values, then environment_entries (compose_loader.h fills it).
  std::map<std::string, std::string> environment;
  bool init = false;
  std::vector<std::string> command;  // empty = the image's CMD
  std::optional<Healthcheck> healthcheck;
  std::vector<BindMount> volumes;        // bind sources absolute host paths
  std::vector<ServiceNetwork> networks;  // empty = the project's default network
  std::map<std::string, std::string> labels;
  std::string restart;  // "" = "no"
  std::string hostname;
  std::vector<std::string> extra_hosts;  // "host:ip"
  std::vector<Dependency> depends_on;
  std::vector<std::string> profiles;
  std::string pull_policy;  // "" (always for `pull`), missing, if_not_present
  // The keys the file wrote ("image", "healthcheck.retries"): an override file replaces what it
  // writes, even with the type's default (`init: false`), so merging needs to know.
  std::set<std::string> written;

  // A stable hash of everything that makes compose recreate a container when it changes
  // (compose's com.docker.compose.config-hash label).
  std::string config_hash() const;
};

// A top-level `networks:` or `volumes:` entry.
struct ProjectResource {
  std::string key;
  std::string name;       // `name:` when given ("" = compose's <project>_<key>)
  bool external = false;  // must exist already; compose neither creates nor removes it
  bool operator==(const ProjectResource&) const = default;
};

struct ComposeFile {
  std::string path;                     // as compose names it
  std::string name;                     // top-level `name:` ("" when absent)
  std::vector<ServiceConfig> services;  // in file order
  std::vector<ProjectResource> networks;
  std::vector<ProjectResource> volumes;

  const ServiceConfig* find(std::string_view service) const;
};

// What reading a file needs beyond its YAML.
struct ComposeFileContext {
  TemplateSyntax generation = TemplateSyntax::go_v1_2;  // which compose: its validation errors
  std::string shown;                                    // the file as compose names it
  std::filesystem::path working_dir;                    // host path relative paths resolve against
  std::optional<std::string> home;                      // the caller's HOME, for `~` in paths
  // A pre-flight check's message is bluegreen's own: every error names file:line:column, also
  // those compose itself words without a place (an unknown key of a nested object).
  bool place_every_error = false;
};

// Reads one substituted document. Throws ComposeFileError (compose's own errors) and
// core::NotModelled (a key compose knows and the fakes do not model).
ComposeFile read_compose_file(const YAML::Node& root, const ComposeFileContext& context);

// Reads compose YAML text without an environment (variables blank, no warnings), for tests and a
// pre-flight check of a deployment's files.
ComposeFile parse_compose_text(std::string_view text, const std::string& name);
// A deployment's pre-flight check of one file, before any script runs, as the compose of
// `generation` reads it: YAML syntax, keys, and every value written without a variable (a value
// with `${...}` depends on what the scripts set later). Throws ComposeFileError naming
// "<file>:<line>:<column>", and core::NotModelled.
void parse_compose_file(const std::filesystem::path& path, TemplateSyntax generation);

}  // namespace bg::fakes
