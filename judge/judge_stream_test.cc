// The judge reads a history in one pass, holding what may still be joined for core::kAppendLag: the
// verdict, counts, classes, outage, invariants and swap table must not depend on how late within
// that lag a request or a proxy line was appended, nor on whether the history came from memory or
// from its saved file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "core/history_reader.h"
#include "core/rng.h"
#include "judge/judge.h"
#include "judge/outage_meter.h"

namespace bg::judge {
namespace {

using namespace std::chrono_literals;
using core::Time;

Time at(double s) { return core::from_seconds(s); }

// Events of `swaps` swaps alternating blue and green, each building b<k>; a request every 100 ms,
// some refused around each stop with the proxy's line about them, every fifth a POST its backend
// logs. Each event with the time it would be appended at (a request at its end).
std::vector<std::pair<Time, core::Event>> swaps_history(int swaps) {
  std::vector<std::pair<Time, core::Event>> out;
  auto add = [&](Time t, core::Event e) { out.emplace_back(t, std::move(e)); };
  add(at(0), core::AppEvent{at(0), "blue-blue-1", "b0", core::AppWhat::ready});
  uint64_t id = 0;
  for (int k = 1; k <= swaps; ++k) {
    const double base = 60.0 * k;
    const std::string fresh = k % 2 ? "green-green-1" : "blue-blue-1";
    const std::string old = k % 2 ? "blue-blue-1" : "green-green-1";
    const std::string build = "b" + std::to_string(k), old_build = "b" + std::to_string(k - 1);
    add(at(base), core::DeployEvent{at(base), core::DeployEventKind::deployment_started, k});
    add(at(base + 2), core::DeployEvent{at(base + 2), core::DeployEventKind::image_built, 0, "", "", 0,
                                        "docker-image:latest 0 build_id=" + build});
    add(at(base + 5), core::ContainerEvent{at(base + 5), fresh, "", "", core::ContainerWhat::started});
    add(at(base + 6), core::AppEvent{at(base + 6), fresh, build, core::AppWhat::listening});
    add(at(base + 8), core::AppEvent{at(base + 8), fresh, build, core::AppWhat::ready});
    add(at(base + 20), core::ContainerEvent{at(base + 20), old, "", "", core::ContainerWhat::stop_requested});
    add(at(base + 20.5), core::ContainerEvent{at(base + 20.5), old, "", "", core::ContainerWhat::exited});
    add(at(base + 22), core::DeployEvent{at(base + 22), core::DeployEventKind::deployment_succeeded, k});
    for (double t = base; t < base + 60; t += 0.1) {
      core::RequestEvent q{++id, 0, id % 5 ? "GET" : "POST", id % 5 ? "/" : "/api/echo", at(t), at(t), at(t + 0.01)};
      const double into = t - base;
      const bool on_new = into >= 20 || (into >= 10 && id % 2);
      q.served_by = on_new ? fresh : old;
      q.build_id = on_new ? build : old_build;
      q.status = 200;
      if (into >= 19 && into < 21 && id % 7 == 0) {
        q.status = 502;
        q.outcome = core::Outcome::fail;
        q.served_by = q.build_id = "";
        add(q.end, core::ProxyEvent{q.end, core::ProxyEventKind::error_log, "error",
                                    "no live upstreams while connecting to upstream", "", q.id});
      }
      if (q.method == "POST" && q.outcome == core::Outcome::ok)
        add(q.end, core::AppEvent{q.end, q.served_by, q.build_id, core::AppWhat::execution, q.id});
      add(q.end, q);
    }
  }
  return out;
}

std::vector<core::Entry> in_append_order(std::vector<std::pair<Time, core::Event>> events) {
  std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<core::Entry> out;
  for (auto& [t, e] : events) out.push_back({out.size(), std::move(e)});
  return out;
}

// What a judged result concludes, without the evidence texts (their choice follows append order).
std::string conclusions(const reports::RunResult& r) {
  std::string out = fmt::format("{} {} {} {} {} outage {}\n", core::verdict_name(r.verdict), r.requests, r.ok, r.failed,
                                r.indeterminate, r.outage.count());
  for (const auto& [cls, n] : r.failures_by_class) out += fmt::format("{}={}\n", cls, n);
  for (const auto& i : r.invariants) out += fmt::format("{} {} {}\n", i.name, i.held, i.violations);
  auto t = [](const std::optional<Time>& v) { return v ? v->count() : -1; };
  for (const auto& s : r.swaps)
    out += fmt::format("swap {} {} {}->{} {} {} {} {} {} {} {} {} {} {} {} {}\n", s.deployment, s.succeeded,
                       s.old_container, s.new_container, t(s.new_started), t(s.new_ready), t(s.new_first_traffic),
                       t(s.old_stop_requested), t(s.old_stopped), t(s.mixed_from), t(s.mixed_to), s.lost.failed,
                       s.lost.indeterminate, s.lost.outage.count(), fmt::join(s.lost.by_phase, ","), t(s.finished));
  out += fmt::format("before {} {} {}\n", r.before_first_swap.failed, r.before_first_swap.indeterminate,
                     r.before_first_swap.outage.count());
  for (const auto& f : r.first_failures) out += fmt::format("first {} {}\n", f.request.id, f.cause);
  return out;
}

}  // namespace

// Goal: requests appended up to 20 s late (a slow client, a timeout), proxy lines logged after their
// request (a real nginx's log), change nothing the judge concludes.
TEST(JudgeStream, ConclusionsDoNotDependOnHowLateWithinTheLagEventsAreAppended) {
  auto events = swaps_history(6);
  reports::RunResult in_order;
  judge(in_append_order(events), in_order);
  ASSERT_EQ(in_order.verdict, bg::core::Verdict::violated);
  ASSERT_GT(in_order.failed, 0);
  ASSERT_EQ(in_order.swaps.size(), 6u);

  core::Rng rng(11);
  for (auto& [t, e] : events) {
    if (std::holds_alternative<core::RequestEvent>(e)) t += core::from_seconds(rng.uniform(0, 20));
    if (auto* p = std::get_if<core::ProxyEvent>(&e); p && rng.uniform(0, 1) < 0.5) t += 50ms;
  }
  reports::RunResult late;
  judge(in_append_order(events), late);
  EXPECT_EQ(conclusions(late), conclusions(in_order));
}

// Goal: the saved file is judged exactly like the same entries in memory, evidence included, and the
// read says the history is complete.
TEST(JudgeStream, ASavedHistoryIsJudgedLikeTheSameEntriesInMemory) {
  const auto entries = in_append_order(swaps_history(3));
  const auto path = std::filesystem::temp_directory_path() / ("bg-judge-" + std::to_string(::getpid()) + ".jsonl");
  {
    core::History h;
    h.stream_to(path);
    for (const auto& e : entries) h.append(e.event);
    h.close();
  }
  reports::RunResult from_memory, from_file;
  judge(entries, from_memory);
  const auto read = judge_history(core::file_source(path), from_file);
  std::filesystem::remove(path);
  EXPECT_TRUE(read.complete());
  EXPECT_EQ(conclusions(from_file), conclusions(from_memory));
  ASSERT_EQ(from_file.invariants.size(), from_memory.invariants.size());
  for (size_t i = 0; i < from_file.invariants.size(); ++i)
    EXPECT_EQ(from_file.invariants[i].evidence, from_memory.invariants[i].evidence) << from_file.invariants[i].name;
}

// Goal: a run judged while it is appended (the observer set before streaming starts, with entries
// already kept, as a run's World keeps some before its history streams) concludes exactly what reading
// its saved file back concludes, and sees as many events as the file holds.
TEST(JudgeStream, JudgingWhileAppendedIsJudgingTheSavedFile) {
  const auto entries = in_append_order(swaps_history(3));
  const auto path = std::filesystem::temp_directory_path() / ("bg-judge-obs-" + std::to_string(::getpid()) + ".jsonl");
  HistoryJudge live;
  core::HistoryRead as_appended;
  {
    core::History h;
    h.append(entries.front().event);  // kept in memory: handed on when the observer is set
    h.set_observer([&live](const core::Entry& e) { live.observe(e); });
    h.stream_to(path);
    for (size_t i = 1; i < entries.size(); ++i) h.append(entries[i].event);
    as_appended.end = h.close();
    as_appended.events = as_appended.end->events;
    h.append(entries.front().event);  // after the end: in neither the file nor the judge
  }
  reports::RunResult from_observer, from_file;
  live.finish(as_appended, from_observer);
  const auto read = judge_history(core::file_source(path), from_file);
  std::filesystem::remove(path);
  EXPECT_TRUE(read.complete());
  EXPECT_EQ(read.events, as_appended.events);
  EXPECT_EQ(conclusions(from_observer), conclusions(from_file));
  ASSERT_EQ(from_observer.invariants.size(), from_file.invariants.size());
  for (size_t i = 0; i < from_file.invariants.size(); ++i)
    EXPECT_EQ(from_observer.invariants[i].evidence, from_file.invariants[i].evidence) << from_file.invariants[i].name;
}

// Goal: a history whose end record says a signal stopped the run is judged as interrupted again.
TEST(JudgeStream, AnInterruptedHistoryStaysInterrupted) {
  const auto path = std::filesystem::temp_directory_path() / ("bg-judge-int-" + std::to_string(::getpid()) + ".jsonl");
  {
    core::History h;
    h.stream_to(path);
    for (const auto& e : in_append_order(swaps_history(1))) h.append(e.event);
    h.close("interrupted by SIGTERM: stopped before swap 2", "SIGTERM");
  }
  reports::RunResult r;
  judge_history(core::file_source(path), r);
  std::filesystem::remove(path);
  EXPECT_EQ(r.verdict, bg::core::Verdict::error);
  EXPECT_EQ(r.interrupted, "SIGTERM");
  EXPECT_NE(r.error.find("stopped before swap 2"), std::string::npos) << r.error;
  EXPECT_TRUE(r.invariants.empty());
}

// Goal: the outage meter holds only the requests of the append lag, however long the run, and
// counts the same outage as sorting every request by its send would.
TEST(OutageMeter, HoldsOnlyTheLagAndCountsLikeAFullSort) {
  OutageMeter meter;
  size_t most = 0;
  core::Time clock{};
  uint64_t seq = 0;
  // 3000 s at 20 requests a second; every 100th second fails for half a second.
  for (int i = 0; i < 60000; ++i) {
    core::RequestEvent q;
    q.intended = q.start = core::Time(int64_t{i} * 50'000);
    q.end = q.start + 10ms;
    const bool failing = (i / 20) % 100 == 0 && i % 20 < 10;
    q.outcome = failing ? core::Outcome::fail : core::Outcome::ok;
    clock = std::max(clock, q.end);
    meter.record(q, seq++, clock);
    most = std::max(most, meter.held());
  }
  EXPECT_LT(most, 7000u);  // 300 s of 20 a second, and a little
  EXPECT_EQ(meter.finish(), core::Time(30 * 500'000));
}

}  // namespace bg::judge
