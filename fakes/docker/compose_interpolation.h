#pragma once
// Compose's variable substitution in compose files (`$VAR`, `${VAR}`, `${VAR:-default}`,
// `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, `$$`), reproduced
// from the real code of each compose generation, because the rules differ in ways scripts meet
// (`$1` is an error before compose-go 1.6, `:+` does not exist in docker-compose 1.x, nested
// defaults exist only in compose-go):
// - python_v1: docker-compose 1.29.2 compose/config/interpolation.py (TemplateWithDefaults);
// - go_v1_2:   compose-go v1.2.4 template/template.go (compose 2.0 to 2.7, the seed's 2.5.0);
// - go_v1_8:   compose-go v1.8.1 template/template.go (compose 2.8 to 2.18; 2.15's is v1.8.1);
// - go_v1_17:  compose-go v1.17.0 template/template.go (compose 2.19 on; 2.20.2's is v1.17.0).
// The Go versions match with a regular expression and then cut at the first balanced closing
// brace; std::regex (ECMAScript, backtracking, leftmost-first like RE2's Perl mode) runs the same
// patterns, so the matches are the real ones.
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bg::fakes {

enum class TemplateSyntax { python_v1, go_v1_2, go_v1_8, go_v1_17 };

// The implementation a compose version runs ("1.29.2", "2.5.0", "2.20.2").
TemplateSyntax template_syntax_for(std::string_view compose_version);

// A string compose refuses to substitute.
class TemplateError : public std::runtime_error {
 public:
  enum class Kind {
    invalid,           // a `$` compose cannot read ("${PORT", "$1" before compose-go 1.6)
    missing_required,  // `${VAR:?reason}` / `${VAR?reason}` with VAR unset (or empty for `:?`)
  };
  TemplateError(Kind kind, std::string template_text, std::string variable = "", std::string reason = "")
      : std::runtime_error(template_text),
        kind(kind),
        template_text(std::move(template_text)),
        variable(std::move(variable)),
        reason(std::move(reason)) {}
  Kind kind;
  std::string template_text;  // the whole string (invalid), as the error names it
  std::string variable;       // missing_required: the variable
  std::string reason;         // missing_required: the text after `:?` (substituted)
};

// A variable's value, or nullopt when it is not set (set-but-empty is "").
using VariableLookup = std::function<std::optional<std::string>(const std::string&)>;

// Substitutes the variables of one string. Every plain lookup (`$VAR`, `${VAR}`) of a variable that
// is not set appends its name to `unset`, once per lookup, as compose warns once per lookup.
// Throws TemplateError.
std::string substitute_variables(std::string_view text, TemplateSyntax syntax, const VariableLookup& lookup,
                                 std::vector<std::string>& unset);

}  // namespace bg::fakes
