#include "core/path_map.h"

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

std::filesystem::path PathMap::resolve(const std::filesystem::path& p) const {
  if (auto real = to_real(p)) return *real;
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
