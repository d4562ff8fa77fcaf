#include "core/path_map.h"

#include <vector>

namespace bg::core {
namespace {

std::string normalise(const std::filesystem::path& p) {
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// Whether `path` equals `prefix` or lies below it (component-wise, so /etc/nginx2 is not under /etc/nginx).
bool under(const std::string& path, const std::string& prefix) {
  if (path.compare(0, prefix.size(), prefix) != 0) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/' || prefix == "/";
}

}  // namespace

void PathMap::add(const std::filesystem::path& virtual_prefix, const std::filesystem::path& real_dir) {
  prefixes_[normalise(virtual_prefix)] = real_dir;
}

std::optional<std::filesystem::path> PathMap::to_real(const std::filesystem::path& p) const {
  if (!p.is_absolute()) return std::nullopt;
  const std::string s = normalise(p);
  const std::pair<const std::string, std::filesystem::path>* best = nullptr;
  for (const auto& entry : prefixes_)
    if (under(s, entry.first) && (!best || entry.first.size() > best->first.size())) best = &entry;
  if (!best) return std::nullopt;
  std::string rest = s.substr(best->first.size());
  while (!rest.empty() && rest.front() == '/') rest.erase(0, 1);
  return rest.empty() ? best->second : best->second / rest;
}

std::filesystem::path PathMap::canonical_virtual(const std::filesystem::path& p) const {
  namespace fs = std::filesystem;
  // The components still to walk, last first; a symlink's target is pushed back onto it.
  std::vector<std::string> pending;
  auto push_components = [&](const fs::path& path) {
    std::vector<std::string> parts;
    for (const auto& c : path.relative_path()) parts.push_back(c.string());
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) pending.push_back(*it);
  };
  push_components(p);
  std::vector<std::string> done;  // the canonical components so far
  int links = 0;
  while (!pending.empty()) {
    std::string c = std::move(pending.back());
    pending.pop_back();
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      if (!done.empty()) done.pop_back();  // ".." of the root is the root, as in the kernel
      continue;
    }
    done.push_back(c);
    fs::path virt = "/";
    for (const auto& d : done) virt /= d;
    auto real = to_real(virt);
    std::error_code ec;
    if (!real || !fs::is_symlink(fs::symlink_status(*real, ec))) continue;
    // The kernel's limit (MAXSYMLINKS): past it the path does not resolve; it is left as written.
    if (++links > 40) return p;
    fs::path target = fs::read_symlink(*real, ec);
    if (ec) continue;
    done.pop_back();
    if (target.is_absolute()) done.clear();  // an absolute link starts again at the host's root
    push_components(target);
  }
  fs::path out = "/";
  for (const auto& d : done) out /= d;
  return out;
}

std::filesystem::path PathMap::resolve(const std::filesystem::path& p) const {
  if (!p.is_absolute() || !to_real(p)) return p;
  if (auto real = to_real(canonical_virtual(p))) return *real;
  return p;
}

std::optional<std::filesystem::path> PathMap::to_virtual(const std::filesystem::path& real) const {
  const std::string s = normalise(real);
  for (const auto& [virt, dir] : prefixes_) {
    const std::string d = normalise(dir);
    if (under(s, d)) {
      std::string rest = s.substr(d.size());
      while (!rest.empty() && rest.front() == '/') rest.erase(0, 1);
      return rest.empty() ? std::filesystem::path(virt) : std::filesystem::path(virt) / rest;
    }
  }
  return std::nullopt;
}

}  // namespace bg::core
