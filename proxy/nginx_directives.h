#pragma once
// The directives Debian 12's nginx 1.22.1 knows: every ngx_command_t of its static modules and of
// the dynamic modules Debian builds from the nginx source (known only once `load_module` loads
// them), generated from the source by proxy/tools/gen_nginx_directives.py. With the flags nginx
// checks a directive against (context, argument count, block) and the setter that reads its value.
#include <cstdint>
#include <span>
#include <string_view>

namespace bg::proxy {

// The module type of a command's module (ngx_module_t.type): which blocks it may appear in.
enum class ConfModuleKind { core, conf, event, http, mail, stream };

// nginx's ngx_command_t type bits (src/core/ngx_conf_file.h, src/http/ngx_http_config.h, ...).
namespace ngx_flags {
inline constexpr uint32_t NGX_CONF_NOARGS = 0x00000001, NGX_CONF_TAKE1 = 0x00000002, NGX_CONF_TAKE2 = 0x00000004,
                          NGX_CONF_TAKE3 = 0x00000008, NGX_CONF_TAKE4 = 0x00000010, NGX_CONF_TAKE5 = 0x00000020,
                          NGX_CONF_TAKE6 = 0x00000040, NGX_CONF_TAKE7 = 0x00000080;
inline constexpr uint32_t NGX_CONF_TAKE12 = NGX_CONF_TAKE1 | NGX_CONF_TAKE2,
                          NGX_CONF_TAKE13 = NGX_CONF_TAKE1 | NGX_CONF_TAKE3,
                          NGX_CONF_TAKE23 = NGX_CONF_TAKE2 | NGX_CONF_TAKE3,
                          NGX_CONF_TAKE123 = NGX_CONF_TAKE12 | NGX_CONF_TAKE3,
                          NGX_CONF_TAKE1234 = NGX_CONF_TAKE123 | NGX_CONF_TAKE4;
inline constexpr uint32_t NGX_CONF_ARGS_NUMBER = 0x000000ff, NGX_CONF_BLOCK = 0x00000100, NGX_CONF_FLAG = 0x00000200,
                          NGX_CONF_ANY = 0x00000400, NGX_CONF_1MORE = 0x00000800, NGX_CONF_2MORE = 0x00001000;
inline constexpr uint32_t NGX_DIRECT_CONF = 0x00010000, NGX_MAIN_CONF = 0x01000000, NGX_ANY_CONF = 0xFF000000;
inline constexpr uint32_t NGX_EVENT_CONF = 0x02000000;
inline constexpr uint32_t NGX_HTTP_MAIN_CONF = 0x02000000, NGX_HTTP_SRV_CONF = 0x04000000,
                          NGX_HTTP_LOC_CONF = 0x08000000, NGX_HTTP_UPS_CONF = 0x10000000,
                          NGX_HTTP_SIF_CONF = 0x20000000, NGX_HTTP_LIF_CONF = 0x40000000,
                          NGX_HTTP_LMT_CONF = 0x80000000;
inline constexpr uint32_t NGX_MAIL_MAIN_CONF = 0x02000000, NGX_MAIL_SRV_CONF = 0x04000000;
inline constexpr uint32_t NGX_STREAM_MAIN_CONF = 0x02000000, NGX_STREAM_SRV_CONF = 0x04000000,
                          NGX_STREAM_UPS_CONF = 0x08000000;
}  // namespace ngx_flags

struct NginxDirectiveSpec {
  const char* name;
  ConfModuleKind kind;
  uint32_t type;              // context, argument and block bits
  const char* setter;         // "ngx_conf_set_flag_slot", "ngx_http_proxy_pass", ...
  const char* module;         // "ngx_http_proxy_module"
  const char* shared_object;  // "" for a static module, else its load_module file name
};

// Every entry, static modules first in nginx's module order, then the dynamic ones.
std::span<const NginxDirectiveSpec> nginx_directive_specs();

}  // namespace bg::proxy
