#pragma once
// The outcome of a run: zero downtime held, it was violated, or no verdict could be given (a harness
// error, an input the fakes do not model, a signal). Typed through the code; its name is read and
// written only at the edges (result.json, saved histories, scenario files, printed lines).
#include <optional>
#include <string_view>

namespace bg::core {

enum class Verdict { held, violated, error };

// "held", "violated", "error": the words result.json and scenario files use.
std::string_view verdict_name(Verdict v);
// The word a headline shows: "HELD", "VIOLATED", "ERROR".
std::string_view verdict_headline(Verdict v);
// The verdict a name gives; nullopt for any other word.
std::optional<Verdict> parse_verdict(std::string_view name);

}  // namespace bg::core
