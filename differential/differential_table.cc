#include "differential/differential_table.h"

#include <fmt/format.h>

namespace bg::differential {
namespace {

std::string classes_cell(const EngineOutcome& o) {
  if (o.verdict == "error") return "error: " + o.error.substr(0, 120);
  if (o.classes.empty()) return "-";
  std::string out;
  for (const auto& [cls, n] : o.classes) out += fmt::format("{}{} ×{}", out.empty() ? "" : "; ", cls, n);
  return out;
}

}  // namespace

EngineOutcome EngineOutcome::of(const reports::RunResult& r) {
  EngineOutcome o{r.verdict, r.failures_by_class, r.requests, r.error};
  o.swaps = static_cast<int>(r.swaps.size());
  for (const auto& s : r.swaps) o.swaps_succeeded += s.succeeded ? 1 : 0;
  return o;
}

bool DifferentialRow::agree() const {
  if (ours.verdict == "error" || nginx.verdict == "error" || ours.verdict != nginx.verdict) return false;
  if (ours.classes.size() != nginx.classes.size()) return false;
  for (auto a = ours.classes.begin(), b = nginx.classes.begin(); a != ours.classes.end(); ++a, ++b)
    if (a->first != b->first) return false;
  return true;
}

std::string format_table(const std::vector<DifferentialRow>& rows) {
  std::string out =
      "| variant | seed | verdict ours / nginx | classes ours | classes nginx | requests ours / nginx "
      "| swaps ok ours / nginx | agree |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows)
    out += fmt::format("| {} | {} | {} / {} | {} | {} | {} / {} | {}/{} / {}/{} | {} |\n", r.variant, r.seed,
                       r.ours.verdict, r.nginx.verdict, classes_cell(r.ours), classes_cell(r.nginx), r.ours.requests,
                       r.nginx.requests, r.ours.swaps_succeeded, r.ours.swaps, r.nginx.swaps_succeeded,
                       r.nginx.swaps, r.agree() ? "yes" : "NO");
  return out;
}

}  // namespace bg::differential
