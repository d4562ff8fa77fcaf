#pragma once
// The bluegreen subcommands. Each returns the process exit code: 0 zero downtime held, 1 an invariant
// was violated, 2 bad input or harness error (design.md "Exit codes").
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/engine.h"

namespace bg::cli {

struct RunArgs {
  std::filesystem::path scenario_dir;
  std::optional<uint64_t> seed;
  std::optional<double> time_scale;
  std::filesystem::path out_dir;  // "" = bluegreen-out/<scenario>-<seed>
  bool keep_run_dir = false;
  bool bind_declared_ports = false;
  bool quiet = false;
  std::string proxy_engine;            // `--proxy bluegreen|nginx`; "" = the scenario's proxy.engine
  std::string app_engine;              // `--app fake|real`; "" = the scenario's app.engine
  std::string engine = "live";         // `--engine live|sim` (sim/engine.h)
  std::vector<std::string> overrides;  // `--set key=value` (explore/scenario_overrides.h)
  std::string command;                 // this command line, for the --out folder's lock (out_dir.h)
};

// `bluegreen run` and `bluegreen replay`: one scenario, reports written, summary printed.
int run_command(const RunArgs& args);

// `bluegreen demo DIR...`: each scenario, then a side-by-side table; exit 0 when every verdict is the
// scenario's expected one, else 1 (2 on a harness error).
// `--proxy` and `--app` of `demo`: "" keeps each scenario's own.
struct DemoEngines {
  std::string proxy;
  std::string app;
  std::string engine = "live";  // `--engine live|sim`
};
int demo_command(const std::vector<std::filesystem::path>& dirs, const std::filesystem::path& out_dir,
                 const std::string& command, const DemoEngines& engines = {});

// `bluegreen verify DIR`: runs a scenario and exits 0 when it reached the verdict (and invariant) its
// scenario.yaml expects, 1 when not, 2 on bad input or a harness error. What ctest runs per scenario.
int verify_command(const RunArgs& args);

// `bluegreen catalogue [--races DIR] [--only R03]`: verifies every race scenario and its fixed twin and
// prints the table (FOUND / HOLDS / MISMATCH).
int catalogue_command(const std::filesystem::path& races_dir, const std::filesystem::path& out_dir,
                      const std::string& only, const std::string& command, sim::Engine engine = sim::Engine::live);

// `bluegreen check DIR [--runs N] [--seed N]`: explores cases drawn around the scenario's values
// (explore/explorer.h); on a violation shrinks it, writes the minimal case's reports and prints its
// replay line. Exit 0 nothing found, 1 a violation, 2 bad input or every case a harness error.
struct CheckArgs {
  std::filesystem::path scenario_dir;
  int runs = 20;
  uint64_t seed = 1;
  double time_scale = 0.05;
  int confirm = 1;
  std::string vary;                     // "" = every knob, else e.g. "swaps,listen_delay"
  double budget = 40;                   // wall seconds after which shrinking stops (0 = none)
  std::string engine = "sim";           // `--engine live|sim`: the engine cases run on
  std::string confirm_engine = "live";  // `--confirm-engine live|sim`: the engine the minimal case is rerun on
  bool no_shrink = false;
  bool keep = false;
  bool quiet = false;
  int workers = 0;                // cases run at once on sim (0 = the machine's cores)
  std::filesystem::path out_dir;  // "" = bluegreen-out/check-<scenario>
  std::string command;            // this command line, for the --out folder's lock
};
int check_command(const CheckArgs& args);

// `bluegreen odds DIR [--runs N] [--first-seed S]`: N runs with seeds S, S+1, ...; prints the share
// of runs that violate, per invariant and per swap, with a 95 % interval, and writes odds.txt and
// odds.json. Exit 0 when no run violated, 1 when one did, 2 on bad input or when harness errors
// outnumber the judged runs.
struct OddsArgs {
  std::filesystem::path scenario_dir;
  int runs = 20;
  uint64_t first_seed = 1;
  std::optional<double> time_scale;    // default: the scenario's
  std::string engine = "sim";          // `--engine live|sim`: many runs are what sim is for
  std::vector<std::string> overrides;  // `--set key=value`
  bool quiet = false;
  std::filesystem::path out_dir;  // "" = bluegreen-out/odds-<scenario>
  std::string command;            // this command line, for the --out folder's lock
};
int odds_command(const OddsArgs& args);

// `bluegreen report history.jsonl|result.json [--out DIR]`: judges a saved run again and writes its
// reports; an empty, cut-short or foreign history is refused (exit 2), never judged HELD.
struct ReportArgs {
  std::filesystem::path input;
  std::filesystem::path out_dir;  // "" = beside the history
  std::string command;
};
int report_command(const ReportArgs& args);

}  // namespace bg::cli
