#pragma once
// PathMap: absolute paths a deployment names (appspec destination /home/ec2-user/temp, /etc/nginx)
// mapped to folders of the run, so users' files and scripts run unmodified without touching the real
// paths. The longest matching prefix wins.
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace bg::core {

class PathMap {
 public:
  void add(const std::filesystem::path& virtual_prefix, const std::filesystem::path& real_dir);
  // The real path for `p` when it lies under a mapped prefix; nullopt otherwise.
  std::optional<std::filesystem::path> to_real(const std::filesystem::path& p) const;
  // `p` mapped when it lies under a prefix, else unchanged.
  std::filesystem::path resolve(const std::filesystem::path& p) const;
  // The virtual path for a real one (to print paths as the user wrote them).
  std::optional<std::filesystem::path> to_virtual(const std::filesystem::path& real) const;
  const std::map<std::string, std::filesystem::path>& entries() const { return prefixes_; }

 private:
  std::map<std::string, std::filesystem::path> prefixes_;  // normalised virtual prefix -> real dir
};

}  // namespace bg::core
