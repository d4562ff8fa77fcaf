#include "fakes/docker/compose_interpolation.h"

#include <array>
#include <cstdio>
#include <regex>

namespace bg::fakes {
namespace {

// The patterns, group for group (1 escaped, 2 named, 3 braced, last invalid):
// - python: `delim(?:(?P<escaped>delim)|(?P<named>id)|{(?P<braced>bid)}|(?P<invalid>))` with
//   bid = `[_a-z][_a-z0-9]*(?:(?P<sep>:?[-?])[^}]*)?`, compiled IGNORECASE (string.Template);
// - compose-go v1.2.4: `\$(?i:(?P<escaped>\$)|(?P<named>...)|{(?P<braced>...)}|(?P<invalid>))`,
//   braced `[_a-z][_a-z0-9]*(?::?[-?](.*}|[^}]*))?`;
// - v1.8.1: invalid only after `${`, `+` joins the operators;
// - v1.17.0: braced `[_a-z][_a-z0-9]*(?::?[-+?](.*))?`.
// Literal braces are escaped for std::regex; icase applies to the whole pattern, as (?i:) covers
// everything after the `$` in the Go patterns.
const std::regex& pattern(TemplateSyntax syntax) {
  static const std::array<std::regex, 4> patterns = {
      std::regex(R"(\$(?:(\$)|([_a-z][_a-z0-9]*)|\{([_a-z][_a-z0-9]*(?:(:?[-?])[^}]*)?)\}|()))",
                 std::regex::ECMAScript | std::regex::icase),
      std::regex(R"(\$(?:(\$)|([_a-z][_a-z0-9]*)|\{([_a-z][_a-z0-9]*(?::?[-?](.*\}|[^}]*))?)\}|()))",
                 std::regex::ECMAScript | std::regex::icase),
      std::regex(R"(\$(?:(\$)|([_a-z][_a-z0-9]*)|\{(?:([_a-z][_a-z0-9]*(?::?[-+?](.*\}|[^}]*))?)\}|())))",
                 std::regex::ECMAScript | std::regex::icase),
      std::regex(R"(\$(?:(\$)|([_a-z][_a-z0-9]*)|\{(?:([_a-z][_a-z0-9]*(?::?[-+?](.*))?)\}|())))",
                 std::regex::ECMAScript | std::regex::icase),
  };
  return patterns[static_cast<size_t>(syntax)];
}

constexpr size_t kEscaped = 1, kNamed = 2, kBraced = 3;

// strings.SplitN(s, sep, 2) as compose-go's partition and Python's str.partition use it.
std::pair<std::string, std::string> partition(const std::string& s, std::string_view sep) {
  auto at = s.find(sep);
  if (at == std::string::npos) return {s, ""};
  return {s.substr(0, at), s.substr(at + sep.size())};
}

// The operators of a braced substitution, as compose-go's getSubstitutionFunctionForTemplate lists them.
const std::array<std::string_view, 6> kOperators = {":?", "?", ":-", "-", ":+", "+"};

class GoSubstituter {
 public:
  GoSubstituter(TemplateSyntax syntax, const VariableLookup& lookup, std::vector<std::string>& unset)
      : syntax_(syntax), lookup_(lookup), unset_(unset) {}

  // SubstituteWith: every match replaced; the first error is returned after the whole string is
  // done (v1.8+). v1.2.4 keeps the last error assignment instead: a later braced substitution that
  // succeeds clears an earlier one (its `err` variable is shared across matches).
  std::string substitute(const std::string& text, std::vector<std::string_view> order = {}) {
    if (syntax_ == TemplateSyntax::go_v1_2 && order.empty()) order = v12_order(text);
    std::optional<TemplateError> error;
    std::string out;
    auto begin = std::sregex_iterator(text.begin(), text.end(), pattern(syntax_));
    size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
      out.append(text, last, static_cast<size_t>(it->position()) - last);
      last = static_cast<size_t>(it->position() + it->length());
      try {
        bool braced = false;
        out += replace(text, it->str(), order, braced);
        if (braced && syntax_ == TemplateSyntax::go_v1_2) error.reset();
      } catch (const TemplateError& e) {
        if (!error || syntax_ == TemplateSyntax::go_v1_2) error = e;
      }
    }
    out.append(text, last, std::string::npos);
    if (error) throw *error;
    return out;
  }

 private:
  // v1.2.4 getDefaultSortedSubstitutionFunctions: the required operators first unless a `-`
  // comes before any `?` in the whole template.
  static std::vector<std::string_view> v12_order(const std::string& text) {
    auto hyphen = text.find('-'), question = text.find('?');
    long h = hyphen == std::string::npos ? -1 : static_cast<long>(hyphen);
    long q = question == std::string::npos ? -1 : static_cast<long>(question);
    if (h < 0 || h > q) return {":?", "?", ":-", "-"};
    return {":-", "-", ":?", "?"};
  }

  // v1.8+: the one operator that appears first in the match.
  static std::string_view first_operator(const std::string& substring) {
    std::string_view best = kOperators[0];
    size_t best_at = std::string::npos;
    for (auto op : kOperators) {
      size_t at = substring.find(op);
      if (at != std::string::npos && (best_at == std::string::npos || at < best_at)) best = op, best_at = at;
    }
    return best;
  }

