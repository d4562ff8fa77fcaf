#pragma once
// What `docker inspect` shows, as GoValues typed like the Engine API's Go structs (moby
// api/types@v20.10.17: types.ContainerJSON, types.ImageInspect, types.NetworkResource), so that
// templates behave as over the real structs (field order, json names, omitempty, nil pointers
// such as .State.Health without a healthcheck, maps such as .Config.Labels).
//
// Simplifications: a subset of each struct's fields, in their real order (the ones deploy scripts
// and people read: state, health, config, host config, networks, ports, mounts); host-side file
// paths (ResolvConfPath, LogPath...) point into /var/lib/docker as they would, but nothing is
// there; Pid is a stable made-up number while running.
#include <vector>

#include "core/time.h"
#include "fakes/docker/docker_engine.h"
#include "fakes/docker/go_value.h"

namespace bg::fakes {

gotmpl::Value container_value(const ContainerInfo& c);
gotmpl::Value image_value(const Image& image, const std::vector<std::string>& tags);
gotmpl::Value network_value(const NetworkRecord& n, const std::vector<ContainerInfo>& containers);

// The indented JSON array `docker inspect` prints without --format (json.Indent, 4 spaces).
std::string indented_json(const std::vector<gotmpl::Value>& values);

}  // namespace bg::fakes
