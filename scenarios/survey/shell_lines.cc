#include "scenarios/survey/shell_lines.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace bg::survey {
namespace {

enum class Ctx { code, double_quoted, single_quoted, substitution };

bool is_boundary(char c) { return c == ';' || c == '|' || c == '&' || c == '(' || c == '`'; }

// Marks which characters of `text` the shell reads as commands rather than as quoted text, and
// returns where a comment starts (npos when none). `$(` opens a command context even inside double
// quotes; `(` and `$((` nest so that their `)` close the right context.
size_t scan(std::string_view text, std::vector<bool>& code) {
  code.assign(text.size(), false);
  std::vector<Ctx> stack{Ctx::code};
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const Ctx top = stack.back();
    const bool in_code = top == Ctx::code || top == Ctx::substitution;
    code[i] = in_code;
    if (top == Ctx::single_quoted) {
      if (c == '\'') stack.pop_back();
      continue;
    }
    if (c == '\\') {
      if (i + 1 < text.size()) code[i + 1] = in_code;
      ++i;
      continue;
    }
    const bool opens_substitution = c == '$' && i + 1 < text.size() && text[i + 1] == '(';
    if (top == Ctx::double_quoted) {
      if (c == '"') stack.pop_back();
      if (opens_substitution) {
        stack.push_back(Ctx::substitution);
        code[++i] = true;
      }
      continue;
    }
    if (c == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == ';')) return i;
    if (c == '\'')
      stack.push_back(Ctx::single_quoted);
    else if (c == '"')
      stack.push_back(Ctx::double_quoted);
    else if (opens_substitution) {
      stack.push_back(Ctx::substitution);
      code[++i] = true;
    } else if (c == '(')
      stack.push_back(Ctx::substitution);
    else if (c == ')' && top == Ctx::substitution)
      stack.pop_back();
  }
  return std::string_view::npos;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// A redirection word (`2>/dev/null`, `>`, `&>log`, `<`): not an argument of the command.
bool is_redirection(const std::string& w) {
  static const std::regex re(R"(^(\d*|&)[<>]{1,2}(&\d)?.*$)");
  return std::regex_match(w, re);
}

bool ends_word(std::string_view text, size_t pos) {
  if (pos >= text.size()) return true;
  const char c = text[pos];
  return std::isspace(static_cast<unsigned char>(c)) || c == ';' || c == '|' || c == '&' || c == ')';
}

// Where the command starting at `from` ends: the first `;`, `|` or `&` the shell reads as code, or
// a `)` closing a context opened before the command.
size_t command_end(std::string_view text, const std::vector<bool>& code, size_t from) {
  int depth = 0;
  for (size_t i = from; i < text.size(); ++i) {
    if (!code[i]) continue;
    const char c = text[i];
    if (c == '(')
      ++depth;
    else if (c == ')' && depth-- == 0)
      return i;
    else if (depth == 0 && (c == ';' || c == '|' || c == '&'))
      return i;
  }
  return text.size();
}

