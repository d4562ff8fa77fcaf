#pragma once
// `bluegreen init <folder>`: drafts the folder's scenario.yaml from what its files say (appspec,
// workflows, scripts, compose files, nginx configuration, Dockerfile, package.json) and says on
// stderr what it inferred, what it assumed and what the user must check. Reads the folder; runs
// nothing from it.
#include <filesystem>

namespace bg::cli {

struct InitArgs {
  std::filesystem::path folder;
  bool force = false;  // overwrite an existing scenario.yaml
  bool print = false;  // write the draft to stdout instead of the folder
};

// Exit 0 when the draft was written (or printed); 2 when the folder cannot be read, is not a deploy
// folder, already has a scenario.yaml (without --force), or the file cannot be written.
int init_command(const InitArgs& args);

}  // namespace bg::cli
