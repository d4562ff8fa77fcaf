// CallerWatch on real processes: a call is stopped once its caller dies, not while it lives, and not
// once the call has ended.
#include "sim/caller_watch.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <string>

#include "test_support/wait.h"

namespace bg::sim {
namespace {

using namespace std::chrono_literals;

// A `sleep 30` of this machine, killed and reaped at the end of the test.
class Sleeper {
 public:
  Sleeper() {
    char sleep[] = "/bin/sleep", thirty[] = "30";
    char* argv[] = {sleep, thirty, nullptr};
    char* envp[] = {nullptr};
    EXPECT_EQ(posix_spawn(&pid_, argv[0], nullptr, nullptr, argv, envp), 0);
  }
  ~Sleeper() { end(); }
  void end() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::filesystem::path stat() const { return "/proc/" + std::to_string(pid_) + "/stat"; }

 private:
  pid_t pid_ = -1;
};

// Goal: the start time is read past a command name holding spaces and parentheses; a process that is
// gone has none.
TEST(CallerWatch, ReadsTheStartTimeOfALiveProcessOnly) {
  EXPECT_FALSE(process_start_time("/proc/self/stat").empty());
  EXPECT_EQ(process_start_time("/proc/999999999/stat"), "");
}

// Goal: two calls in flight, one caller killed: only that call is asked to stop, and soon (the
// watch polls every 20 ms); the other goes on.
TEST(CallerWatch, StopsTheCallOfACallerThatDiedOnly) {
  CallerWatch watch;
  Sleeper dies, lives;
  std::stop_source dying_call, living_call;
  auto a = watch.watch(dies.stat(), dying_call);
  auto b = watch.watch(lives.stat(), living_call);
  EXPECT_TRUE(
      test_support::holds_for([&] { return !dying_call.stop_requested(); }, 100ms, "a live caller's call runs"));
  dies.end();
  EXPECT_TRUE(
      test_support::wait_until([&] { return dying_call.stop_requested(); }, 2s, "the dead caller's call stops"));
  EXPECT_FALSE(living_call.stop_requested());
}

// Goal: once a call has ended (its guard gone), its caller's death touches nothing: the stop_source
// may already be gone.
TEST(CallerWatch, AnEndedCallIsNoLongerWatched) {
  CallerWatch watch;
  Sleeper caller;
  std::stop_source call;
  { auto guard = watch.watch(caller.stat(), call); }
  caller.end();
  EXPECT_TRUE(test_support::holds_for([&] { return !call.stop_requested(); }, 100ms, "an ended call is left alone"));
}

// Goal: a caller already gone when its call starts (killed between sending and being served) has
// its call stopped at the first look.
TEST(CallerWatch, ACallerAlreadyGoneHasItsCallStopped) {
  CallerWatch watch;
  std::stop_source call;
  auto guard = watch.watch("/proc/999999999/stat", call);
  EXPECT_TRUE(test_support::wait_until([&] { return call.stop_requested(); }, 2s, "the gone caller's call stops"));
}

}  // namespace
}  // namespace bg::sim
