#include "core/path_map.h"

#include <gtest/gtest.h>

namespace bg::core {

// Goal: the appspec destination maps to the run folder, component-wise and longest prefix first.
TEST(PathMap, MapsPathsUnderAPrefix) {
  PathMap m;
  m.add("/home/ec2-user/temp", "/tmp/run/temp");
  m.add("/home/ec2-user/temp/special", "/tmp/elsewhere");
  EXPECT_EQ(m.to_real("/home/ec2-user/temp"), std::filesystem::path("/tmp/run/temp"));
  EXPECT_EQ(m.to_real("/home/ec2-user/temp/"), std::filesystem::path("/tmp/run/temp"));
  EXPECT_EQ(m.to_real("/home/ec2-user/temp/scripts/a.sh"), std::filesystem::path("/tmp/run/temp/scripts/a.sh"));
  EXPECT_EQ(m.to_real("/home/ec2-user/temp/special/x"), std::filesystem::path("/tmp/elsewhere/x"));
  EXPECT_FALSE(m.to_real("/home/ec2-user/temp2"));
  EXPECT_FALSE(m.to_real("relative/path"));
  EXPECT_EQ(m.resolve("/etc/passwd"), std::filesystem::path("/etc/passwd"));
  EXPECT_EQ(m.to_virtual("/tmp/run/temp/a"), std::filesystem::path("/home/ec2-user/temp/a"));
}

}  // namespace bg::core
