// bluegreen: proves or refutes that a blue/green deployment is zero-downtime, by running the user's
// own deploy files against fake Docker, fake CodeDeploy and fake Next.js behind a real proxy.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "cli/init_command.h"
#include "cli/commands.h"
#include "cli/option_checks.h"
#include "cli/out_dir.h"
#include "cli/signal_watcher.h"
#include "commit.h"  // BG_COMMIT, generated in the build folder

namespace bg::cli {
// cli/proxy_command.cc: `bluegreen proxy --config nginx.conf [--bind-declared-ports]`.
int proxy_command(const std::filesystem::path& config_path, bool bind_declared_ports);
}  // namespace bg::cli

namespace {

// A command's exit code; an exception it lets out is exit 2 with its message: bad input found before
// a run (scenarios::ScenarioError, OutDirError, SavedHistoryError) says its file, line and field itself.
template <class F>
int guarded(F&& command) {
  try {
    return command();
  } catch (const std::exception& e) {
    std::cerr << "bluegreen: " << e.what() << '\n';
    return 2;
  }
}

using bg::cli::existing_file;
using bg::cli::existing_folder;
using bg::cli::non_empty_path;

// How many cases, reruns and seconds `check` accepts: each case is a live run of seconds, so past
// these a check no longer ends within a working day; 0 reruns and a 0 budget are "none".
constexpr bg::scenarios::NumberLimits kRuns{1, 10000, "cases"};
constexpr bg::scenarios::NumberLimits kConfirm{0, 100, "reruns"};
constexpr bg::scenarios::NumberLimits kBudget{0, 86400, "seconds"};
constexpr bg::scenarios::NumberLimits kWorkers{1, 64, "workers"};

void add_run_options(CLI::App* cmd, bg::cli::RunArgs& args) {
  cmd->add_option("scenario-dir", args.scenario_dir, "deployment folder with scenario.yaml")->required();
  cmd->add_option("--time-scale", args.time_scale, "real seconds per scenario second (default: the scenario's)")
      ->check(bg::cli::time_scale_value());
  cmd->add_option("--out", args.out_dir, "folder for result.json, summary.md, history.jsonl")->check(non_empty_path());
  cmd->add_flag("--keep", args.keep_run_dir, "keep the run folder (scripts' files and logs)");
  cmd->add_flag("--bind-declared-ports", args.bind_declared_ports,
                "bind the ports the files declare (3000, 80...) instead of free ones");
  cmd->add_flag("-q,--quiet", args.quiet, "print only the report paths");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bluegreen: a simulation and verification harness for zero-downtime blue/green deployments"};
  app.require_subcommand(1);
  app.set_version_flag("--version", fmt::format("bluegreen {} (commit {})", BG_VERSION, BG_COMMIT));
  const std::string command = bg::cli::command_line(argc, argv);

  bg::cli::RunArgs run_args;
  run_args.command = command;
  auto* run = app.add_subcommand("run", "run a scenario and judge it (exit 0 held, 1 violated, 2 error)");
  add_run_options(run, run_args);
  run->add_option("--seed", run_args.seed, "seed (default: the scenario's)")->check(bg::cli::seed_value());
  run->add_option("--set", run_args.overrides, "key=value over scenario.yaml (e.g. app.listen_delay=11s)");
  auto* replay = app.add_subcommand("replay", "rerun exactly the case a violation printed");
  add_run_options(replay, run_args);
  replay->add_option("--seed", run_args.seed, "the seed the violation printed")
      ->required()
      ->check(bg::cli::seed_value());
  for (auto* cmd : {run, replay})
    cmd->add_option("--proxy", run_args.proxy_engine,
                    "the proxy that serves the run: bluegreen or nginx, the real binary (default: the scenario's)")
        ->check(CLI::IsMember({"bluegreen", "nginx"}));
  const char* app_help =
      "the app in each container: fake, or real (real Next.js servers, apps/next; default: the scenario's)";
  for (auto* cmd : {run, replay})
    cmd->add_option("--app", run_args.app_engine, app_help)->check(CLI::IsMember({"fake", "real"}));
  replay->add_option("--set", run_args.overrides, "key=value over scenario.yaml, as the violation printed");
  const char* engine_help =
      "live (real sockets and threads, real time scaled by --time-scale) or sim (the deterministic engine: "
      "virtual time and an in-memory network; a seed is an exact replay)";

  bg::cli::CheckArgs check_args;
  check_args.command = command;
  auto* check = app.add_subcommand("check", "explore cases around a scenario; shrink and replay a violation");
  check->add_option("scenario-dir", check_args.scenario_dir, "deployment folder with scenario.yaml")->required();
  check->add_option("--runs", check_args.runs, "cases to draw before concluding nothing is found (default 20)")
      ->check(bg::cli::whole_value(kRuns));
  check->add_option("--seed", check_args.seed, "seed of the cases drawn (default 1)")->check(bg::cli::seed_value());
  check
      ->add_option("--time-scale", check_args.time_scale,
                   "real seconds per scenario second on the live engine (default 0.05)")
      ->check(bg::cli::time_scale_value());
  check->add_option("--vary", check_args.vary,
                    "knobs to vary, comma separated (default all: swaps,listen_delay,post_ratio,next_version,compose)");
  check->add_option("--confirm", check_args.confirm, "reruns of the minimal case (default 1)")
      ->check(bg::cli::whole_value(kConfirm));
  check->add_option("--budget", check_args.budget, "seconds after which shrinking stops (default 40, 0 none)")
      ->check(bg::cli::number_value(kBudget));
  check->add_flag("--no-shrink", check_args.no_shrink, "report the first violating case as drawn");
  check->add_option("--out", check_args.out_dir, "folder for the minimal case's reports")->check(non_empty_path());
  check->add_flag("--keep", check_args.keep, "keep every case's history under <out>/cases");
  check->add_flag("-q,--quiet", check_args.quiet, "no per-case progress lines");
  check
      ->add_option("--workers", check_args.workers,
                   "cases run at once on sim, with the same output as one at a time (default: the cores)")
      ->check(bg::cli::whole_value(kWorkers));
  check->add_option("--engine", check_args.engine, std::string("the engine cases run on, default sim: ") + engine_help)
      ->check(CLI::IsMember({"live", "sim"}));
  check
      ->add_option("--confirm-engine", check_args.confirm_engine,
                   "the engine the minimal case is rerun on, to say whether it agrees (default live)")
      ->check(CLI::IsMember({"live", "sim"}));

  bg::cli::OddsArgs odds_args;
  odds_args.command = command;
  auto* odds = app.add_subcommand("odds", "run a deployment with many seeds; print how often each invariant breaks");
  odds->add_option("scenario-dir", odds_args.scenario_dir, "deployment folder with scenario.yaml")->required();
  odds->add_option("--runs", odds_args.runs, "runs, one seed each (default 20)")->check(bg::cli::whole_value(kRuns));
  odds->add_option("--first-seed", odds_args.first_seed, "seed of the first run (default 1)")
      ->check(bg::cli::seed_value());
  odds->add_option("--time-scale", odds_args.time_scale, "real seconds per scenario second (default: the scenario's)")
      ->check(bg::cli::time_scale_value());
  odds->add_option("--set", odds_args.overrides, "key=value laid over scenario.yaml, as replay lines use");
  odds->add_option("--out", odds_args.out_dir, "folder for odds.txt and odds.json")->check(non_empty_path());
  odds->add_flag("-q,--quiet", odds_args.quiet, "no line per run");
  odds->add_option("--engine", odds_args.engine, std::string("the engine the runs go on, default sim: ") + engine_help)
      ->check(CLI::IsMember({"live", "sim"}));

  std::vector<std::filesystem::path> demo_dirs;
  std::filesystem::path demo_out = "bluegreen-out/demo";
  auto* demo = app.add_subcommand("demo", "run scenarios and print their verdicts side by side");
  demo->add_option("scenario-dirs", demo_dirs, "scenario folders")->required();
  demo->add_option("--out", demo_out, "folder for each scenario's reports")->check(non_empty_path());
  bg::cli::DemoEngines demo_engines;
  demo->add_option("--proxy", demo_engines.proxy,
                   "the proxy of every run: bluegreen or nginx (default: each scenario's)")
      ->check(CLI::IsMember({"bluegreen", "nginx"}));
  demo->add_option("--app", demo_engines.app, app_help)->check(CLI::IsMember({"fake", "real"}));
  demo->add_option("--engine", demo_engines.engine, std::string("default live: ") + engine_help)
      ->check(CLI::IsMember({"live", "sim"}));

  auto* verify = app.add_subcommand("verify", "run a scenario; exit 0 when it reached the verdict it expects");
  add_run_options(verify, run_args);
  verify->add_option("--seed", run_args.seed, "seed (default: the scenario's)")->check(bg::cli::seed_value());
  verify
      ->add_option("--proxy", run_args.proxy_engine,
                   "the proxy that serves the run: bluegreen or nginx, the real binary (default: the scenario's)")
      ->check(CLI::IsMember({"bluegreen", "nginx"}));
  verify->add_option("--app", run_args.app_engine, app_help)->check(CLI::IsMember({"fake", "real"}));
  for (auto* cmd : {run, replay, verify})
    cmd->add_option("--engine", run_args.engine, std::string("default live: ") + engine_help)
        ->check(CLI::IsMember({"live", "sim"}));

  std::filesystem::path races_dir = "scenarios/data/races", catalogue_out = "bluegreen-out/catalogue";
  std::string only;
  auto* catalogue = app.add_subcommand("catalogue", "verify every race scenario and its fixed twin, print the table");
  catalogue->add_option("--races", races_dir, "folder of race scenarios")->check(existing_folder());
  catalogue->add_option("--out", catalogue_out, "folder for each scenario's reports")->check(non_empty_path());
  catalogue->add_option("--only", only, "only scenarios whose name starts with this (e.g. R03)");
  std::string catalogue_engine = "live";
  catalogue->add_option("--engine", catalogue_engine, std::string("default live: ") + engine_help)
      ->check(CLI::IsMember({"live", "sim"}));

  // `init` only reads a folder and writes a file: none of the run machinery below (signal handling,
  // run dispatch) concerns it, so it ends the process from its callback, once parsing is done.
  bg::cli::InitArgs init_args;
  auto* init =
      app.add_subcommand("init", "draft a folder's scenario.yaml from its deploy files (exit 0, or 2 on bad input)");
  init->add_option("folder", init_args.folder, "the deploy folder (appspec.yml or .github/workflows)")->required();
  init->add_flag("--force", init_args.force, "replace an existing scenario.yaml");
  init->add_flag("--print", init_args.print, "write the draft to stdout, not to the folder");
  init->callback([&] { std::exit(bg::cli::init_command(init_args)); });

  std::filesystem::path proxy_config;
  bool proxy_declared_ports = false;
  auto* proxy = app.add_subcommand("proxy", "run bluegreen's proxy alone in the foreground (until SIGINT/SIGTERM)");
  proxy->add_option("--config", proxy_config, "nginx.conf to serve")->required()->check(existing_file());
  proxy->add_flag("--bind-declared-ports", proxy_declared_ports,
                  "listen on and connect to the ports the config declares (else free ones, printed)");

  bg::cli::ReportArgs report_args;
  report_args.command = command;
  auto* report = app.add_subcommand("report", "judge a saved run again and write its reports");
  report->add_option("input", report_args.input, "history.jsonl or result.json")->required();
  report->add_option("--out", report_args.out_dir, "folder for the reports (default: beside the input)")
      ->check(non_empty_path());

  // CLI11 says only "A subcommand is required" for a command it does not know.
  if (argc > 1 && argv[1][0] != '-') {
    std::string names;
    bool known = false;
    for (const auto* sub : app.get_subcommands({})) {
      names += (names.empty() ? "" : ", ") + sub->get_name();
      known = known || sub->get_name() == argv[1];
    }
    if (!known) {
      std::cerr << "bluegreen: unknown command '" << argv[1] << "' (expected one of: " << names << ")\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    // CLI11's own line ("--time-scale: 1000 is out of range (...)"), under the program's name.
    std::cerr << "bluegreen: " << e.what() << "\n(bluegreen --help lists the commands and their options)\n";
    return 2;
  }
  if (*report) return guarded([&] { return bg::cli::report_command(report_args); });
  // `proxy` waits for SIGINT/SIGTERM itself (sigwait), as nginx in the foreground does.
  if (*proxy) return guarded([&] { return bg::cli::proxy_command(proxy_config, proxy_declared_ports); });
  // Every command that runs scenarios: a signal stops the run in order, a second one at once. Made
  // here, before any thread exists, so that every thread inherits the blocked signals.
  bg::cli::SignalWatcher signals;
  return bg::cli::SignalWatcher::exit_code(guarded([&] {
    if (*run || *replay) return bg::cli::run_command(run_args);
    if (*demo) return bg::cli::demo_command(demo_dirs, demo_out, command, demo_engines);
    if (*verify) return bg::cli::verify_command(run_args);
    if (*check) return bg::cli::check_command(check_args);
    if (*odds) return bg::cli::odds_command(odds_args);
    if (*catalogue)
      return bg::cli::catalogue_command(races_dir, catalogue_out, only, command,
                                        *bg::sim::parse_engine(catalogue_engine));
    return 2;
  }));
}
