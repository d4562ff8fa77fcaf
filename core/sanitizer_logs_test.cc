#include "core/sanitizer_logs.h"

#include <gtest/gtest.h>

namespace bg::core {

// Goal: the sandboxed host binds the folder the sanitizers write to, and only an absolute one (a
// relative log_path is opened from each process's own working folder, which the host does not share).
TEST(SanitizerLogs, FolderOfAnAbsoluteLogPathAmongTheOptions) {
  EXPECT_EQ(log_dir_of("exitcode=86:log_path=/w/build-asan/sanitizer-logs/asan:symbolize=1"),
            std::filesystem::path("/w/build-asan/sanitizer-logs"));
  EXPECT_EQ(log_dir_of("log_path=/w/logs/ubsan"), std::filesystem::path("/w/logs"));
  EXPECT_EQ(log_dir_of("halt_on_error=1:log_path=build-asan/sanitizer-logs/ubsan"), std::nullopt);
  EXPECT_EQ(log_dir_of("log_path=stderr"), std::nullopt);
  EXPECT_EQ(log_dir_of("exitcode=86:symbolize=1"), std::nullopt);
  EXPECT_EQ(log_dir_of(""), std::nullopt);
  EXPECT_EQ(log_dir_of("xlog_path=/w/logs/asan"), std::nullopt);
}

}  // namespace bg::core
