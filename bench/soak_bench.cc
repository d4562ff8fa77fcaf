// bg_soak_bench: a long run's footprint (does memory grow?). seed-fixed, shortened so that a
// swap takes about 20 scenario seconds (a 2 s image build, 5 s between swaps), for --swaps swaps (1000)
// at --rate requests per scenario second (50: about 10^6 requests in all) and --time-scale (0.1).
// Every --every swaps (100) it prints what the process holds: resident memory (its peak, and the live
// heap malloc has handed out), open descriptors, threads, processes started (children and theirs),
// requests sent so far, late sends, failed deployments and the history file's size. A program that
// prints figures, never pass/fail on time.
//
//   bg_soak_bench [--swaps N] [--rate R] [--time-scale S] [--every K] [--keep]
#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "core/history_reader.h"
#include "core/stopwatch.h"
#include "reports/html_report.h"
#include "scenarios/scenario_loader.h"
#include "sim/process_tree.h"
#include "sim/run.h"

namespace {
namespace fs = std::filesystem;
using namespace bg;
using namespace std::chrono_literals;

// "VmRSS:	  123456 kB" from /proc/self/status, in MB.
double status_mb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field + ":", 0) == 0) return std::strtod(line.c_str() + field.size() + 1, nullptr) / 1024.0;
  return 0;
}

struct Args {
  int swaps = 1000, every = 100;
  double rate = 50, time_scale = 0.1;
  bool keep = false;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string("0"); };
    if (arg == "--swaps")
      a.swaps = std::stoi(next());
    else if (arg == "--every")
      a.every = std::max(1, std::stoi(next()));
    else if (arg == "--rate")
      a.rate = std::stod(next());
    else if (arg == "--time-scale")
      a.time_scale = std::stod(next());
    else if (arg == "--keep")
      a.keep = true;
    else {
      std::cerr << "usage: bg_soak_bench [--swaps N] [--rate R] [--time-scale S] [--every K] [--keep]\n";
      std::exit(2);
    }
  }
  return a;
}

// Entries of a /proc folder: open descriptors, threads (sim::ProcessCensus also counts listening
// sockets, but reads /proc/net/tcp for it, which takes seconds when a long run's loopback connections
// fill it with TIME_WAIT entries).
int count_entries(const fs::path& dir) {
  int n = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) ++n;
  return n;
}

void print_row(const std::string& at, double wall, int64_t sent, int64_t late, int failed, const fs::path& history) {
  std::error_code ec;
  const auto bytes = fs::file_size(history, ec);
  // Live heap (what malloc has handed out and not got back), beside RSS: tells a leak from arenas.
  const double heap = static_cast<double>(::mallinfo2().uordblks) / (1 << 20);
  std::cout << fmt::format("{:>8} {:>8.0f} {:>9.1f} {:>9.1f} {:>8.1f} {:>5} {:>7} {:>8} {:>10} {:>7} {:>7} {:>9.1f}",
                           at, wall, status_mb("VmRSS"), status_mb("VmHWM"), heap, count_entries("/proc/self/fd"),
                           count_entries("/proc/self/task"), sim::descendants(::getpid()).size(), sent, late, failed,
                           ec ? 0.0 : static_cast<double>(bytes) / (1 << 20))
            << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  scenarios::Scenario s = scenarios::load_scenario(fs::path(BG_SOURCE_DIR) / "scenarios/data/seed-fixed");
  s.run.swaps = args.swaps;
  s.run.warmup = 5s;
  s.run.swap_interval = 5s;
  s.run.liveness = 5s;
  s.run.deadline = std::chrono::hours(24 * 365);  // scenario time: the run's length is the point here
  s.docker.build_duration = 2s;
  s.traffic.rate = args.rate;

  const fs::path out = fs::temp_directory_path() / ("bg_soak_" + std::to_string(::getpid()));
  sim::RunOptions options;
  options.time_scale = args.time_scale;
  options.out_dir = out;
  std::cout << fmt::format("soak: seed-fixed, {} swaps, {} requests per scenario second, time scale {}, history {}\n",
                           args.swaps, args.rate, args.time_scale, (out / "history.jsonl").string());
  std::cout << fmt::format("{:>8} {:>8} {:>9} {:>9} {:>8} {:>5} {:>7} {:>8} {:>10} {:>7} {:>7} {:>9}\n", "swap",
                           "wall s", "RSS MB", "peak MB", "heap MB", "fds", "threads", "processes", "requests", "late",
                           "failed", "hist MB");
  const core::Stopwatch wall;
  print_row("start", wall.seconds(), 0, 0, 0, out / "history.jsonl");
  int failed_deployments = 0;  // the last swap's running count, for the judged and html rows
  options.progress = [&](const sim::RunProgress& p) {
    failed_deployments = p.failed_deployments;
    if (p.swap % args.every == 0 || p.swap == 1)
      print_row(std::to_string(p.swap), wall.seconds(), p.requests_sent, p.late_sends, p.failed_deployments,
                out / "history.jsonl");
  };
  options.log = [](const std::string& line) {
    // Failed deployments and workflow runs are the harness's own errors here: seed-fixed holds.
    // A workflow run that was cancelled or skipped deployed nothing either (sim/run.cc's log_runs).
    if (std::getenv("BG_SOAK_VERBOSE") || line.find("failed") != std::string::npos ||
        line.find("refused") != std::string::npos || line.find("cancelled") != std::string::npos ||
        line.find("skipped") != std::string::npos)
      std::cout << "  " << line << std::endl;
  };
  const auto result = sim::run_scenario(s, options);
  print_row("judged", wall.seconds(), result.requests, result.late_sends, failed_deployments, out / "history.jsonl");
  // The HTML report reads the history twice (its timeline): the same bound on memory.
  if (!result.history_path.empty()) {
    const auto html =
        reports::render_html(result, reports::read_html_history(result, core::file_source(result.history_path)));
    std::ofstream(out / "report.html") << html;
    print_row("html", wall.seconds(), result.requests, result.late_sends, failed_deployments, out / "history.jsonl");
  }
  std::cout << fmt::format("verdict {} · {} requests: {} ok, {} failed, {} indeterminate · {} swaps · wall {:.0f}s\n",
                           core::verdict_name(result.verdict), result.requests, result.ok, result.failed,
                           result.indeterminate, result.swaps.size(), result.wall_seconds);
  if (!result.error.empty()) std::cout << "error: " << result.error << '\n';
  for (const auto& [cls, n] : result.failures_by_class) std::cout << fmt::format("  {} × {}\n", n, cls);
  for (const auto& inv : result.invariants)
    if (!inv.held) std::cout << fmt::format("  {}: {}\n", inv.name, inv.summary);
  std::error_code ec;
  if (!args.keep) fs::remove_all(out, ec);
  return 0;
}
