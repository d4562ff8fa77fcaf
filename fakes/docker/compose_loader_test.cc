// A compose project assembled from options, environment and files (compose_loader.h), per version.
#include "fakes/docker/compose_loader.h"

#include <fstream>

#include <gtest/gtest.h>

#include "core/not_modelled.h"

namespace bg::fakes {
namespace {
namespace fs = std::filesystem;

struct Folder {
  Folder() {
    char tmpl[] = "/tmp/bg-compose-loader-XXXXXX";
    root = fs::path(::mkdtemp(tmpl));
    dir = root / "My_App.1";
    fs::create_directories(dir);
  }
  ~Folder() { fs::remove_all(root); }
  void write(const std::string& name, const std::string& text) {
    fs::create_directories((dir / name).parent_path());
    std::ofstream(dir / name) << text;
  }
  ComposeProject load(std::string_view version, ComposeLoadOptions o = {}, fs::path cwd = {}) {
    auto dialect = make_compose_dialect(version);
    warnings.clear();
    return ComposeLoader(*dialect, nullptr, cwd.empty() ? dir : cwd, env).load(o, warnings);
  }
  std::string error(std::string_view version, ComposeLoadOptions o = {}) {
    try {
      load(version, o);
    } catch (const ComposeFileError& e) {
      return e.what();
    }
    return "";
  }
  fs::path root, dir;
  std::map<std::string, std::string> env;
  std::vector<std::string> warnings;
};

// Goal: without -f, v2 prefers compose.yaml (warning about the other name) and v1
// docker-compose.yml; the override file beside it is merged in.
TEST(ComposeLoader, DefaultFilesAndTheOverrideFile) {
  Folder f;
  f.write("docker-compose.yml", "services:\n  web: {image: legacy}\n");
  f.write("compose.yaml", "services:\n  web: {image: new}\n");
  f.write("docker-compose.override.yml", "services:\n  web: {environment: {DEBUG: \"1\"}}\n");
  ComposeProject v2 = f.load("2.5.0");
  EXPECT_EQ(v2.config.find("web")->image, "new");
  EXPECT_EQ(v2.config.find("web")->environment.at("DEBUG"), "1");
  EXPECT_EQ(v2.files, (std::vector<std::string>{(f.dir / "compose.yaml").string(),
                                                (f.dir / "docker-compose.override.yml").string()}));
  ASSERT_EQ(f.warnings.size(), 2u);
  EXPECT_EQ(f.warnings[0], "Found multiple config files with supported names: " + (f.dir / "compose.yaml").string() +
                               ", " + (f.dir / "docker-compose.yml").string());
  ComposeProject v1 = f.load("1.29.2");
  EXPECT_EQ(v1.config.find("web")->image, "legacy");
  EXPECT_EQ(v1.files, (std::vector<std::string>{"./docker-compose.yml", "./docker-compose.override.yml"}));
}

// Goal: the files are searched in the parents of the cwd; none anywhere is compose's error.
TEST(ComposeLoader, SearchesParentsAndFailsWithoutFiles) {
  Folder f;
  f.write("docker-compose.yml", "services:\n  web: {image: x}\n");
  fs::create_directories(f.dir / "scripts");
  EXPECT_EQ(f.load("2.20.2", {}, f.dir / "scripts").name, "my_app1");
  fs::remove(f.dir / "docker-compose.yml");
  EXPECT_EQ(f.error("2.5.0"), "no configuration file provided: not found");
}

// Goal: COMPOSE_FILE names the files (COMPOSE_PATH_SEPARATOR splits them) when there is no -f.
TEST(ComposeLoader, ComposeFileVariable) {
  Folder f;
  f.write("base.yml", "services:\n  web: {image: x, ports: [\"3000:3000\"]}\n");
  f.write("prod.yml", "services:\n  web: {ports: [\"80:3000\"]}\n");
  f.env["COMPOSE_FILE"] = "base.yml;prod.yml";
  f.env["COMPOSE_PATH_SEPARATOR"] = ";";
  EXPECT_EQ(f.load("2.5.0").config.find("web")->ports.size(), 2u);
  f.env.erase("COMPOSE_PATH_SEPARATOR");
  f.env["COMPOSE_FILE"] = "base.yml:prod.yml";
  EXPECT_EQ(f.load("1.29.2").config.find("web")->ports.size(), 2u);
}

// Goal: the project name: -p, then COMPOSE_PROJECT_NAME (from the environment or .env), then the
// top-level name: (v2 only), then the folder, normalised.
TEST(ComposeLoader, ProjectNamePrecedence) {
  Folder f;
  f.write("docker-compose.yml", "name: Named\nservices:\n  web: {image: x}\n");
  EXPECT_EQ(f.load("2.20.2").name, "named");
  EXPECT_EQ(f.load("2.20.2", {{}, "Blue-Stack"}).name, "blue-stack");
  f.write(".env", "COMPOSE_PROJECT_NAME=fromdotenv\n");
  EXPECT_EQ(f.load("2.20.2").name, "fromdotenv");
  f.env["COMPOSE_PROJECT_NAME"] = "fromenv";
  EXPECT_EQ(f.load("2.20.2").name, "fromenv");
  f.write("docker-compose.yml", "services:\n  web: {image: x}\n");
  fs::remove(f.dir / ".env");
  f.env.clear();
  EXPECT_EQ(f.load("2.5.0").name, "my_app1");
  EXPECT_EQ(f.load("1.29.2").name, "my_app1");
}

// Goal: --project-directory moves the .env and the base of relative paths.
TEST(ComposeLoader, ProjectDirectory) {
  Folder f;
  f.write("deploy/docker-compose.yml", "services:\n  web: {image: \"app:${TAG}\", volumes: [./conf:/conf]}\n");
  f.write("deploy/.env", "TAG=from-deploy\n");
  f.write(".env", "TAG=from-project\n");
  ComposeLoadOptions o;
  o.files = {"deploy/docker-compose.yml"};
  EXPECT_EQ(f.load("2.5.0", o).config.find("web")->image, "app:from-deploy");
  o.project_directory = ".";
  ComposeProject p = f.load("2.5.0", o);
  EXPECT_EQ(p.config.find("web")->image, "app:from-project");
  EXPECT_EQ(p.config.find("web")->volumes.at(0).source, (f.dir / "conf").string());
}

// Goal: a service with profiles is left out unless a profile is enabled or it is named.
TEST(ComposeLoader, Profiles) {
  Folder f;
  f.write("docker-compose.yml", "services:\n  web: {image: x}\n  debug: {image: d, profiles: [dev]}\n");
  EXPECT_EQ(f.load("2.5.0").config.services.size(), 1u);
  EXPECT_EQ(f.load("2.5.0").disabled, (std::vector<std::string>{"debug"}));
  ComposeLoadOptions o;
  o.profiles = {"dev"};
  EXPECT_EQ(f.load("2.5.0", o).config.services.size(), 2u);
  ComposeLoadOptions named;
  named.services = {"debug"};
  EXPECT_TRUE(f.load("2.5.0", named).config.find("debug"));
  f.env["COMPOSE_PROFILES"] = "dev";
  EXPECT_EQ(f.load("1.29.2").config.services.size(), 2u);
}

// Goal: env_file values, then `environment:` over them, a bare KEY from the project's variables; a
// missing env_file is each version's error.
TEST(ComposeLoader, ServiceEnvironment) {
  Folder f;
  f.write("docker-compose.yml",
          "services:\n  web:\n    image: x\n    env_file: [app.env]\n    environment: [B=env, TOKEN, NOPE]\n");
  f.write("app.env", "A=file\nB=file\n");
  f.env["TOKEN"] = "secret";
  EXPECT_EQ(f.load("2.5.0").config.find("web")->environment,
            (std::map<std::string, std::string>{{"A", "file"}, {"B", "env"}, {"TOKEN", "secret"}}));
  fs::remove(f.dir / "app.env");
  std::string path = (f.dir / "app.env").string();
  EXPECT_EQ(f.error("2.5.0"), "open " + path + ": no such file or directory");
  EXPECT_EQ(f.error("2.20.2"), "Failed to load " + path + ": open " + path + ": no such file or directory");
  EXPECT_EQ(f.error("1.29.2"), "Couldn't find env file: " + path);
}

// Goal: references to what the files do not define are compose's consistency errors.
TEST(ComposeLoader, UndefinedReferences) {
  Folder f;
  f.write("docker-compose.yml", "services:\n  web: {ports: [\"3000:3000\"]}\n");
  EXPECT_EQ(f.error("2.5.0"),
            "service \"web\" has neither an image nor a build context specified: invalid compose project");
  f.write("docker-compose.yml", "services:\n  web: {image: x, depends_on: [db]}\n");
  EXPECT_EQ(f.error("2.20.2"), "service \"web\" depends on undefined service db: invalid compose project");
  EXPECT_EQ(f.error("1.29.2"), "Service 'web' depends on service 'db' which is undefined.");
  f.write("docker-compose.yml", "services:\n  web: {image: x, networks: [front]}\n");
  EXPECT_EQ(f.error("2.5.0"), "service \"web\" refers to undefined network front: invalid compose project");
  f.write("docker-compose.yml", "services:\n  web: {image: x, volumes: [\"data:/data\"]}\n");
  EXPECT_EQ(f.error("2.5.0"), "service \"web\" refers to undefined volume data: invalid compose project");
  EXPECT_EQ(f.error("1.29.2"),
            "Named volume \"data:/data:rw\" is used in service \"web\" but no declaration was found in the volumes "
            "section.");
}

// Goal: unset variables are warned about per lookup by compose-go and once per variable by
// docker-compose 1.x, whose ps/stop/start/... load silently.
TEST(ComposeLoader, UnsetVariableWarnings) {
  Folder f;
  f.write("docker-compose.yml", "services:\n  web: {image: \"app:${TAG}\", labels: {tag: \"${TAG}\"}}\n");
  f.load("2.5.0");
  EXPECT_EQ(f.warnings,
            (std::vector<std::string>(2, "The \"TAG\" variable is not set. Defaulting to a blank string.")));
  f.load("1.29.2");
  EXPECT_EQ(f.warnings, (std::vector<std::string>{"The TAG variable is not set. Defaulting to a blank string."}));
  ComposeLoadOptions silent;
  silent.silent_variables = true;
  f.load("1.29.2", silent);
  EXPECT_TRUE(f.warnings.empty());
}

}  // namespace
}  // namespace bg::fakes
