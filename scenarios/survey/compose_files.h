#pragma once
// ComposeFiles: the compose files of the folder, read for what init needs to know: each service's
// image (built on the host or pulled), container name, published ports, healthcheck and bind
// mounts, with the line each was read from; and the `.env` beside the file that gives `${VAR}` its
// default. Only reading: what compose does with them is fakes/docker's.
#include <map>
#include <string>
#include <vector>

#include "scenarios/survey/folder_files.h"
#include "scenarios/survey/script_facts.h"

namespace bg::survey {

struct ComposeService {
  std::string name;
  Named image;         // as written ("ghcr.io/acme/web:${BLUE_TAG:-latest}"); empty when none
  bool build = false;  // `build:`: the image is built on the host
  std::string container_name;
  std::vector<Named> ports;    // as written ("127.0.0.1:3000:3000", "${PORT}:3000")
  Named healthcheck;           // the test, as one line
  std::vector<Named> volumes;  // as written ("./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro")
  Source at;
};

struct ComposeFile {
  std::string path;   // relative to the folder
  Source version_at;  // the top-level `version:` (line 0 when none)
  std::vector<ComposeService> services;
  std::map<std::string, std::string> dotenv;  // the .env beside the file
};

// Throws SurveyError naming file and line when a compose file is not valid YAML.
std::vector<ComposeFile> read_compose_files(const FolderFiles& folder);

// `text` with `${VAR:-default}`, `${VAR-default}`, `${VAR}` and `$VAR` replaced from `env` or their
// default; false when a variable has neither.
bool interpolate(std::string& text, const std::map<std::string, std::string>& env);

// HOST:CONTAINER parts of a published port ("127.0.0.1:3001:3000" -> {"3001", "3000"}); host is ""
// for a bare container port.
std::pair<std::string, std::string> port_parts(const std::string& published);

}  // namespace bg::survey
