#include "core/history_reader.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

namespace bg::core {
namespace {

std::filesystem::path temp_file(const std::string& tag) {
  return std::filesystem::temp_directory_path() / ("bg-history-" + std::to_string(::getpid()) + "-" + tag + ".jsonl");
}

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

// Goal: a streamed history writes each event as it comes and keeps none in memory, so a run's
// memory does not grow with its length; the file reads back with every event in order.
TEST(HistoryStream, WritesEachEventAsAppendedAndKeepsNone) {
  const auto path = temp_file("stream");
  History h;
  h.append(DeployEvent{1s, DeployEventKind::phase, 0, "", "", 0, "traffic_started"});
  h.stream_to(path);
  for (uint64_t i = 1; i <= 100; ++i) {
    RequestEvent q;
    q.id = i;
    q.end = Time(i * 1000);
    h.append(q);
  }
  EXPECT_TRUE(h.entries().empty());
  EXPECT_EQ(h.size(), 101u);
  h.close();
  std::vector<uint64_t> ids;
  auto read = read_history_file(path, [&](const Entry& e) {
    if (auto* q = std::get_if<RequestEvent>(&e.event)) ids.push_back(q->id);
  });
  EXPECT_EQ(read.events, 101u);
  ASSERT_EQ(ids.size(), 100u);
  EXPECT_EQ(ids.front(), 1u);
  EXPECT_EQ(ids.back(), 100u);
  EXPECT_TRUE(read.complete());
  std::filesystem::remove(path);
}

// Goal: the completeness record has the agreed shape ({"kind":"end","complete":true,...} with the
// counts per type) and carries why the run ended early; it is the file's last line.
TEST(HistoryStream, CloseWritesTheEndRecordWithCountsAndReason) {
  const auto path = temp_file("end");
  History h;
  h.stream_to(path);
  h.append(RequestEvent{});
  h.append(RequestEvent{});
  h.append(ContainerEvent{1s, "blue-blue-1", "blue", "blue", ContainerWhat::started});
  const auto end = h.close("interrupted by SIGTERM", "SIGTERM");
  EXPECT_EQ(end.events, 3u);
  const auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines.back().rfind(R"({"kind":"end","complete":true,"events":3,)", 0), 0u) << lines.back();
  auto read = read_history_file(path, [](const Entry&) {});
  ASSERT_TRUE(read.end);
  EXPECT_EQ(read.end->counts.at("request"), 2u);
  EXPECT_EQ(read.end->counts.at("container"), 1u);
  EXPECT_EQ(read.end->reason, "interrupted by SIGTERM");
  EXPECT_EQ(read.end->signal, "SIGTERM");
  std::filesystem::remove(path);
}

// Goal: once closed, later appends (a teardown's stragglers) are dropped, not written after the end.
TEST(HistoryStream, AppendsAfterCloseAreDropped) {
  const auto path = temp_file("closed");
  History h;
  h.stream_to(path);
  h.append(RequestEvent{});
  h.close();
  h.append(RequestEvent{});
  EXPECT_EQ(h.close().events, 1u);  // idempotent
  EXPECT_EQ(lines_of(path).size(), 2u);
  std::filesystem::remove(path);
}

// Goal: appends from many threads are all written, each line whole, seq unique and in file order.
TEST(HistoryStream, ConcurrentAppendsAreAllWrittenInSeqOrder) {
  const auto path = temp_file("threads");
  History h;
  h.stream_to(path);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) h.append(AppEvent{Time(i), "c", "b", AppWhat::ready});
    });
  for (auto& t : threads) t.join();
  h.close();
  const auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), 2001u);
  for (size_t i = 0; i + 1 < lines.size(); ++i) EXPECT_EQ(nlohmann::json::parse(lines[i]).at("seq").get<uint64_t>(), i);
  std::filesystem::remove(path);
}

