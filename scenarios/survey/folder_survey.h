#pragma once
// FolderSurvey: what a deploy folder holds and what it implies for the world a run must build
// around it, the input of `bluegreen init`. Pure: it reads the folder's files as text and never
// runs anything. Each conclusion is a Fact that says what it was read from (file:line), or that it
// is a convention or default the user must check, or that the folder cannot tell.
//
// What it concludes: how the folder deploys (CodeDeploy hooks, a workflow handing the revision to
// CodeDeploy, or appleboy/ssh-action); the host's OS (its home folders, default users and package
// manager); where nginx runs and how its configuration is laid out on the host (which of the
// folder's nginx files go to /etc/nginx/conf.d, sites-available, default.d or nginx.conf, links in
// sites-enabled), or in which container; the compose generation the scripts call; the images a pull
// must find; the app's port, health path and Next.js version; the Host and port clients use.
#include <filesystem>
#include <string>
#include <vector>

#include "scenarios/survey/folder_files.h"
#include "scenarios/survey/survey_facts.h"

namespace bg::survey {

struct HostFile {                      // host.files: a host path and the folder's file placed there
  std::string host_path, folder_path;  // a folder entry ends both with '/'
  Basis basis = Basis::read;
  Source from;
  std::string why;
};

struct HostLink {  // host.symlinks
  std::string link, target;
  Basis basis = Basis::read;
  Source from;
  std::string why;
};

struct HostRepo {  // host.repos: the admin's clone that an ssh-action script pulls
  std::string path, branch;
  Source from;
};

struct RegistryImage {      // docker.registry
  std::string image, runs;  // runs: nginx | app
  Basis basis = Basis::read;
  Source from;
  std::string why;
};

struct FolderSurvey {
  std::filesystem::path dir;
  std::string name;
  Fact delivery;      // codedeploy | workflow+codedeploy | ssh-action
  Fact host_os;       // amazon-linux-2 | ubuntu-22.04
  Fact host_nginx;    // stock | none | "" (no host: key; proxy_config is the whole config)
  Fact proxy_config;  // the folder's nginx.conf that is the host's whole configuration
  Fact proxy_container;
  std::vector<HostFile> host_files;
  std::vector<HostLink> host_links;
  std::vector<HostRepo> repos;
  std::vector<RegistryImage> registry;
  Fact compose_generation;  // v2 (`docker compose`) | standalone (`docker-compose`) | "" none
  Fact compose_version;     // what to write; unknown for `docker-compose`
  Fact traffic_port, traffic_host;
  Fact app_port;                        // the port the app listens on in its container
  std::vector<std::string> host_ports;  // the ports the colors are published on, as written
  Fact health_path;
  Fact next_version;
  std::vector<std::string> read;    // what was read, one line per kind, for the summary
  std::vector<std::string> checks;  // what the user must check, one sentence each
};

// Throws SurveyError when the folder cannot be read or is not a deploy folder (neither appspec.yml
// nor .github/workflows/*.yml), or a deploy file is not valid YAML.
FolderSurvey survey_folder(const std::filesystem::path& dir);
FolderSurvey survey_files(const FolderFiles& files, const std::string& name);

}  // namespace bg::survey
