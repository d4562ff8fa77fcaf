// One compose file read into what the fakes act on (compose_file.h): the value forms of each key,
// keys accepted as harmless, keys refused as not modelled (with file:line), keys compose itself
// does not know (its own error, per generation).
#include "fakes/docker/compose_file.h"

#include <fstream>

#include <gtest/gtest.h>

#include "core/not_modelled.h"
#include "fakes/docker/compose_document.h"

namespace bg::fakes {
namespace {

// The article's files, verbatim (unquoted 3000:3000, which YAML 1.1 would read as base 60).
constexpr const char* kBlue = "services:\n  blue:\n    image: docker-image\n    ports:\n      - 3000:3000\n";
constexpr const char* kGreen =
    "#docker-compose-green.yml\nservices:\n  green:\n    image: docker-image\n    ports:\n      - 3001:3000\n";

ComposeFile read(const std::string& text, TemplateSyntax g = TemplateSyntax::go_v1_2) {
  std::vector<std::string> unset;
  auto none = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  YAML::Node root = parse_compose_document(text, "/app/c.yml", g, none, unset);
  return read_compose_file(root, ComposeFileContext{g, "/app/c.yml", "/app", std::string("/home/ec2-user")});
}

std::string error_of(const std::string& text, TemplateSyntax g = TemplateSyntax::go_v1_2) {
  try {
    read(text, g);
  } catch (const ComposeFileError& e) {
    return e.what();
  }
  return "";
}

std::string not_modelled_of(const std::string& text) {
  try {
    read(text);
  } catch (const core::NotModelled& e) {
    return e.subject();
  }
  return "";
}

// Goal: both seed compose files load as the article means them: one service, host port -> 3000.
TEST(ComposeFile, ParsesBothSeedFiles) {
  ComposeFile blue = parse_compose_text(kBlue, "docker-compose-blue.yml");
  ASSERT_EQ(blue.services.size(), 1u);
  EXPECT_EQ(blue.services[0].name, "blue");
  EXPECT_EQ(blue.services[0].image, "docker-image");
  EXPECT_EQ(blue.services[0].ports, (std::vector<PortMapping>{{"", 3000, 3000, "tcp"}}));
  ComposeFile green = parse_compose_text(kGreen, "docker-compose-green.yml");
  ASSERT_NE(green.find("green"), nullptr);
  EXPECT_EQ(green.find("green")->ports, (std::vector<PortMapping>{{"", 3001, 3000, "tcp"}}));
  EXPECT_EQ(green.find("blue"), nullptr);
}

// Goal: every port form, both environment forms and the stop settings are read.
TEST(ComposeFile, ReadsPortFormsEnvironmentAndStopSettings) {
  ComposeFile f = parse_compose_text(R"(version: "3.8"
services:
  app:
    image: app:1
    ports: ["127.0.0.1:3000:3000", "3000", {target: 3000, published: 8080}, "53:53/udp"]
    environment: {NODE_ENV: production, EMPTY: }
    stop_grace_period: 1m30s
    stop_signal: SIGINT
    init: true
    command: node server.js --title "blue app"
    healthcheck: {test: [CMD, curl, -f, http://localhost:3000], interval: 5s}
  worker:
    image: w
    environment: [A=1, "B=two words", C]
)",
                                     "c.yml");
  const ServiceConfig& app = *f.find("app");
  EXPECT_EQ(app.ports,
            (std::vector<PortMapping>{
                {"127.0.0.1", 3000, 3000, "tcp"}, {"", 0, 3000, "tcp"}, {"", 8080, 3000, "tcp"}, {"", 53, 53, "udp"}}));
  EXPECT_EQ(app.environment.at("NODE_ENV"), "production");
  EXPECT_EQ(app.stop_grace_period, std::chrono::seconds(90));
  EXPECT_EQ(app.stop_signal, "SIGINT");
  EXPECT_TRUE(app.init);
  // A string command is split as a shell would (shlex / go-shellwords), quotes included.
  EXPECT_EQ(app.command, (std::vector<std::string>{"node", "server.js", "--title", "blue app"}));
  ASSERT_TRUE(app.healthcheck);
  EXPECT_EQ(app.healthcheck->interval, std::chrono::seconds(5));
  const ServiceConfig& worker = *f.find("worker");
  // A bare C takes the project environment's value: unset here, so the container has none.
  EXPECT_EQ(worker.environment, (std::map<std::string, std::string>{{"A", "1"}, {"B", "two words"}}));
  EXPECT_FALSE(worker.environment_entries.at("C").has_value());
}

// Goal: the keys deploy folders write are read into what the engine gets: container_name, bind
// mounts made absolute against the project folder (`~` from HOME), named volumes, networks with
// aliases, depends_on both forms, build, labels both forms, restart, hostname, extra_hosts,
// healthcheck string form, profiles.
TEST(ComposeFile, ReadsTheKeysDeployFoldersUse) {
  ComposeFile f = read(R"(services:
  web:
    build: {context: ./app, dockerfile: Dockerfile.prod, args: {NODE_ENV: production}}
    container_name: web-blue
    volumes: ["./nginx.conf:/etc/nginx/nginx.conf:ro", "data:/data", "~/logs:/logs", "/cache",
              {type: bind, source: ../shared, target: /shared, read_only: true}, {type: tmpfs, target: /tmp}]
    networks: {front: {aliases: [app]}, default: }
    depends_on: {db: {condition: service_healthy}}
    labels: [traefik.enable=true, "color=blue"]
    restart: unless-stopped
    hostname: web
    extra_hosts: ["host.docker.internal:host-gateway"]
    healthcheck: {test: "curl -f http://localhost:3000/health || exit 1", retries: 5}
    profiles: [blue]
    logging: {driver: json-file}
    mem_limit: 512m
    deploy: {resources: {limits: {cpus: "0.5"}}}
  db:
    image: postgres:15
    depends_on: [cache]
  cache:
    image: redis
volumes:
  data:
networks:
  front: {external: true}
)");
  const ServiceConfig& web = *f.find("web");
  ASSERT_TRUE(web.build);
  EXPECT_EQ(web.build->context, "/app/app");
  EXPECT_EQ(web.build->dockerfile, "Dockerfile.prod");
  EXPECT_EQ(web.build->args.at("NODE_ENV"), "production");
  EXPECT_EQ(web.container_name, "web-blue");
  EXPECT_EQ(web.volumes, (std::vector<BindMount>{{"/app/nginx.conf", "/etc/nginx/nginx.conf", true, false},
                                                 {"data", "/data", false, true},
                                                 {"/home/ec2-user/logs", "/logs", false, false},
                                                 {"", "/cache", false, true},
                                                 {"/shared", "/shared", true, false}}));
  EXPECT_EQ(web.networks, (std::vector<ServiceNetwork>{{"front", {"app"}}, {"default", {}}}));
  EXPECT_EQ(web.depends_on, (std::vector<Dependency>{{"db", "service_healthy"}}));
  EXPECT_EQ(f.find("db")->depends_on, (std::vector<Dependency>{{"cache", "service_started"}}));
  EXPECT_EQ(web.labels, (std::map<std::string, std::string>{{"traefik.enable", "true"}, {"color", "blue"}}));
  EXPECT_EQ(web.restart, "unless-stopped");
  EXPECT_EQ(web.hostname, "web");
  EXPECT_EQ(web.extra_hosts, (std::vector<std::string>{"host.docker.internal:host-gateway"}));
  EXPECT_EQ(web.healthcheck->test,
            (std::vector<std::string>{"CMD-SHELL", "curl -f http://localhost:3000/health || exit 1"}));
  EXPECT_EQ(web.healthcheck->retries, 5);
  EXPECT_EQ(web.profiles, (std::vector<std::string>{"blue"}));
  EXPECT_EQ(f.volumes, (std::vector<ProjectResource>{{"data", "", false}}));
  EXPECT_EQ(f.networks, (std::vector<ProjectResource>{{"front", "", true}}));
}

// Goal: what compose acts on and the fakes cannot is refused as not modelled, naming the key, the
// file and line; harmless keys are not.
TEST(ComposeFile, UnmodelledKeysAreNamedWithFileAndLine) {
  EXPECT_EQ(not_modelled_of("services:\n  web:\n    image: x\n    network_mode: host\n"),
            "compose key services.web.network_mode in /app/c.yml:4 (host, none or another container's network: "
            "networking the fake network does not have)");
  EXPECT_NE(not_modelled_of("services:\n  web:\n    image: x\n    deploy: {replicas: 2}\n").find("deploy.replicas"),
            std::string::npos);
  EXPECT_NE(not_modelled_of("services:\n  web:\n    image: x\n    ports: [\"3000-3005:3000\"]\n").find("a port range"),
            std::string::npos);
  EXPECT_NE(not_modelled_of("services:\n  web:\n    image: x\n    pull_policy: always\n").find("pull_policy"),
            std::string::npos);
  EXPECT_NE(not_modelled_of("services:\n  web:\n    image: x\n    secrets: [token]\n").find("services.web.secrets"),
            std::string::npos);
  EXPECT_NE(not_modelled_of("services: {}\nnetworks:\n  n: {driver: overlay}\n").find("networks.n.driver: overlay"),
            std::string::npos);
  EXPECT_EQ(not_modelled_of("x-common: &c {restart: always}\nservices:\n  web:\n    image: x\n    tty: true\n"
                            "    logging: {driver: none}\n    pull_policy: missing\n    deploy: {replicas: 1}\n"),
            "");
}

// Goal: a key compose does not know is compose's own validation error, worded per generation.
TEST(ComposeFile, UnknownKeysGetComposesValidationError) {
  const std::string typo = "services:\n  web:\n    image: x\n    port: [\"3000:3000\"]\n";
  EXPECT_EQ(error_of(typo), "services.web Additional property port is not allowed");
  EXPECT_EQ(error_of(typo, TemplateSyntax::python_v1),
            "The Compose file '/app/c.yml' is invalid because:\nUnsupported config option for services.web: 'port' "
            "(did you mean 'ports'?)");
  EXPECT_EQ(error_of("servics:\n  web: {image: x}\n"), "(root) Additional property servics is not allowed");
  EXPECT_EQ(error_of("services:\n  web:\n    image: x\n    healthcheck: {test: [NONE], intervall: 5s}\n"),
            "services.web.healthcheck Additional property intervall is not allowed");
  EXPECT_EQ(error_of("services:\n  web:\n    image: x\n    healthcheck: {intervall: 5s}\n", TemplateSyntax::python_v1),
            "The Compose file '/app/c.yml' is invalid because:\nservices.web.healthcheck value Additional properties "
            "are not allowed ('intervall' was unexpected)");
  // `name:` is a top-level key of compose v2's schema only.
  EXPECT_EQ(error_of("name: app\nservices: {}\n"), "");
  EXPECT_NE(
      error_of("name: app\nservices: {}\n", TemplateSyntax::python_v1).find("Invalid top-level property \"name\""),
      std::string::npos);
}

// Goal: value errors name file:line:column and what was expected.
TEST(ComposeFile, ErrorsNameLineColumnAndExpectation) {
  EXPECT_EQ(error_of("services:\n  blue:\n    image: x\n    ports:\n      - 3000:abc\n"),
            "/app/c.yml:5:9: ports: expected a port number, got \"abc\"");
  EXPECT_EQ(error_of("services:\n  blue:\n    image: x\n    stop_grace_period: soon\n"),
            "/app/c.yml:4:24: services.blue.stop_grace_period: expected a duration like 10s or 1m30s, got \"soon\"");
  EXPECT_EQ(error_of("services: [a, b]\n"), "/app/c.yml:1:11: services: expected a mapping");
  EXPECT_EQ(error_of("services:\n  web:\n    image: x\n    depends_on: {db: {condition: service_ready}}\n"),
            "/app/c.yml:4:34: services.web.depends_on.db.condition must be one of the following: "
            "\"service_started\", \"service_healthy\", \"service_completed_successfully\"");
  std::string syntax = error_of("services:\n  blue:\n    image: [x\n");
  EXPECT_EQ(syntax.rfind("/app/c.yml:4:", 0), 0u) << syntax;
}

// Goal: YAML merge keys (`<<: *anchor`) apply, as go-yaml and PyYAML apply them; the mapping's
// own keys win.
TEST(ComposeFile, MergeKeysApply) {
  ComposeFile f = read(R"(x-app: &app
  image: docker-image
  restart: always
  environment: {NODE_ENV: production}
services:
  blue:
    <<: *app
    restart: "no"
    ports: ["3000:3000"]
)");
  const ServiceConfig& blue = *f.find("blue");
  EXPECT_EQ(blue.image, "docker-image");
  EXPECT_EQ(blue.restart, "no");
  EXPECT_EQ(blue.environment_entries.at("NODE_ENV"), "production");
}

// Goal: the deployment's pre-flight check finds an unmodelled key before any script runs, and
// leaves values with variables to the command.
TEST(ComposeFile, PreflightLeavesVariablesToTheCommand) {
  char tmpl[] = "/tmp/bg-compose-file-XXXXXX";
  std::filesystem::path dir = ::mkdtemp(tmpl);
  std::ofstream(dir / "ok.yml") << "services:\n  web:\n    image: x\n    ports: [\"${PORT:?set it}:3000\"]\n";
  std::ofstream(dir / "bad.yml") << "services:\n  web:\n    image: x\n    volumes_from: [other]\n";
  EXPECT_NO_THROW(parse_compose_file(dir / "ok.yml", TemplateSyntax::go_v1_2));
  EXPECT_THROW(parse_compose_file(dir / "bad.yml", TemplateSyntax::go_v1_2), core::NotModelled);
  try {
    parse_compose_file("/nonexistent/docker-compose-blue.yml", TemplateSyntax::go_v1_2);
    FAIL();
  } catch (const ComposeFileError& e) {
    EXPECT_STREQ(e.what(), "open /nonexistent/docker-compose-blue.yml: no such file or directory");
  }
  std::filesystem::remove_all(dir);
}

// Goal: a value written without a variable is refused before the run, at its line, as the loading
// command would refuse it; a service with no image is left alone (a file merged over it may give
// one), and so is a key only a newer compose knows when the scenario's compose knows it.
TEST(ComposeFile, PreflightRefusesWrittenValuesAtTheirLine) {
  char tmpl[] = "/tmp/bg-compose-file-XXXXXX";
  std::filesystem::path dir = ::mkdtemp(tmpl);
  auto refusal = [&](const std::string& service_body) -> std::string {
    std::ofstream(dir / "c.yml", std::ios::trunc) << "services:\n  blue:\n" << service_body;
    try {
      parse_compose_file(dir / "c.yml", TemplateSyntax::go_v1_2);
    } catch (const ComposeFileError& e) {
      return std::string(e.what()).substr((dir / "c.yml").string().size());
    }
    return "";
  };
  EXPECT_EQ(refusal("    image: x\n    ports:\n      - 99999:3000\n"), ":5:9: ports: port 99999 is out of range");
  EXPECT_EQ(refusal("    image: x\n    ports: 3000:3000\n"), ":4:12: ports: expected a list");
  EXPECT_EQ(refusal("    image: x\n    init: maybe\n"), ":4:11: services.blue.init: expected true or false");
  EXPECT_EQ(refusal("    image: x\n    environment: 5\n"), ":4:18: environment: expected a mapping or a list");
  EXPECT_EQ(refusal("    imagee: x\n"), ":3:5: services.blue Additional property imagee is not allowed");
  EXPECT_EQ(refusal("    image: x\n    ports:\n      - 3001:3000: x\n"),
            ":5:9: services.blue.ports Additional property 3001:3000 is not allowed");
  EXPECT_EQ(refusal("    ports:\n      - 3000:3000\n"), "");    // no image: a merge may give it
  EXPECT_EQ(refusal("    image: x\n    init: ${INIT}\n"), "");  // a variable: the command's to read
  EXPECT_EQ(refusal("    image: x\n    stop_grace_period: 10s\n"), "");
  EXPECT_EQ(refusal("    image: x\n    volumes: [\"~/logs:/logs\"]\n    env_file: ~/app.env\n"),
            "");  // HOME at run time
  // `<<: *anchor` merge keys are applied first, as compose's YAML readers apply them.
  std::ofstream(dir / "merge.yml") << "x-common: &common\n  image: x\n  init: true\n"
                                      "services:\n  blue:\n    <<: *common\n    ports: [\"3000:3000\"]\n";
  EXPECT_NO_THROW(parse_compose_file(dir / "merge.yml", TemplateSyntax::go_v1_2));
  std::ofstream(dir / "list.yml") << "services:\n  - blue\n";
  try {
    parse_compose_file(dir / "list.yml", TemplateSyntax::go_v1_2);
    ADD_FAILURE() << "a list of services was accepted";
  } catch (const ComposeFileError& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "list.yml").string() + ":2:3: services: expected a mapping");
  }
  std::filesystem::remove_all(dir);
}

// Goal: the config hash is stable for the same config and changes with anything compose compares.
TEST(ComposeFile, ConfigHashIsStableAndSensitive) {
  ServiceConfig a = parse_compose_text(kBlue, "a").services[0];
  ServiceConfig b = parse_compose_text(kBlue, "b").services[0];
  EXPECT_EQ(a.config_hash(), b.config_hash());
  EXPECT_EQ(a.config_hash().size(), 16u);
  b.environment["X"] = "1";
  EXPECT_NE(a.config_hash(), b.config_hash());
  ServiceConfig c = parse_compose_text(kGreen, "c").services[0];
  c.name = "blue";
  EXPECT_NE(a.config_hash(), c.config_hash());  // 3001:3000 vs 3000:3000
  ServiceConfig d = a;
  d.volumes.push_back({"/app/x", "/x", true, false});
  EXPECT_NE(a.config_hash(), d.config_hash());
}

// Goal: a `$` compose cannot read is an error naming where it is, worded per generation
// (compose-go interpolation.go newPathError; docker-compose interpolation.py).
TEST(ComposeFile, InvalidInterpolationErrorsPerGeneration) {
  const std::string text = "services:\n  web:\n    image: x\n    command: echo ${MSG\n";
  EXPECT_EQ(error_of(text),
            "invalid interpolation format for services.web.command: \"echo ${MSG\". You may need to "
            "escape any $ with another $");
  EXPECT_EQ(error_of(text, TemplateSyntax::go_v1_17),
            "invalid interpolation format for services.web.command.\nYou may need to escape any $ with another $.\n"
            "echo ${MSG");
  EXPECT_EQ(error_of(text, TemplateSyntax::python_v1),
            "Invalid interpolation format for \"command\" option in service \"web\": \"echo ${MSG\"");
  // `$1` is refused until compose-go 1.6 and left as written after.
  const std::string dollar = "services:\n  web:\n    image: x\n    command: sh -c 'echo $1'\n";
  EXPECT_NE(error_of(dollar).find("invalid interpolation format for services.web.command"), std::string::npos);
  EXPECT_EQ(read(dollar, TemplateSyntax::go_v1_17).find("web")->command,
            (std::vector<std::string>{"sh", "-c", "echo $1"}));
}

}  // namespace
}  // namespace bg::fakes
