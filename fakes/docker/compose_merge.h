#pragma once
// merge_compose_files: several `-f` files (and docker-compose.override.yml) into one, file by file,
// with the merge rules of each compose generation:
// - compose-go v1.2.4 / v1.8.1 / v1.17.0 loader/merge.go: mergo.Merge WithOverride and
//   WithAppendSlice, so a scalar the override sets wins (an empty or false one does not, before
//   v1.17 for booleans), lists are appended (env_file, extra_hosts, profiles, dns...), mappings
//   merged key by key (environment, labels, depends_on, networks), ports merged by (target,
//   published, host_ip, protocol) and volumes by target, both then sorted; `command` is replaced.
//   Before v1.17 a healthcheck `test` was appended to the base's (the v1.17 merge.go replaces it);
//   a service network's aliases were replaced before v1.17 and appended from it.
// - docker-compose 1.29.2 compose/config/config.py merge_service_dicts: a key the override writes
//   wins, even when empty or false; ports by (target, published, ip, protocol) sorted by target,
//   volumes by container path, extra_hosts by host, profiles and aliases as sorted sets.
// Services are merged by name; a service only in a later file is added. compose-go sorts the
// merged services by name; the order of one file is kept (compose-go's is a Go map's, random).
#include <vector>

#include "fakes/docker/compose_file.h"
#include "fakes/docker/compose_interpolation.h"

namespace bg::fakes {

ComposeFile merge_compose_files(std::vector<ComposeFile> files, TemplateSyntax generation);

// One service over another (exposed for tests).
ServiceConfig merge_services(ServiceConfig base, const ServiceConfig& override, TemplateSyntax generation);

}  // namespace bg::fakes
