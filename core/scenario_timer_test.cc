#include "core/scenario_timer.h"

#include <gtest/gtest.h>

#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/virtual_clock.h"

namespace bg::core {
namespace {

// Goal: on a live clock the timer waits the scaled real time and reports success; a cancelled
// wait reports operation_aborted.
TEST(ScenarioTimer, OnALiveClockItIsAScaledSteadyTimer) {
  ScaledClock clock(0.001);  // 1 s of scenario time is 1 ms real
  boost::asio::io_context io;
  ScenarioTimer fires(io.get_executor(), clock), cancelled(io.get_executor(), clock);
  std::vector<std::string> seen;
  fires.expires_after(1s);
  fires.async_wait([&](boost::system::error_code ec) { seen.push_back(ec ? "fires: " + ec.message() : "fires"); });
  cancelled.expires_after(3600s);
  cancelled.async_wait([&](boost::system::error_code ec) {
    seen.push_back(ec == boost::asio::error::operation_aborted ? "cancelled: aborted" : "cancelled: not aborted");
  });
  cancelled.cancel();
  io.run_for(std::chrono::seconds(5));
  EXPECT_EQ(seen, (std::vector<std::string>{"cancelled: aborted", "fires"}));
  EXPECT_GE(clock.now(), Time(1s));
}

// Goal: on a virtual clock the same calls fire at their scenario instants in order, on the
// executor; arming again aborts the earlier wait, two waits on one timer both complete, and a
// cancelled wait never fires.
TEST(ScenarioTimer, OnAVirtualClockItFiresAtItsInstant) {
  VirtualClock clock;
  boost::asio::io_context io;
  clock.attach(io);
  ScenarioTimer late(io.get_executor(), clock), early(io.get_executor(), clock), rearmed(io.get_executor(), clock),
      cancelled(io.get_executor(), clock);
  std::vector<std::string> seen;
  auto record = [&](const std::string& name) {
    return [&, name](boost::system::error_code ec) {
      seen.push_back(name +
                     (ec == boost::asio::error::operation_aborted ? " aborted"
                      : ec                                        ? " failed"
                                                                  : "") +
                     " @" + std::to_string(clock.now().count() / 1000000) + "s");
    };
  };
  late.expires_after(5s);
  late.async_wait(record("late"));
  late.async_wait(record("late, second wait"));  // as on a steady_timer, both complete
  early.expires_after(2s);
  early.async_wait(record("early"));
  rearmed.expires_after(1s);
  rearmed.async_wait(record("rearmed (first)"));
  rearmed.expires_after(3s);
  rearmed.async_wait(record("rearmed"));
  cancelled.expires_after(4s);
  cancelled.async_wait(record("cancelled"));
  cancelled.cancel();
  clock.run_until(Time(10s));
  EXPECT_EQ(seen, (std::vector<std::string>{"rearmed (first) aborted @0s", "cancelled aborted @0s", "early @2s",
                                            "rearmed @3s", "late @5s", "late, second wait @5s"}));
  EXPECT_EQ(clock.now(), Time(10s));
}

// Goal: however often a virtual timer is armed again, sooner or later than before, a wait completes
// at the last expiry set and only then (no callback queued for an earlier arming fires a wait armed
// since), and a cancelled wait stays cancelled.
TEST(ScenarioTimer, OnAVirtualClockArmedAgainItFiresAtTheLastExpiryOnly) {
  VirtualClock clock;
  boost::asio::io_context io;
  clock.attach(io);
  ScenarioTimer timer(io.get_executor(), clock);
  std::vector<std::string> seen;
  auto record = [&](const std::string& name) {
    return [&, name](boost::system::error_code ec) {
      seen.push_back(name + (ec == boost::asio::error::operation_aborted ? " aborted" : "") + " @" +
                     std::to_string(clock.now().count() / 1000000) + "s");
    };
  };
  timer.expires_after(5s);
  timer.async_wait(record("5s"));
  timer.expires_after(2s);  // sooner than the callback queued for 5 s
  timer.async_wait(record("2s"));
  clock.run_until(Time(3s));
  timer.expires_after(1s);
  timer.async_wait(record("4s"));
  clock.run_until(Time(6s));
  timer.expires_after(10s);
  timer.async_wait(record("16s"));
  timer.expires_after(1s);  // sooner again
  timer.async_wait(record("7s"));
  clock.run_until(Time(8s));
  timer.expires_after(2s);
  timer.async_wait(record("10s"));
  clock.run_until(Time(9s));
  timer.expires_after(3s);  // later: the callback queued for 10 s serves it at 12 s
  timer.async_wait(record("12s"));
  clock.run_until(Time(12500ms));
  timer.expires_after(1s);
  timer.async_wait(record("cancelled"));
  timer.cancel();
  clock.run_until(Time(20s));
  EXPECT_EQ(seen, (std::vector<std::string>{"5s aborted @0s", "2s @2s", "4s @4s", "16s aborted @6s", "7s @7s",
                                            "10s aborted @9s", "12s @12s", "cancelled aborted @12s"}));
}

// Goal: on a virtual clock cancel_quietly() drops a pending wait without running its handler, which
// is destroyed at once (what it holds is released), and the wait never fires; a wait armed after it
// fires as usual. cancel() on the same timer still runs its handler with operation_aborted.
TEST(ScenarioTimer, OnAVirtualClockCancelQuietlyDropsTheHandlerUnrun) {
  VirtualClock clock;
  boost::asio::io_context io;
  clock.attach(io);
  ScenarioTimer timer(io.get_executor(), clock);
  std::vector<std::string> seen;
  auto held = std::make_shared<int>(0);
  timer.expires_after(1s);
  timer.async_wait([&, held](boost::system::error_code ec) { seen.push_back(ec ? "dropped ran" : "dropped fired"); });
  EXPECT_EQ(held.use_count(), 2);
  timer.cancel_quietly();
  EXPECT_EQ(held.use_count(), 1);  // the handler is gone, not queued to run
  timer.expires_after(2s);
  timer.async_wait([&](boost::system::error_code ec) { seen.push_back(ec ? "second aborted" : "second fired"); });
  clock.run_until(Time(3s));
  timer.expires_after(1s);
  timer.async_wait([&](boost::system::error_code ec) {
    seen.push_back(ec == boost::asio::error::operation_aborted ? "third aborted" : "third fired");
  });
  timer.cancel();
  clock.run_until(Time(10s));
  EXPECT_EQ(seen, (std::vector<std::string>{"second fired", "third aborted"}));
}

// Goal: on a virtual clock the timer gives its io_context no reactor (it makes no steady_timer): with
// one, each poll of the io_context, which the clock makes before every instant, is an epoll_wait
// syscall. A timer on a live clock does give it one, which shows the check can see it.
TEST(ScenarioTimer, OnAVirtualClockItGivesTheIoContextNoReactor) {
  VirtualClock clock;
  boost::asio::io_context io;
  clock.attach(io);
  ScenarioTimer timer(io.get_executor(), clock);
  bool fired = false;
  timer.expires_after(1s);
  timer.async_wait([&](boost::system::error_code ec) { fired = !ec; });
  clock.run_until(Time(2s));
  EXPECT_TRUE(fired);
  EXPECT_FALSE(boost::asio::has_service<boost::asio::detail::reactor>(io));

  ScaledClock live(0.001);
  ScenarioTimer live_timer(io.get_executor(), live);
  EXPECT_TRUE(boost::asio::has_service<boost::asio::detail::reactor>(io));
}

}  // namespace
}  // namespace bg::core
