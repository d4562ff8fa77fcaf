#pragma once
// DifferentialRow is one swap variant run behind both proxies (the differential test): the
// verdicts and the failure classes (reports::request_failure_class words, method first, as in
// RunResult::failures_by_class) of bluegreen's proxy and of the real nginx. Pure: whether the two
// agree, and the table the test prints (the comparison's figures, ready to quote).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "reports/run_result.h"

namespace bg::differential {

struct EngineOutcome {
  core::Verdict verdict = core::Verdict::error;
  std::map<std::string, int64_t> classes;  // failure class -> failed requests
  int64_t requests = 0;
  std::string error;                   // the harness error, for verdict error
  std::vector<std::string> violated;   // the invariants that fired, in the run's order
  int swaps = 0, swaps_succeeded = 0;  // a swap that failed (say, nginx -t) proves nothing

  static EngineOutcome of(const reports::RunResult& r);
};

struct DifferentialRow {
  std::string variant;
  uint64_t seed = 0;
  EngineOutcome ours;   // bluegreen's ProxyServer (the app differential: the fake Next.js)
  EngineOutcome nginx;  // the real nginx binary, RealNginx (the app differential: real Next.js)
  // A family found on one side only is forgiven when it is under this share of that side's failed
  // requests (0: never). The app differential sets it: a real server takes real milliseconds per
  // request, ten times as many scenario milliseconds at time scale 0.1, where the fake answers at
  // once, so a race that needs a request in flight shows a few more times with it (the seed's
  // "POST 502 upstream prematurely closed": 0-2 with the fake, 1-7 with real Next.js in 400 failures).
  double minor_share = 0;

  // Same verdict (neither an error) and the same set of failure families (failure_family), but for
  // minor ones (minor_share); counts may differ, since the two engines serve the same traffic with
  // different timings.
  bool agree() const;
  // The families present on one side only that agree() forgave, with their counts ("" when none).
  std::string forgiven() const;
};

// The class with a dropped connection's two spellings (FIN: "upstream prematurely closed", RST:
// "connection reset") made one, "upstream dropped the request"; any other class unchanged.
std::string failure_family(const std::string& cls);

// A Markdown table: variant, seed, verdicts ours / nginx (with the invariants that fired), classes ours
// / nginx (with counts), requests, swaps that succeeded, agree. `ours` and `theirs` name the two
// columns' engines.
std::string format_table(const std::vector<DifferentialRow>& rows, const std::string& ours = "ours",
                         const std::string& theirs = "nginx");

}  // namespace bg::differential
