#pragma once
// Small pure helpers the checkers of races.md share: time wording, evidence kept in bounded memory,
// and which build an asset path asks for. No I/O.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "reports/run_result.h"

namespace bg::judge {

// Each checker keeps only the first few concrete cases as evidence; reports stay readable.
inline constexpr size_t kMaxCheckerEvidence = 8;

// "12.345s": scenario seconds as every checker words them.
std::string checker_secs(core::Time t);

// Adds `text` as evidence (while there is room) and counts one violation.
void add_violation(reports::InvariantResult& result, std::string text);

// Violations whose evidence is found out of history order (a case settled once a late event came):
// keeps the texts of the earliest few by their entry's seq, so the evidence is the same as if the
// history had been read in order.
class EarliestEvidence {
 public:
  void add(uint64_t seq, std::string text);
  int64_t count() const { return count_; }
  // Into `result`: the violations and, earliest first, the evidence.
  void into(reports::InvariantResult& result) const;

 private:
  std::map<uint64_t, std::string> kept_;
  int64_t count_ = 0;
};

// Violations found per swap: the report lists them swap by swap, each swap's in history order.
class EvidenceBySwap {
 public:
  void add(int swap, std::string text);
  void into(reports::InvariantResult& result) const;

 private:
  std::map<int, std::vector<std::string>> kept_;
  int64_t count_ = 0;
};

// The build asked for by an asset path "/_next/static/<buildId>/...", nullopt for other paths and for
// the build-independent folders chunks/, css/ and media/.
std::optional<std::string> asset_build(const std::string& path);

}  // namespace bg::judge
