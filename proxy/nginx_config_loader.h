#pragma once
// Loading an nginx.conf into the model (proxy/nginx_config.h): reading it and its includes
// (ConfigReader), then interpreting the directives as nginx would (ConfigInterpreter). Apart from
// the model so that the interpreter, which fills the model in, is not included by it.
#include <filesystem>
#include <optional>
#include <string>

#include "core/path_map.h"
#include "proxy/nginx_config.h"

namespace bg::proxy {

// Reads `path` (virtual like /etc/nginx/nginx.conf, or real) and every file it includes; relative
// includes resolve against the main file's folder, absolute ones through `paths`. A `server` or
// `proxy_pass` host that is not localhost or an IPv4 literal goes to `resolve` (none: it does not
// resolve), as nginx resolves names at load; one that does not resolve fails the load with
// `host not found in upstream "NAME:PORT"`. Throws NginxConfigError.
NginxConfig parse_nginx_config(const std::filesystem::path& path, const core::PathMap& paths,
                               const HostResolver& resolve = {});

// nginx -g "daemon off;": main-level directives read "in command line". nullopt when nginx takes
// them, else its message; throws core::NotModelled for one that is valid but not harmless.
std::optional<std::string> check_global_directives(const std::string& text);

}  // namespace bg::proxy
