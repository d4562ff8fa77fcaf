#include "cli/init_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <system_error>

#include "scenarios/survey/folder_survey.h"
#include "scenarios/survey/scenario_draft.h"
#include "scenarios/survey/survey_summary.h"

namespace bg::cli {
namespace {
namespace fs = std::filesystem;

// Writes `text` to `target` through a temporary file in the same folder, so that an interrupted
// write never leaves half a scenario.yaml. Returns the error, "" when written.
std::string write_file(const fs::path& target, const std::string& text) {
  const fs::path tmp = target.parent_path() / fmt::format(".scenario.yaml.init-{}", ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out.flush()) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
      return "cannot be written";
    }
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return "cannot be written: " + ec.message();
  }
  return "";
}

}  // namespace

int init_command(const InitArgs& args) {
  const fs::path target = args.folder / "scenario.yaml";
  survey::FolderSurvey found;
  try {
    // Refused before the survey: an existing scenario.yaml is the user's, never replaced unasked.
    if (!args.print && !args.force && fs::exists(fs::symlink_status(target))) {
      std::cerr << fmt::format(
          "bluegreen init: {} already exists; --force replaces it, --print writes the draft to "
          "stdout\n",
          target.string());
      return 2;
    }
    found = survey::survey_folder(args.folder);
  } catch (const std::exception& e) {
    std::cerr << "bluegreen init: " << e.what() << '\n';
    return 2;
  }
  const std::string draft = survey::draft_scenario(found);
  if (args.print) {
    std::cout << draft << std::flush;
    std::cerr << "bluegreen init: the draft of " << target.string() << " (printed, not written)\n";
  } else {
    if (const std::string error = write_file(target, draft); !error.empty()) {
      std::cerr << fmt::format("bluegreen init: {}: {}\n", target.string(), error);
      return 2;
    }
    std::cerr << "bluegreen init: wrote " << target.string() << '\n';
  }
  std::cerr << survey::survey_summary(found)
            << fmt::format("next: edit what is marked CHECK, then `bluegreen run {}`\n", args.folder.string());
  return 0;
}

}  // namespace bg::cli
