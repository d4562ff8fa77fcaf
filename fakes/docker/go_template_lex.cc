#include "fakes/docker/go_template_lex.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "fakes/docker/tab_writer.h"

namespace bg::fakes::gotmpl {
namespace {

constexpr const char* kLeft = "{{";
constexpr const char* kRight = "}}";

bool is_space(int r) { return r == ' ' || r == '\t' || r == '\r' || r == '\n'; }
// Simplification: every non-ASCII rune counts as a letter (Go asks unicode.IsLetter/IsDigit).
bool is_alnum(int r) {
  return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r >= 0x80;
}

// Go's %#U: U+0021 '!'.
std::string rune_text(int r) {
  std::string glyph;
  if (r < 0x80)
    glyph = std::string(1, static_cast<char>(r));
  else
    glyph = "?";
  return fmt::format("U+{:04X} '{}'", r, glyph);
}

class Lexer {
 public:
  explicit Lexer(const std::string& input) : in_(input) {}

  std::vector<Item> run() {
    bool ok = true;
    while (ok && !done_) ok = text();
    return std::move(items_);
  }

 private:
  // One rune (UTF-8 decoded, simplified); -1 at the end.
  int next() {
    if (pos_ >= in_.size()) {
      width_ = 0;
      return -1;
    }
    unsigned char c = static_cast<unsigned char>(in_[pos_]);
    size_t w = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    w = std::min(w, in_.size() - pos_);
    int r = c < 0x80 ? c : (c & (0x3F >> (w - 1)));
    for (size_t i = 1; i < w; ++i) r = (r << 6) | (static_cast<unsigned char>(in_[pos_ + i]) & 0x3F);
    width_ = w;
    pos_ += w;
    return r;
  }
  int peek() {
    int r = next();
    backup();
    return r;
  }
  void backup() { pos_ -= width_; }
  bool prefix(size_t at, const std::string& p) const { return in_.compare(at, p.size(), p) == 0; }
  int line_at(size_t p) const {
    return 1 + static_cast<int>(std::count(in_.begin(), in_.begin() + static_cast<long>(p), '\n'));
  }
  void emit(ItemType t, std::string val) {
    items_.push_back({t, start_, line_at(start_), std::move(val)});
    start_ = pos_;
  }
  void emit(ItemType t) { emit(t, in_.substr(start_, pos_ - start_)); }
  bool error(std::string message) {
    items_.push_back({ItemType::error, start_, line_at(start_), std::move(message)});
    done_ = true;
    return false;
  }
  // "- " after "{{" and " -" before "}}" (a dash and one space character).
  bool left_trim_marker(size_t at) const { return at + 1 < in_.size() && in_[at] == '-' && is_space(in_[at + 1]); }
  bool right_trim_marker(size_t at) const {
    return at + 1 < in_.size() && is_space(in_[at]) && in_[at + 1] == '-' && prefix(at + 2, kRight);
  }

  bool text() {
    size_t open = in_.find(kLeft, pos_);
    if (open == std::string::npos) {
      pos_ = in_.size();
      if (pos_ > start_) emit(ItemType::text);
      emit(ItemType::eof, "");
      done_ = true;
      return true;
    }
    pos_ = open;
    if (pos_ > start_) {
      std::string t = in_.substr(start_, pos_ - start_);
      if (left_trim_marker(pos_ + 2))
        while (!t.empty() && is_space(static_cast<unsigned char>(t.back()))) t.pop_back();
      emit(ItemType::text, t);
    }
    return left_delim();
  }

  bool left_delim() {
    pos_ += 2;
    bool trim = left_trim_marker(pos_);
    size_t after = trim ? 2 : 0;
    if (prefix(pos_ + after, "/*")) {
      pos_ += after;
      start_ = pos_;
      return comment();
    }
    emit(ItemType::left_delim);
    pos_ += after;
    start_ = pos_;
    paren_depth_ = 0;
    return inside_action();
  }

  bool comment() {
    size_t close = in_.find("*/", pos_ + 2);
    if (close == std::string::npos) return error("unclosed comment");
    pos_ = close + 2;
    bool trim = right_trim_marker(pos_);
    if (!trim && !prefix(pos_, kRight)) return error("comment ends before closing delimiter");
    pos_ += trim ? 4 : 2;
    if (trim) skip_spaces();
    start_ = pos_;
    return true;
  }

  void skip_spaces() {
    while (pos_ < in_.size() && is_space(static_cast<unsigned char>(in_[pos_]))) ++pos_;
  }

  bool right_delim() {
    bool trim = right_trim_marker(pos_);
    if (trim) {
      pos_ += 2;
      start_ = pos_;
    }
    pos_ += 2;
    emit(ItemType::right_delim);
    if (trim) {
      skip_spaces();
      start_ = pos_;
    }
    return true;
  }

