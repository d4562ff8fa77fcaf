#include "fakes/pipeline/expression_parser.h"

#include <cctype>
#include <cstdlib>

#include "core/not_modelled.h"

namespace bg::fakes::expr {
namespace {

struct Token {
  enum class Kind { end, name, string, number, op };
  Kind kind = Kind::end;
  std::string text;
  int position = 1;
};

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

class Parser {
 public:
  Parser(const std::string& text, const Where& where) : text_(text), where_(where) { tokenize(); }

  std::unique_ptr<Node> parse_all() {
    auto n = parse_or();
    if (peek().kind != Token::Kind::end) unexpected(peek());
    return n;
  }

 private:
  [[noreturn]] void fail(const std::string& message) const {
    throw WorkflowError(where_.file, where_.line, where_.column, message);
  }
  [[noreturn]] void unexpected(const Token& t) const {
    if (t.kind == Token::Kind::end)
      fail(fmt::format("Unexpected end of expression: '{}'. Located at position {} within expression: {}",
                       text_.empty() ? "" : text_.substr(text_.size() - 1), t.position, text_));
    fail(fmt::format("Unexpected symbol: '{}'. Located at position {} within expression: {}", t.text, t.position,
                     text_));
  }

  void tokenize() {
    size_t i = 0;
    while (i < text_.size()) {
      const char c = text_[i];
      const int pos = static_cast<int>(i) + 1;
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (c == '\'') {
        std::string s;
        size_t j = i + 1;
        for (;; ++j) {
          if (j >= text_.size())
            fail(fmt::format("Unexpected symbol: '{}'. Located at position {} within expression: {}", text_.substr(i),
                             pos, text_));
          if (text_[j] == '\'') {
            if (j + 1 < text_.size() && text_[j + 1] == '\'') {
              s += '\'';
              ++j;
              continue;
            }
            break;
          }
          s += text_[j];
        }
        tokens_.push_back({Token::Kind::string, s, pos});
        i = j + 1;
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 ((c == '-' || c == '+' || c == '.') && i + 1 < text_.size() &&
                  std::isdigit(static_cast<unsigned char>(text_[i + 1])))) {
        size_t j = i + 1;
        while (j < text_.size() &&
               (std::isalnum(static_cast<unsigned char>(text_[j])) || text_[j] == '.' ||
                ((text_[j] == '-' || text_[j] == '+') && (text_[j - 1] == 'e' || text_[j - 1] == 'E'))))
          ++j;
        tokens_.push_back({Token::Kind::number, text_.substr(i, j - i), pos});
        i = j;
      } else if (name_start(c)) {
        size_t j = i + 1;
        while (j < text_.size() && name_char(text_[j])) ++j;
        tokens_.push_back({Token::Kind::name, text_.substr(i, j - i), pos});
        i = j;
      } else {
        static const char* const two[] = {"==", "!=", "<=", ">=", "&&", "||"};
        std::string op(1, c);
        for (const char* t : two)
          if (text_.compare(i, 2, t) == 0) op = t;
        static const std::string singles = "!<>().[],*";
        if (op.size() == 1 && singles.find(c) == std::string::npos)
          fail(fmt::format("Unexpected symbol: '{}'. Located at position {} within expression: {}", op, pos, text_));
        tokens_.push_back({Token::Kind::op, op, pos});
        i += op.size();
      }
    }
    tokens_.push_back({Token::Kind::end, "", static_cast<int>(text_.size()) + 1});
  }

  const Token& peek() const { return tokens_[next_]; }
  bool accept(const std::string& op) {
    if (peek().kind == Token::Kind::op && peek().text == op) {
      ++next_;
      return true;
    }
    return false;
  }
  void expect(const std::string& op) {
    if (!accept(op)) unexpected(peek());
  }

  static std::unique_ptr<Node> make(Node::Kind kind, std::string name, int position) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->name = std::move(name);
    n->position = position;
    return n;
  }

