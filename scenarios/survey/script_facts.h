#pragma once
// ScriptFacts: what a deploy script does to the host, read from its text: the home folders and
// package manager it assumes (the host's OS), the compose it calls (`docker-compose` or `docker
// compose`), how it drives nginx (on the host, or in a container), the /etc/nginx paths it reads,
// writes, links and copies, the URLs it checks, the containers it runs, the images it builds, and
// for an ssh-action script, the folder it works in and how that folder gets the pushed files.
#include <string>
#include <vector>

#include "scenarios/survey/shell_lines.h"

namespace bg::survey {

// A script and where it runs: a shell file of the folder (a CodeDeploy hook, or one a hook or
// ssh-action calls) or a workflow step's `script:` that appleboy/ssh-action runs on the host.
struct ShellScript {
  std::string origin;  // the file, or "<workflow>:<line>" for a step's script
  bool ssh_action = false;
  std::string ssh_user;  // ssh-action's `username:` when written as text, not a secret
  std::vector<ShellLine> lines;
};

struct Named {  // a value read at a place: a user, a path, an image, a branch...
  std::string value;
  Source at;
};

struct ComposeCall {
  bool standalone = false;         // `docker-compose` (v1, or v2's standalone binary) vs `docker compose`
  std::string project;             // -p / --project-name ("" = the folder's name)
  std::vector<std::string> files;  // -f
  std::vector<std::string> args;   // the subcommand and its arguments
  Source at;
};

struct DockerRun {
  std::string name, image;
  std::vector<std::string> publish;  // -p values as written ("127.0.0.1:3001:3000", "$PORT:3000")
  Source at;
};

struct PathPair {  // `ln -s target link`, `cp from to`
  std::string from, to;
  Source at;
};

struct UrlUse {  // a local URL a curl or wget asks for
  std::string port, path;
  Source at;
};

struct ScriptFacts {
  std::vector<Named> home_users;        // /home/<user> anywhere in the script
  std::vector<Named> package_managers;  // yum, dnf, amazon-linux-extras, apt, apt-get
  std::vector<ComposeCall> compose;
  std::vector<Named> host_nginx;        // nginx, systemctl ... nginx, service nginx ... on the host
  std::vector<Named> container_nginx;   // the container of `docker exec C nginx` / `compose exec S nginx`
  std::vector<Named> etc_nginx;         // /etc/nginx/... paths on the host (variables kept: web-$NEXT)
  std::vector<PathPair> links, copies;  // under /etc/nginx
  std::vector<UrlUse> urls;
  std::vector<DockerRun> runs;
  std::vector<Named> built_images;  // docker build -t (repository, without the tag)
  std::vector<Named> cds;           // cd targets
  std::vector<Named> git_updates;   // git pull/fetch/reset: the branch named ("" when none)
  std::vector<Named> script_calls;  // ./deploy.sh, bash deploy/swap.sh
};

ScriptFacts scan_script(const ShellScript& script);

// The repository part of an image reference: "ghcr.io/acme/web:1.2" -> "ghcr.io/acme/web".
std::string image_repository(const std::string& image);

// nginx, nginx:1.25-alpine, nginxinc/nginx-unprivileged, docker.io/library/nginx: images that run nginx.
bool is_nginx_image(const std::string& image);

}  // namespace bg::survey
