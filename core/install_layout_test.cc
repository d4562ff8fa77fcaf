#include "core/install_layout.h"

#include <gtest/gtest.h>

#include <set>

namespace bg::core {
namespace {

// Goal: an installed file beside the executable wins; without it, the built path is kept, and an
// unknown executable (no /proc) falls back to the built path too.
TEST(InstallLayout, InstalledFileBesideTheExecutableWinsElseTheBuiltPath) {
  const std::set<std::filesystem::path> present = {"/usr/libexec/bluegreen/bluegreen-shim"};
  auto exists = [&](const std::filesystem::path& p) { return present.count(p) > 0; };
  EXPECT_EQ(installed_or_built("/usr/bin/bluegreen", "libexec/bluegreen/bluegreen-shim", "/build/shim/bluegreen-shim",
                               exists),
            "/usr/libexec/bluegreen/bluegreen-shim");
  EXPECT_EQ(installed_or_built("/build/cli/bluegreen", "libexec/bluegreen/bluegreen-shim", "/build/shim/bluegreen-shim",
                               exists),
            "/build/shim/bluegreen-shim");
  EXPECT_EQ(installed_or_built("", "libexec/bluegreen/bluegreen-shim", "/build/shim/bluegreen-shim", exists),
            "/build/shim/bluegreen-shim");
}

// Goal: for this test binary (in the build tree, nothing installed beside it) the built path is kept.
TEST(InstallLayout, ATestBinaryInTheBuildTreeKeepsTheBuiltPath) {
  EXPECT_EQ(installed_or_built("share/bluegreen/no-such-file", "/built/path"), "/built/path");
}

}  // namespace
}  // namespace bg::core
