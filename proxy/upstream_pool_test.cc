#include "proxy/upstream_pool.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace bg::proxy {
namespace {

using namespace std::chrono_literals;

Upstream make_upstream(std::vector<UpstreamServer> servers) {
  Upstream u;
  u.name = "backends";
  u.servers = std::move(servers);
  return u;
}

UpstreamServer server(std::string address, int weight = 1) {
  UpstreamServer s;
  s.address = std::move(address);
  s.host = "localhost";
  s.weight = weight;
  return s;
}

// One whole request that succeeds on its first peer; returns that peer's address.
std::string pick_and_succeed(UpstreamPool& pool, core::Time now) {
  PeerRequest r = pool.begin_request();
  auto ref = pool.get_peer(r, now);
  if (!ref) return "none";
  std::string address = pool.server(*ref).address;
  pool.free_peer(r, false, now);
  return address;
}

// One request whose first attempt fails; returns that peer's address and the transition.
std::string pick_and_fail(UpstreamPool& pool, core::Time now, PeerTransition* t = nullptr) {
  PeerRequest r = pool.begin_request();
  auto ref = pool.get_peer(r, now);
  if (!ref) return "none";
  std::string address = pool.server(*ref).address;
  auto tr = pool.free_peer(r, true, now);
  if (t) *t = tr;
  return address;
}

}  // namespace

// Goal: two equal peers alternate, and a fresh worker starts with the first (§1).
TEST(UpstreamPool, TwoEqualPeersAlternateStartingWithTheFirst) {
  UpstreamPool pool(make_upstream({server("localhost:3000"), server("localhost:3001")}));
  std::vector<std::string> seen;
  for (int i = 0; i < 4; ++i) seen.push_back(pick_and_succeed(pool, 0s));
  EXPECT_EQ(seen, (std::vector<std::string>{"localhost:3000", "localhost:3001", "localhost:3000", "localhost:3001"}));
}

// Goal: smooth weighted round robin spreads weights 5,1,1 as nginx does: a a b a c a a.
TEST(UpstreamPool, WeightsFiveOneOneGiveTheSmoothSequence) {
  UpstreamPool pool(make_upstream({server("a", 5), server("b", 1), server("c", 1)}));
  std::string seq;
  for (int i = 0; i < 7; ++i) seq += pick_and_succeed(pool, 0s);
  EXPECT_EQ(seq, "aabacaa");
}

// Goal: a peer that failed once is skipped for fail_timeout (whole seconds, so 10 to 11 s), then
// exactly one request probes it while the others keep skipping it.
TEST(UpstreamPool, FailedPeerIsSkippedForFailTimeoutThenProbedByOneRequest) {
  UpstreamPool pool(make_upstream({server("a"), server("b")}));
  PeerTransition t;
  ASSERT_EQ(pick_and_fail(pool, 2'300'000us, &t), "a");  // failed at 2.3 s: checked = 2
  EXPECT_TRUE(t.disabled);
  EXPECT_TRUE(t.newly_disabled);
  for (core::Time at : {core::Time(3s), core::Time(8s), core::Time(12s), core::Time(12'999'999us)})
    EXPECT_EQ(pick_and_succeed(pool, at), "b") << at.count();
  // At 13 s, 13 - 2 > 10: the window is over. Of several requests in flight together, exactly one
  // takes the probe (its effective weight dropped, so not necessarily the first).
  std::vector<PeerRequest> inflight(6);
  int probes = 0;
  for (auto& r : inflight) {
    r = pool.begin_request();
    auto ref = pool.get_peer(r, 13s);
    ASSERT_TRUE(ref);
    probes += pool.server(*ref).address == "a";
  }
  EXPECT_EQ(probes, 1);
  // The probe succeeds: fails cleared, the peer rejoins the rotation.
  bool recovered = false;
  for (auto& r : inflight) recovered |= pool.free_peer(r, false, 14s).recovered;
  EXPECT_TRUE(recovered);
  std::string seq;
  for (int i = 0; i < 4; ++i) seq += pick_and_succeed(pool, 14s);
  EXPECT_EQ(std::count(seq.begin(), seq.end(), 'a'), 2) << seq;
}

// Goal: a failed probe disables the peer for another whole window.
TEST(UpstreamPool, FailedProbeDisablesThePeerAgain) {
  UpstreamPool pool(make_upstream({server("a"), server("b")}));
  ASSERT_EQ(pick_and_fail(pool, 0s), "a");
  // At 11 s requests run one by one until one probes "a", which fails again.
  PeerTransition t;
  int probes = 0;
  for (int i = 0; i < 4 && probes == 0; ++i) {
    PeerRequest r = pool.begin_request();
    auto ref = pool.get_peer(r, 11s);
    ASSERT_TRUE(ref);
    bool is_a = pool.server(*ref).address == "a";
    probes += is_a;
    auto tr = pool.free_peer(r, is_a, 11s);
    if (is_a) t = tr;
  }
  ASSERT_EQ(probes, 1);
  EXPECT_TRUE(t.disabled);
  EXPECT_TRUE(t.newly_disabled);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(pick_and_succeed(pool, 21s), "b");  // 21 - 11 is not > 10
  std::string later;
  for (int i = 0; i < 4; ++i) later += pick_and_succeed(pool, 22s);
  EXPECT_NE(later.find('a'), std::string::npos) << later;
}

