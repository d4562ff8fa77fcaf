#include "proxy/host_glob.h"

#include <fnmatch.h>

#include <algorithm>

namespace bg::proxy {
namespace fs = std::filesystem;

bool has_glob_magic(const std::string& path) { return path.find_first_of("*?[") != std::string::npos; }

namespace {

// Whether the host path `p` exists without following its last symlink (glob's lstat).
bool exists_on_host(const fs::path& p, const core::PathMap& paths) {
  std::error_code ec;
  return fs::symlink_status(paths.resolve(p), ec).type() != fs::file_type::not_found && !ec;
}

// The entries of the host folder `dir` whose name matches `component`: `*` and `?` do not match a
// leading dot (glob without GLOB_PERIOD), backslash escapes a character.
std::vector<fs::path> matches_in(const fs::path& dir, const std::string& component, const core::PathMap& paths) {
  std::vector<fs::path> out;
  std::error_code ec;
  fs::directory_iterator it(paths.resolve(dir), ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (::fnmatch(component.c_str(), name.c_str(), FNM_PERIOD) == 0) out.push_back(dir / name);
  }
  return out;
}

}  // namespace

std::optional<std::vector<fs::path>> glob_host(const fs::path& pattern, const core::PathMap& paths) {
  std::vector<fs::path> current{fs::path("/")};
  for (const auto& part : pattern.relative_path()) {
    std::string component = part.string();
    if (component.empty()) continue;
    std::vector<fs::path> next;
    for (const auto& dir : current) {
      if (has_glob_magic(component)) {
        auto found = matches_in(dir, component, paths);
        next.insert(next.end(), found.begin(), found.end());
      } else if (exists_on_host(dir / component, paths)) {
        next.push_back(dir / component);
      }
    }
    current = std::move(next);
    if (current.size() > kMaxGlobPaths) return std::nullopt;
    if (current.empty()) break;
  }
  std::sort(current.begin(), current.end(),
            [](const fs::path& a, const fs::path& b) { return a.string() < b.string(); });
  return current;
}

}  // namespace bg::proxy