// Goal: the observer of a streamed history (the run's judge, on the history's writer thread) gets
// every entry in seq order before close() returns, and setting another one hands the entries
// appended before it to the first: none is lost or seen twice.
TEST(HistoryStream, ObserversSeeEveryEntryOnceInOrderBeforeCloseReturns) {
  const auto path = temp_file("observers");
  History h;
  std::vector<uint64_t> first, second;
  h.append(DeployEvent{1s, DeployEventKind::phase, 0, "", "", 0, "traffic_started"});  // kept, then streamed
  h.set_observer([&first](const Entry& e) { first.push_back(e.seq); });
  h.stream_to(path);
  for (int i = 0; i < 1000; ++i) h.append(AppEvent{Time(i), "c", "b", AppWhat::ready});
  h.set_observer([&second](const Entry& e) { second.push_back(e.seq); });
  for (int i = 0; i < 300; ++i) h.append(AppEvent{Time(i), "c", "b", AppWhat::ready});
  EXPECT_EQ(h.close().events, 1301u);
  ASSERT_EQ(first.size(), 1001u);
  ASSERT_EQ(second.size(), 300u);
  for (uint64_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i], i);
  for (uint64_t i = 0; i < second.size(); ++i) EXPECT_EQ(second[i], 1001 + i);
  EXPECT_EQ(lines_of(path).size(), 1302u);
  std::filesystem::remove(path);
}

// Goal: an observer that throws (a checker's bug) does not cost the history: every line and the end
// record are written, and close() throws what the observer threw, so the run is not trusted.
TEST(HistoryStream, AnObserverThatThrowsIsReportedByCloseAndTheFileIsWhole) {
  const auto path = temp_file("throws");
  History h;
  int seen = 0;
  h.set_observer([&seen](const Entry& e) {
    ++seen;
    if (e.seq == 2) throw std::runtime_error("checker failed on entry 2");
  });
  h.stream_to(path);
  for (int i = 0; i < 10; ++i) h.append(RequestEvent{});
  try {
    h.close();
    ADD_FAILURE() << "close() did not throw the observer's exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "checker failed on entry 2");
  }
  EXPECT_EQ(seen, 3);  // none after the one that threw
  const auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), 11u);
  EXPECT_EQ(lines.back().rfind(R"({"kind":"end","complete":true,"events":10,)", 0), 0u) << lines.back();
  std::filesystem::remove(path);
}

// Goal: an appender far ahead of the writer waits for it, so a run's memory stays bounded however
// slow the disk or the judge: with the observer stuck, appends stop at the queue's bound (8192
// entries, plus the batch the writer took, which is at most as many), and once it moves on every
// entry is written.
TEST(HistoryStream, AppendsWaitForTheWriterOnceTheQueueIsFull) {
  const auto path = temp_file("bounded");
  std::mutex gate;  // before the history: its writer may wait on it until the history is gone
  std::unique_lock held(gate);
  History h;
  h.set_observer([&gate](const Entry&) { std::lock_guard pass(gate); });
  h.stream_to(path);
  std::thread appender([&h] {
    for (int i = 0; i < 20000; ++i) h.append(RequestEvent{});
  });
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (h.size() <= 8192 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  const size_t full = h.size();
  std::this_thread::sleep_for(100ms);  // time enough for 20000 appends, were they not held up
  const size_t later = h.size();
  held.unlock();
  appender.join();
  EXPECT_GT(full, 8192u);
  EXPECT_LE(later, 2 * 8192u);
  EXPECT_EQ(h.close().events, 20000u);
  EXPECT_EQ(lines_of(path).size(), 20001u);
  std::filesystem::remove(path);
}

// Goal: an entry whose line cannot be written (text that is not UTF-8, which JSON cannot carry) ends
// neither the writer nor the process: close() says which entry, so the run is not trusted, and
// every other line and the end record are written (a reader then sees one event fewer than the end
// record names: incomplete).
TEST(HistoryStream, AnEntryThatCannotBeWrittenIsReportedByClose) {
  const auto path = temp_file("unwritable");
  History h;
  h.stream_to(path);
  h.append(RequestEvent{});
  RequestEvent bad;
  bad.path = "/\xff";
  h.append(bad);
  h.append(RequestEvent{});
  try {
    h.close();
    ADD_FAILURE() << "close() did not say that an entry could not be written";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("could not write entry 1"), std::string::npos) << e.what();
  }
  EXPECT_EQ(lines_of(path).size(), 3u);
  const auto read = read_history_file(path, [](const Entry&) {});
  EXPECT_FALSE(read.complete());
  std::filesystem::remove(path);
}

