#include "proxy/conf_lexer.h"

#include <fmt/format.h>

namespace bg::proxy {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

ConfLexer::Result ConfLexer::fail(std::string what) {
  error_ = std::move(what);
  return Result::error;
}

// The word between `raw`'s ends with nginx's escapes: \" \' \\ drop the backslash, \t \r \n become
// the control character, any other \x stays as written.
std::string ConfLexer::unescape(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size()) {
      char e = raw[i + 1];
      if (e == '"' || e == '\'' || e == '\\') {
        out += e;
        ++i;
        continue;
      }
      if (e == 't' || e == 'r' || e == 'n') {
        out += e == 't' ? '\t' : e == 'r' ? '\r' : '\n';
        ++i;
        continue;
      }
    }
    out += raw[i];
  }
  return out;
}

// A port of ngx_conf_read_token's state machine. `start` is where the pending word began (the
// byte after an opening quote); nginx keeps at most kBuffer bytes from there in its buffer.
ConfLexer::Result ConfLexer::next(std::vector<std::string>& words) {
  words.clear();
  bool need_space = false, last_space = true, sharp_comment = false, variable = false;
  bool quoted = false, s_quoted = false, d_quoted = false;
  size_t start = pos_;
  int start_line = line_;
  for (;;) {
    if (pos_ >= text_.size()) {
      if (!words.empty() || !last_space) {
        if (command_line_) return fail("unexpected end of parameter, expecting \";\"");
        return fail("unexpected end of file, expecting \";\" or \"}\"");
      }
      return Result::file_done;
    }
    if (pos_ - start >= kBuffer) {
      line_ = start_line;
      if (d_quoted || s_quoted)
        return fail(
            fmt::format("too long parameter, probably missing terminating \"{}\" character", d_quoted ? '"' : '\''));
      return fail(fmt::format("too long parameter \"{}...\" started", text_.substr(start, 10)));
    }
    char ch = text_[pos_++];
    if (ch == '\n') {
      ++line_;
      sharp_comment = false;
    }
    if (sharp_comment) continue;
    if (quoted) {
      quoted = false;
      continue;
    }
    if (need_space) {
      if (is_space(ch)) {
        last_space = true;
        need_space = false;
        continue;
      }
      if (ch == ';') return Result::directive;
      if (ch == '{') return Result::block_start;
      if (ch != ')') return fail(fmt::format("unexpected \"{}\"", ch));
      last_space = true;
      need_space = false;
    }
    if (last_space) {
      start = pos_ - 1;
      start_line = line_;
      if (is_space(ch)) continue;
      switch (ch) {
        case ';':
        case '{':
          if (words.empty()) return fail(fmt::format("unexpected \"{}\"", ch));
          return ch == '{' ? Result::block_start : Result::directive;
        case '}':
          if (!words.empty()) return fail("unexpected \"}\"");
          return Result::block_done;
        case '#':
          sharp_comment = true;
          continue;
        case '\\':
          quoted = true;
          last_space = false;
          continue;
        case '"':
        case '\'':
          ++start;
          (ch == '"' ? d_quoted : s_quoted) = true;
          last_space = false;
          continue;
        case '$':
          variable = true;
          last_space = false;
          continue;
        default:
          last_space = false;
      }
      continue;
    }
    if (ch == '{' && variable) continue;
    variable = false;
    if (ch == '\\') {
      quoted = true;
      continue;
    }
    if (ch == '$') {
      variable = true;
      continue;
    }
    bool found = false;
    if (d_quoted) {
      if (ch == '"') d_quoted = false, need_space = true, found = true;
    } else if (s_quoted) {
      if (ch == '\'') s_quoted = false, need_space = true, found = true;
    } else if (is_space(ch) || ch == ';' || ch == '{') {
      last_space = true;
      found = true;
    }
    if (!found) continue;
    words.push_back(unescape(text_.substr(start, pos_ - 1 - start)));
    if (ch == ';') return Result::directive;
    if (ch == '{') return Result::block_start;
  }
}

}  // namespace bg::proxy
