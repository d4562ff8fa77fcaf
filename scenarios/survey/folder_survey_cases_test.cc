// The survey's decisions on small folders written for one question each: where it must conclude,
// where it must say it cannot, and what is not a deploy folder at all.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "scenarios/survey/folder_survey.h"

namespace bg::survey {
namespace {
namespace fs = std::filesystem;

class Folder {
 public:
  Folder()
      : dir_(fs::temp_directory_path() / ("bg-survey-" + std::to_string(::getpid()) + "-" + std::to_string(n_++))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~Folder() { fs::remove_all(dir_); }
  Folder& add(const std::string& path, const std::string& text) {
    fs::create_directories((dir_ / path).parent_path());
    std::ofstream(dir_ / path) << text;
    return *this;
  }
  const fs::path& dir() const { return dir_; }
  FolderSurvey survey() const { return survey_folder(dir_); }

 private:
  static inline int n_ = 0;
  fs::path dir_;
};

const char* kAppspec = "version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: scripts/deploy.sh\n";

bool has_check(const FolderSurvey& s, const std::string& text) {
  return std::any_of(s.checks.begin(), s.checks.end(), [&](auto& c) { return c.find(text) != std::string::npos; });
}

std::string error_of(const fs::path& dir) {
  try {
    survey_folder(dir);
  } catch (const SurveyError& e) {
    return e.what();
  }
  return "";
}

// Goal: a folder without appspec.yml or a workflow, a missing folder and a file are refused by name.
TEST(FolderSurveyCases, RefusesWhatIsNotADeployFolder) {
  Folder f;
  f.add("Dockerfile", "FROM node:18\n");
  EXPECT_NE(error_of(f.dir()).find("not a deploy folder"), std::string::npos) << error_of(f.dir());
  EXPECT_NE(error_of(f.dir() / "nope").find("no such folder"), std::string::npos);
  EXPECT_NE(error_of(f.dir() / "Dockerfile").find("not a folder"), std::string::npos);
  f.add("appspec.yml", "hooks: [unclosed\n");
  EXPECT_NE(error_of(f.dir()).find("appspec.yml:"), std::string::npos) << error_of(f.dir());
}

// Goal: the OS is concluded only when every clue agrees; none or a conflict is said, not guessed.
TEST(FolderSurveyCases, HostOsOnlyWhenTheCluesAgree) {
  Folder none;
  none.add("appspec.yml", kAppspec).add("scripts/deploy.sh", "#!/bin/bash\ncd /srv/app\n");
  auto s = none.survey();
  EXPECT_FALSE(s.host_os.known());
  EXPECT_TRUE(has_check(s, "host.os: nothing in the folder"));
  Folder both;
  both.add("appspec.yml", kAppspec)
      .add("scripts/deploy.sh", "#!/bin/bash\ncd /home/ubuntu/app\nsudo yum install -y jq\n");
  s = both.survey();
  EXPECT_FALSE(s.host_os.known());
  EXPECT_TRUE(has_check(s, "scripts/deploy.sh:3 (yum) says Amazon Linux")) << s.checks.front();
  Folder apt;
  apt.add("appspec.yml", kAppspec).add("scripts/deploy.sh", "#!/bin/bash\nsudo apt-get install -y jq\n");
  EXPECT_EQ(apt.survey().host_os.value, "ubuntu-22.04");
}

// Goal: a health path bluegreen's app does not serve is a check; /api/health is not.
TEST(FolderSurveyCases, AHealthPathTheFakeAppDoesNotServeIsACheck) {
  Folder f;
  f.add("appspec.yml", kAppspec)
      .add("scripts/deploy.sh", "#!/bin/bash\nuntil curl -sf http://localhost:3001/healthz; do sleep 1; done\n");
  auto s = f.survey();
  EXPECT_EQ(s.health_path.value, "/healthz");
  EXPECT_TRUE(has_check(s, "scripts/deploy.sh:2 checks /healthz"));
  f.add("scripts/deploy.sh", "#!/bin/bash\nuntil curl -sf http://localhost:3001/api/health; do sleep 1; done\n");
  s = f.survey();
  EXPECT_EQ(s.health_path.value, "/api/health");
  EXPECT_FALSE(has_check(s, "checks /"));
}

// Goal: `docker run` of an nginx image is the proxy container, with its published port and image.
TEST(FolderSurveyCases, DockerRunOfNginxIsTheProxyContainer) {
  Folder f;
  f.add("appspec.yml", kAppspec)
      .add("scripts/deploy.sh",
           "#!/bin/bash\ndocker run -d --name edge -p 8080:80 -v /srv/conf:/etc/nginx/conf.d nginx:alpine\n"
           "docker exec edge nginx -s reload\n");
  const auto s = f.survey();
  EXPECT_EQ(s.proxy_container.value, "edge");
  EXPECT_EQ(s.traffic_port.value, "8080");
  EXPECT_EQ(s.host_nginx.value, "none");
  ASSERT_EQ(s.registry.size(), 1u);
  EXPECT_EQ(s.registry[0].image, "nginx:alpine");
  EXPECT_EQ(s.registry[0].runs, "nginx");
}

// Goal: an nginx compose service's container name depends on the compose generation: under
// `docker-compose` init names both and writes neither.
TEST(FolderSurveyCases, ContainerNameUnderDockerComposeIsACheck) {
  Folder f;
  f.add("appspec.yml",
        "version: 0.0\nfiles:\n  - source: /\n    destination: /home/ec2-user/Shop\nhooks:\n"
        "  ApplicationStart:\n    - location: scripts/deploy.sh\n")
      .add("scripts/deploy.sh", "#!/bin/bash\ncd /home/ec2-user/Shop\ndocker-compose up -d proxy\n")
      .add("docker-compose.yml", "services:\n  proxy:\n    image: nginx:1.25\n    ports: [\"80:80\"]\n");
  auto s = f.survey();
  EXPECT_FALSE(s.proxy_container.known());
  EXPECT_TRUE(has_check(s, "shop-proxy-1 with compose v2 and shop_proxy_1 with v1"));
  f.add("scripts/deploy.sh", "#!/bin/bash\ncd /home/ec2-user/Shop\ndocker compose up -d proxy\n");
  s = f.survey();
  EXPECT_EQ(s.proxy_container.value, "shop-proxy-1");
}

// Goal: a host path the scripts use without a file of the folder for it is a check; a stock path
// (sites-enabled/default, mime.types) is not.
TEST(FolderSurveyCases, AnNginxFileTheHostMustAlreadyHaveIsACheck) {
  Folder f;
  f.add("appspec.yml", kAppspec)
      .add("scripts/deploy.sh",
           "#!/bin/bash\ncd /home/ubuntu/app\nsudo sed -i s/3000/3001/ /etc/nginx/conf.d/upstream.conf\n"
           "sudo rm -f /etc/nginx/sites-enabled/default\nsudo nginx -s reload\n");
  const auto s = f.survey();
  EXPECT_EQ(s.host_nginx.value, "stock");
  EXPECT_TRUE(has_check(s, "scripts/deploy.sh:3 uses /etc/nginx/conf.d/upstream.conf"));
  EXPECT_FALSE(has_check(s, "sites-enabled/default"));
}

// Goal: on Ubuntu's stock tree, a `_` server in conf.d is not what clients reach for localhost.
TEST(FolderSurveyCases, UbuntuDefaultSiteShadowingIsACheck) {
  Folder f;
  f.add("appspec.yml", kAppspec)
      .add("scripts/deploy.sh", "#!/bin/bash\ncd /home/ubuntu/app\nsudo nginx -s reload\n")
      .add("nginx/app.conf",
           "server {\n  listen 80;\n  server_name _;\n  location / { proxy_pass http://127.0.0.1:3000; }\n}\n");
  auto s = f.survey();
  ASSERT_EQ(s.host_files.size(), 1u);
  EXPECT_EQ(s.host_files[0].host_path, "/etc/nginx/conf.d/app.conf");
  EXPECT_EQ(s.host_files[0].basis, Basis::assumed);
  EXPECT_TRUE(has_check(s, "Ubuntu's stock default site answers"));
  f.add("nginx/app.conf",
        "server {\n  listen 80 default_server;\n  server_name _;\n  location / { proxy_pass http://127.0.0.1:3000; "
        "}\n}\n");
  EXPECT_FALSE(has_check(f.survey(), "Ubuntu's stock default site answers"));
}

// Goal: an image that is neither nginx nor a color of the app is named, not put in the registry.
TEST(FolderSurveyCases, AnImageBluegreenCannotRunIsACheck) {
  Folder f;
  f.add("appspec.yml", kAppspec)
      .add("scripts/deploy.sh", "#!/bin/bash\ndocker compose up -d\n")
      .add("docker-compose.yml",
           "services:\n  cache:\n    image: redis:7\n  blue:\n    image: ghcr.io/acme/web:${TAG}\n");
  const auto s = f.survey();
  EXPECT_TRUE(s.registry.empty());
  EXPECT_TRUE(has_check(s, "runs redis:7"));
  EXPECT_TRUE(has_check(s, "names the image ghcr.io/acme/web:${TAG} through a variable"));
}

// Goal: a symlink out of the folder and a binary file are not read (init never reads the machine's files).
TEST(FolderSurveyCases, ReadsOnlyTextFilesInsideTheFolder) {
  Folder f;
  f.add("appspec.yml", kAppspec).add("scripts/deploy.sh", "#!/bin/bash\necho\n");
  fs::create_symlink("/etc/hostname", f.dir() / "nginx.conf");
  std::ofstream(f.dir() / "logo.png", std::ios::binary) << std::string("\x89PNG\0\0", 6);
  const auto files = FolderFiles::read(f.dir());
  EXPECT_EQ(files.find("nginx.conf"), nullptr);
  EXPECT_EQ(files.find("logo.png"), nullptr);
  EXPECT_EQ(files.skipped().size(), 2u);
}

}  // namespace
}  // namespace bg::survey
