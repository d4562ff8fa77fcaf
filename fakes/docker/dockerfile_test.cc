#include "fakes/docker/dockerfile.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace bg::fakes {
namespace {

// What parse_dockerfile refuses `text` with, as "<line>: <message>", or "" when it builds.
std::string refusal(const std::string& text) {
  try {
    check_app_port(parse_dockerfile(text));
  } catch (const DockerfileError& e) {
    return std::to_string(e.line()) + ": " + e.what();
  }
  return "";
}

}  // namespace

// Goal: the seed's own Dockerfile builds, its ENV keeps the line that set it.
TEST(Dockerfile, TheSeedsDockerfileBuilds) {
  std::ifstream in(std::string(BG_SOURCE_DIR) + "/scenarios/data/seed/Dockerfile");
  std::stringstream text;
  text << in.rdbuf();
  const auto df = parse_dockerfile(text.str());
  EXPECT_EQ(df.env.at("PORT"), "3000");
  EXPECT_EQ(df.env_lines.at("PORT"), 39);  // `ENV PORT 3000`, below the comments
  EXPECT_NO_THROW(check_app_port(df));
}

// Goal: instructions Docker refuses are refused with Docker's words and the line.
TEST(Dockerfile, RefusesWhatDockerRefusesWithItsWords) {
  EXPECT_EQ(refusal("FROM node\nFROB x\n"), "2: dockerfile parse error line 2: unknown instruction: FROB");
  EXPECT_EQ(refusal("RUN echo\nFROM node\n"), "1: dockerfile parse error line 1: no build stage in current context");
  EXPECT_EQ(refusal("FROM node as 1x\n"),
            "1: dockerfile parse error line 1: invalid name for build stage: \"1x\", name can't start with a number or "
            "contain symbols");
  EXPECT_EQ(refusal("FROM node base\n"),
            "1: dockerfile parse error line 1: FROM requires either one or three arguments");
  EXPECT_EQ(refusal("FROM node\nENV PORT\n"), "2: dockerfile parse error line 2: ENV must have two arguments");
  EXPECT_EQ(refusal("FROM node\nENV A=1 B\n"),
            "2: dockerfile parse error line 2: Syntax error - can't find = in \"B\". Must be of the form: name=value");
  EXPECT_EQ(refusal("FROM node\nENV =1\n"), "2: dockerfile parse error line 2: ENV names can not be blank");
  EXPECT_EQ(refusal("FROM node\nCOPY .\n"),
            "2: dockerfile parse error line 2: COPY requires at least two arguments, but only one was provided. "
            "Destination could not be determined");
  EXPECT_EQ(refusal("FROM node\nWORKDIR\n"), "2: dockerfile parse error line 2: WORKDIR requires exactly one argument");
  EXPECT_EQ(refusal("FROM node\nHEALTHCHECK RUN x\n"),
            "2: dockerfile parse error line 2: Unknown type \"RUN\" in HEALTHCHECK (try CMD)");
}

// Goal: EXPOSE's ports are checked as Docker's nat package checks them.
TEST(Dockerfile, ExposeNeedsPortsDockerAccepts) {
  EXPECT_EQ(refusal("FROM node\nEXPOSE 99999\n"), "2: invalid containerPort: 99999");
  EXPECT_EQ(refusal("FROM node\nEXPOSE 3000/xyz\n"), "2: invalid proto: xyz");
  EXPECT_EQ(refusal("FROM node\nEXPOSE abc\n"), "2: invalid containerPort: abc");
  EXPECT_EQ(refusal("FROM node\nEXPOSE 3000 3001/udp 8000-8010/TCP\n"), "");
}

// Goal: a PORT Node cannot listen on is said at its ENV line with Node's words; what parseInt turns
// into 3000 (nothing, text) and ordinary ports pass.
TEST(Dockerfile, PortNodeCannotListenOnIsRefused) {
  EXPECT_EQ(refusal("FROM node\nENV PORT 99999\n").substr(0, 20), "2: ENV PORT 99999: t");
  EXPECT_NE(refusal("FROM node\nENV PORT 99999\n").find("Received 99999."), std::string::npos);
  EXPECT_NE(refusal("FROM node\nENV PORT=-1\n").find("Received -1."), std::string::npos);
  EXPECT_EQ(refusal("FROM node\nENV PORT abc\n"), "");
  EXPECT_EQ(refusal("FROM node\nENV PORT 8080\n"), "");
  EXPECT_EQ(refusal("FROM node\nENV PORT 99999\nFROM node\n"), "");  // the final stage's ENV only
}

}  // namespace bg::fakes