// Goal: with every peer failed there is no peer at all (the caller answers 502 without connecting),
// and no "quick recovery" clears the marks (nginx >= 1.11.5).
TEST(UpstreamPool, AllPeersFailedGivesNoPeer) {
  UpstreamPool pool(make_upstream({server("a"), server("b")}));
  PeerRequest r = pool.begin_request();
  ASSERT_EQ(r.tries, 2);
  ASSERT_TRUE(pool.get_peer(r, 1s));
  pool.free_peer(r, true, 1s);
  ASSERT_TRUE(pool.get_peer(r, 1s));
  pool.free_peer(r, true, 1s);
  EXPECT_EQ(r.tries, 0);
  PeerRequest next = pool.begin_request();
  EXPECT_FALSE(pool.get_peer(next, 5s));
  PeerRequest again = pool.begin_request();
  EXPECT_FALSE(pool.get_peer(again, 6s));
  for (const auto& s : pool.snapshot(6s)) EXPECT_FALSE(s.selectable) << s.address;
}

// Goal: a one-server upstream is never marked failed and never retried.
TEST(UpstreamPool, SingleServerIsNeverDisabled) {
  UpstreamPool pool(make_upstream({server("a")}));
  EXPECT_TRUE(pool.single());
  for (int i = 0; i < 5; ++i) {
    PeerRequest r = pool.begin_request();
    ASSERT_TRUE(pool.get_peer(r, 1s)) << i;
    auto t = pool.free_peer(r, true, 1s);
    EXPECT_FALSE(t.disabled);
    EXPECT_EQ(r.tries, 0);
  }
  EXPECT_EQ(pick_and_succeed(pool, 1s), "a");
}

// Goal: max_fails=0 turns failure accounting off: the peer stays in rotation however often it fails.
TEST(UpstreamPool, MaxFailsZeroNeverDisables) {
  auto a = server("a");
  a.max_fails = 0;
  UpstreamPool pool(make_upstream({a, server("b")}));
  for (int i = 0; i < 3; ++i) {
    PeerTransition t;
    EXPECT_EQ(pick_and_fail(pool, 1s, &t), "a");
    EXPECT_FALSE(t.disabled);
    EXPECT_EQ(pick_and_succeed(pool, 1s), "b");
  }
}

// Goal: a request tries each peer at most once, and tries counts only non-down peers.
TEST(UpstreamPool, RequestNeverTriesAPeerTwiceAndSkipsDownPeers) {
  auto c = server("c");
  c.down = true;
  UpstreamPool pool(make_upstream({server("a"), server("b"), c}));
  PeerRequest r = pool.begin_request();
  EXPECT_EQ(r.tries, 2);
  auto first = pool.get_peer(r, 0s);
  pool.free_peer(r, false, 0s);
  auto second = pool.get_peer(r, 0s);
  ASSERT_TRUE(first && second);
  EXPECT_NE(pool.server(*first).address, pool.server(*second).address);
  pool.free_peer(r, false, 0s);
  EXPECT_FALSE(pool.get_peer(r, 0s));
}

// Goal: backups serve only when no primary is eligible.
TEST(UpstreamPool, BackupUsedOnlyWhenNoPrimaryIsEligible) {
  auto backup = server("z");
  backup.backup = true;
  UpstreamPool pool(make_upstream({server("a"), backup}));
  EXPECT_FALSE(pool.single());
  EXPECT_EQ(pick_and_succeed(pool, 0s), "a");
  EXPECT_EQ(pick_and_succeed(pool, 0s), "a");
  EXPECT_EQ(pick_and_fail(pool, 1s), "a");
  EXPECT_EQ(pick_and_succeed(pool, 2s), "z");
  // Within one request: the primary fails, the retry goes to the backup.
  UpstreamPool fresh(make_upstream({server("a"), backup}));
  PeerRequest r = fresh.begin_request();
  EXPECT_EQ(r.tries, 2);
  ASSERT_EQ(fresh.server(*fresh.get_peer(r, 0s)).address, "a");
  fresh.free_peer(r, true, 0s);
  auto next = fresh.get_peer(r, 0s);
  ASSERT_TRUE(next);
  EXPECT_EQ(fresh.server(*next).address, "z");
}

// Goal: max_conns excludes a peer while it has that many attempts in flight.
TEST(UpstreamPool, MaxConnsExcludesABusyPeer) {
  auto a = server("a");
  a.max_conns = 1;
  UpstreamPool pool(make_upstream({a, server("b")}));
  PeerRequest busy = pool.begin_request();
  ASSERT_EQ(pool.server(*pool.get_peer(busy, 0s)).address, "a");
  EXPECT_EQ(pick_and_succeed(pool, 0s), "b");
  EXPECT_EQ(pick_and_succeed(pool, 0s), "b");
  pool.free_peer(busy, false, 0s);
  std::string after = pick_and_succeed(pool, 0s) + pick_and_succeed(pool, 0s);
  EXPECT_NE(after.find('a'), std::string::npos) << after;
}

// Goal: proxy_next_upstream_tries caps the attempts a request may make.
TEST(UpstreamPool, NextUpstreamTriesCapsTries) {
  UpstreamPool pool(make_upstream({server("a"), server("b"), server("c")}));
  EXPECT_EQ(pool.begin_request().tries, 3);
  EXPECT_EQ(pool.begin_request(1).tries, 1);
}

}  // namespace bg::proxy
