#include "core/history.h"

#include <gtest/gtest.h>

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
  h.append(ContainerEvent{2s, "blue-blue-1", "blue", "blue", "exited", 137, "SIGKILL"});
  h.append(DeployEvent{3s, "hook_finished", 1, "ApplicationStart", "scripts/switch_docker.sh", 0, ""});

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
}

// Goal: a malformed line is reported with its file and line number, not skipped.
TEST(History, MalformedLineNamesFileAndLine) {
  std::stringstream in("{\"type\":\"deploy\",\"at\":1}\n{\"type\":\"nonsense\"}\n");
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
      for (int i = 0; i < 500; ++i) h.append(AppEvent{Time(i), "c", "b", "ready"});
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(h.size(), 2000u);
}

TEST(History, ByTimeOrdersRequestsByTheirEnd) {
  History h;
  RequestEvent late;
  late.end = 5s;
  h.append(late);
  h.append(DeployEvent{1s, "phase"});
  auto sorted = h.by_time();
  EXPECT_EQ(event_type_name(sorted[0].event), std::string("deploy"));
}

}  // namespace bg::core
