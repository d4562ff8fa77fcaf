#pragma once
// FolderReading: everything read from a deploy folder before any conclusion is drawn, shared by the
// steps of the survey (folder_survey.cc decides delivery, host and compose; app_survey.cc the app
// and the images; nginx_placement.cc nginx).
#include <vector>

#include "scenarios/survey/app_files.h"
#include "scenarios/survey/compose_files.h"
#include "scenarios/survey/deploy_files.h"
#include "scenarios/survey/folder_files.h"
#include "scenarios/survey/folder_survey.h"
#include "scenarios/survey/nginx_files.h"
#include "scenarios/survey/script_facts.h"

namespace bg::survey {

struct FolderReading {
  const FolderFiles& files;
  DeployFiles deploy;
  std::vector<ShellScript> scripts;  // the folder's shell files, then each ssh-action step's script
  std::vector<ScriptFacts> facts;    // one per script
  std::vector<ComposeFile> compose;
  std::vector<NginxFile> nginx;
  AppFacts app;
};

// app_survey.cc: the app's port, the ports its colors are published on, its health path and Next.js
// version; and the images a pull must find (docker.registry).
void survey_app(const FolderReading& in, FolderSurvey& survey);
void survey_registry(const FolderReading& in, FolderSurvey& survey);

}  // namespace bg::survey
