#pragma once
// The vocabulary of `bluegreen init`'s survey of a deploy folder: where a fact was read (file:line),
// and how far a conclusion can be trusted. Every setting init writes carries one of these, so the
// scenario.yaml it drafts can say, line by line, what it rests on.
#include <string>
#include <vector>

namespace bg::survey {

// A place in the folder: a file's path relative to the folder ('/'-separated) and a 1-based line.
struct Source {
  std::string file;
  int line = 0;
  std::string str() const { return line > 0 ? file + ":" + std::to_string(line) : file; }
};

// How a conclusion was reached. `read`: the folder says so. `assumed`: a convention or a default the
// user should check (the folder leaves a choice open). `unknown`: the folder cannot tell, and init
// writes no value of its own.
enum class Basis { read, assumed, unknown };

// One conclusion: a value (empty when unknown), its basis, the places it was read from, and one
// line saying why, or what the user must check.
struct Fact {
  std::string value;
  Basis basis = Basis::unknown;
  std::vector<Source> from;
  std::string why;
  bool known() const { return !value.empty(); }
};

// "a:1, b:2" for a comment or a summary line.
inline std::string sources_text(const std::vector<Source>& from) {
  std::string out;
  for (const auto& s : from) out += (out.empty() ? "" : ", ") + s.str();
  return out;
}

}  // namespace bg::survey
