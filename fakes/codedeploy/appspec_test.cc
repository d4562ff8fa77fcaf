#include "fakes/codedeploy/appspec.h"

#include <gtest/gtest.h>

#include "fakes/codedeploy/codedeploy_test_support.h"

namespace bg::fakes {
namespace {

constexpr const char* kSeedAppspec = R"(version: 0.0
os: linux
files:
  - source: /
    destination: /home/ec2-user/temp
hooks:
  AfterInstall:
    - location: /scripts/build_docker.sh
  ApplicationStart:
    - location: /scripts/switch_docker.sh
)";

// The error for `text`, or "" when it parses.
std::string error_of(const std::string& text) {
  try {
    parse_appspec_text(text, "appspec.yml");
  } catch (const AppSpecError& e) {
    return e.what();
  }
  return "";
}

// Goal: the seed's appspec.yml parses into its files and two hooks with CodeDeploy's defaults.
TEST(AppSpec, ParsesTheSeedsAppspecWithDefaults) {
  test_support::TempDir dir;
  test_support::write_file(dir / "appspec.yml", kSeedAppspec);
  AppSpec spec = parse_appspec(dir / "appspec.yml");
  EXPECT_EQ(spec.version, "0.0");
  EXPECT_EQ(spec.os, "linux");
  ASSERT_EQ(spec.files.size(), 1u);
  EXPECT_EQ(spec.files[0].source, "/");
  EXPECT_EQ(spec.files[0].destination, "/home/ec2-user/temp");
  EXPECT_EQ(spec.file_exists_behavior, FileExistsBehavior::disallow);
  ASSERT_EQ(spec.scripts_for(LifecycleEvent::AfterInstall).size(), 1u);
  EXPECT_EQ(spec.scripts_for(LifecycleEvent::AfterInstall)[0].location, "/scripts/build_docker.sh");
  EXPECT_EQ(spec.scripts_for(LifecycleEvent::AfterInstall)[0].timeout_seconds, 3600);
  EXPECT_FALSE(spec.scripts_for(LifecycleEvent::AfterInstall)[0].runas.has_value());
  ASSERT_EQ(spec.scripts_for(LifecycleEvent::ApplicationStart).size(), 1u);
  EXPECT_TRUE(spec.scripts_for(LifecycleEvent::ApplicationStop).empty());
}

// Goal: timeout, runas and file_exists_behavior are read when given, and scripts keep file order.
TEST(AppSpec, ReadsTimeoutRunasAndFileExistsBehavior) {
  AppSpec spec = parse_appspec_text(R"(version: 0.0
os: linux
file_exists_behavior: OVERWRITE
hooks:
  ApplicationStop:
    - location: a.sh
      timeout: 30
      runas: ec2-user
    - location: b.sh
)",
                                    "appspec.yml");
  EXPECT_EQ(spec.file_exists_behavior, FileExistsBehavior::overwrite);
  const auto& scripts = spec.scripts_for(LifecycleEvent::ApplicationStop);
  ASSERT_EQ(scripts.size(), 2u);
  EXPECT_EQ(scripts[0].location, "a.sh");
  EXPECT_EQ(scripts[0].timeout_seconds, 30);
  EXPECT_EQ(scripts[0].runas.value_or(""), "ec2-user");
  EXPECT_EQ(scripts[1].location, "b.sh");
}

