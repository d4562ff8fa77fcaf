#include "fakes/docker/env_file.h"

#include <cctype>

#include <fmt/format.h>

namespace bg::fakes {
namespace {

// isSpace of the parser: a space but not a line break.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }

class Parser {
 public:
  Parser(TemplateSyntax syntax, const VariableLookup& lookup, EnvFileContents& out)
      : syntax_(syntax), lookup_(lookup), out_(out) {}

  void parse(std::string_view src) {
    while (true) {
      src = statement_start(src);
      if (src.empty()) return;
      int line = line_;
      try {
        src = statement(src);
      } catch (const EnvFileError&) {
        if (syntax_ != TemplateSyntax::python_v1) throw;
        // python-dotenv's parser logs this and goes on with the next line.
        out_.warnings.push_back(fmt::format("Python-dotenv could not parse statement starting at line {}", line));
        auto nl = src.find('\n');
        src = nl == std::string_view::npos ? std::string_view() : src.substr(nl);
      }
    }
  }

 private:
  // getStatementStart: skips blank space and comment lines, counting lines.
  std::string_view statement_start(std::string_view src) {
    while (true) {
      size_t i = 0;
      for (; i < src.size() && std::isspace(static_cast<unsigned char>(src[i])); ++i)
        if (src[i] == '\n') ++line_;
      src.remove_prefix(i);
      if (src.empty() || src.front() != '#') return src;
      auto nl = src.find('\n');
      if (nl == std::string_view::npos) return {};
      src.remove_prefix(nl);
    }
  }

  // One KEY=value statement; returns what follows it.
  std::string_view statement(std::string_view src) {
    if (src.substr(0, 6) == "export" && src.size() > 6 && is_space(src[6])) {
      src.remove_prefix(6);
      while (!src.empty() && is_space(src.front())) src.remove_prefix(1);
    }
    size_t i = 0;
    char end = 0;
    for (; i < src.size(); ++i) {
      char c = src[i];
      if (is_space(c)) continue;
      if (c == '=' || c == ':' || c == '\n') {
        end = c;
        break;
      }
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' || c == '[' || c == ']')
        continue;
      std::string_view first_line = src.substr(0, src.find('\n'));
      throw EnvFileError(fmt::format("line {}: unexpected character \"{}\" in variable name \"{}\"", line_,
                                     std::string(1, c), first_line));
    }
    std::string key(src.substr(0, i));
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
    if (key.find(' ') != std::string::npos)
      throw EnvFileError(fmt::format("line {}: key cannot contain a space", line_));
    // A bare KEY (also on a last line without a newline): inherited from the lookup when set.
    if (end == 0 || end == '\n') {
      if (auto v = lookup(key)) out_.values[key] = *v;
      return end == 0 ? std::string_view() : src.substr(i);
    }
    src.remove_prefix(i + 1);
    while (!src.empty() && is_space(src.front())) src.remove_prefix(1);
    return value(key, src);
  }

  std::string_view value(const std::string& key, std::string_view src) {
    if (src.empty() || (src.front() != '"' && src.front() != '\'')) {
      auto nl = src.find('\n');
      std::string v(src.substr(0, nl));
      ++line_;
      if (auto hash = v.find(" #"); hash != std::string::npos) v.resize(hash);
      while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
      out_.values[key] = expand(v);
      return nl == std::string_view::npos ? std::string_view() : src.substr(nl + 1);
    }
    char quote = src.front();
    bool escaped = false;
    for (size_t i = 1; i < src.size(); ++i) {
      if (src[i] == '\n') ++line_;
      if (src[i] != quote) {
        escaped = !escaped && src[i] == '\\';
        continue;
      }
      if (escaped) {
        escaped = false;
        continue;
      }
      std::string v(src.substr(1, i - 1));
      out_.values[key] = quote == '"' ? expand(unescape(v)) : v;
      return src.substr(i + 1);
    }
    throw EnvFileError(fmt::format("line {}: unterminated quoted value {}", line_, src.substr(0, src.find('\n'))));
  }

  // expandEscapes: \a \b \f \n \r \t \v \" \\ as Go unquotes them; `\$` becomes `$$` so that the
  // substitution leaves a literal `$`.
  static std::string unescape(const std::string& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i] != '\\' || i + 1 == v.size()) {
        out += v[i];
        continue;
      }
      char c = v[++i];
      switch (c) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'a':
          out += '\a';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'v':
          out += '\v';
          break;
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '$':
          out += "$$";
          break;
        default:
          out += '\\', out += c;
      }
    }
    return out;
  }

  // expandVariables: the file's earlier values and then the lookup (GetEnvFromFile's order: the
  // process environment wins). A value compose cannot substitute is an error of the file.
  std::string expand(const std::string& v) {
    if (v.find('$') == std::string::npos) return v;
    std::vector<std::string> unset;
    try {
      return substitute_variables(
          v, syntax_, [this](const std::string& k) { return lookup(k); }, unset);
    } catch (const TemplateError& e) {
      if (e.kind == TemplateError::Kind::missing_required)
        throw EnvFileError(
            fmt::format("line {}: required variable {} is missing a value: {}", line_ - 1, e.variable, e.reason));
      throw EnvFileError(fmt::format("line {}: invalid template: {}", line_ - 1, v));
    }
  }

  std::optional<std::string> lookup(const std::string& k) const {
    if (auto v = lookup_(k)) return v;
    auto it = out_.values.find(k);
    if (it != out_.values.end()) return it->second;
    return std::nullopt;
  }

  TemplateSyntax syntax_;
  const VariableLookup& lookup_;
  EnvFileContents& out_;
  int line_ = 1;
};

}  // namespace

EnvFileContents parse_env_file(std::string_view text, TemplateSyntax syntax, const VariableLookup& lookup) {
  EnvFileContents out;
  // A UTF-8 byte-order mark, which editors on Windows leave (python-dotenv reads utf-8-sig).
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  Parser(syntax, lookup, out).parse(text);
  return out;
}

}  // namespace bg::fakes