  // getFirstBraceClosingIndex.
  static long first_closing_brace(const std::string& s) {
    int open = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '}' && --open == 0) return static_cast<long>(i);
      if (s.compare(i, 2, "${") == 0) ++open, ++i;
    }
    return -1;
  }

  std::string replace(const std::string& text, std::string substring, const std::vector<std::string_view>& order,
                      bool& braced) {
    std::vector<std::string_view> ops = order;
    if (syntax_ != TemplateSyntax::go_v1_2) ops = {first_operator(substring)};
    std::string rest;
    if (long closing = first_closing_brace(substring); closing > -1) {
      rest = substring.substr(static_cast<size_t>(closing) + 1);
      substring.resize(static_cast<size_t>(closing) + 1);
    }
    std::smatch m;
    std::regex_search(substring, m, pattern(syntax_));
    if (m[kEscaped].matched && m[kEscaped].length() > 0) return "$";
    std::string substitution = m[kNamed].str();
    braced = substitution.empty();
    if (braced) substitution = m[kBraced].str();
    if (substitution.empty()) throw TemplateError(TemplateError::Kind::invalid, text);
    if (braced) {
      for (auto op : ops) {
        auto value = apply(op, substitution);
        if (!value) continue;
        // The text after the first closing brace was swallowed by the greedy pattern: substitute it
        // on its own. Before v1.17 an error there is dropped with the whole match (`return ""`).
        try {
          return *value +
                 substitute(rest, syntax_ == TemplateSyntax::go_v1_2 ? order : std::vector<std::string_view>{});
        } catch (const TemplateError&) {
          if (syntax_ == TemplateSyntax::go_v1_17) throw;
          return "";
        }
      }
    }
    auto value = lookup_(substitution);
    if (!value) unset_.push_back(substitution);
    return value.value_or("");
  }

  // The substitute functions (softDefault/hardDefault/required... in v1.2.4, withDefaultWhen* and
  // withRequired later): nullopt when `op` is not in the substitution. The text after the operator
  // is substituted first, so a nested `${OTHER}` is looked up (and warned about) even when unused.
  std::optional<std::string> apply(std::string_view op, const std::string& substitution) {
    if (substitution.find(op) == std::string::npos) return std::nullopt;
    auto [name, tail] = partition(substitution, op);
    tail = substitute(tail);
    auto value = lookup_(name);
    bool empty = !value || value->empty();
    if (op == ":-") return empty ? tail : *value;
    if (op == "-") return value ? *value : tail;
    if (op == ":+") return !empty ? tail : value.value_or("");
    if (op == "+") return value ? tail : "";
    if ((op == ":?" && empty) || (op == "?" && !value))
      throw TemplateError(TemplateError::Kind::missing_required, "", name, tail);
    return *value;
  }

  TemplateSyntax syntax_;
  const VariableLookup& lookup_;
  std::vector<std::string>& unset_;
};

// docker-compose 1.29.2 TemplateWithDefaults.substitute: Python's re.sub, so the first error ends
// the substitution; defaults are taken as written (no nested substitution).
std::string substitute_python(const std::string& text, const VariableLookup& lookup, std::vector<std::string>& unset) {
  std::string out;
  size_t last = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern(TemplateSyntax::python_v1));
       it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    out.append(text, last, static_cast<size_t>(m.position()) - last);
    last = static_cast<size_t>(m.position() + m.length());
    if (m[kEscaped].matched) {
      out += "$";
      continue;
    }
    std::string named = m[kNamed].matched ? m[kNamed].str() : m[kBraced].str();
    if (!m[kNamed].matched && !m[kBraced].matched) throw TemplateError(TemplateError::Kind::invalid, text);
    std::string sep = m[4].str();  // the `sep` group of the braced form
    if (sep.empty()) {
      auto value = lookup(named);
      if (!value) unset.push_back(named);
      out += value.value_or("");
      continue;
    }
    auto [var, tail] = partition(named, sep);
    auto value = lookup(var);
    if (sep == ":-")
      out += value && !value->empty() ? *value : tail;
    else if (sep == "-")
      out += value ? *value : tail;
    else if ((sep == ":?" && (!value || value->empty())) || (sep == "?" && !value))
      throw TemplateError(TemplateError::Kind::missing_required, text, var, tail.empty() ? var : tail);
    else
      out += *value;
  }
  out.append(text, last, std::string::npos);
  return out;
}

}  // namespace

TemplateSyntax template_syntax_for(std::string_view version) {
  if (!version.empty() && version.front() == 'v') version.remove_prefix(1);
  int major = 0, minor = 0;
  std::sscanf(std::string(version).c_str(), "%d.%d", &major, &minor);
  if (major < 2) return TemplateSyntax::python_v1;
  // compose v2.8.0 took compose-go v1.3.0 (the operator choice and `:+`), v2.19.0 v1.15.0 (the
  // `(.*)` pattern and MissingRequiredError, from v1.14.0); releases between keep the nearest rules.
  if (minor < 8) return TemplateSyntax::go_v1_2;
  if (minor < 19) return TemplateSyntax::go_v1_8;
  return TemplateSyntax::go_v1_17;
}

std::string substitute_variables(std::string_view text, TemplateSyntax syntax, const VariableLookup& lookup,
                                 std::vector<std::string>& unset) {
  std::string s(text);
  if (syntax == TemplateSyntax::python_v1) return substitute_python(s, lookup, unset);
  return GoSubstituter(syntax, lookup, unset).substitute(s);
}

}  // namespace bg::fakes
