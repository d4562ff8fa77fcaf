// The differential test: each swap variant of scenarios/data/differential runs behind
// bluegreen's proxy and behind the real nginx binary, and must reach the same verdict with the same
// set of failure classes. A disagreement is a fidelity bug of our proxy (semantics.md §1 is the
// ground truth, nginx itself the referee). The table is printed so that the comparison's figures
// can be quoted.
// BG_DIFFERENTIAL_SEEDS=1,2,3 runs every variant with each of those seeds instead of its own;
// BG_DIFFERENTIAL_VARIANTS=keepalive,seed-get runs only those variants.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "differential/differential_table.h"
#include "proxy/real_nginx.h"
#include "scenarios/scenario_loader.h"
#include "sim/run.h"

namespace bg::differential {
namespace {

// seed with GET only, seed with POSTs, keep-alive, max_fails=0, reload-based swap (seed-fixed).
const char* const kVariants[] = {"seed-get", "seed-post", "keepalive", "max-fails-0", "reload-swap"};

std::vector<std::string> list_from_env(const char* name) {
  std::vector<std::string> items;
  const char* text = std::getenv(name);
  if (!text) return items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) items.push_back(item);
  return items;
}

namespace fs = std::filesystem;

// Each run's history is saved, and kept only when the pair disagrees: the evidence to diagnose it.
fs::path history_dir(const std::string& variant, uint64_t seed, const std::string& engine) {
  return fs::temp_directory_path() / "bg_differential" / fmt::format("{}-{}-{}-{}", variant, seed, engine, ::getpid());
}

EngineOutcome run_behind(scenarios::Scenario s, const std::string& variant, const std::string& engine, uint64_t seed) {
  s.proxy.engine = engine;
  sim::RunOptions o;
  o.seed = seed;
  o.out_dir = history_dir(variant, seed, engine);
  return EngineOutcome::of(sim::run_scenario(s, o));
}

}  // namespace

// Goal: behind bluegreen's proxy and behind real nginx, every swap variant reaches the same verdict
// with the same classes of failed requests.
TEST(Differential, SwapVariantsReachSameVerdictAndFailureClassesBehindRealNginx) {
  if (!proxy::RealNginx::available()) GTEST_SKIP() << "/usr/sbin/nginx is not installed (tools/setup.sh installs it)";
  std::vector<DifferentialRow> rows;
  auto variants = list_from_env("BG_DIFFERENTIAL_VARIANTS");
  if (variants.empty()) variants.assign(std::begin(kVariants), std::end(kVariants));
  for (const auto& variant : variants) {
    auto s = scenarios::load_scenario("scenarios/data/differential/" + variant);
    std::vector<uint64_t> seeds;
    for (const auto& item : list_from_env("BG_DIFFERENTIAL_SEEDS")) seeds.push_back(std::stoull(item));
    if (seeds.empty()) seeds.push_back(s.seed);
    for (uint64_t seed : seeds) {
      DifferentialRow r{variant, seed, run_behind(s, variant, "bluegreen", seed),
                        run_behind(s, variant, "nginx", seed)};
      std::error_code ignored;
      if (r.agree()) {
        fs::remove_all(history_dir(variant, seed, "bluegreen"), ignored);
        fs::remove_all(history_dir(variant, seed, "nginx"), ignored);
      } else {
        std::cout << "histories kept: " << history_dir(variant, seed, "bluegreen").string() << " "
                  << history_dir(variant, seed, "nginx").string() << "\n";
      }
      std::cout << format_table({r}).substr(format_table({}).size()) << std::flush;  // progress, one row
      rows.push_back(std::move(r));
    }
  }
  std::error_code not_empty;  // histories of a disagreement stay, and so does their folder
  fs::remove(fs::temp_directory_path() / "bg_differential", not_empty);
  std::cout << "\nDifferential table (bluegreen's proxy vs real nginx):\n" << format_table(rows) << std::endl;
  for (const auto& r : rows) {
    EXPECT_TRUE(r.agree()) << r.variant << " seed " << r.seed << " disagrees:\n" << format_table({r});
    EXPECT_NE(r.ours.requests, 0) << r.variant;
    // Agreement on a run whose swaps failed (a reload nginx refused, a script error) would be vacuous.
    EXPECT_EQ(r.ours.swaps_succeeded, r.ours.swaps) << r.variant << " seed " << r.seed << " behind bluegreen's proxy";
    EXPECT_EQ(r.nginx.swaps_succeeded, r.nginx.swaps) << r.variant << " seed " << r.seed << " behind nginx";
  }
}

}  // namespace bg::differential
