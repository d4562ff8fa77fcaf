#pragma once
// Where bluegreen's own helper programs and data files are: installed beside the executable
// (`cmake --install`, the .deb), or in the build and source trees it was built from. One program
// serves both, so an installed bluegreen needs no build tree and a built one no install.
//
// Installed layout, relative to the install prefix (the executable is <prefix>/bin/bluegreen):
//   libexec/bluegreen/  bluegreen-shim, bluegreen-host, bluegreen-relay
//   share/bluegreen/    proxy/data/... (stock nginx trees), scenarios/... (the catalogue)
#include <filesystem>
#include <functional>
#include <string>

namespace bg::core {

// The decision, pure: `installed` (relative to the prefix above `executable`'s folder) when it
// exists there, otherwise `built` (the path the build compiled in).
std::filesystem::path installed_or_built(const std::filesystem::path& executable, const std::string& installed,
                                         const std::string& built,
                                         const std::function<bool(const std::filesystem::path&)>& exists);

// The same for this process (its executable read from /proc/self/exe).
std::filesystem::path installed_or_built(const std::string& installed, const std::string& built);

}  // namespace bg::core
