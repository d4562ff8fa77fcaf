#include "core/history.h"

#include <gtest/gtest.h>

#include <iterator>
#include <sstream>
#include <thread>

namespace bg::core {

// Goal: a saved history reads back identically, so `bluegreen report history.jsonl` judges the same run.
TEST(History, JsonlRoundTripKeepsEveryField) {
  History h;
  RequestEvent r;
  r.id = 9;
  r.method = "POST";
  r.path = "/api/echo";
  r.intended = 1s;
  r.start = 1s;
  r.end = Time(1'200'000);
  r.status = 502;
  r.outcome = Outcome::fail;
  r.served_by = "";
  h.append(r);
  h.append(ContainerEvent{2s, "blue-blue-1", "blue", "blue", ContainerWhat::exited, 137, "SIGKILL"});
  h.append(DeployEvent{3s, DeployEventKind::hook_finished, 1, "ApplicationStart", "scripts/switch_docker.sh", 0, ""});

  std::stringstream out;
  h.write_jsonl(out);
  History back = History::read_jsonl(out, "h.jsonl");
  ASSERT_EQ(back.size(), 3u);
  auto reqs = back.all<RequestEvent>();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].id, 9u);
  EXPECT_EQ(reqs[0].end, Time(1'200'000));
  EXPECT_EQ(reqs[0].outcome, Outcome::fail);
  auto containers = back.all<ContainerEvent>();
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_EQ(containers[0].exit_code, 137);
  EXPECT_EQ(containers[0].what, ContainerWhat::exited);
  ASSERT_EQ(back.all<DeployEvent>().size(), 1u);
  EXPECT_EQ(back.all<DeployEvent>()[0].kind, DeployEventKind::hook_finished);
}

// Goal: every kind of every event type is written as its name and reads back as itself, so no kind a
// run writes makes its own history unreadable.
TEST(History, JsonlRoundTripKeepsEveryKind) {
  History h;
  for (ContainerWhat w : kContainerWhats) h.append(ContainerEvent{1s, "blue-blue-1", "blue", "blue", w});
  for (AppWhat w : kAppWhats) h.append(AppEvent{2s, "blue-blue-1", "b1", w});
  for (ProxyEventKind k : kProxyEventKinds) h.append(ProxyEvent{3s, k});
  for (DeployEventKind k : kDeployEventKinds) {
    DeployEvent d{4s, k};
    if (k == DeployEventKind::phase) d.detail = harness_phase_name(HarnessPhase::swap_started);  // a phase names one
    h.append(d);
  }
  std::stringstream out;
  h.write_jsonl(out);
  EXPECT_NE(out.str().find(R"("what":"stop_requested")"), std::string::npos);
  EXPECT_NE(out.str().find(R"("kind":"hook_timed_out")"), std::string::npos);
  History back = History::read_jsonl(out, "h.jsonl");
  ASSERT_EQ(back.size(), h.size());
  const auto containers = back.all<ContainerEvent>();
  const auto apps = back.all<AppEvent>();
  const auto proxies = back.all<ProxyEvent>();
  const auto deploys = back.all<DeployEvent>();
  ASSERT_EQ(containers.size(), std::size(kContainerWhats));
  ASSERT_EQ(apps.size(), std::size(kAppWhats));
  ASSERT_EQ(proxies.size(), std::size(kProxyEventKinds));
  ASSERT_EQ(deploys.size(), std::size(kDeployEventKinds));
  for (size_t i = 0; i < containers.size(); ++i) EXPECT_EQ(containers[i].what, kContainerWhats[i]);
  for (size_t i = 0; i < apps.size(); ++i) EXPECT_EQ(apps[i].what, kAppWhats[i]);
  for (size_t i = 0; i < proxies.size(); ++i) EXPECT_EQ(proxies[i].kind, kProxyEventKinds[i]);
  for (size_t i = 0; i < deploys.size(); ++i) EXPECT_EQ(deploys[i].kind, kDeployEventKinds[i]);
}

// Goal: a malformed line is reported with its file and line number, not skipped.
TEST(History, MalformedLineNamesFileAndLine) {
  std::stringstream in(
      "{\"type\":\"deploy\",\"at\":1,\"kind\":\"phase\",\"detail\":\"traffic_started\"}\n{\"type\":\"nonsense\"}\n");
  try {
    History::read_jsonl(in, "run.jsonl");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("run.jsonl:2"), std::string::npos) << e.what();
  }
}

// Goal: appends from many threads are all kept.
TEST(History, ConcurrentAppendsAreAllKept) {
  History h;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) h.append(AppEvent{Time(i), "c", "b", AppWhat::ready});
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(h.size(), 2000u);
}

TEST(History, ByTimeOrdersRequestsByTheirEnd) {
  History h;
  RequestEvent late;
  late.end = 5s;
  h.append(late);
  h.append(DeployEvent{1s, DeployEventKind::phase});
  auto sorted = h.by_time();
  EXPECT_EQ(event_type_name(sorted[0].event), std::string("deploy"));
}

}  // namespace bg::core
