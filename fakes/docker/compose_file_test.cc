#include "fakes/docker/compose_file.h"

#include <gtest/gtest.h>

namespace bg::fakes {
namespace {

// The article's files, verbatim (unquoted 3000:3000, which YAML 1.1 would read as base 60).
constexpr const char* kBlue = "services:\n  blue:\n    image: docker-image\n    ports:\n      - 3000:3000\n";
constexpr const char* kGreen = "#docker-compose-green.yml\nservices:\n  green:\n    image: docker-image\n    ports:\n      - 3001:3000\n";

std::string error_of(const std::string& text) {
  try {
    parse_compose_text(text, "c.yml");
  } catch (const ComposeFileError& e) {
    return e.what();
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
  EXPECT_TRUE(blue.warnings.empty());
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
    command: node server.js
    healthcheck: {test: [CMD, curl, -f, http://localhost:3000], interval: 5s}
  worker:
    image: w
    environment: [A=1, "B=two words", C]
)", "c.yml");
  const ServiceConfig& app = *f.find("app");
  EXPECT_EQ(app.ports, (std::vector<PortMapping>{{"127.0.0.1", 3000, 3000, "tcp"},
                                                 {"", 0, 3000, "tcp"},
                                                 {"", 8080, 3000, "tcp"},
                                                 {"", 53, 53, "udp"}}));
  EXPECT_EQ(app.environment.at("NODE_ENV"), "production");
  EXPECT_EQ(app.environment.at("EMPTY"), "");
  EXPECT_EQ(app.stop_grace_period, std::chrono::seconds(90));
  EXPECT_EQ(app.stop_signal, "SIGINT");
  EXPECT_TRUE(app.init);
  EXPECT_EQ(app.command, (std::vector<std::string>{"node", "server.js"}));
  ASSERT_TRUE(app.healthcheck);
  EXPECT_EQ(app.healthcheck->interval, std::chrono::seconds(5));
  const ServiceConfig& worker = *f.find("worker");
  EXPECT_EQ(worker.environment, (std::map<std::string, std::string>{{"A", "1"}, {"B", "two words"}}));
}

// Goal: keys the runtime does not model are kept as warnings with their position, not rejected.
TEST(ComposeFile, UnmodelledKeysBecomeWarningsWithPositions) {
  ComposeFile f = parse_compose_text("services:\n  blue:\n    image: x\n    restart: always\nvolumes: {}\n", "c.yml");
  ASSERT_EQ(f.warnings.size(), 2u);
  EXPECT_EQ(f.warnings[0], "c.yml:4:5: services.blue.restart is not modelled by the simulation (ignored)");
  EXPECT_EQ(f.warnings[1], "c.yml:5:1: top-level volumes is not modelled by the simulation (ignored)");
}

// Goal: errors name file:line:column and what was expected.
TEST(ComposeFile, ErrorsNameLineColumnAndExpectation) {
  EXPECT_EQ(error_of("services:\n  blue:\n    image: x\n    ports:\n      - 3000:abc\n"),
            "c.yml:5:9: ports: expected a port number, got \"abc\"");
  EXPECT_EQ(error_of("services:\n  blue:\n    image: x\n    stop_grace_period: soon\n"),
            "c.yml:4:24: stop_grace_period: expected a duration like 10s or 1m30s, got \"soon\"");
  EXPECT_EQ(error_of("services:\n  blue:\n    ports: [\"3000:3000\"]\n"),
            "c.yml:3:5: service \"blue\" has neither an image nor a build context specified: invalid compose project");
  EXPECT_EQ(error_of("services: [a, b]\n"), "c.yml:1:11: services: expected a mapping of service names");
  std::string syntax = error_of("services:\n  blue:\n    image: [x\n");
  EXPECT_EQ(syntax.rfind("c.yml:", 0), 0u) << syntax;
  EXPECT_NE(syntax.find("c.yml:4:"), std::string::npos) << syntax;
}

// Goal: a missing file gets compose's own wording.
TEST(ComposeFile, MissingFileUsesComposeWording) {
  try {
    parse_compose_file("/nonexistent/docker-compose-blue.yml");
    FAIL();
  } catch (const ComposeFileError& e) {
    EXPECT_STREQ(e.what(), "open /nonexistent/docker-compose-blue.yml: no such file or directory");
  }
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
}

}  // namespace
}  // namespace bg::fakes
