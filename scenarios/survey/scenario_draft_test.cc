// The scenario.yaml init drafts: valid YAML that says back what the survey concluded, a comment on
// every setting (file:line, or CHECK), and a file scenarios::load_scenario reads.
#include "scenarios/survey/scenario_draft.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "scenarios/scenario_loader.h"
#include "scenarios/survey/survey_test_support.h"

namespace bg::survey {
namespace {
using test_support::get;
namespace fs = std::filesystem;

std::vector<std::string> corpus() {
  std::vector<std::string> dirs{"seed"};
  for (const auto& e : fs::directory_iterator(fs::path(BG_SOURCE_DIR) / "scenarios/data/real-world"))
    if (e.is_directory()) dirs.push_back("real-world/" + e.path().filename().string());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

fs::path source(const std::string& folder) { return fs::path(BG_SOURCE_DIR) / "scenarios/data" / folder; }

// A copy of `folder` without its scenario.yaml, with the draft written in its place.
fs::path copy_with_draft(const fs::path& from, const std::string& draft) {
  static int n = 0;
  const fs::path dir =
      fs::temp_directory_path() / ("bg-draft-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  fs::remove_all(dir);
  fs::copy(from, dir, fs::copy_options::recursive);
  std::ofstream(dir / "scenario.yaml") << draft;
  return dir;
}

// Goal: a value is plain only when YAML reads it back as the same text.
TEST(ScenarioDraft, QuotesWhatYamlWouldReadAsSomethingElse) {
  EXPECT_EQ(yaml_scalar("/etc/nginx/conf.d/app.conf"), "/etc/nginx/conf.d/app.conf");
  EXPECT_EQ(yaml_scalar("shop.example.com"), "shop.example.com");
  EXPECT_EQ(yaml_scalar("14.1"), "\"14.1\"");
  EXPECT_EQ(yaml_scalar("80"), "\"80\"");
  EXPECT_EQ(yaml_scalar("yes"), "\"yes\"");
  EXPECT_EQ(yaml_scalar("nginx:1.25"), "\"nginx:1.25\"");
  EXPECT_EQ(yaml_scalar("a \"b\" #c"), "\"a \\\"b\\\" #c\"");
  for (const std::string v : {"14.1", "yes", "a: b", "x # y", "${TAG}", "-p"})
    EXPECT_EQ(YAML::Load("k: " + yaml_scalar(v))["k"].Scalar(), v);
}

class CorpusDraft : public testing::TestWithParam<std::string> {};

// Goal: the draft of every hand-written folder is YAML that reads back as the survey's conclusions.
TEST_P(CorpusDraft, ReadsBackAsTheSurvey) {
  const FolderSurvey s = survey_folder(source(GetParam()));
  const YAML::Node y = YAML::Load(draft_scenario(s));
  EXPECT_EQ(y["name"].Scalar(), s.name);
  EXPECT_EQ(get(y, {"host", "os"}).Scalar(), s.host_os.value);
  if (s.host_nginx.known()) {
    EXPECT_EQ(get(y, {"host", "nginx"}).Scalar(), s.host_nginx.value);
  }
  for (const auto& f : s.host_files) EXPECT_EQ(get(y, {"host", "files"})[f.host_path].Scalar(), f.folder_path);
  for (const auto& l : s.host_links) EXPECT_EQ(get(y, {"host", "symlinks"})[l.link].Scalar(), l.target);
  for (const auto& r : s.repos) EXPECT_EQ(get(y, {"host", "repos"})[r.path].Scalar(), r.branch);
  EXPECT_EQ(get(y, {"docker", "registry"}).size(), s.registry.size());
  for (size_t i = 0; i < s.registry.size(); ++i) {
    EXPECT_EQ(get(y, {"docker", "registry"})[i]["image"].Scalar(), s.registry[i].image);
    EXPECT_EQ(get(y, {"docker", "registry"})[i]["runs"].Scalar(), s.registry[i].runs);
  }
  EXPECT_EQ(get(y, {"docker", "compose"}).IsDefined(), s.compose_version.known());
  EXPECT_EQ(get(y, {"app", "next_version"}).as<std::string>(), s.next_version.value);
  EXPECT_EQ(get(y, {"proxy", "container"}).IsDefined(), s.proxy_container.known());
  EXPECT_EQ(get(y, {"proxy", "config"}).IsDefined(), s.proxy_config.known());
  EXPECT_EQ(get(y, {"traffic", "host"}).IsDefined(), s.traffic_host.known());
  EXPECT_EQ(get(y, {"traffic", "port"}).IsDefined(), s.traffic_port.known());
  EXPECT_FALSE(y["expect"].IsDefined());  // init never decides what the user expects
}

// Goal: every setting written says what it rests on: a file:line, or CHECK for an assumption.
TEST_P(CorpusDraft, EverySettingSaysWhatItRestsOn) {
  std::istringstream in(draft_scenario(survey_folder(source(GetParam()))));
  static const std::regex setting(R"(^ +(- )?[^#\s][^:]*: *[^#\s].*$)");  // a key with a value, not a header
  static const std::regex basis(R"([\w./-]+:\d+|CHECK|the admin's clone|the default)");
  std::string comments, line;  // the comment lines just above
  int settings = 0;
  while (std::getline(in, line)) {
    if (std::regex_match(line, setting) && line.rfind("  Drafted", 0) != 0) {
      ++settings;
      const auto hash = line.find("# ");
      const std::string comment = hash != std::string::npos ? line.substr(hash) : comments;
      EXPECT_TRUE(std::regex_search(comment, basis)) << GetParam() << ": " << line << " / " << comment;
    }
    const auto first = line.find_first_not_of(' ');
    comments = first != std::string::npos && line[first] == '#' ? comments + line : "";
  }
  EXPECT_GT(settings, 2);
}

// Goal: the draft loads with the scenario loader of this tree. A key of the sandboxed host's
// scenario.yaml settings (host.*, docker.registry, proxy.container, traffic.port) that this tree's
// loader does not read yet, or a workflow-only folder where the loader still requires appspec.yml,
// skips the folder with the loader's own message: the check becomes real when those land.
TEST_P(CorpusDraft, LoadsWithTheScenarioLoader) {
  const FolderSurvey s = survey_folder(source(GetParam()));
  const fs::path dir = copy_with_draft(source(GetParam()), draft_scenario(s));
  std::string error;
  try {
    const scenarios::Scenario loaded = scenarios::load_scenario(dir);
    EXPECT_EQ(loaded.app.next_version, s.next_version.value);
    if (s.compose_version.known()) {
      EXPECT_EQ(loaded.docker.compose, s.compose_version.value);
    }
  } catch (const scenarios::ScenarioError& e) {
    error = e.what();
  }
  fs::remove_all(dir);
  static const std::regex pending(R"(unknown key '(host|registry|container|port|repos)'|has no appspec.yml)");
  if (std::regex_search(error, pending)) GTEST_SKIP() << "this tree's loader: " << error;
  EXPECT_EQ(error, "");
}

INSTANTIATE_TEST_SUITE_P(Folders, CorpusDraft, testing::ValuesIn(corpus()), [](const auto& info) {
  const std::string name = fs::path(info.param).filename().string();
  return "f" + name.substr(0, name.find('-') == 2 ? 2 : name.size());
});

// Goal: a folder whose world needs none of the sandboxed host's settings loads today, with the values the
// survey read; a section with nothing decided is written out whole.
TEST(ScenarioDraft, ADraftWithoutHostSettingsLoadsAsSurveyed) {
  const fs::path dir = copy_with_draft(source("seed"), "");
  fs::remove(dir / "scenario.yaml");
  std::ofstream(dir / "scripts/build_docker.sh") << "#!/bin/bash\ncd /srv/app\ndocker build -t docker-image .\n";
  std::ofstream(dir / "scripts/switch_docker.sh") << "#!/bin/bash\ncd /srv/app\ndocker compose -p blue up -d\n";
  std::ofstream(dir / "appspec.yml") << "version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n"
                                        "    - location: scripts/switch_docker.sh\n";
  std::ofstream(dir / "package.json") << R"({"dependencies": {"next": "13.4.19"}})";
  const std::string draft = draft_scenario(survey_folder(dir));
  std::ofstream(dir / "scenario.yaml") << draft;
  EXPECT_NE(draft.find("\n# host:\n"), std::string::npos) << draft;
  const scenarios::Scenario s = scenarios::load_scenario(dir);
  EXPECT_EQ(s.docker.compose, "2.20.2");
  EXPECT_EQ(s.app.next_version, "13.4");
  EXPECT_EQ(s.proxy.config, "nginx.conf");
  EXPECT_FALSE(s.expect.has_value());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bg::survey
