#pragma once
// NginxPlacement: where nginx runs for this folder and how its configuration is laid out, decided
// from the scripts (the /etc/nginx paths they read, write, copy and link; whether they drive nginx
// on the host or in a container), the folder's nginx files and their level, and the compose files
// (an nginx service, the files it mounts). Fills the host.nginx / host.files / host.symlinks /
// proxy.* / traffic.* parts of a FolderSurvey.
#include <string>
#include <vector>

#include "scenarios/survey/nginx_endpoints.h"

namespace bg::survey {

// Sets survey.host_nginx, proxy_config, proxy_container, host_files, host_links, traffic_port,
// traffic_host and adds to survey.checks. Reads survey.host_os and survey.compose_generation.
void place_nginx(const NginxInputs& in, FolderSurvey& survey);

// The first of several colors a script switches between (web-$NEXT: web-blue, web-green): the one
// named blue, else the first by name. Which color the host starts on is an assumption.
std::string first_color(std::vector<std::string> candidates);

}  // namespace bg::survey