// Goal: a history cut short (no end record, or fewer events than it names) is told apart from a
// complete one, so `report` can refuse it.
TEST(HistoryReader, TellsACompleteHistoryFromATruncatedOne) {
  History h;
  h.append(RequestEvent{});
  h.append(RequestEvent{});
  std::stringstream whole;
  h.write_jsonl(whole);
  const std::string text = whole.str();
  std::stringstream complete(text);
  EXPECT_TRUE(read_history(complete, "h", [](const Entry&) {}).complete());

  std::stringstream no_end(text.substr(0, text.find("{\"kind\"")));
  auto read = read_history(no_end, "h", [](const Entry&) {});
  EXPECT_FALSE(read.end.has_value());
  EXPECT_FALSE(read.complete());

  const auto first_newline = text.find('\n');
  std::stringstream missing_line(text.substr(first_newline + 1));
  read = read_history(missing_line, "h", [](const Entry&) {});
  ASSERT_TRUE(read.end.has_value());
  EXPECT_FALSE(read.complete());  // the record names 2 events, 1 was read
}

// Goal: anything after the end record is an error naming the line (two histories joined).
TEST(HistoryReader, RefusesALineAfterTheEndRecord) {
  History h;
  h.append(RequestEvent{});
  std::stringstream text;
  h.write_jsonl(text);
  h.write_jsonl(text);
  try {
    read_history(text, "joined.jsonl", [](const Entry&) {});
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("joined.jsonl:3"), std::string::npos) << e.what();
  }
}

// Goal: a malformed end record is named like any malformed line.
TEST(HistoryReader, MalformedEndRecordNamesItsLine) {
  std::stringstream in(
      "{\"type\":\"deploy\",\"at\":1,\"kind\":\"phase\",\"detail\":\"traffic_started\"}\n"
      "{\"kind\":\"end\",\"complete\":\"yes\",\"events\":1}\n");
  try {
    read_history(in, "h.jsonl", [](const Entry&) {});
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("h.jsonl:2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("complete"), std::string::npos) << e.what();
  }
}

// Goal: a number no integer field can hold is an error naming its line and field, not a cast
// with undefined behaviour (bg_fuzz_history found `3e+64` in a proxy record's "at").
TEST(HistoryReader, NumberOutOfRangeNamesItsLineAndField) {
  std::stringstream in(
      "{\"type\":\"deploy\",\"at\":1,\"kind\":\"phase\",\"detail\":\"traffic_started\"}\n{\"type\":\"proxy\",\"at\":3e+"
      "64}\n");
  try {
    read_history(in, "h.jsonl", [](const Entry&) {});
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("h.jsonl:2: field \"at\": 3e+64 is out of range"), std::string::npos)
        << e.what();
  }
  std::stringstream fine("{\"type\":\"deploy\",\"at\":1.5e3,\"kind\":\"phase\",\"detail\":\"traffic_started\"}\n");
  EXPECT_EQ(read_history(fine, "h.jsonl", [](const Entry&) {}).events, 1u);
}

// Goal: a kind bluegreen does not write (a newer bluegreen's, or an edited file's) is an error naming
// its line, field and word, not read as some default kind that checkers would then act on; so is a
// record without its kind.
TEST(HistoryReader, UnknownEventKindNamesItsLineAndWord) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"type":"container","at":1,"container":"blue-blue-1","what":"paused"})",
       R"(h.jsonl:2: field "what": unknown container event kind "paused")"},
      {R"({"type":"app","at":1,"container":"blue-blue-1","what":"Ready"})",
       R"(h.jsonl:2: field "what": unknown app event kind "Ready")"},
      {R"({"type":"proxy","at":1,"kind":"error"})", R"(h.jsonl:2: field "kind": unknown proxy event kind "error")"},
      {R"({"type":"deploy","at":1,"kind":"swap_started"})",
       R"(h.jsonl:2: field "kind": unknown deploy event kind "swap_started")"},
      {R"({"type":"deploy","at":1,"detail":"swap_started"})", R"(h.jsonl:2: deploy event has no "kind" field)"},
      {R"({"type":"deploy","at":1,"kind":"phase","detail":"swap_begun"})",
       R"(h.jsonl:2: field "detail": unknown harness phase "swap_begun")"},
      {R"({"type":"container","at":1,"container":"blue-blue-1"})", R"(h.jsonl:2: container event has no "what" field)"},
  };
  for (const auto& [line, message] : cases) {
    std::stringstream in(R"({"type":"deploy","at":0,"kind":"phase","detail":"traffic_started"})"
                         "\n" +
                         line + "\n");
    try {
      read_history(in, "h.jsonl", [](const Entry&) {});
      ADD_FAILURE() << "expected an error for " << line;
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()), message);
    }
  }
}

}  // namespace bg::core
