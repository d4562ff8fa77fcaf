#include "proxy/config_reader.h"

#include <fnmatch.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "proxy/nginx_config.h"

namespace bg::proxy {
namespace fs = std::filesystem;

std::string emerg_at(const std::string& what, const std::string& file, int line) {
  return fmt::format("[emerg] {} in {}:{}", what, file, line);
}

// Position in one file's text; nginx counts lines from 1 and reports the line it is on.
struct ConfigReader::Cursor {
  std::string text;
  std::string file;
  size_t pos = 0;
  int line = 1;

  bool at_end() const { return pos >= text.size(); }
  [[noreturn]] void fail(const std::string& what) const { throw NginxConfigError(emerg_at(what, file, line)); }
};

namespace {

enum class TokenKind { word, semicolon, open, close, end };

struct Token {
  TokenKind kind = TokenKind::end;
  std::string text;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

// One token; `#` comments and whitespace are skipped. Quoted strings keep nginx's escapes.
static Token next_token(ConfigReader::Cursor& c) {
  while (!c.at_end()) {
    char ch = c.text[c.pos];
    if (ch == '\n') ++c.line;
    if (is_space(ch)) {
      ++c.pos;
    } else if (ch == '#') {
      while (!c.at_end() && c.text[c.pos] != '\n') ++c.pos;
    } else {
      break;
    }
  }
  if (c.at_end()) return {TokenKind::end, ""};
  char ch = c.text[c.pos];
  if (ch == ';') return ++c.pos, Token{TokenKind::semicolon, ";"};
  if (ch == '{') return ++c.pos, Token{TokenKind::open, "{"};
  if (ch == '}') return ++c.pos, Token{TokenKind::close, "}"};
  std::string word;
  if (ch == '"' || ch == '\'') {
    char quote = ch;
    ++c.pos;
    for (;;) {
      if (c.at_end()) c.fail("unexpected end of file, expecting \";\" or \"}\"");
      char q = c.text[c.pos++];
      if (q == '\n') ++c.line;
      if (q == quote) break;
      if (q == '\\' && !c.at_end()) {
        char e = c.text[c.pos++];
        if (e == 't') word += '\t';
        else if (e == 'n') word += '\n';
        else if (e == 'r') word += '\r';
        else if (e == '"' || e == '\'' || e == '\\') word += e;
        else word += '\\', word += e;
        continue;
      }
      word += q;
    }
    if (!c.at_end()) {
      char after = c.text[c.pos];
      if (!is_space(after) && after != ';' && after != '{' && after != ')')
        c.fail(fmt::format("unexpected \"{}\"", after));
    }
    return {TokenKind::word, word};
  }
  while (!c.at_end()) {
    char w = c.text[c.pos];
    if (is_space(w) || w == ';' || w == '{' || w == '}') break;
    if (w == '#' && word.empty()) break;
    word += w;
    ++c.pos;
  }
  return {TokenKind::word, word};
}

std::vector<ConfDirective> ConfigReader::read_main(const fs::path& display_path) {
  prefix_ = display_path.parent_path();
  return read_file(display_path, nullptr, 0);
}

std::vector<ConfDirective> ConfigReader::read_file(const fs::path& display_path, const ConfDirective* from,
                                                   int depth) {
  fs::path real = paths_.resolve(display_path);
  std::ifstream in(real, std::ios::binary);
  if (!in) {
    int err = errno ? errno : ENOENT;
    std::string what = fmt::format("open() \"{}\" failed ({}: {})", display_path.string(), err, std::strerror(err));
    if (from) throw NginxConfigError(emerg_at(what, from->file, from->line));
    throw NginxConfigError("[emerg] " + what);
  }
  std::ostringstream text;
  text << in.rdbuf();
  Cursor c{text.str(), display_path.string()};
  return parse_block(c, true, depth);
}

std::vector<ConfDirective> ConfigReader::parse_block(Cursor& c, bool top_level, int depth) {
  std::vector<ConfDirective> out;
  ConfDirective current;
  bool started = false;
  for (;;) {
    Token t = next_token(c);
    switch (t.kind) {
      case TokenKind::word:
        if (!started) current.name = t.text, started = true;
        else current.args.push_back(t.text);
        break;
      case TokenKind::semicolon:
      case TokenKind::open: {
        if (!started) c.fail(fmt::format("unexpected \"{}\"", t.text));
        current.file = c.file;
        current.line = c.line;
        if (t.kind == TokenKind::open) {
          current.has_block = true;
          current.block = parse_block(c, false, depth);
        }
        if (current.name == "include" && !current.has_block) expand_include(current, out, depth);
        else out.push_back(std::move(current));
        current = ConfDirective{};
        started = false;
        break;
      }
      case TokenKind::close:
        if (top_level || started) c.fail("unexpected \"}\"");
        return out;
      case TokenKind::end:
        if (started) c.fail("unexpected end of file, expecting \";\" or \"}\"");
        if (!top_level) c.fail("unexpected end of file, expecting \"}\"");
        return out;
    }
  }
}

// nginx's `include`: a file or a glob (matches in name order; no match is not an error).
void ConfigReader::expand_include(const ConfDirective& d, std::vector<ConfDirective>& out, int depth) {
  if (d.args.size() != 1)
    throw NginxConfigError(emerg_at("invalid number of arguments in \"include\" directive", d.file, d.line));
  if (depth > 32) throw NginxConfigError(emerg_at("include nesting is too deep", d.file, d.line));
  fs::path target(d.args[0]);
  if (!target.is_absolute()) target = prefix_ / target;
  std::vector<fs::path> files;
  if (d.args[0].find_first_of("*?[") == std::string::npos) {
    files.push_back(target);
  } else {
    // Simplification: wildcards only in the last path component.
    fs::path real_dir = paths_.resolve(target.parent_path());
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(real_dir, ec)) {
      std::string name = entry.path().filename().string();
      if (::fnmatch(target.filename().c_str(), name.c_str(), FNM_PERIOD) == 0)
        files.push_back(target.parent_path() / name);
    }
    std::sort(files.begin(), files.end());
  }
  for (const auto& f : files) {
    auto included = read_file(f, &d, depth + 1);
    for (auto& inc : included) out.push_back(std::move(inc));
  }
}

}  // namespace bg::proxy
