#pragma once
// glob(3) as nginx's `include` calls it (ngx_open_glob: glob(pattern, 0): sorted, no GLOB_PERIOD,
// backslash escapes), over the run's host through a PathMap: the pattern and the matches are host
// paths (/etc/nginx/sites-enabled/app), the directories listed are the run's folders.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/path_map.h"

namespace bg::proxy {

// Whether nginx treats `path` as a pattern (ngx_conf_include: strpbrk(file, "*?[")).
bool has_glob_magic(const std::string& path);

// Paths a pattern may reach at any step before glob_host gives up: each wildcard component after a
// `..` multiplies them (`*/../*/../*` lists k^3, duplicates and all, as glob(3) would); real
// includes match tens.
inline constexpr size_t kMaxGlobPaths = 1024;

// The host paths matching the absolute `pattern`, sorted bytewise as glob(3) sorts them in the C
// locale (nginx never calls setlocale). A component without wildcards must exist (a dangling
// symlink counts, as glob does not follow it); no match is an empty list. std::nullopt when some
// step reached more than kMaxGlobPaths paths.
std::optional<std::vector<std::filesystem::path>> glob_host(const std::filesystem::path& pattern,
                                                            const core::PathMap& paths);

}  // namespace bg::proxy
