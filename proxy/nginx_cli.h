#pragma once
// The `nginx` command as a deploy script sees it through the shim: -t, -s reload|quit|stop|reopen,
// -v, -V, -c, and a plain `nginx` that starts the proxy, with nginx 1.22's messages on stderr and
// its exit codes. The messages are those of ngx_log_stderr ("nginx: " prefix).
#include <string>
#include <vector>

#include "core/command_result.h"
#include "core/path_map.h"
#include "proxy/nginx_config.h"
#include "proxy/proxy_control.h"

namespace bg::proxy {

// `running`: the run's proxy, bluegreen's ProxyServer or RealNginx (null, or not running(), when no
// nginx master runs).
// `virtual_config_path`: nginx's compiled-in default, e.g. /etc/nginx/nginx.conf; `-c` overrides it.
// `paths` maps it to the run's copy (defaults to an empty map: the path is used as is).
// `resolve`: upstream host names, which nginx resolves whenever it reads the config (-t, and the
// signaller of -s reload too): one that does not resolve fails the command (races.md R18).
core::CommandResult run_nginx_command(ProxyControl* running, const std::vector<std::string>& args,
                                      const std::string& virtual_config_path,
                                      const core::PathMap& paths = core::PathMap(), const HostResolver& resolve = {});

}  // namespace bg::proxy