// True when the words between a command boundary and a name leave the name in command position:
// only runners (sudo and its options, nohup, timeout and its duration, env), keywords and variable
// assignments.
bool command_position(const std::string& prefix) {
  static const std::regex assignment(R"(^[A-Za-z_][A-Za-z0-9_]*=.*)");
  static const std::vector<std::string> keywords = {"if", "then", "else", "elif",  "do",   "while",   "until",
                                                    "!",  "{",    "time", "nohup", "exec", "command", "env"};
  const auto words = shell_words(prefix);
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (std::regex_match(w, assignment) || std::find(keywords.begin(), keywords.end(), w) != keywords.end()) continue;
    if (w == "sudo" || w == "timeout") {
      // Options; sudo's -u/-g and timeout's -s/-k take a value, and timeout's duration follows.
      while (i + 1 < words.size() && words[i + 1].size() > 1 && words[i + 1][0] == '-') {
        const std::string& opt = words[++i];
        if ((opt == "-u" || opt == "-g" || opt == "-s" || opt == "-k") && i + 1 < words.size()) ++i;
      }
      if (w == "timeout" && i + 1 < words.size()) ++i;
      continue;
    }
    return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> shell_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  int depth = 0;  // inside $( ... ): spaces do not split
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == quote)
        quote = 0;
      else if (c == '\\' && quote == '"' && i + 1 < text.size())
        word += text[++i];
      else
        word += c;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c)) && depth == 0) {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\'' || c == '"')
      quote = c;
    else if (c == '\\' && i + 1 < text.size())
      word += text[++i];
    else {
      if (c == '(') ++depth;
      if (c == ')' && depth > 0) --depth;
      word += c;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

std::vector<ShellLine> shell_lines(const std::string& file, int first_line, const std::vector<std::string>& text) {
  std::vector<ShellLine> out;
  static const std::regex heredoc(R"(<<(-?)\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?)");
  std::vector<bool> code;
  for (size_t i = 0; i < text.size(); ++i) {
    ShellLine line{{file, first_line + static_cast<int>(i)}, text[i]};
    // A trailing backslash continues the command on the next line.
    while (!line.text.empty() && line.text.back() == '\\' && i + 1 < text.size()) {
      line.text.pop_back();
      line.text += " " + text[++i];
    }
    const size_t comment = scan(line.text, code);
    if (comment != std::string::npos) line.text.resize(comment);
    line.text = trim(line.text);
    if (line.text.empty()) continue;
    // A here-document's body is data, not commands: skip it up to its delimiter.
    std::smatch m;
    scan(line.text, code);
    if (std::regex_search(line.text, m, heredoc) && code[static_cast<size_t>(m.position(0))] &&
        line.text.compare(static_cast<size_t>(m.position(0)), 3, "<<<") != 0) {
      const bool strip_tabs = m[1].length() > 0;
      const std::string end = m[2];
      out.push_back(line);
      while (i + 1 < text.size()) {
        std::string body = text[++i];
        if (strip_tabs) body.erase(0, body.find_first_not_of('\t'));
        if (trim(body) == end) break;
      }
      continue;
    }
    out.push_back(std::move(line));
  }
  return out;
}

std::vector<ShellCommand> find_commands(const ShellLine& line, std::string_view name) {
  std::vector<ShellCommand> out;
  const std::string_view text = line.text;
  std::vector<bool> code;
  scan(text, code);
  const std::vector<std::string> name_words = shell_words(name);
  for (size_t i = 0; i < text.size(); ++i) {
    if (!code[i] || (i > 0 && !std::isspace(static_cast<unsigned char>(text[i - 1])) && !is_boundary(text[i - 1])))
      continue;
    // The name's words, separated by blanks, ending a word.
    size_t pos = i;
    bool match = true;
    for (size_t w = 0; w < name_words.size() && match; ++w) {
      if (w > 0) {
        if (pos >= text.size() || !std::isspace(static_cast<unsigned char>(text[pos]))) match = false;
        while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
      }
      match = match && text.compare(pos, name_words[w].size(), name_words[w]) == 0;
      pos += name_words[w].size();
      match = match && ends_word(text, pos);
    }
    if (!match) continue;
    ShellCommand cmd{line.at, {}, {}};
    size_t start = i;
    while (start > 0 && !(code[start - 1] && is_boundary(text[start - 1]))) --start;
    cmd.prefix = trim(text.substr(start, i - start));
    if (!command_position(cmd.prefix)) continue;
    const size_t end = command_end(text, code, pos);
    const auto words = shell_words(text.substr(pos, end - pos));
    for (size_t w = 0; w < words.size(); ++w) {
      if (is_redirection(words[w])) {
        // `> file` and `2> file`: the next word is the redirection's target.
        if (words[w].find_first_not_of("0123456789&<>") == std::string::npos) ++w;
        continue;
      }
      cmd.args.push_back(words[w]);
    }
    out.push_back(std::move(cmd));
    i = pos;
  }
  return out;
}

bool is_shell_file(const TextFile& file) {
  const std::string name = file.name();
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".sh") || ends_with(".bash")) return true;
  if (file.lines.empty()) return false;
  static const std::regex shebang(R"(^#!\s*/\S*/(env\s+)?(ba|da|z)?sh\b.*)");
  return std::regex_match(file.lines.front(), shebang);
}

}  // namespace bg::survey