// Goal: an unknown lifecycle event is an error naming file, line, column and the valid names.
TEST(AppSpec, UnknownLifecycleEventIsAnErrorWithItsPosition) {
  std::string e = error_of("version: 0.0\nos: linux\nhooks:\n  AfterInstal:\n    - location: a.sh\n");
  EXPECT_NE(e.find("appspec.yml:4:3:"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown lifecycle event 'AfterInstal'"), std::string::npos) << e;
  EXPECT_NE(e.find("AfterInstall"), std::string::npos) << e;
}

// Goal: the agent's own steps cannot be hooked.
TEST(AppSpec, HookingInstallIsAnError) {
  std::string e = error_of("version: 0.0\nos: linux\nhooks:\n  Install:\n    - location: a.sh\n");
  EXPECT_NE(e.find("appspec.yml:4:3:"), std::string::npos) << e;
  EXPECT_NE(e.find("cannot be scripted"), std::string::npos) << e;
}

// Goal: a wrong version or os gets CodeDeploy's message at the value's position.
TEST(AppSpec, WrongVersionAndOsUseCodeDeploysWording) {
  std::string v = error_of("version: 1.0\nos: linux\n");
  EXPECT_NE(v.find("appspec.yml:1:10:"), std::string::npos) << v;
  EXPECT_NE(v.find("invalid version value (1.0)"), std::string::npos) << v;
  std::string os = error_of("version: 0.0\nos: macos\n");
  EXPECT_NE(os.find("appspec.yml:2:5:"), std::string::npos) << os;
  EXPECT_NE(os.find("unsupported operating system (macos)"), std::string::npos) << os;
  EXPECT_NE(error_of("os: linux\n").find("invalid version value ()"), std::string::npos);
}

// Goal: a script entry without location, a bad timeout and a bad file_exists_behavior are errors on their line.
TEST(AppSpec, BadScriptEntriesAreErrorsOnTheirLine) {
  std::string loc = error_of("version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - timeout: 5\n");
  EXPECT_NE(loc.find("appspec.yml:5:7:"), std::string::npos) << loc;
  EXPECT_NE(loc.find("script with no location value"), std::string::npos) << loc;
  std::string t =
      error_of("version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: a.sh\n      timeout: 5000\n");
  EXPECT_NE(t.find("appspec.yml:6:16:"), std::string::npos) << t;
  EXPECT_NE(t.find("hooks.AfterInstall[0].timeout '5000' is out of range (1..3600"), std::string::npos) << t;
  std::string feb = error_of("version: 0.0\nos: linux\nfile_exists_behavior: REPLACE\n");
  EXPECT_NE(feb.find("appspec.yml:3:23:"), std::string::npos) << feb;
  EXPECT_NE(feb.find("Valid options include OVERWRITE, RETAIN, and DISALLOW"), std::string::npos) << feb;
}

// Goal: malformed YAML and unreadable files are AppSpecErrors too, with a position.
TEST(AppSpec, MalformedYamlAndMissingFileAreErrors) {
  std::string y = error_of("version: 0.0\nos: linux\nhooks: [\n");
  EXPECT_NE(y.find("appspec.yml:"), std::string::npos) << y;
  EXPECT_NE(y.find("invalid YAML"), std::string::npos) << y;
  std::string k = error_of("version: 0.0\nos: linux\nhook:\n  AfterInstall: []\n");
  EXPECT_NE(k.find("appspec.yml:3:1: unknown key 'hook'"), std::string::npos) << k;
  EXPECT_THROW(parse_appspec("/nonexistent/appspec.yml"), AppSpecError);
}

// Goal: a files entry needs a source and an absolute destination.
TEST(AppSpec, FilesEntriesNeedSourceAndAbsoluteDestination) {
  std::string e = error_of("version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: temp\n");
  EXPECT_NE(e.find("appspec.yml:4:5:"), std::string::npos) << e;
  EXPECT_NE(e.find("destination 'temp' is not an absolute path"), std::string::npos) << e;
  e = error_of("version: 0.0\nos: linux\nfiles:\n  - source: /\n");
  EXPECT_NE(e.find("specifies only a source file (/)"), std::string::npos) << e;
  e = error_of("version: 0.0\nos: linux\nfiles:\n  - destination: /srv\n");
  EXPECT_NE(e.find("specifies a destination file, but no source file"), std::string::npos) << e;
}

// Goal: `overwrite: yes` in a files entry is valid CodeDeploy syntax (the agent ignores it): accepted.
TEST(AppSpec, OverwriteInAFilesEntryIsAccepted) {
  EXPECT_EQ(error_of("version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /srv/app\n    overwrite: yes\n"),
            "");
}

// Goal: the timeout is read as the agent reads it (Ruby's to_i): "30s" is 30, "abc" is 0 and refused
// in the agent's words, with the field named.
TEST(AppSpec, TimeoutIsReadAsTheAgentReadsIt) {
  auto spec = parse_appspec_text(
      "version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: a.sh\n      timeout: 30s\n", "appspec.yml");
  EXPECT_EQ(spec.scripts_for(LifecycleEvent::AfterInstall)[0].timeout_seconds, 30);
  std::string e =
      error_of("version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: a.sh\n      timeout: abc\n");
  EXPECT_NE(e.find("appspec.yml:6:16: hooks.AfterInstall[0].timeout 'abc': The deployment failed because an invalid "
                   "timeout value was provided"),
            std::string::npos)
      << e;
  EXPECT_NE(error_of("version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: a.sh\n      timeout: -5\n")
                .find("invalid timeout value"),
            std::string::npos);
}

// Goal: a script keeps the line of its location, and an event given twice keeps its last list, as
// the agent's Ruby hash does.
TEST(AppSpec, ScriptsKeepTheirLineAndTheLastListOfAnEventWins) {
  auto spec = parse_appspec_text(
      "version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: a.sh\n"
      "  AfterInstall:\n    - location: b.sh\n",
      "appspec.yml");
  const auto& scripts = spec.scripts_for(LifecycleEvent::AfterInstall);
  ASSERT_EQ(scripts.size(), 1u);
  EXPECT_EQ(scripts[0].location, "b.sh");
  EXPECT_EQ(scripts[0].line, 7);
  EXPECT_EQ(scripts[0].column, 17);
}

// Goal: messages name the file as the caller says (the user's, not the run's copy); a folder is refused.
TEST(AppSpec, MessagesUseTheDisplayNameAndAFolderIsRefused) {
  test_support::TempDir dir;
  test_support::write_file(dir / "appspec.yml", "version: 1.0\nos: linux\n");
  try {
    parse_appspec(dir / "appspec.yml", "my/deploy/appspec.yml");
    ADD_FAILURE() << "version 1.0 accepted";
  } catch (const AppSpecError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("my/deploy/appspec.yml:1:10: ", 0), 0u) << e.what();
  }
  std::filesystem::create_directory(dir / "folder.yml");
  try {
    parse_appspec(dir / "folder.yml");
    ADD_FAILURE() << "a folder was read";
  } catch (const AppSpecError& e) {
    EXPECT_NE(std::string(e.what()).find("is a folder, not a file"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace bg::fakes
