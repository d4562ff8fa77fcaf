#pragma once
// render_compose_config: what `compose config` prints, the resolved project as YAML: variables
// substituted, files merged, relative paths made absolute, the long forms of ports and volumes,
// the default network named. Keys come sorted, as compose-go's struct order (mostly alphabetical)
// and PyYAML's sort_keys give them.
// Simplification: the layout follows compose-go's for v2 (go-yaml v2: `name:` first, sequences at
// the key's indentation, published ports as strings) and docker-compose 1.x's for v1, for the keys
// the fakes read; it is meant for reading and grepping, not byte-for-byte comparison.
#include <string>

#include "fakes/docker/compose_loader.h"

namespace bg::fakes {

std::string render_compose_config(const ComposeProject& project, bool v1, const std::string& default_network);

}  // namespace bg::fakes
