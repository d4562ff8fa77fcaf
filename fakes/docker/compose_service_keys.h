#pragma once
// ServiceKeyReader: the value forms of a compose file's keys (short and long syntax of ports and
// volumes, list and map forms of environment, labels, networks and depends_on, build as a string or
// a mapping, healthcheck tests, commands in shell form), read as compose-go's loader and
// docker-compose 1.x's config.py read them. Errors name the file, line and column; a value form the
// fakes cannot act on is core::NotModelled naming the same.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/go_duration.h"
#include "fakes/docker/compose_file.h"

namespace bg::fakes {

class ServiceKeyReader {
 public:
  explicit ServiceKeyReader(const ComposeFileContext& context) : context_(context) {}

  // "<file>:<line>:<column>: <what>" as ComposeFileError.
  [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const;
  // core::NotModelled naming the key path, the file and line, and why it matters.
  [[noreturn]] void not_modelled(const YAML::Node& at, const std::string& key_path, const std::string& why) const;
  // Compose's validation error for a key `object` does not have (compose_schema.h).
  void check_keys(const YAML::Node& map, std::string_view object, const std::string& path) const;

  std::string scalar(const YAML::Node& n, const std::string& path) const;
  bool boolean(const YAML::Node& n, const std::string& path) const;
  core::Duration duration(const YAML::Node& n, const std::string& path) const;
  int integer(const YAML::Node& n, const std::string& path) const;

  std::vector<PortMapping> ports(const YAML::Node& n, const std::string& path) const;
  std::vector<BindMount> volumes(const YAML::Node& n, const std::string& path) const;
  std::vector<ServiceNetwork> networks(const YAML::Node& n, const std::string& path) const;
  std::vector<Dependency> depends_on(const YAML::Node& n, const std::string& path) const;
  BuildConfig build(const YAML::Node& n, const std::string& path) const;
  Healthcheck healthcheck(const YAML::Node& n, const std::string& path) const;
  std::map<std::string, std::optional<std::string>> environment(const YAML::Node& n, const std::string& path) const;
  // labels, build args: a mapping, or a list of "k=v" (a bare "k" is "").
  std::map<std::string, std::string> mapping(const YAML::Node& n, const std::string& path) const;
  // env_file, profiles, dns...: a string or a list of strings.
  std::vector<std::string> strings(const YAML::Node& n, const std::string& path) const;
  // command: a list, or a string split as a shell would (compose uses shlex / go-shellwords).
  std::vector<std::string> command(const YAML::Node& n, const std::string& path) const;
  std::vector<std::string> extra_hosts(const YAML::Node& n, const std::string& path) const;
  // deploy: resources and one replica are accepted; what compose acts on beyond that is refused.
  void deploy(const YAML::Node& n, const std::string& path) const;

  // A path of the file made absolute against the project directory (`~` from HOME).
  std::string host_path(const YAML::Node& at, const std::string& path) const;

 private:
  PortMapping short_port(const YAML::Node& n, const std::string& path) const;
  BindMount short_volume(const YAML::Node& n, const std::string& path) const;
  std::optional<BindMount> long_volume(const YAML::Node& n, const std::string& path) const;
  uint16_t port_number(const YAML::Node& at, std::string_view text, const std::string& path) const;

  const ComposeFileContext& context_;
};

// Go's time.ParseDuration, which compose uses for stop_grace_period and healthcheck times.
using core::parse_go_duration;

// A command string split into words as a POSIX shell would (quotes, backslashes), as shlex.split
// (docker-compose 1.x) and go-shellwords (compose-go) do for compose's `command:` string form.
std::vector<std::string> split_shell_words(std::string_view text);

}  // namespace bg::fakes
