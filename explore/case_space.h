#pragma once
// CaseSpace: the cases `bluegreen check` draws around one scenario's own values, as RapidCheck
// generators, and how a case becomes `--set` overrides. Each knob shrinks toward what is simplest to
// read: one swap, no POSTs, and otherwise the scenario's own value; so a minimal counterexample
// differs from the user's files only where the difference is needed to lose requests. Pure: no I/O.
#include <cstdint>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "core/time.h"
#include "scenarios/scenario.h"

namespace bg::explore {

// One drawn case: the knobs a case varies (everything else is the scenario's, shortened by Quick).
struct Case {
  uint64_t seed = 1;
  int swaps = 1;
  scenarios::DurationRange listen_delay;
  double post_ratio = 0;
  std::string next_version;
  std::string compose;
};

// How exploration shortens a scenario so that one case runs in a few real seconds: a short image
// build, short phases and a capped request rate (real requests per second = rate / time_scale: 200
// at 0.05; a loaded machine loses requests of its own at 400 and more). Simplification: a race
// that needs a long build or a long interval between swaps is explored with short ones.
struct Quick {
  core::Duration build_duration = std::chrono::seconds(2);
  core::Duration warmup_after_listen = std::chrono::seconds(3);
  core::Duration swap_interval = std::chrono::seconds(3);
  core::Duration liveness = std::chrono::seconds(5);
  double max_rate = 10;
};

// Which knobs a case varies; the others keep the scenario's value (`bluegreen check --vary`).
struct Knobs {
  bool swaps = true;
  bool listen_delay = true;
  bool post_ratio = true;
  bool next_version = true;
  bool compose = true;
};
// "swaps,listen_delay" -> only those. Throws scenarios::ScenarioError naming an unknown knob.
Knobs parse_knobs(const std::string& list);

// Cases around `s`: swaps in [1, max(s.run.swaps, 2)], the listen delay shifted by whole seconds
// (down to 1 s, up to 12 s above), the POST share among {0, the scenario's, 1}, the Next.js version
// and compose dialect among the scenario's and the ones whose behaviour differs (semantics.md §5, §3).
rc::Gen<Case> case_gen(const scenarios::Scenario& s, const Knobs& vary = {});

// The first `count` cases RapidCheck's search with `seed` draws from `cases`, in its order, without
// running anything. The k-th case comes from the k-th split of the seed whatever happened to the
// cases before it (a case_gen case is drawn at full size, so even the size RapidCheck gives a case
// after discards does not matter): they are the cases the search asks for while none violates.
std::vector<Case> draw_search_cases(const rc::Gen<Case>& cases, uint64_t seed, int count);

// The scenario's own values as a case (what `check` tries first).
Case own_case(const scenarios::Scenario& s);

// The `key=value` settings that turn `s` into the case: the knobs that differ from the scenario and
// Quick's shortenings, in a fixed order. apply_overrides(s, overrides_for(s, c, q)) runs the case.
std::vector<std::string> overrides_for(const scenarios::Scenario& s, const Case& c, const Quick& q);

// "swaps=1 listen_delay=3s post_ratio=0.2 next=12.2 compose=2.5.0 seed=7"
std::string describe(const Case& c);

// RapidCheck prints counterexamples with this (found by argument-dependent lookup).
void showValue(const Case& c, std::ostream& os);

}  // namespace bg::explore
