#include "core/resource_limits.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bg::core {

// Goal: a run started from a shell with a low soft limit of open files (1024 is common) gets the hard
// limit, so a loaded machine's backlog of requests cannot starve the harness's own files. In a
// child, so that this test process keeps its limits.
TEST(ResourceLimits, RaisesTheSoftLimitOfOpenFilesToTheHardOne) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_max <= 64) ::_exit(0);  // nothing to raise here
    rlimit low{64, limit.rlim_max};
    ::setrlimit(RLIMIT_NOFILE, &low);
    const rlim_t now = raise_open_file_limit();
    ::getrlimit(RLIMIT_NOFILE, &limit);
    ::_exit(now == limit.rlim_max && limit.rlim_cur == limit.rlim_max ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace bg::core
