// The real app's protocol lines (apps/next/src/bluegreen-preload.js) as the engine reads them.
#include "fakes/nextjs/real_next_protocol.h"

#include <gtest/gtest.h>

namespace bg::fakes {
namespace {

using K = ProtocolLine::Kind;

// Goal: every line the preload and the echo route print is read with its fields.
TEST(RealNextProtocol, ReadsEveryLineThePreloadPrints) {
  auto begin = parse_protocol_line("bluegreen begin n=7 request_id=1234");
  ASSERT_TRUE(begin);
  EXPECT_EQ(begin->kind, K::begin);
  EXPECT_EQ(begin->n, 7u);
  EXPECT_EQ(begin->request_id, 1234u);
  auto end = parse_protocol_line("bluegreen end n=7");
  ASSERT_TRUE(end);
  EXPECT_EQ(end->kind, K::end);
  EXPECT_EQ(end->n, 7u);
  auto execution = parse_protocol_line("bluegreen execution request_id=18 execution_id=blue-blue-1-3");
  ASSERT_TRUE(execution);
  EXPECT_EQ(execution->kind, K::execution);
  EXPECT_EQ(execution->request_id, 18u);
  EXPECT_EQ(execution->execution_id, "blue-blue-1-3");
  auto listening = parse_protocol_line("bluegreen listening port=40123");
  ASSERT_TRUE(listening);
  EXPECT_EQ(listening->kind, K::listening);
  EXPECT_EQ(listening->detail, "port=40123");
  EXPECT_EQ(parse_protocol_line("bluegreen ready")->kind, K::ready);
  EXPECT_EQ(parse_protocol_line("bluegreen draining")->kind, K::draining);
}

// Goal: Next's own output, a user's console.log and a malformed protocol line are not the protocol
// (they go to `docker logs` as printed).
TEST(RealNextProtocol, AnythingElseIsNotTheProtocol) {
  for (const char* line :
       {"Listening on port 3000", "▲ Next.js 14.1.0", "", "bluegreen", "bluegreen ", "bluegreen unknown n=1",
        "bluegreen begin n=1", "bluegreen begin n=x request_id=1", "bluegreen begin n=1 request_id=-1", "bluegreen end",
        "bluegreen end n=", "bluegreen execution request_id=1", "bluegreen listening port=", "bluegreen ready now",
        " bluegreen ready", "bluegreenready", "bluegreen execution request_id=1 execution_id="})
    EXPECT_FALSE(parse_protocol_line(line)) << line;
}

// Goal: a request that began and never ended is cut at exit; one that ended is not; begin and end
// themselves log nothing, the lifecycle lines log their event.
TEST(RealNextProtocol, RequestsBegunAndNotEndedAreCutAtExit) {
  RealNextRequests r;
  auto take = [&](const char* line) { return r.take(*parse_protocol_line(line)); };
  EXPECT_FALSE(take("bluegreen begin n=1 request_id=11"));
  EXPECT_FALSE(take("bluegreen begin n=2 request_id=0"));
  EXPECT_FALSE(take("bluegreen begin n=3 request_id=13"));
  EXPECT_FALSE(take("bluegreen end n=1"));
  EXPECT_FALSE(take("bluegreen end n=99"));  // never begun: nothing to end
  EXPECT_EQ(take("bluegreen execution request_id=13 execution_id=c-1"), core::AppWhat::execution);
  EXPECT_EQ(take("bluegreen draining"), core::AppWhat::draining);
  EXPECT_EQ(r.in_flight(), 2u);
  EXPECT_EQ(r.cut_at_exit(), (std::vector<uint64_t>{0, 13}));
  EXPECT_EQ(r.in_flight(), 0u);
  EXPECT_TRUE(r.cut_at_exit().empty());
}

// Goal: a process whose every request ended cuts nothing.
TEST(RealNextProtocol, NothingIsCutWhenEveryRequestEnded) {
  RealNextRequests r;
  EXPECT_EQ(r.take(*parse_protocol_line("bluegreen listening port=1")), core::AppWhat::listening);
  EXPECT_EQ(r.take(*parse_protocol_line("bluegreen ready")), core::AppWhat::ready);
  r.take(*parse_protocol_line("bluegreen begin n=1 request_id=5"));
  r.take(*parse_protocol_line("bluegreen end n=1"));
  EXPECT_TRUE(r.cut_at_exit().empty());
}

}  // namespace
}  // namespace bg::fakes
