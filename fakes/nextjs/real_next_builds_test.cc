// RealNextBuilds on a small template laid out like a standalone build: a build for an id is the
// template with the template id replaced in names and contents, the rest shared.
#include "fakes/nextjs/real_next_builds.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace bg::fakes {
namespace {

namespace fs = std::filesystem;
const std::string kId = RealNextBuilds::kTemplateId;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

struct Template {
  fs::path dir = fs::temp_directory_path() / ("bg-real-next-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::path standalone = dir / "cache" / "v12.2" / kId / ".next" / "standalone";

  Template() {
    fs::remove_all(dir);
    write(standalone / "server.js", "const nextConfig = {\"env\":{\"BLUEGREEN_BUILD_ID\":\"" + kId + "\"}}\n");
    write(standalone / "bluegreen-preload.js", "// preload\n");
    write(standalone / ".next" / "BUILD_ID", kId);
    write(standalone / ".next" / "build-manifest.json",
          "[\"static/" + kId + "/_buildManifest.js\",\"static/" + kId + "/_ssgManifest.js\"]");
    write(standalone / ".next" / "static" / kId / "_buildManifest.js", "self.__BUILD_MANIFEST={}");
    write(standalone / ".next" / "static" / "chunks" / "main-abc.js", "chunk");
    write(standalone / "node_modules" / "next" / "index.js", "mentions " + kId + " but is a library");
    fs::create_symlink("next/index.js", standalone / "node_modules" / "link.js");
  }
  ~Template() { fs::remove_all(dir); }
};

// Goal: the build for an id names it wherever the template named its own id, in file names and in
// contents; every other file (node_modules too) is the template's own file, hard-linked, and the
// template is untouched.
TEST(RealNextBuilds, ABuildIsTheTemplateWithItsIdInNamesAndContents) {
  Template t;
  RealNextBuilds builds(t.standalone, t.dir / "run", false);
  const fs::path b = builds.standalone_for("AbC_12-xyz");
  EXPECT_EQ(read(b / ".next" / "BUILD_ID"), "AbC_12-xyz");
  EXPECT_EQ(read(b / "server.js"), "const nextConfig = {\"env\":{\"BLUEGREEN_BUILD_ID\":\"AbC_12-xyz\"}}\n");
  EXPECT_EQ(read(b / ".next" / "build-manifest.json"),
            "[\"static/AbC_12-xyz/_buildManifest.js\",\"static/AbC_12-xyz/_ssgManifest.js\"]");
  EXPECT_TRUE(fs::is_regular_file(b / ".next" / "static" / "AbC_12-xyz" / "_buildManifest.js"));
  EXPECT_FALSE(fs::exists(b / ".next" / "static" / kId));
  EXPECT_EQ(read(b / "node_modules" / "next" / "index.js"), "mentions " + kId + " but is a library");
  EXPECT_EQ(fs::read_symlink(b / "node_modules" / "link.js"), "next/index.js");
  EXPECT_TRUE(fs::equivalent(b / ".next" / "static" / "chunks" / "main-abc.js",
                             t.standalone / ".next" / "static" / "chunks" / "main-abc.js"));
  EXPECT_FALSE(fs::equivalent(b / "server.js", t.standalone / "server.js"));
  EXPECT_EQ(read(t.standalone / ".next" / "BUILD_ID"), kId);
  EXPECT_EQ(builds.standalone_for("AbC_12-xyz"), b);  // made once
}

// Goal: without shared static files a build serves only its own static folder (R08); with them
// (app.shared_static) every build of the run also lists every other's, whichever was made first.
TEST(RealNextBuilds, SharedStaticListsEveryBuildsFolderInEveryBuild) {
  Template t;
  RealNextBuilds apart(t.standalone, t.dir / "apart", false);
  const fs::path a1 = apart.standalone_for("one");
  apart.standalone_for("two");
  EXPECT_FALSE(fs::exists(a1 / ".next" / "static" / "two"));

  RealNextBuilds shared(t.standalone, t.dir / "shared", true);
  const fs::path s1 = shared.standalone_for("one");
  const fs::path s2 = shared.standalone_for("two");
  const fs::path s3 = shared.standalone_for("three");
  for (const auto& b : {s1, s2, s3})
    for (const char* id : {"one", "two", "three"})
      EXPECT_TRUE(fs::is_regular_file(b / ".next" / "static" / id / "_buildManifest.js")) << b << " " << id;
}

// Goal: an id Next could not have made is refused before any file is written.
TEST(RealNextBuilds, RefusesAnIdNextCouldNotHaveMade) {
  Template t;
  RealNextBuilds builds(t.standalone, t.dir / "run", false);
  for (const char* id : {"", "../x", "a/b", "a b"}) EXPECT_THROW(builds.standalone_for(id), std::runtime_error) << id;
  EXPECT_FALSE(fs::exists(t.dir / "run"));
}

// Goal: a pinned version has a folder, another has none; a missing build says how to make it.
TEST(RealNextBuilds, FindsTheTemplateOrSaysHowToBuildIt) {
  EXPECT_EQ(RealNextBuilds::version_folder("12.2"), "v12.2");
  EXPECT_EQ(RealNextBuilds::version_folder("14.1"), "v14.1");
  EXPECT_FALSE(RealNextBuilds::version_folder("14.0"));
  EXPECT_FALSE(RealNextBuilds::version_folder("12.2.5"));
  Template t;
  auto found = RealNextBuilds::find_template(t.dir / "cache", "v12.2");
  ASSERT_TRUE(std::holds_alternative<fs::path>(found));
  EXPECT_EQ(std::get<fs::path>(found), t.standalone);
  auto missing = RealNextBuilds::find_template(t.dir / "cache", "v14.1");
  ASSERT_TRUE(std::holds_alternative<std::string>(missing));
  EXPECT_NE(std::get<std::string>(missing).find("apps/next/build.sh v14.1 bluegreen-template-id"), std::string::npos)
      << std::get<std::string>(missing);
}

}  // namespace
}  // namespace bg::fakes
