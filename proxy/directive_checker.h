#pragma once
// DirectiveChecker judges one directive where it stands as nginx 1.22's ngx_conf_handler does
// (src/core/ngx_conf_file.c): unknown directive, not allowed here, not terminated by ";", no
// opening "{", invalid number of arguments; then, for directives read by nginx's generic setters
// (ngx_conf_set_flag_slot, _num_, _size_, _off_, _msec_, _sec_, _str_), the value and "is
// duplicate" checks those setters make. Messages are nginx's, with file and line.
#include <cstdint>
#include <set>
#include <string>

#include "proxy/config_reader.h"
#include "proxy/nginx_directives.h"

namespace bg::proxy {

// Where a directive stands: nginx's cf->module_type and cf->cmd_type.
struct ConfContext {
  ConfModuleKind module = ConfModuleKind::core;
  uint32_t cmd_type = ngx_flags::NGX_MAIN_CONF;
};

namespace conf_contexts {
inline constexpr ConfContext kMain{ConfModuleKind::core, ngx_flags::NGX_MAIN_CONF};
inline constexpr ConfContext kEvents{ConfModuleKind::event, ngx_flags::NGX_EVENT_CONF};
inline constexpr ConfContext kHttp{ConfModuleKind::http, ngx_flags::NGX_HTTP_MAIN_CONF};
inline constexpr ConfContext kServer{ConfModuleKind::http, ngx_flags::NGX_HTTP_SRV_CONF};
inline constexpr ConfContext kLocation{ConfModuleKind::http, ngx_flags::NGX_HTTP_LOC_CONF};
inline constexpr ConfContext kUpstream{ConfModuleKind::http, ngx_flags::NGX_HTTP_UPS_CONF};
inline constexpr ConfContext kServerIf{ConfModuleKind::http, ngx_flags::NGX_HTTP_SIF_CONF};
inline constexpr ConfContext kLocationIf{ConfModuleKind::http, ngx_flags::NGX_HTTP_LIF_CONF};
inline constexpr ConfContext kLimitExcept{ConfModuleKind::http, ngx_flags::NGX_HTTP_LMT_CONF};
}  // namespace conf_contexts

class DirectiveChecker {
 public:
  // `load_module FILE` made a dynamic module's directives known (nginx's cycle->modules grows).
  void load_module(const std::string& shared_object) { loaded_.insert(shared_object); }
  bool loaded(const std::string& shared_object) const { return loaded_.count(shared_object) > 0; }

  // The command nginx would run for `d` in `ctx`; throws NginxConfigError as ngx_conf_handler
  // fails (an error node from the reader is raised here too, as nginx stops there).
  const NginxDirectiveSpec& check(const ConfDirective& d, ConfContext ctx) const;

  // The generic setter's checks for `d` (value syntax, and a second occurrence in the same block:
  // `seen` holds the names met in that block). A no-op for other setters.
  static void check_slot(const ConfDirective& d, const NginxDirectiveSpec& spec, std::set<std::string>& seen);

 private:
  std::set<std::string> loaded_;
};

// Raises an error node's error (NginxConfigError or core::NotModelled); a no-op for a directive.
void raise_if_error(const ConfDirective& d);

}  // namespace bg::proxy
