#pragma once
// nginx's parsers for directive values (src/core/ngx_parse.c, ngx_string.c of nginx 1.22), ported
// so that a value nginx rejects is rejected here and one it accepts means the same.
#include <cstdint>
#include <optional>
#include <string_view>

namespace bg::proxy {

// ngx_atoi: decimal digits only, no sign; nullopt when empty, not a number or too large.
std::optional<int64_t> nginx_atoi(std::string_view s);
// ngx_parse_size: a number with an optional k/K or m/M suffix, in bytes.
std::optional<int64_t> nginx_parse_size(std::string_view s);
// ngx_parse_offset: as ngx_parse_size, g/G allowed too.
std::optional<int64_t> nginx_parse_offset(std::string_view s);
// ngx_parse_time: "1h 30m", "500ms", a bare number is seconds. `is_sec`: the value is in whole
// seconds (ngx_conf_set_sec_slot: no "ms"); otherwise in milliseconds (msec slot: no y, no M).
std::optional<int64_t> nginx_parse_time(std::string_view s, bool is_sec);

}  // namespace bg::proxy
