#pragma once
// ComposeSchema: which keys compose itself knows in a compose file (per compose generation, from the
// JSON schema each one validates against), compose's own validation error for a key it does not
// know (a typo), and, for every key it knows, what the fakes do with it: act on it, accept it
// because it cannot change a swap's outcome (the reason is next to the key), or refuse it as not
// modelled (core::NotModelled), because a run that ignored it would judge a different deployment.
// Sources: compose-go v1.2.4 / v1.8.1 / v1.17.0 schema/compose-spec.json and schema/schema.go
// (gojsonschema's "Additional property X is not allowed"); docker-compose 1.29.2
// compose/config/compose_spec.json and compose/config/validation.py.
#include <string>
#include <string_view>

#include "fakes/docker/compose_interpolation.h"

namespace bg::fakes {

enum class KeyUse {
  acted,         // the fakes do what compose does with it
  accepted,      // read and set aside: it cannot change whether a swap drops requests
  not_modelled,  // compose acts on it and the fakes cannot: core::NotModelled
};

struct KeyRule {
  KeyUse use;
  const char* why;  // for accepted and not_modelled keys: the reason, as a reader of a report needs it
};

// The rule for a key of a service; nullptr when this compose generation does not know the key.
const KeyRule* service_key_rule(std::string_view key, TemplateSyntax generation);
// The rule for a top-level key (`x-` extensions included); nullptr when unknown.
const KeyRule* top_level_key_rule(std::string_view key, TemplateSyntax generation);

// Nested objects whose keys compose validates: "healthcheck", "build", "depends_on" (an entry of the
// long form), "service_network" (an entry of a service's networks), "volume" (a long-form volume),
// "port" (a long-form port), "network" and "top_volume" (top-level entries), "deploy".
bool nested_key_known(std::string_view object, std::string_view key);

// Compose's own error for an unknown key at `path` ("(root)", "services.web",
// "services.web.healthcheck") of the file compose names `shown_file`. `object` is the nested
// object's name as above, "service" or "top".
std::string unknown_key_error(TemplateSyntax generation, const std::string& shown_file, const std::string& path,
                              std::string_view object, const std::string& key);

}  // namespace bg::fakes
