#pragma once
// PathMap: absolute paths a deployment names (appspec destination /home/ec2-user/temp, /etc/nginx)
// mapped to folders of the run, so users' files and scripts run unmodified without touching the real
// paths. The longest matching prefix wins. A run with a sandboxed host maps "/" to that host's root
// as the harness sees it (/proc/<init>/root), so every host path resolves there.
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace bg::core {

// `p` folded as std::filesystem::path::lexically_normal() folds it ("//", ".", "..", where ".." of
// the root is the root), without a trailing '/': one pass over the string.
std::string normal_path(const std::string& p);

// Paths are taken as strings (a std::filesystem::path converts to one): a path object splits its
// components on construction, which for the long paths a request can name cost more than the lookup.
// A path is read up to its first NUL byte, as every system call reads it.
class PathMap {
 public:
  void add(const std::filesystem::path& virtual_prefix, const std::filesystem::path& real_dir);
  // The real path for `p` when it lies under a mapped prefix; nullopt otherwise.
  std::optional<std::filesystem::path> to_real(const std::string& p) const;
  // `p` mapped when it lies under a prefix, else unchanged. Symlinks on the way are followed as the
  // host the paths belong to would follow them: an absolute target (`sites-enabled/app ->
  // /etc/nginx/sites-available/app`) starts again at the host's root, not the real machine's, so
  // a file opened through the result is the one a process on that host would open.
  std::filesystem::path resolve(const std::string& p) const;
  // `p` with every symlink on the way followed inside the mapped host, `.` and `..` folded: the path
  // a process on that host would end up at (a missing component is kept as written, where the kernel
  // would fail with ENOENT: the caller's open then fails instead).
  std::filesystem::path canonical_virtual(const std::string& p) const;
  // The virtual path for a real one (to print paths as the user wrote them).
  std::optional<std::filesystem::path> to_virtual(const std::filesystem::path& real) const;
  const std::map<std::string, std::filesystem::path>& entries() const { return prefixes_; }

 private:
  // to_real of a path already normal (absolute, no ".", "..", "//" or trailing "/").
  std::optional<std::string> to_real_normal(const std::string& normal) const;

  std::map<std::string, std::filesystem::path> prefixes_;  // normalised virtual prefix -> real dir
};

}  // namespace bg::core
