#pragma once
// SavedHistory: a history.jsonl that `bluegreen report` may judge again. A judge that reads an empty,
// cut-short or foreign file finds no failed request and says HELD, so a CI gate would pass a broken
// artefact: such a file is refused instead, naming what is wrong. A complete history ends with its
// completeness record, {"kind":"end","complete":true,"events":N,...} (the shape the run's history
// writer closes it with, core/history_end.h), and holds N events before it.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/history.h"

namespace bg::cli {

class SavedHistoryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Checks the history at `path` in one pass, one line at a time (it keeps no event, so any length is
// checked in bounded memory; the judge reads the file again). Throws SavedHistoryError "<path>[:<line>]:
// <what is wrong>" for a folder, an empty file, a line that is not JSON or not a bluegreen event, a
// missing or incomplete end record, a count that does not match, or events after the end.
void check_saved_history(const std::filesystem::path& path);

}  // namespace bg::cli
