#include "core/run_folder.h"

#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

namespace bg::core {
namespace {
namespace fs = std::filesystem;

// A private stand-in for /tmp, so the test never touches other runs' folders.
struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("bg-runfolder-test-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};

// The pid of a process that has exited and been reaped: nobody owns it now.
pid_t dead_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

}  // namespace

// Goal: a run folder names its owner, and the next run removes it only once that owner is gone.
TEST(RunFolder, StaleFoldersOfDeadOwnersAreRemovedLiveOnesKept) {
  Scratch scratch;
  const auto mine = make_run_folder(scratch.dir, "bluegreen-");
  EXPECT_TRUE(fs::exists(mine / "owner"));
  EXPECT_TRUE(owner_alive(mine));

  const auto dead = make_run_folder(scratch.dir, "bg_nginx_");
  std::ofstream(dead / "owner", std::ios::trunc) << dead_pid() << " 12345\n";
  EXPECT_FALSE(owner_alive(dead));

  // A reused pid: this process's pid with another start time is not this process.
  const auto reused = make_run_folder(scratch.dir, "bluegreen-");
  std::ofstream(reused / "owner", std::ios::trunc) << ::getpid() << " 1\n";

  const auto unowned = scratch.dir / "bluegreen-older";  // an older version's, or one being made
  fs::create_directories(unowned);
  const auto other = make_run_folder(scratch.dir, "someone-else-");
  std::ofstream(other / "owner", std::ios::trunc) << dead_pid() << " 12345\n";

  EXPECT_EQ(remove_stale_run_folders(scratch.dir), 2);
  EXPECT_TRUE(fs::exists(mine));
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_FALSE(fs::exists(reused));
  EXPECT_TRUE(fs::exists(unowned));
  EXPECT_TRUE(fs::exists(other));

  // A folder kept for the user (--keep) is nobody's stale folder.
  const auto kept = make_run_folder(scratch.dir, "bluegreen-");
  std::ofstream(kept / "owner", std::ios::trunc) << dead_pid() << " 12345\n";
  keep_run_folder(kept);
  EXPECT_EQ(remove_stale_run_folders(scratch.dir), 0);
  EXPECT_TRUE(fs::exists(kept));
}

// Goal: a forced stop finds the folders this process made and has not removed, even one whose owner
// file is already gone (removed in order this instant), and none of another process.
TEST(RunFolder, ListsTheFoldersThisProcessStillHas) {
  Scratch scratch;
  const auto kept = make_run_folder(scratch.dir, "bluegreen-");
  const auto removed = make_run_folder(scratch.dir, "bg_nginx_");
  remove_run_folder(removed);
  EXPECT_FALSE(fs::exists(removed));
  fs::remove(kept / "owner");
  const auto own = own_run_folders();
  EXPECT_NE(std::find(own.begin(), own.end(), kept), own.end());
  EXPECT_EQ(std::find(own.begin(), own.end(), removed), own.end());
  remove_run_folder(kept);
}

// Goal: the world's folder goes to /dev/shm only when that is a tmpfs (else /tmp), a folder made
// there works, and the places a leftover is looked for include it and /tmp, each once.
TEST(RunFolder, TheWorldsFolderIsOnATmpfsWhenThereIsOne) {
  const fs::path parent = world_folder_parent();
  ASSERT_TRUE(parent == "/dev/shm" || parent == "/tmp") << parent;
  if (parent == "/dev/shm") {
    struct statfs st {};
    ASSERT_EQ(::statfs("/dev/shm", &st), 0);
    EXPECT_EQ(st.f_type, TMPFS_MAGIC);
  }
  const auto folder = make_run_folder(parent, "bluegreen-");
  EXPECT_TRUE(fs::exists(folder / "owner"));
  const auto listed = run_folders();
  EXPECT_NE(std::find(listed.begin(), listed.end(), folder), listed.end());
  remove_run_folder(folder);
  EXPECT_FALSE(fs::exists(folder));
  const auto parents = run_folder_parents();
  EXPECT_NE(std::find(parents.begin(), parents.end(), parent), parents.end());
  EXPECT_NE(std::find(parents.begin(), parents.end(), fs::path("/tmp")), parents.end());
  for (const auto& p : parents) EXPECT_EQ(std::count(parents.begin(), parents.end(), p), 1) << p;
}

}  // namespace bg::core