  bool inside_action() {
    for (;;) {
      if (right_trim_marker(pos_) || prefix(pos_, kRight)) {
        if (paren_depth_ == 0) return right_trim_marker(pos_) ? space_then_delim() : right_delim();
        return error("unclosed left paren");
      }
      int r = next();
      if (r == -1) return error("unclosed action");
      if (is_space(r)) {
        backup();
        if (!space()) return true;
        continue;
      }
      bool ok = true;
      switch (r) {
        case ':':
          if (next() != '=') return error("expected :=");
          emit(ItemType::declare);
          break;
        case '|':
          emit(ItemType::pipe);
          break;
        case '"':
          ok = quote();
          break;
        case '`':
          ok = raw_quote();
          break;
        case '$':
          ok = field_or_variable(ItemType::variable);
          break;
        case '\'':
          ok = char_constant();
          break;
        case '(':
          emit(ItemType::left_paren);
          ++paren_depth_;
          break;
        case ')':
          emit(ItemType::right_paren);
          if (--paren_depth_ < 0) return error(fmt::format("unexpected right paren {}", rune_text(r)));
          break;
        case '=':
          emit(ItemType::assign);
          break;
        default:
          if (r == '.' && pos_ < in_.size() && !(in_[pos_] >= '0' && in_[pos_] <= '9')) {
            ok = field_or_variable(ItemType::field);
          } else if (r == '.' || r == '+' || r == '-' || (r >= '0' && r <= '9')) {
            backup();
            ok = number();
          } else if (is_alnum(r)) {
            backup();
            ok = identifier();
          } else if (r < 0x80 && r >= 0x20 && r < 0x7F) {
            emit(ItemType::chr);
          } else {
            return error(fmt::format("unrecognized character in action: {}", rune_text(r)));
          }
      }
      if (!ok) return false;
    }
  }

  // A run of spaces; false when it ended the action (" -}}" with one space).
  bool space() {
    size_t n = 0;
    while (is_space(peek())) {
      next();
      ++n;
    }
    if (right_trim_marker(pos_ - 1)) {
      --pos_;
      if (n == 1) {
        right_delim();
        return false;
      }
    }
    emit(ItemType::space);
    return true;
  }
  bool space_then_delim() { return right_delim(); }

  bool at_terminator() {
    int r = peek();
    if (is_space(r) || r == -1 || r == '.' || r == ',' || r == '|' || r == ':' || r == ')' || r == '(') return true;
    return r == '}';
  }

  bool identifier() {
    static const std::map<std::string, ItemType> keys = {{"block", ItemType::block},
                                                         {"break", ItemType::break_},
                                                         {"continue", ItemType::continue_},
                                                         {"define", ItemType::define},
                                                         {"else", ItemType::else_},
                                                         {"end", ItemType::end},
                                                         {"if", ItemType::if_},
                                                         {"range", ItemType::range},
                                                         {"nil", ItemType::nil},
                                                         {"template", ItemType::template_},
                                                         {"with", ItemType::with}};
    int r;
    while (is_alnum(r = next())) {
    }
    backup();
    if (!at_terminator()) return error(fmt::format("bad character {}", rune_text(peek())));
    std::string word = in_.substr(start_, pos_ - start_);
    if (auto it = keys.find(word); it != keys.end())
      emit(it->second);
    else if (word == "true" || word == "false")
      emit(ItemType::boolean);
    else
      emit(ItemType::identifier);
    return true;
  }

  bool field_or_variable(ItemType type) {
    if (at_terminator()) {
      emit(type == ItemType::variable ? ItemType::variable : ItemType::dot);
      return true;
    }
    int r;
    while (is_alnum(r = next())) {
    }
    backup();
    if (!at_terminator()) return error(fmt::format("bad character {}", rune_text(peek())));
    emit(type);
    return true;
  }

  bool quote() {
    for (;;) {
      int r = next();
      if (r == '\\') {
        r = next();
        if (r != -1 && r != '\n') continue;
      }
      if (r == -1 || r == '\n') return error("unterminated quoted string");
      if (r == '"') break;
    }
    emit(ItemType::string);
    return true;
  }

  bool raw_quote() {
    for (;;) {
      int r = next();
      if (r == -1) return error("unterminated raw quoted string");
      if (r == '`') break;
    }
    emit(ItemType::raw_string);
    return true;
  }

  bool char_constant() {
    for (;;) {
      int r = next();
      if (r == '\\') {
        r = next();
        if (r != -1 && r != '\n') continue;
      }
      if (r == -1 || r == '\n') return error("unterminated character constant");
      if (r == '\'') break;
    }
    emit(ItemType::char_constant);
    return true;
  }

  // Go's scanNumber, without complex constants (a complex literal is a bad number here).
  bool number() {
    auto accept = [&](const std::string& valid) {
      int r = next();
      if (r != -1 && valid.find(static_cast<char>(r)) != std::string::npos) return true;
      backup();
      return false;
    };
    auto accept_run = [&](const std::string& valid) {
      while (accept(valid)) {
      }
    };
    accept("+-");
    std::string digits = "0123456789_";
    if (accept("0") && accept("xX")) digits = "0123456789abcdefABCDEF_";
    accept_run(digits);
    if (accept(".")) accept_run(digits);
    if (accept("eE")) {
      accept("+-");
      accept_run("0123456789_");
    }
    if (is_alnum(peek())) {
      next();
      return error(fmt::format("bad number syntax: {}", go_quote(in_.substr(start_, pos_ - start_))));
    }
    emit(ItemType::number);
    return true;
  }

  const std::string& in_;
  size_t pos_ = 0, start_ = 0, width_ = 0;
  int paren_depth_ = 0;
  bool done_ = false;
  std::vector<Item> items_;
};

}  // namespace

std::string Item::str() const {
  if (type == ItemType::eof) return "EOF";
  if (type == ItemType::error) return val;
  if (type > ItemType::keyword) return "<" + val + ">";
  // %.10q: at most 10 runes, quoted (simplification: bytes, not runes).
  if (val.size() > 10) return go_quote(val.substr(0, 10)) + "...";
  return go_quote(val);
}

std::vector<Item> lex(const std::string& input) { return Lexer(input).run(); }

}  // namespace bg::fakes::gotmpl