  template <typename Next>
  std::unique_ptr<Node> binary_level(const std::vector<std::string>& ops, Next next) {
    auto left = (this->*next)();
    while (true) {
      const Token& t = peek();
      bool matched = false;
      for (const auto& op : ops)
        if (t.kind == Token::Kind::op && t.text == op) matched = true;
      if (!matched) return left;
      ++next_;
      auto n = make(Node::Kind::binary, t.text, t.position);
      n->children.push_back(std::move(left));
      n->children.push_back((this->*next)());
      left = std::move(n);
    }
  }

  std::unique_ptr<Node> parse_or() { return binary_level({"||"}, &Parser::parse_and); }
  std::unique_ptr<Node> parse_and() { return binary_level({"&&"}, &Parser::parse_eq); }
  std::unique_ptr<Node> parse_eq() { return binary_level({"==", "!="}, &Parser::parse_cmp); }
  std::unique_ptr<Node> parse_cmp() { return binary_level({"<", "<=", ">", ">="}, &Parser::parse_unary); }

  std::unique_ptr<Node> parse_unary() {
    const Token t = peek();
    if (accept("!")) {
      auto n = make(Node::Kind::unary, "!", t.position);
      n->children.push_back(parse_unary());
      return n;
    }
    return parse_postfix();
  }

  std::unique_ptr<Node> parse_postfix() {
    auto base = parse_primary();
    while (true) {
      const Token t = peek();
      if (accept(".")) {
        if (peek().kind == Token::Kind::op && peek().text == "*")
          throw core::NotModelled(fmt::format("the object filter `.*` in `{}` at {}", text_, where_.str()));
        if (peek().kind != Token::Kind::name) unexpected(peek());
        auto n = make(Node::Kind::member, tokens_[next_++].text, t.position);
        n->children.push_back(std::move(base));
        base = std::move(n);
      } else if (accept("[")) {
        if (peek().kind == Token::Kind::op && peek().text == "*")
          throw core::NotModelled(fmt::format("the object filter `[*]` in `{}` at {}", text_, where_.str()));
        auto n = make(Node::Kind::member, "", t.position);
        n->children.push_back(std::move(base));
        n->children.push_back(parse_or());
        expect("]");
        base = std::move(n);
      } else {
        return base;
      }
    }
  }

  std::unique_ptr<Node> parse_primary() {
    const Token t = peek();
    switch (t.kind) {
      case Token::Kind::string: {
        ++next_;
        auto n = make(Node::Kind::literal, "", t.position);
        n->value = Value::string(t.text);
        return n;
      }
      case Token::Kind::number: {
        ++next_;
        char* end = nullptr;
        const bool hex = t.text.rfind("0x", 0) == 0;
        const double d =
            hex ? static_cast<double>(std::strtoll(t.text.c_str(), &end, 16)) : std::strtod(t.text.c_str(), &end);
        if (!end || *end != '\0') unexpected(t);
        auto n = make(Node::Kind::literal, "", t.position);
        n->value = Value::number(d);
        return n;
      }
      case Token::Kind::name: {
        ++next_;
        if (t.text == "true" || t.text == "false") {
          auto n = make(Node::Kind::literal, "", t.position);
          n->value = Value::boolean(t.text == "true");
          return n;
        }
        if (t.text == "null") return make(Node::Kind::literal, "", t.position);
        if (accept("(")) {
          auto n = make(Node::Kind::call, t.text, t.position);
          if (!accept(")")) {
            do n->children.push_back(parse_or());
            while (accept(","));
            expect(")");
          }
          return n;
        }
        return make(Node::Kind::named, t.text, t.position);
      }
      case Token::Kind::op:
        if (accept("(")) {
          auto n = parse_or();
          expect(")");
          return n;
        }
        unexpected(t);
      case Token::Kind::end:
        unexpected(t);
    }
    unexpected(t);
  }

  const std::string& text_;
  const Where& where_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<Node> parse(const std::string& expression, const Where& where) {
  return Parser(expression, where).parse_all();
}

bool calls_status_function(const Node& node) {
  if (node.kind == Node::Kind::call) {
    std::string f = node.name;
    for (auto& c : f) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (f == "success" || f == "failure" || f == "always" || f == "cancelled") return true;
  }
  for (const auto& c : node.children)
    if (calls_status_function(*c)) return true;
  return false;
}

}  // namespace bg::fakes::expr
