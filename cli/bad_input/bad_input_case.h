#pragma once
// BadInputCase: one malformed input of the bad-input suite, as a row of a case table
// (cli/bad_input/cases/<kind>.yaml): the folder it starts from, how its files are broken, the
// command line, and the pattern the message must match (file, line and field). The tables are data so
// that a case is a few lines, and adding one needs no code.
#include <filesystem>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace bg::bad_input {

struct FileEdit {
  enum class Kind { write, append, replace, remove, mkdir, fifo } kind;
  std::string path;  // relative to the case folder
  std::string text;  // write/append: the text (`fill` rows are written out here); replace: the text replaced
  std::string with;  // replace: what replaces it
};

struct BadInputCase {
  std::string kind;           // the table it comes from: scenario_yaml, appspec, cli_options, ...
  std::string name;           // unique within its table
  std::string base = "seed";  // scenarios/data/<base> copied as the case folder; "none" for an empty one
  std::string dir = "case";   // the case folder's name ("my deploy" to test spaces)
  std::vector<FileEdit> edits;
  std::string args;            // after the binary; {case}, {out} and {work} are replaced, shell-quoted
  std::string expect;          // ECMAScript regex the output must match; {case} and {work} replaced, escaped
  std::string pending;         // who must land what before the case can pass ("" = it must pass now)
  bool hold_out_lock = false;  // the runner holds {out}'s lock while the command runs
  int deadline_seconds = 30;   // killed (and failed as hung) past this; short for a pending
                               // `proxy` case, which serves until stopped while it is accepted
  std::string error;           // a malformed row: the test fails with this

  std::string test_name() const;  // "<kind>_<name>", letters, digits and '_' only
};

// Every case of every table under `dir`, in file order. A row that cannot be read becomes a case whose
// `error` says why (the suite fails on it instead of losing it).
std::vector<BadInputCase> load_cases(const std::filesystem::path& dir);

// Makes `work`/<dir> from `source_root`/scenarios/data/<base> and applies the edits. Returns "" or
// what went wrong (an edit whose text is not in the file: the case would not test what it says).
std::string lay_out(const BadInputCase& c, const std::filesystem::path& source_root, const std::filesystem::path& work);

// gtest prints parameters with this; the name says enough.
inline void PrintTo(const BadInputCase& c, std::ostream* os) { *os << c.kind << "/" << c.name; }

}  // namespace bg::bad_input
