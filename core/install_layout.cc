#include "core/install_layout.h"

#include <system_error>

namespace bg::core {

std::filesystem::path installed_or_built(const std::filesystem::path& executable, const std::string& installed,
                                         const std::string& built,
                                         const std::function<bool(const std::filesystem::path&)>& exists) {
  if (!executable.empty()) {
    const std::filesystem::path candidate = executable.parent_path().parent_path() / installed;
    if (exists(candidate)) return candidate;
  }
  return built;
}

std::filesystem::path installed_or_built(const std::string& installed, const std::string& built) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return installed_or_built(ec ? std::filesystem::path() : self, installed, built, [](const std::filesystem::path& p) {
    std::error_code exists_ec;
    return std::filesystem::exists(p, exists_ec);
  });
}

}  // namespace bg::core
