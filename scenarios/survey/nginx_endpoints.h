#pragma once
// NginxEndpoints: where clients reach the folder's nginx. When nginx runs in a container (a compose
// service or a `docker run` of an nginx image): the container's name (proxy.container), the host
// port published for its port 80 (traffic.port) and the folder's files mounted into it. And, from
// the server blocks nginx serves, the Host header clients must send (traffic.host) and a listen
// port other than 80.
#include <string>
#include <utility>
#include <vector>

#include "scenarios/survey/compose_files.h"
#include "scenarios/survey/folder_survey.h"
#include "scenarios/survey/nginx_files.h"
#include "scenarios/survey/script_facts.h"

namespace bg::survey {

struct NginxInputs {
  const std::vector<NginxFile>& nginx;
  const std::vector<ScriptFacts>& scripts;
  const std::vector<ComposeFile>& compose;
  // Where the folder's files are on the host: a folder prefix ("" for the root, "server/" for a
  // folder placed whole by host.files) and its host folder ("" when unknown).
  std::vector<std::pair<std::string, std::string>> dirs;
  std::string host_dir_of(const std::string& folder_path) const;
};

struct NginxContainers {
  bool found = false;
  Source at;
  std::vector<std::string> mounted;  // folder paths bind-mounted into it (a folder ends with '/')
};

// Sets survey.proxy_container and survey.traffic_port for an nginx container, with checks where
// its name depends on what the folder does not say.
NginxContainers find_nginx_containers(const NginxInputs& in, FolderSurvey& survey);

// Sets survey.traffic_host (and traffic_port for a listen other than 80) from the proxying server
// blocks of `served`, and checks that clients will reach that server at all.
void place_traffic(const std::vector<const NginxFile*>& served, FolderSurvey& survey);

}  // namespace bg::survey
