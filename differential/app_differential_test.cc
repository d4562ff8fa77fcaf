// The app differential test: the Next.js-dependent races of the catalogue, their fixed twins, the seed
// and seed-fixed, each run with the fake Next.js app and with real Next.js servers (apps/next, the
// pinned version each scenario names), must reach the same verdict with the same set of failure
// classes. A disagreement is a fidelity bug of the fake (fakes/nextjs), the real server the referee.
// One test per scenario, so that ctest runs them side by side and names the one that disagrees; the
// table rows are printed so that the figures can be quoted.
// BG_DIFFERENTIAL_SEEDS=1,2,3 runs each pair with each of those seeds instead of the scenario's own.
// Skipped, saying why, where node or a real build is missing (tools/setup.sh builds them).
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "differential/differential_table.h"
#include "fakes/nextjs/real_next_builds.h"
#include "fakes/nextjs/real_next_server.h"
#include "scenarios/scenario_loader.h"
#include "sim/run.h"

namespace bg::differential {
namespace {

namespace fs = std::filesystem;

// R02 (docker-proxy accepts before node listens), R05 (no drain on SIGTERM), R06 (npm start swallows
// SIGTERM), R07 (keep-alive timeout inversion), R08 (mixed-version assets), each with its twin.
const char* const kScenarios[] = {
    "seed",
    "seed-fixed",
    "races/R02-docker-proxy-accepts-before-listen",
    "races/R02-docker-proxy-accepts-before-listen-fixed",
    "races/R05-no-drain-on-sigterm",
    "races/R05-no-drain-on-sigterm-fixed",
    "races/R06-npm-start-swallows-sigterm",
    "races/R06-npm-start-swallows-sigterm-fixed",
    "races/R07-keepalive-timeout-inversion",
    "races/R07-keepalive-timeout-inversion-fixed",
    "races/R08-mixed-version-assets",
    "races/R08-mixed-version-assets-fixed",
};

// A failure family on one side only, under 2 % of that side's failures, is forgiven (and named in
// the table): the real server's unscaled milliseconds per request (DifferentialRow::minor_share).
constexpr double kMinorShare = 0.02;

// R07's inversion is hit 0-4 times per run with real Node (the fake: 48-97): Node's real timer
// jitter is ten times as large in scenario time at time scale 0.1, so a request rarely lands in the
// instant between its idle close and the FIN reaching the proxy. One run in six finds none. For this
// race alone, a real run that held where the fake's violated is run again with up to two more seeds
// (each printed as a row): the race must show within three runs, as a rare race does in production.
constexpr int kRareRaceTries = 3;
bool rare_with_real_app(const std::string& variant) { return variant == "R07-keepalive-timeout-inversion"; }

// The traffic both sides run, in requests per scenario second. At time scale 0.1 the scenarios' 40
// are 400 a real second, about what one real Next.js process renders on a core while the harness and
// a starting Next.js take the other of a 2-core machine. Any other load then queues the real server's
// requests for seconds (seen: 6 to 11 s of scenario time at the third swap, then client timeouts and
// "upstream prematurely closed" at the old color's SIGTERM, in seed-fixed, which holds), and the
// comparison judges the machine instead of the fake. At 20 the real server keeps up with room to
// spare. R07's rare race keeps its 40: it needs the requests (above).
constexpr double kAppDifferentialRate = 20;

std::vector<uint64_t> seeds_from_env() {
  std::vector<uint64_t> seeds;
  const char* text = std::getenv("BG_DIFFERENTIAL_SEEDS");
  if (!text) return seeds;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) seeds.push_back(std::stoull(item));
  return seeds;
}

// Why a real run cannot happen here, or "".
std::string missing_real_app(const std::string& version) {
  if (!fakes::RealNextServer::node_available("/usr/bin/node")) return "/usr/bin/node is not installed";
  auto folder = fakes::RealNextBuilds::version_folder(version);
  if (!folder) return "no real build of Next.js " + version;
  auto found = fakes::RealNextBuilds::find_template(fakes::RealNextBuilds::default_cache(), *folder);
  if (auto* why = std::get_if<std::string>(&found)) return *why;
  return "";
}

std::string variant_name(const std::string& scenario) { return fs::path(scenario).filename().string(); }

// Each run's history is saved, and kept only when the pair disagrees: the evidence to diagnose it.
fs::path history_dir(const std::string& variant, uint64_t seed, const std::string& app) {
  return fs::temp_directory_path() / "bg_app_differential" / fmt::format("{}-{}-{}-{}", variant, seed, app, ::getpid());
}

EngineOutcome run_with(scenarios::Scenario s, const std::string& variant, const std::string& app, uint64_t seed) {
  s.app.engine = app;
  sim::RunOptions o;
  o.seed = seed;
  o.out_dir = history_dir(variant, seed, app);
  return EngineOutcome::of(sim::run_scenario(s, o));
}

class AppDifferential : public ::testing::TestWithParam<const char*> {};

// Goal: with the fake Next.js and with real Next.js servers, the scenario reaches the same verdict
// with the same classes of failed requests.
TEST_P(AppDifferential, FakeAndRealNextReachSameVerdictAndFailureClasses) {
  const std::string scenario = GetParam();
  auto s = scenarios::load_scenario("scenarios/data/" + scenario);
  if (auto why = missing_real_app(s.app.next_version); !why.empty()) GTEST_SKIP() << why;
  const std::string variant = variant_name(scenario);
  if (!rare_with_real_app(variant)) s.traffic.rate = std::min(s.traffic.rate, kAppDifferentialRate);
  auto seeds = seeds_from_env();
  if (seeds.empty()) seeds.push_back(s.seed);
  std::vector<DifferentialRow> rows, missed;
  for (uint64_t seed : seeds) {
    DifferentialRow r{variant, seed, run_with(s, variant, "fake", seed), run_with(s, variant, "real", seed)};
    r.minor_share = kMinorShare;
    for (int tries = 1; rare_with_real_app(variant) && !r.agree() && r.ours.verdict == core::Verdict::violated &&
                        r.nginx.verdict == core::Verdict::held && tries < kRareRaceTries;
         ++tries) {
      missed.push_back(r);  // the run that missed it, shown, not judged
      std::error_code ignored;
      fs::remove_all(history_dir(variant, r.seed, "real"), ignored);
      const uint64_t again = seed + 1000 * static_cast<uint64_t>(tries);
      r.seed = again;
      r.nginx = run_with(s, variant, "real", again);
    }
    std::error_code ignored;
    if (r.agree()) {
      fs::remove_all(history_dir(variant, seed, "fake"), ignored);
      fs::remove_all(history_dir(variant, r.seed, "real"), ignored);
    } else {
      std::cout << "histories kept: " << history_dir(variant, seed, "fake").string() << " "
                << history_dir(variant, r.seed, "real").string() << "\n";
    }
    rows.push_back(std::move(r));
  }
  std::error_code not_empty;  // histories of a disagreement stay, and so does their folder
  fs::remove(fs::temp_directory_path() / "bg_app_differential", not_empty);
  std::cout << "\nApp differential (fake Next.js vs real Next.js " << s.app.next_version << "):\n"
            << format_table(rows, "fake", "real") << std::endl;
  if (!missed.empty())
    std::cout << "Real runs of a rare race that missed it, run again with the next seed (not judged):\n"
              << format_table(missed, "fake", "real") << std::endl;
  for (const auto& r : rows) {
    EXPECT_TRUE(r.agree()) << variant << " seed " << r.seed << " disagrees:\n" << format_table({r}, "fake", "real");
    EXPECT_NE(r.nginx.requests, 0) << variant;
    // Agreement on a run whose swaps failed (a container that never came up) would be vacuous.
    EXPECT_EQ(r.ours.swaps_succeeded, r.ours.swaps) << variant << " seed " << r.seed << " with the fake app";
    EXPECT_EQ(r.nginx.swaps_succeeded, r.nginx.swaps) << variant << " seed " << r.seed << " with real Next.js";
  }
}

INSTANTIATE_TEST_SUITE_P(Catalogue, AppDifferential, ::testing::ValuesIn(kScenarios),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = variant_name(info.param);
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

}  // namespace
}  // namespace bg::differential
