#include "judge/checker_support.h"

#include <fmt/format.h>

namespace bg::judge {

std::string checker_secs(core::Time t) { return fmt::format("{:.3f}s", core::to_seconds(t)); }

void add_violation(reports::InvariantResult& result, std::string text) {
  ++result.violations;
  if (result.evidence.size() < kMaxCheckerEvidence) result.evidence.push_back(std::move(text));
}

void EarliestEvidence::add(uint64_t seq, std::string text) {
  ++count_;
  if (kept_.size() == kMaxCheckerEvidence && seq > kept_.rbegin()->first) return;
  kept_.emplace(seq, std::move(text));
  if (kept_.size() > kMaxCheckerEvidence) kept_.erase(std::prev(kept_.end()));
}

void EarliestEvidence::into(reports::InvariantResult& result) const {
  result.violations += count_;
  for (const auto& [seq, text] : kept_)
    if (result.evidence.size() < kMaxCheckerEvidence) result.evidence.push_back(text);
}

void EvidenceBySwap::add(int swap, std::string text) {
  ++count_;
  auto& kept = kept_[swap];
  if (kept.size() < kMaxCheckerEvidence) kept.push_back(std::move(text));
}

void EvidenceBySwap::into(reports::InvariantResult& result) const {
  result.violations += count_;
  for (const auto& [swap, texts] : kept_)
    for (const auto& text : texts)
      if (result.evidence.size() < kMaxCheckerEvidence) result.evidence.push_back(text);
}

std::optional<std::string> asset_build(const std::string& path) {
  constexpr std::string_view prefix = "/_next/static/";
  if (!path.starts_with(prefix)) return std::nullopt;
  const auto rest = path.substr(prefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string::npos || slash == 0) return std::nullopt;
  // A real build's .next/static/ holds its build id's folder beside chunks/, css/ and media/, whose
  // content-hashed files belong to no one build id.
  const auto folder = rest.substr(0, slash);
  if (folder == "chunks" || folder == "css" || folder == "media") return std::nullopt;
  return folder;
}

}  // namespace bg::judge
