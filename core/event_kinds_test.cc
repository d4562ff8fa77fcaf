#include "core/event_kinds.h"

#include <gtest/gtest.h>

#include <set>

namespace bg::core {
namespace {

// Every value of `all` has a name of its own that reads back as itself, `all` lists the enum's values
// in order (value i at index i) and the value past the last has no name: an enumerator added without
// joining `all` gets a name (the switch must cover it) and fails here instead of failing to parse.
template <typename Kind, size_t N>
void expect_round_trip(const Kind (&all)[N], std::string_view (*name_of)(Kind),
                       std::optional<Kind> (*parse)(std::string_view)) {
  std::set<std::string_view> names;
  for (size_t i = 0; i < N; ++i) {
    EXPECT_EQ(static_cast<size_t>(all[i]), i);
    const auto name = name_of(all[i]);
    EXPECT_FALSE(name.empty()) << i;
    EXPECT_TRUE(names.insert(name).second) << name << " names two values";
    EXPECT_EQ(parse(name), all[i]) << name;
  }
  EXPECT_EQ(name_of(static_cast<Kind>(N)), "") << "a value past the last one of the list has a name";
}

}  // namespace

// Goal: every kind's name reads back as itself, so history.jsonl round-trips every event bluegreen writes.
TEST(EventKinds, NamesReadBackAsThemselves) {
  expect_round_trip(kContainerWhats, container_what_name, parse_container_what);
  expect_round_trip(kAppWhats, app_what_name, parse_app_what);
  expect_round_trip(kProxyEventKinds, proxy_event_kind_name, parse_proxy_event_kind);
  expect_round_trip(kDeployEventKinds, deploy_event_kind_name, parse_deploy_event_kind);
  expect_round_trip(kHarnessPhases, harness_phase_name, parse_harness_phase);
}

// Goal: the names are the words saved histories and test fixtures already hold (the format did not change).
TEST(EventKinds, NamesAreTheHistoryWords) {
  EXPECT_EQ(container_what_name(ContainerWhat::stop_requested), "stop_requested");
  EXPECT_EQ(container_what_name(ContainerWhat::port_unpublished), "port_unpublished");
  EXPECT_EQ(app_what_name(AppWhat::execution), "execution");
  EXPECT_EQ(proxy_event_kind_name(ProxyEventKind::access_log), "access_log");
  EXPECT_EQ(proxy_event_kind_name(ProxyEventKind::unowned_address_refused), "unowned_address_refused");
  EXPECT_EQ(deploy_event_kind_name(DeployEventKind::hook_timed_out), "hook_timed_out");
  EXPECT_EQ(deploy_event_kind_name(DeployEventKind::workflow_not_triggered), "workflow_not_triggered");
  EXPECT_EQ(harness_phase_name(HarnessPhase::swap_started), "swap_started");
  EXPECT_EQ(harness_phase_name(HarnessPhase::traffic_stopped), "traffic_stopped");
}

// Goal: a word that is no kind is refused, not read as one: another event type's kind, a different
// case, a blank.
TEST(EventKinds, OtherWordsAreNoKind) {
  for (std::string_view w : {"", "STARTED", "start", " started", "hook_started", "access_log"})
    EXPECT_FALSE(parse_container_what(w).has_value()) << w;
  for (std::string_view w : {"", "Ready", "ready ", "created", "error_log"})
    EXPECT_FALSE(parse_app_what(w).has_value()) << w;
  for (std::string_view w : {"", "error", "exited", "phase", "reloaded"})
    EXPECT_FALSE(parse_proxy_event_kind(w).has_value()) << w;
  for (std::string_view w : {"", "deployment", "hook", "created", "swap_started", "end"})
    EXPECT_FALSE(parse_deploy_event_kind(w).has_value()) << w;
  for (std::string_view w : {"", "phase", "swap", "Swap_started", "push", "before streaming"})
    EXPECT_FALSE(parse_harness_phase(w).has_value()) << w;
}

// Goal: a phase event's detail is its phase's name, alone or followed by what the run drew for it;
// the name must still be a phase's, whole.
TEST(EventKinds, APhaseDetailMayCarryWhatWasDrawn) {
  EXPECT_EQ(parse_harness_phase_detail("swap_started"), HarnessPhase::swap_started);
  EXPECT_EQ(parse_harness_phase_detail("swap_started swap_interval 9.120s (drawn from 8s..12s)"),
            HarnessPhase::swap_started);
  for (std::string_view w : {"", " swap_started", "swap_started_x 1s", "swap 1s"})
    EXPECT_FALSE(parse_harness_phase_detail(w).has_value()) << w;
}

}  // namespace bg::core
