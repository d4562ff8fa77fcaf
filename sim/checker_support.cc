#include "sim/checker_support.h"

#include <fmt/format.h>

#include <algorithm>

namespace bg::sim {

std::string checker_secs(core::Time t) { return fmt::format("{:.3f}s", core::to_seconds(t)); }

void add_violation(reports::InvariantResult& result, std::string text) {
  ++result.violations;
  if (result.evidence.size() < kMaxCheckerEvidence) result.evidence.push_back(std::move(text));
}

std::map<std::string, int> build_ranks(const std::vector<core::Entry>& entries) {
  // Entries are in append order; the first mention is the earliest in scenario time too, but the
  // time is compared anyway so a saved history read back in any order ranks the same.
  std::map<std::string, core::Time> first;
  for (const auto& a : core::events_of<core::AppEvent>(entries)) {
    if (a.build_id.empty()) continue;
    auto [it, inserted] = first.emplace(a.build_id, a.at);
    if (!inserted && a.at < it->second) it->second = a.at;
  }
  std::vector<std::pair<core::Time, std::string>> order;
  for (const auto& [build, at] : first) order.emplace_back(at, build);
  std::sort(order.begin(), order.end());
  std::map<std::string, int> ranks;
  for (size_t i = 0; i < order.size(); ++i) ranks[order[i].second] = static_cast<int>(i);
  return ranks;
}

std::string build_of_container(const std::vector<core::Entry>& entries, const std::string& container,
                               core::Time since) {
  for (const auto& a : core::events_of<core::AppEvent>(entries))
    if (a.container == container && !a.build_id.empty() && a.at >= since) return a.build_id;
  return {};
}

std::optional<std::string> asset_build(const std::string& path) {
  constexpr std::string_view prefix = "/_next/static/";
  if (!path.starts_with(prefix)) return std::nullopt;
  const auto rest = path.substr(prefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string::npos || slash == 0) return std::nullopt;
  return rest.substr(0, slash);
}

}  // namespace bg::sim
