#pragma once
// SurveySummary: what `bluegreen init` tells the user on stderr once it has written scenario.yaml:
// the files it read, what it inferred and from where, what it assumed, and what only the user can
// check, so that nothing init decided goes unsaid.
#include <string>

#include "scenarios/survey/folder_survey.h"

namespace bg::survey {

std::string survey_summary(const FolderSurvey& survey);

}  // namespace bg::survey
