// Env files (.env, --env-file, env_file:) as compose-go's dotenv parser reads them.
#include "fakes/docker/env_file.h"

#include <gtest/gtest.h>

namespace bg::fakes {
namespace {

std::optional<std::string> no_env(const std::string&) { return std::nullopt; }

// Goal: the forms deploy folders write: plain, quoted, exported, commented, inline comments,
// references to earlier values and to the environment.
TEST(EnvFile, ReadsTheCommonForms) {
  auto env = [](const std::string& k) -> std::optional<std::string> {
    if (k == "HOME") return "/home/ec2-user";
    return std::nullopt;
  };
  auto c = parse_env_file(
      "# ports of each color\n"
      "BLUE_PORT=3000\n"
      "export GREEN_PORT=3001   # the idle color\n"
      "\n"
      "IMAGE=\"ghcr.io/acme/web:latest\"\n"
      "QUOTED='no $expansion # here'\n"
      "URL=http://localhost:${BLUE_PORT}/health\n"
      "DATA=$HOME/data\n"
      "MULTI=\"a\\nb\"\n"
      "EMPTY=\n"
      "SPACED = value with spaces \n",
      TemplateSyntax::go_v1_17, env);
  EXPECT_EQ(c.values.at("BLUE_PORT"), "3000");
  EXPECT_EQ(c.values.at("GREEN_PORT"), "3001");
  EXPECT_EQ(c.values.at("IMAGE"), "ghcr.io/acme/web:latest");
  EXPECT_EQ(c.values.at("QUOTED"), "no $expansion # here");
  EXPECT_EQ(c.values.at("URL"), "http://localhost:3000/health");
  EXPECT_EQ(c.values.at("DATA"), "/home/ec2-user/data");
  EXPECT_EQ(c.values.at("MULTI"), "a\nb");
  EXPECT_EQ(c.values.at("EMPTY"), "");
  EXPECT_EQ(c.values.at("SPACED"), "value with spaces");
  EXPECT_EQ(c.values.size(), 9u);
}

// Goal: a bare KEY comes from the lookup only when set there.
TEST(EnvFile, BareKeysInheritFromTheLookup) {
  auto env = [](const std::string& k) -> std::optional<std::string> {
    return k == "TAG" ? std::optional<std::string>("v2") : std::nullopt;
  };
  auto c = parse_env_file("TAG\nMISSING\nLAST", TemplateSyntax::go_v1_17, env);
  EXPECT_EQ(c.values, (std::map<std::string, std::string>{{"TAG", "v2"}}));
}

// Goal: malformed files fail with the parser's line-numbered message (v2), and docker-compose 1.x
// skips the statement with python-dotenv's warning instead.
TEST(EnvFile, MalformedFilesFailInV2AndWarnInV1) {
  try {
    parse_env_file("A=1\nB=\"open\n", TemplateSyntax::go_v1_17, no_env);
    FAIL();
  } catch (const EnvFileError& e) {
    // The parser counts the newline inside the open quote before it gives up, as compose-go does.
    EXPECT_STREQ(e.what(), "line 3: unterminated quoted value \"open");
  }
  try {
    parse_env_file("A=1\nB$=2\n", TemplateSyntax::go_v1_2, no_env);
    FAIL();
  } catch (const EnvFileError& e) {
    EXPECT_STREQ(e.what(), "line 2: unexpected character \"$\" in variable name \"B$=2\"");
  }
  auto v1 = parse_env_file("A=1\nB$=2\nC=3\n", TemplateSyntax::python_v1, no_env);
  EXPECT_EQ(v1.values, (std::map<std::string, std::string>{{"A", "1"}, {"C", "3"}}));
  EXPECT_EQ(v1.warnings, (std::vector<std::string>{"Python-dotenv could not parse statement starting at line 2"}));
}

}  // namespace
}  // namespace bg::fakes
