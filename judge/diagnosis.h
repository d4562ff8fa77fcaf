#pragma once
// Diagnosis: why a run lost what it lost, named as a race of the catalogue (docs/races.md) when the
// history shows that race's mechanism, with the fix its fixed twin applies and, where the user's
// script has the pattern the race comes from, a diff for that line. Pure: rules over DiagnosisFacts
// and the judged RunResult (its swaps and invariants).
//
// Each lost request is explained by the first rule that holds for it, in the order below; requests
// no rule explains are reported as unexplained, never given a guess. A swap may show several races
// (the seed's upstream lists both colors, so a swap that downs the old color while the new one is
// marked failed loses requests to R03 and, in the same second, to R04).
//  1. Whole stretch: R16 (the deployment before failed and left its state), R11 (an `up` failed and
//     the script still downed the old color), R10 (the swap recreated the color that was serving).
//  2. Per request, from the peer the proxy last tried: R08 (404 for another build's asset), R06
//     (killed at the end of the grace period), R05 (cut in flight by an app that exits on SIGTERM),
//     R14 or R04 (sent to a color whose stop was asked for, after or without a reload meant to take
//     it out), R02 (sent to a color that had started but did not listen yet), R07 (closed under the
//     request by a color that was up and ready: keep-alive).
//  3. Per request, no peer left: R18 (a peer named by container, recreated since the proxy resolved
//     it), R17 (several workers each marked the same peer failed), R01 (the old color stopped before
//     the new one was ready), R03 (the new color ready but its peer still marked failed).
//  4. Whole run: R12 (a deployment refused), R13 (a leftover container started, not recreated), R09
//     (a POST executed twice).
#include <vector>

#include "reports/run_result.h"
#include "judge/diagnosis_facts.h"

namespace bg::judge {

std::vector<reports::Diagnosis> diagnose(const DiagnosisFacts& facts, const reports::RunResult& r);

}  // namespace bg::judge
