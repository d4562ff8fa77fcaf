// Several compose files merged per generation (compose_merge.h): where the rules agree and where
// compose-go 1.2, 1.17 and docker-compose 1.x differ.
#include "fakes/docker/compose_merge.h"

#include <gtest/gtest.h>

#include "fakes/docker/compose_document.h"

namespace bg::fakes {
namespace {

ComposeFile file(const std::string& text, TemplateSyntax g) {
  std::vector<std::string> unset;
  auto none = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  return read_compose_file(parse_compose_document(text, "c.yml", g, none, unset),
                           ComposeFileContext{g, "c.yml", "/app", std::nullopt});
}

ServiceConfig merged(TemplateSyntax g, const std::string& base, const std::string& over) {
  return *merge_compose_files({file(base, g), file(over, g)}, g).find("web");
}

const char* kBase = R"(services:
  web:
    image: app:1
    command: node server.js
    init: true
    ports: ["3000:3000"]
    environment: {A: "1", B: "1"}
    labels: {tier: web}
    volumes: ["./a:/data", "./logs:/logs"]
    extra_hosts: ["db:10.0.0.1"]
    networks: {front: {aliases: [x]}}
    healthcheck: {test: [CMD, curl, -f, "http://localhost:3000/a"], interval: 5s}
)";
const char* kOverride = R"(services:
  web:
    image: app:2
    command: ["node", "other.js"]
    init: false
    ports: ["3000:3000", "9229:9229"]
    environment: {B: "2", C: "3"}
    labels: {color: blue}
    volumes: ["./b:/data"]
    extra_hosts: ["db:10.0.0.2"]
    networks: {front: {aliases: [y]}}
    healthcheck: {test: [CMD, curl, -f, "http://localhost:3000/b"]}
  admin:
    image: admin
)";

// Goal: what every generation agrees on: scalars and command replaced, mappings merged key by key,
// ports and volumes merged by their key, a service only in the override added.
TEST(ComposeMerge, CommonRules) {
  for (auto g : {TemplateSyntax::python_v1, TemplateSyntax::go_v1_2, TemplateSyntax::go_v1_17}) {
    ServiceConfig web = merged(g, kBase, kOverride);
    EXPECT_EQ(web.image, "app:2");
    EXPECT_EQ(web.command, (std::vector<std::string>{"node", "other.js"}));
    EXPECT_EQ(web.environment_entries.at("A"), "1");
    EXPECT_EQ(web.environment_entries.at("B"), "2");
    EXPECT_EQ(web.environment_entries.at("C"), "3");
    EXPECT_EQ(web.labels, (std::map<std::string, std::string>{{"tier", "web"}, {"color", "blue"}}));
    EXPECT_EQ(web.ports, (std::vector<PortMapping>{{"", 3000, 3000, "tcp"}, {"", 9229, 9229, "tcp"}}));
    ASSERT_EQ(web.volumes.size(), 2u);
    EXPECT_EQ(web.volumes[0], (BindMount{"/app/b", "/data", false, false}));
    EXPECT_EQ(web.healthcheck->interval, std::chrono::seconds(5));
    EXPECT_EQ(merge_compose_files({file(kBase, g), file(kOverride, g)}, g).services.size(), 2u);
  }
}

// Goal: where the generations differ: `init: false` over `init: true` (mergo ignores a false *bool
// before compose-go 1.17), extra_hosts (appended by mergo, by host name in v1), a healthcheck test
// (appended before 1.17) and network aliases (replaced before 1.17, appended from it, a sorted set
// in v1).
TEST(ComposeMerge, GenerationsDiffer) {
  ServiceConfig v12 = merged(TemplateSyntax::go_v1_2, kBase, kOverride);
  ServiceConfig v117 = merged(TemplateSyntax::go_v1_17, kBase, kOverride);
  ServiceConfig v1 = merged(TemplateSyntax::python_v1, kBase, kOverride);
  EXPECT_TRUE(v12.init);
  EXPECT_FALSE(v117.init);
  EXPECT_FALSE(v1.init);
  EXPECT_EQ(v12.extra_hosts, (std::vector<std::string>{"db:10.0.0.1", "db:10.0.0.2"}));
  EXPECT_EQ(v1.extra_hosts, (std::vector<std::string>{"db:10.0.0.2"}));
  EXPECT_EQ(v12.healthcheck->test.size(), 8u);
  EXPECT_EQ(v117.healthcheck->test, (std::vector<std::string>{"CMD", "curl", "-f", "http://localhost:3000/b"}));
  EXPECT_EQ(v12.networks.at(0).aliases, (std::vector<std::string>{"y"}));
  EXPECT_EQ(v117.networks.at(0).aliases, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(v1.networks.at(0).aliases, (std::vector<std::string>{"x", "y"}));
}

// Goal: compose-go sorts the merged services by name; one file keeps its order.
TEST(ComposeMerge, ServiceOrder) {
  const char* two = "services:\n  zeta: {image: z}\n  alpha: {image: a}\n";
  EXPECT_EQ(file(two, TemplateSyntax::go_v1_2).services.front().name, "zeta");
  auto merged_files = merge_compose_files(
      {file(two, TemplateSyntax::go_v1_2), file("services: {}\n", TemplateSyntax::go_v1_2)}, TemplateSyntax::go_v1_2);
  EXPECT_EQ(merged_files.services.front().name, "alpha");
}

}  // namespace
}  // namespace bg::fakes
