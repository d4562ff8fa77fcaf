// The survey against the folders whose world is already written by hand: the seed and every
// folder of scenarios/data/real-world. What init infers must be what their scenario.yaml says, and
// where the folder cannot tell (which compose `docker-compose` is), init must say so, not guess.
#include "scenarios/survey/folder_survey.h"

#include <gtest/gtest.h>

#include "scenarios/survey/survey_test_support.h"
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <set>

namespace bg::survey {
namespace {
using test_support::get;
namespace fs = std::filesystem;

struct Row {
  const char* folder;    // under scenarios/data
  const char* delivery;  // codedeploy | workflow+codedeploy | ssh-action
  const char* compose;   // "" (no compose) | v2 (`docker compose`) | standalone (`docker-compose`)
  const char* health;    // the health path the scripts check, "" for none
  Basis next;            // read from package.json, or assumed from next.config
};

const Row kRows[] = {
    {"seed", "codedeploy", "standalone", "", Basis::assumed},
    {"real-world/01-compose-v1-grep-up-sleep", "codedeploy", "standalone", "", Basis::read},
    {"real-world/02-service-url-inc-docker-run", "codedeploy", "", "/api/health", Basis::read},
    {"real-world/03-ssh-action-docker-run-symlink-rm-f", "ssh-action", "", "/api/health", Basis::read},
    {"real-world/04-docker-run-health-cmd-upstream-tee", "codedeploy", "", "/api/health", Basis::read},
    {"real-world/05-compose-services-reload-before-listen", "codedeploy", "v2", "", Basis::read},
    {"real-world/06-ssh-action-compose-healthcheck-map", "ssh-action", "v2", "/api/health", Basis::read},
    {"real-world/07-compose-port-env-default-d", "codedeploy", "v2", "/api/health", Basis::read},
    {"real-world/08-codedeploy-backgrounded-swap", "codedeploy", "v2", "/api/health", Basis::read},
    {"real-world/09-registry-nginx-container-docker-cp", "ssh-action", "v2", "/api/health", Basis::read},
    {"real-world/10-compose-down-before-up", "codedeploy", "v2", "/api/health", Basis::read},
    {"real-world/11-docker-run-name-conflict-no-set-e", "codedeploy", "", "", Basis::read},
    {"real-world/12-ssh-action-compose-symlink-drain", "ssh-action", "v2", "/api/health", Basis::read},
    {"real-world/13-nginx-container-single-file-mount-sed-i", "codedeploy", "v2", "/api/health", Basis::read},
    {"real-world/14-systemctl-restart-instead-of-reload", "codedeploy", "standalone", "/api/health", Basis::read},
    {"real-world/15-seed-script-on-compose-v2-standalone", "codedeploy", "standalone", "", Basis::assumed},
    {"real-world/16-codedeploy-workflow-compose-wait", "workflow+codedeploy", "v2", "/api/health", Basis::read},
};

std::string text(const YAML::Node& n, const std::string& fallback = "") {
  return n && n.IsScalar() ? n.Scalar() : fallback;
}

void PrintTo(const Row& row, std::ostream* os) { *os << row.folder; }

// host.files as host path -> folder file, a folder entry (`/etc/nginx/bluegreen/: host/bluegreen/`)
// expanded into its files, so that one entry per file and one per folder compare equal.
std::map<std::string, std::string> expand(const fs::path& dir, const std::map<std::string, std::string>& entries) {
  std::map<std::string, std::string> out;
  for (const auto& [host, folder] : entries) {
    if (host.back() != '/') {
      out[host] = folder;
      continue;
    }
    for (const auto& e : fs::recursive_directory_iterator(dir / folder))
      if (e.is_regular_file()) {
        const std::string rel = e.path().lexically_relative(dir / folder).generic_string();
        out[host + rel] = folder + rel;
      }
  }
  return out;
}

std::map<std::string, std::string> yaml_map(const YAML::Node& n) {
  std::map<std::string, std::string> out;
  if (n && n.IsMap())
    for (const auto& kv : n) out[kv.first.Scalar()] = kv.second.Scalar();
  return out;
}

class CorpusSurvey : public testing::TestWithParam<Row> {};

// Goal: on every hand-written folder, init infers the host, nginx's place and layout, the images,
// the clone, the client's Host and port, the compose generation and the app as the folder's own
// scenario.yaml has them.
TEST_P(CorpusSurvey, InfersWhatTheHandWrittenScenarioSays) {
  const Row& row = GetParam();
  const fs::path dir = fs::path(BG_SOURCE_DIR) / "scenarios/data" / row.folder;
  const YAML::Node want = YAML::LoadFile((dir / "scenario.yaml").string());
  const FolderSurvey s = survey_folder(dir);

  EXPECT_EQ(s.delivery.value, row.delivery);
  EXPECT_EQ(s.host_os.value, text(get(want, {"host", "os"}), "amazon-linux-2"));
  EXPECT_EQ(s.host_os.basis, Basis::read);
  EXPECT_EQ(s.host_nginx.value, text(get(want, {"host", "nginx"})));
  if (!get(want, {"host", "nginx"})) {
    EXPECT_EQ(s.proxy_config.value, text(get(want, {"proxy", "config"}), "nginx.conf"));
  }

  std::map<std::string, std::string> files, links, repos;
  for (const auto& f : s.host_files) files[f.host_path] = f.folder_path;
  for (const auto& l : s.host_links) links[l.link] = l.target;
  for (const auto& r : s.repos) repos[r.path] = r.branch;
  EXPECT_EQ(expand(dir, files), expand(dir, yaml_map(get(want, {"host", "files"}))));
  EXPECT_EQ(links, yaml_map(get(want, {"host", "symlinks"})));
  EXPECT_EQ(repos, yaml_map(get(want, {"host", "repos"})));

  std::set<std::pair<std::string, std::string>> registry, want_registry;
  for (const auto& r : s.registry) registry.insert({r.image, r.runs});
  for (const auto& r : get(want, {"docker", "registry"})) want_registry.insert({text(r["image"]), text(r["runs"])});
  EXPECT_EQ(registry, want_registry);
  EXPECT_EQ(s.proxy_container.value, text(get(want, {"proxy", "container"})));
  EXPECT_EQ(s.traffic_port.value, text(get(want, {"traffic", "port"})));
  EXPECT_EQ(s.traffic_host.value, text(get(want, {"traffic", "host"})));

  EXPECT_EQ(s.compose_generation.value, row.compose);
  if (std::string(row.compose) == "v2") {
    EXPECT_EQ(s.compose_version.value, text(get(want, {"docker", "compose"})));
  }
  if (std::string(row.compose).empty()) {
    EXPECT_FALSE(get(want, {"docker", "compose"}));
  }
  EXPECT_EQ(s.app_port.value, "3000");
  EXPECT_EQ(s.health_path.value, row.health);
  EXPECT_EQ(s.next_version.value, text(get(want, {"app", "next_version"}), "12.2"));
  EXPECT_EQ(s.next_version.basis, row.next);
}

// Goal: what init cannot know it says, and nothing else: `docker-compose` (v1 or v2's standalone
// binary) leaves docker.compose unwritten with a check, a version guessed from next.config is a
// check; no corpus folder gets a warning about a file it does have.
TEST_P(CorpusSurvey, SaysWhatItCannotKnowAndOnlyThat) {
  const Row& row = GetParam();
  const FolderSurvey s = survey_folder(fs::path(BG_SOURCE_DIR) / "scenarios/data" / row.folder);
  auto checks_about = [&](const std::string& what) {
    return std::count_if(s.checks.begin(), s.checks.end(), [&](auto& c) { return c.find(what) != std::string::npos; });
  };
  const bool standalone = std::string(row.compose) == "standalone";
  EXPECT_EQ(s.compose_version.known(), std::string(row.compose) == "v2");
  EXPECT_EQ(checks_about("docker.compose:"), standalone ? 1 : 0);
  EXPECT_EQ(checks_about("app.next_version:"), row.next == Basis::assumed ? 1 : 0);
  EXPECT_EQ(checks_about("has no file for"), 0);
  EXPECT_EQ(checks_about("no script or include names"), 0);
  EXPECT_EQ(checks_about("host.os"), 0);
  EXPECT_EQ(checks_about("proxy.container"), 0);
  EXPECT_EQ(checks_about("which the host does not build"), 0);
  EXPECT_EQ(checks_about("through a variable without a default"), 0);
}

INSTANTIATE_TEST_SUITE_P(Folders, CorpusSurvey, testing::ValuesIn(kRows), [](const auto& info) {
  std::string name = fs::path(info.param.folder).filename().string();
  name = name.substr(0, name.find('-') == 2 ? 2 : name.size());
  return "f" + name;
});

// Goal: every folder of the corpus is in the table, so a new one cannot be left out.
TEST(CorpusSurvey, TableCoversEveryFolder) {
  std::set<std::string> listed, present;
  for (const auto& row : kRows) listed.insert(row.folder);
  for (const auto& e : fs::directory_iterator(fs::path(BG_SOURCE_DIR) / "scenarios/data/real-world"))
    if (e.is_directory()) present.insert("real-world/" + e.path().filename().string());
  present.insert("seed");
  EXPECT_EQ(listed, present);
}

}  // namespace
}  // namespace bg::survey
