#pragma once
// ScenarioDraft: the scenario.yaml `bluegreen init` writes from a FolderSurvey. Every setting it
// writes carries a comment saying what it was read from (file:line) or, marked CHECK, that it is an
// assumption to confirm. What init cannot know is written commented out, with bluegreen's default
// and what to find out, so the loader's own defaults apply until the user decides; a section with
// nothing decided is commented out whole (an empty mapping is not valid for the loader).
#include <string>

#include "scenarios/survey/folder_survey.h"

namespace bg::survey {

std::string draft_scenario(const FolderSurvey& survey);

// A YAML scalar as the loader reads it back: plain when that is unambiguous, else double-quoted.
std::string yaml_scalar(const std::string& value);

}  // namespace bg::survey
