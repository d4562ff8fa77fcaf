#pragma once
// Reads a saved history (JSONL) one line at a time, handing each entry on without keeping it: how
// the judge and the reports read a run of any length in bounded memory, and how `bluegreen report`
// learns whether the history is complete (its last line is the end record, core/history_end.h).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "core/history.h"
#include "core/history_end.h"

namespace bg::core {

struct HistoryRead {
  uint64_t events = 0;            // event lines read
  std::optional<HistoryEnd> end;  // the completeness record, when the history ends with one
  // The end record was read and names as many events as were read: nothing was cut or added.
  bool complete() const { return end && end->complete && end->events == events; }
};

using EntryVisitor = std::function<void(const Entry&)>;

// Every entry in file order (seq = its position among the events). Blank lines are skipped. Throws
// std::runtime_error naming `source`:line for a malformed line, and for any line after the end
// record (two runs' histories joined, or a file appended to after its run ended).
HistoryRead read_history(std::istream& in, const std::string& source, const EntryVisitor& visit);
// The same from a file; throws std::runtime_error when it cannot be opened.
HistoryRead read_history_file(const std::filesystem::path& path, const EntryVisitor& visit);

// A history that can be read any number of times, each call one pass over every entry in order:
// what a consumer needing two passes (the report's timeline) takes, from a file or from memory.
using EntrySource = std::function<HistoryRead(const EntryVisitor&)>;
EntrySource file_source(std::filesystem::path path);
// `entries` must outlive the source. The pass reports them complete (an in-memory history has no
// end record to lose).
EntrySource memory_source(const std::vector<Entry>& entries);

}  // namespace bg::core
