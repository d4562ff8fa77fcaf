#include "fakes/codedeploy/lifecycle_event.h"

#include <array>
#include <utility>

namespace bg::fakes {
namespace {

constexpr std::array<std::pair<LifecycleEvent, std::string_view>, 13> kNames{{
    {LifecycleEvent::Start, "Start"},
    {LifecycleEvent::ApplicationStop, "ApplicationStop"},
    {LifecycleEvent::DownloadBundle, "DownloadBundle"},
    {LifecycleEvent::BeforeInstall, "BeforeInstall"},
    {LifecycleEvent::Install, "Install"},
    {LifecycleEvent::AfterInstall, "AfterInstall"},
    {LifecycleEvent::ApplicationStart, "ApplicationStart"},
    {LifecycleEvent::ValidateService, "ValidateService"},
    {LifecycleEvent::End, "End"},
    {LifecycleEvent::BeforeBlockTraffic, "BeforeBlockTraffic"},
    {LifecycleEvent::AfterBlockTraffic, "AfterBlockTraffic"},
    {LifecycleEvent::BeforeAllowTraffic, "BeforeAllowTraffic"},
    {LifecycleEvent::AfterAllowTraffic, "AfterAllowTraffic"},
}};

}  // namespace

std::string_view to_string(LifecycleEvent e) {
  for (const auto& [event, name] : kNames)
    if (event == e) return name;
  return "Unknown";
}

std::optional<LifecycleEvent> lifecycle_event_from(std::string_view name) {
  for (const auto& [event, n] : kNames)
    if (n == name) return event;
  return std::nullopt;
}

bool is_scriptable(LifecycleEvent e) {
  switch (e) {
    case LifecycleEvent::Start:
    case LifecycleEvent::DownloadBundle:
    case LifecycleEvent::Install:
    case LifecycleEvent::End:
      return false;
    default:
      return true;
  }
}

}  // namespace bg::fakes
