#pragma once
// PsFilter: `docker ps --filter` as the daemon applies it (moby daemon/list.go@v20.10.17
// foldFilter / includeContainerInList, api/types/filters/parse.go): values of one key are OR'ed,
// keys AND'ed; name, id and status match as regular expressions (after an exact match), so
// name=blue also matches "blue-old" and name=^blue$ only "blue" (matched with and without the
// leading "/"); label=k and label=k=v must all hold; health is exact (none, starting, healthy,
// unhealthy); ancestor names an image; publish/expose a port[/proto]; network a network name
// exited an exit code of a container that ran. A status filter lists stopped containers too.
//
// Simplifications: regular expressions are ECMAScript's (std::regex), not RE2 (the same for the
// patterns scripts write); ancestor matches the image itself, not images built FROM it; before,
// since, volume, isolation and is-task are not modelled.
#include <map>
#include <string>
#include <vector>

#include "fakes/docker/docker_engine.h"

namespace bg::fakes {

class PsFilter {
 public:
  // Parses `--filter` values ("name=blue"). Throws CliFailure: pflag's "bad format of filter"
  // (125), the daemon's "Invalid filter 'x'" (1), or not modelled.
  static PsFilter parse(const std::vector<std::string>& values);

  bool empty() const { return fields_.empty(); }
  // A status filter makes the list include stopped containers (ContainerListOptions.All).
  bool lists_all() const { return fields_.count("status") > 0; }
  // `ancestor_ids`: the image ids the ancestor values name (resolved by the caller).
  bool matches(const ContainerInfo& c, const std::vector<std::string>& ancestor_ids) const;
  std::vector<std::string> values(const std::string& key) const;

 private:
  std::map<std::string, std::vector<std::string>> fields_;
};

}  // namespace bg::fakes
