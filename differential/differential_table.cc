#include "differential/differential_table.h"

#include <map>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace bg::differential {
namespace {

std::string classes_cell(const EngineOutcome& o) {
  if (o.verdict == core::Verdict::error) return "error: " + o.error.substr(0, 120);
  if (o.classes.empty()) return "-";
  std::string out;
  for (const auto& [cls, n] : o.classes) out += fmt::format("{}{} ×{}", out.empty() ? "" : "; ", cls, n);
  return out;
}

std::string verdict_cell(const EngineOutcome& o) {
  std::string out(core::verdict_name(o.verdict));
  if (o.violated.empty()) return out;
  out += " (";
  for (size_t i = 0; i < o.violated.size(); ++i) out += (i ? ", " : "") + o.violated[i];
  return out + ")";
}

}  // namespace

EngineOutcome EngineOutcome::of(const reports::RunResult& r) {
  EngineOutcome o{r.verdict, r.failures_by_class, r.requests, r.error};
  o.swaps = static_cast<int>(r.swaps.size());
  for (const auto& s : r.swaps) o.swaps_succeeded += s.succeeded ? 1 : 0;
  for (const auto& inv : r.invariants)
    if (!inv.held) o.violated.push_back(inv.name);
  return o;
}

std::string failure_family(const std::string& cls) {
  // A backend that drops a connection with the request sent is seen as "upstream prematurely
  // closed" when its FIN arrives first and as "connection reset" when unread bytes made its kernel
  // answer RST: which one is a matter of microseconds, the same event behind either proxy.
  for (const char* word : {"upstream prematurely closed", "connection reset"}) {
    auto at = cls.find(word);
    if (at != std::string::npos) return cls.substr(0, at) + "upstream dropped the request";
  }
  return cls;
}

namespace {

std::map<std::string, int64_t> families(const EngineOutcome& o) {
  std::map<std::string, int64_t> out;
  for (const auto& [cls, n] : o.classes) out[failure_family(cls)] += n;
  return out;
}

// The families of `side` that `other` lacks, each with whether it is minor (under `share` of the
// side's failed requests).
std::vector<std::pair<std::string, bool>> one_sided(const EngineOutcome& side, const EngineOutcome& other,
                                                    double share) {
  const auto mine = families(side), theirs = families(other);
  int64_t failed = 0;
  for (const auto& [f, n] : mine) failed += n;
  std::vector<std::pair<std::string, bool>> out;
  for (const auto& [f, n] : mine)
    if (!theirs.count(f)) out.emplace_back(fmt::format("{} ×{}", f, n), static_cast<double>(n) < share * failed);
  return out;
}

}  // namespace

bool DifferentialRow::agree() const {
  if (ours.verdict == core::Verdict::error || nginx.verdict == core::Verdict::error || ours.verdict != nginx.verdict)
    return false;
  for (const auto& [a, b] : {std::pair{&ours, &nginx}, std::pair{&nginx, &ours}})
    for (const auto& [family, minor] : one_sided(*a, *b, minor_share))
      if (!minor) return false;
  return true;
}

std::string DifferentialRow::forgiven() const {
  if (!agree()) return "";
  std::string out;
  for (const auto& [a, b] : {std::pair{&ours, &nginx}, std::pair{&nginx, &ours}})
    for (const auto& [family, minor] : one_sided(*a, *b, minor_share))
      if (minor) out += (out.empty() ? "" : "; ") + family;
  return out;
}

std::string format_table(const std::vector<DifferentialRow>& rows, const std::string& ours, const std::string& theirs) {
  std::string out = fmt::format(
      "| variant | seed | verdict {0} / {1} | classes {0} | classes {1} | requests {0} / {1} "
      "| swaps ok {0} / {1} | agree |\n|---|---|---|---|---|---|---|---|\n",
      ours, theirs);
  for (const auto& r : rows)
    out += fmt::format("| {} | {} | {} / {} | {} | {} | {} / {} | {}/{} / {}/{} | {} |\n", r.variant, r.seed,
                       verdict_cell(r.ours), verdict_cell(r.nginx), classes_cell(r.ours), classes_cell(r.nginx),
                       r.ours.requests, r.nginx.requests, r.ours.swaps_succeeded, r.ours.swaps, r.nginx.swaps_succeeded,
                       r.nginx.swaps,
                       !r.agree()             ? "NO"
                       : r.forgiven().empty() ? "yes"
                                              : "yes, but for minor " + r.forgiven());
  return out;
}

}  // namespace bg::differential
