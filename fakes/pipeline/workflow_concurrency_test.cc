// The GitHub Actions concurrency rules of semantics.md §6, on the pure core.
#include "fakes/pipeline/workflow_concurrency.h"

#include <gtest/gtest.h>

namespace bg::fakes {
namespace {

using D = ConcurrencyDecision;

// Goal: without a group every run starts at once, whatever is running (§6 default).
TEST(WorkflowConcurrency, WithoutGroupRunsStartConcurrently) {
  WorkflowConcurrency c({});
  EXPECT_EQ(c.queued(1), (D{{1}, {}}));
  EXPECT_EQ(c.queued(2), (D{{2}, {}}));
  EXPECT_EQ(c.finished(1), (D{}));
}

// Goal: with a group one runs and one waits; a newer pending run cancels the older pending one;
// the pending run starts when the running one ends.
TEST(WorkflowConcurrency, GroupKeepsOneRunningAndNewestPending) {
  WorkflowConcurrency c({"Deploy-Prod", false});
  EXPECT_EQ(c.queued(1), (D{{1}, {}}));
  EXPECT_EQ(c.queued(2), (D{}));
  EXPECT_EQ(c.pending(), 2);
  EXPECT_EQ(c.queued(3), (D{{}, {2}}));
  EXPECT_EQ(c.pending(), 3);
  EXPECT_EQ(c.finished(2), (D{}));  // the cancelled run ending changes nothing
  EXPECT_EQ(c.finished(1), (D{{3}, {}}));
  EXPECT_EQ(c.running(), 3);
  EXPECT_FALSE(c.pending());
  EXPECT_EQ(c.finished(3), (D{}));
  EXPECT_EQ(c.queued(4), (D{{4}, {}}));
  EXPECT_EQ(c.group(), "deploy-prod");  // group names are case-insensitive
}

// Goal: cancel-in-progress cancels the running run and starts the new one.
TEST(WorkflowConcurrency, CancelInProgressReplacesTheRunningRun) {
  WorkflowConcurrency c({"deploy", true});
  EXPECT_EQ(c.queued(1), (D{{1}, {}}));
  EXPECT_EQ(c.queued(2), (D{{2}, {1}}));
  EXPECT_EQ(c.running(), 2);
  EXPECT_EQ(c.finished(1), (D{}));
  EXPECT_EQ(c.running(), 2);
}

}  // namespace
}  // namespace bg::fakes
