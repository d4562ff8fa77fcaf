#include "core/path_map.h"

#include <limits.h>
#include <sys/stat.h>

#include <string_view>
#include <vector>

namespace bg::core {

// lexically_normal() on strings, one pass: a path object splits and rebuilds every component, which
// made a static file lookup of a long path cost a third of a millisecond, and nginx tries up to ten
// internal redirects of a long index list per request (bg_fuzz_nginx_config's fourth timeout).
std::string normal_path(const std::string& p) {
  const bool absolute = !p.empty() && p[0] == '/';
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos <= p.size()) {
    size_t end = p.find('/', pos);
    if (end == std::string::npos) end = p.size();
    std::string_view c(p.data() + pos, end - pos);
    pos = end + 1;
    if (c.empty() || c == ".") continue;
    if (c == ".." && !parts.empty() && parts.back() != "..")
      parts.pop_back();
    else if (c == ".." && absolute)
      continue;  // ".." of the root is the root
    else
      parts.push_back(c);
  }
  std::string out = absolute ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '/';
    out += parts[i];
  }
  if (out.empty()) return p.empty() ? "" : ".";
  return out;
}

namespace {

// Whether `path` equals `prefix` or lies below it (component-wise, so /etc/nginx2 is not under /etc/nginx).
bool under(const std::string& path, const std::string& prefix) {
  if (path.compare(0, prefix.size(), prefix) != 0) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/' || prefix == "/";
}

// The path as a system call reads it: a C string, which ends at its first NUL. A name from a config
// (nginx copies `index` and `root` arguments byte for byte, NULs included) reaches open(2) cut there,
// so it is mapped cut there; walking the bytes past it made every later component look up the same
// existing folder (bg_fuzz_nginx_config's fifth timeout: 1.8 s under ASan).
std::string as_the_kernel_reads(const std::string& p) {
  const size_t nul = p.find('\0');
  return nul == std::string::npos ? p : p.substr(0, nul);
}

}  // namespace

void PathMap::add(const std::filesystem::path& virtual_prefix, const std::filesystem::path& real_dir) {
  prefixes_[normal_path(virtual_prefix.native())] = real_dir;
}

std::optional<std::filesystem::path> PathMap::to_real(const std::string& written) const {
  const std::string p = as_the_kernel_reads(written);
  if (p.empty() || p[0] != '/') return std::nullopt;
  auto real = to_real_normal(normal_path(p));
  if (!real) return std::nullopt;
  return std::filesystem::path(*real);
}

std::optional<std::string> PathMap::to_real_normal(const std::string& s) const {
  const std::pair<const std::string, std::filesystem::path>* best = nullptr;
  for (const auto& entry : prefixes_)
    if (under(s, entry.first) && (!best || entry.first.size() > best->first.size())) best = &entry;
  if (!best) return std::nullopt;
  size_t rest = best->first.size();
  while (rest < s.size() && s[rest] == '/') ++rest;
  std::string real = best->second.string();
  if (rest == s.size()) return real;
  if (real.empty() || real.back() != '/') real += '/';
  return real + s.substr(rest);
}

std::filesystem::path PathMap::canonical_virtual(const std::string& written) const {
  namespace fs = std::filesystem;
  const std::string p = as_the_kernel_reads(written);
  // PATH_MAX: the kernel refuses a longer path (ENAMETOOLONG), so it resolves to nothing and is left
  // as written. It also bounds the walk below, which looks up every prefix: a request for a path of
  // thousands of components took seconds per lookup (bg_fuzz_nginx_config found it).
  if (p.size() >= PATH_MAX) return p;
  // The components still to walk, last first; a symlink's target is pushed back onto it.
  std::vector<std::string> pending;
  auto push_components = [&](const std::string& path) {
    size_t end = path.size();
    while (end > 0) {  // last component first, so the first is walked first
      size_t slash = path.rfind('/', end - 1);
      size_t begin = slash == std::string::npos ? 0 : slash + 1;
      if (begin < end) pending.push_back(path.substr(begin, end - begin));
      if (slash == std::string::npos) break;
      end = slash;
    }
  };
  push_components(p);
  // The canonical path so far, kept as a string that grows and shrinks with each component (one
  // rebuild per step made a long path quadratic in path objects), and where each component began.
  std::string virt;
  std::vector<size_t> starts;
  // The level (starts.size()) of a component that is missing or not a folder, 0 while none is: the
  // kernel's lookup of anything below it fails (ENOENT, ENOTDIR) and can hold no symlink, so those
  // components are not looked up at all. Only a ".." back above it makes lookups meaningful again.
  // Without this, a request for a long path under a missing folder made one lookup of a growing
  // path per component, quadratic (bg_fuzz_nginx_config's second timeout).
  size_t dead_level = 0;
  auto pop = [&] {
    virt.resize(starts.back());
    starts.pop_back();
    if (starts.size() < dead_level) dead_level = 0;
  };
  int links = 0;
  while (!pending.empty()) {
    std::string c = std::move(pending.back());
    pending.pop_back();
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      if (!starts.empty()) pop();  // ".." of the root is the root, as in the kernel
      continue;
    }
    starts.push_back(virt.size());
    virt += '/';
    virt += c;
    if (dead_level != 0) continue;
    // Looked up as strings: a path object per step made a long path quadratic in parsing.
    auto real = to_real_normal(virt);  // already normal: clean components under "/"
    struct stat st {};
    if (!real) continue;
    if (::lstat(real->c_str(), &st) != 0 || (!S_ISLNK(st.st_mode) && !S_ISDIR(st.st_mode))) {
      dead_level = starts.size();
      continue;
    }
    if (!S_ISLNK(st.st_mode)) continue;
    std::error_code ec;
    // The kernel's limit (MAXSYMLINKS): past it the path does not resolve; it is left as written.
    if (++links > 40) return p;
    fs::path target = fs::read_symlink(*real, ec);
    if (ec) continue;
    pop();
    if (target.is_absolute()) virt.clear(), starts.clear();  // an absolute link starts again at the host's root
    push_components(target.native());
  }
  return virt.empty() ? fs::path("/") : fs::path(virt);
}

std::filesystem::path PathMap::resolve(const std::string& p) const {
  if (!to_real(p)) return p;
  if (auto real = to_real(canonical_virtual(p).native())) return *real;
  return p;
}

std::optional<std::filesystem::path> PathMap::to_virtual(const std::filesystem::path& real) const {
  const std::string s = normal_path(real.native());
  for (const auto& [virt, dir] : prefixes_) {
    const std::string d = normal_path(dir.native());
    if (under(s, d)) {
      std::string rest = s.substr(d.size());
      while (!rest.empty() && rest.front() == '/') rest.erase(0, 1);
      return rest.empty() ? std::filesystem::path(virt) : std::filesystem::path(virt) / rest;
    }
  }
  return std::nullopt;
}

}  // namespace bg::core
