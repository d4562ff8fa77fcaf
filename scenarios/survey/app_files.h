#pragma once
// AppFiles: what the folder says about the app itself: the port its image listens on (the
// Dockerfile's last stage: EXPOSE, ENV PORT), how it is started (CMD), and its Next.js version
// (package.json's `next` dependency; without one, next.config.js only hints at a major version).
#include <string>
#include <vector>

#include "scenarios/survey/folder_files.h"
#include "scenarios/survey/script_facts.h"

namespace bg::survey {

struct AppFacts {
  std::vector<Named> exposed;   // EXPOSE ports of the last stage
  std::vector<Named> env_port;  // ENV PORT of the last stage
  Named cmd;                    // CMD as written
  Named next_dependency;        // package.json's "next" range as written ("14.1.4", "^13.4.0")
  Named next_config_hint;       // next.config's `experimental.outputStandalone` (a Next.js 12 option)
};

AppFacts read_app_files(const FolderFiles& folder);

// "14.1.4", "^13.4.19", "~12.2" -> "14.1"; "" for what names no version ("latest", "canary", "*").
std::string next_major_minor(const std::string& range);

}  // namespace bg::survey
