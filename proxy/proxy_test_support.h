#pragma once
// Test helpers for the live proxy tests that only the proxy needs: its log events by kind, and the
// naming of the cases run on one and on two io_context threads. What every live test shares
// (waits, loopback clients, TestBackend, KeepaliveBackend) is in test_support/; the manual clock is
// core::ManualClock.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/history.h"
#include "test_support/keepalive_backend.h"
#include "test_support/loopback.h"
#include "test_support/test_backend.h"
#include "test_support/wait.h"

namespace bg::proxy::test_support {

// The shared test support, reachable as proxy::test_support:: too.
using namespace bg::test_support;

// The proxy's log events of one kind (access_log, error_log, ...), in order.
std::vector<core::ProxyEvent> proxy_events(const core::History& history, core::ProxyEventKind kind);

// The live proxy tests run each case with the io_context on two threads (sessions on strands) and
// on one (ProxyServer::run_on_one_thread: no strands); the parameter is the thread count.
inline std::string io_threads_name(const ::testing::TestParamInfo<int>& info) {
  return info.param == 1 ? "OneThread" : std::to_string(info.param) + "Threads";
}
// The running case's name as one folder name ("Case/OneThread" has a slash).
inline std::string test_dir_name() {
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  for (char& c : name)
    if (c == '/') c = '_';
  return name;
}

}  // namespace bg::proxy::test_support
