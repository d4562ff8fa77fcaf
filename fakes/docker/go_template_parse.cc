// The parser of GoTemplate: a port of Go's text/template/parse/parse.go (Go 1.17-1.20) over the
// tokens of go_template_lex.cc, keeping its error messages and node positions.
#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "core/not_modelled.h"
#include "fakes/docker/go_template.h"
#include "fakes/docker/go_template_lex.h"
#include "fakes/docker/tab_writer.h"

namespace bg::fakes::gotmpl {
namespace {

// Go's builtins (text/template/funcs.go) and docker's (templates/templates.go@v20.10.17): names
// the parser accepts. Those the executor does not model are refused here, by name.
const std::set<std::string> kFunctions = {"and",  "call",  "html",  "index",  "slice",   "js",       "len",
                                          "not",  "or",    "print", "printf", "println", "urlquery", "eq",
                                          "ge",   "gt",    "le",    "lt",     "ne",      "json",     "split",
                                          "join", "title", "lower", "upper",  "pad",     "truncate"};
const std::set<std::string> kUnmodelledFunctions = {"call", "html", "js", "slice", "urlquery"};

NodePtr make(NodeType type, size_t pos, int line = 1) {
  auto n = std::make_shared<Node>();
  n->type = type;
  n->pos = pos;
  n->line = line;
  return n;
}

class Parser {
 public:
  explicit Parser(const std::string& text) : items_(lex(text)) {}

  NodePtr parse() {
    auto root = make(NodeType::list, peek().pos);
    while (peek().type != ItemType::eof) {
      if (peek().type == ItemType::left_delim) {
        size_t mark = i_;
        next();
        if (next_non_space().type == ItemType::define) throw core::NotModelled("Go template {{define}}");
        i_ = mark;
      }
      NodePtr n = text_or_action();
      if (n->type == NodeType::end_ || n->type == NodeType::else_) errorf(fmt::format("unexpected {}", n->str()));
      root->nodes.push_back(n);
    }
    return root;
  }

 private:
  const Item& next() {
    const Item& it = items_[std::min(i_, items_.size() - 1)];
    if (i_ < items_.size()) ++i_;
    seen_ = std::max(seen_, i_);
    return it;
  }
  void backup() { --i_; }
  const Item& peek() {
    const Item& it = next();
    backup();
    return it;
  }
  const Item& next_non_space() {
    for (;;) {
      const Item& it = next();
      if (it.type != ItemType::space) return it;
    }
  }
  const Item& peek_non_space() {
    const Item& it = next_non_space();
    backup();
    return it;
  }

  // "template: :<line>: <message>", the line of the last token read (Go's t.token[0].line).
  [[noreturn]] void errorf(const std::string& message) {
    int line = items_[std::min(seen_ ? seen_ - 1 : 0, items_.size() - 1)].line;
    throw TemplateError(fmt::format("template: :{}: {}", line, message));
  }
  [[noreturn]] void unexpected(const Item& token, const std::string& context) {
    errorf(fmt::format("unexpected {} in {}", token.str(), context));
  }
  const Item& expect(ItemType type, const std::string& context) {
    const Item& token = next_non_space();
    if (token.type != type) unexpected(token, context);
    return token;
  }

  NodePtr item_list(NodePtr& end) {
    auto list = make(NodeType::list, peek_non_space().pos);
    while (peek_non_space().type != ItemType::eof) {
      NodePtr n = text_or_action();
      if (n->type == NodeType::end_ || n->type == NodeType::else_) {
        end = n;
        return list;
      }
      list->nodes.push_back(n);
    }
    errorf("unexpected EOF");
  }

  NodePtr text_or_action() {
    const Item& token = next_non_space();
    if (token.type == ItemType::text) {
      auto n = make(NodeType::text, token.pos, token.line);
      n->text = token.val;
      return n;
    }
    if (token.type == ItemType::left_delim) return action();
    unexpected(token, "input");
  }

  NodePtr action() {
    const Item& token = next_non_space();
    switch (token.type) {
      case ItemType::block:
        throw core::NotModelled("Go template {{block}}");
      case ItemType::template_:
        throw core::NotModelled("Go template {{template}}");
      case ItemType::break_:
        throw core::NotModelled("Go template {{break}}");
      case ItemType::continue_:
        throw core::NotModelled("Go template {{continue}}");
      case ItemType::else_:
        return else_control();
      case ItemType::end:
        return make(NodeType::end_, expect(ItemType::right_delim, "end").pos);
      case ItemType::if_:
        return control(NodeType::if_, true, "if");
      case ItemType::range:
        return control(NodeType::range, false, "range");
      case ItemType::with:
        return control(NodeType::with, false, "with");
      default:
        break;
    }
    backup();
    const Item& start = peek();
    auto n = make(NodeType::action, start.pos, start.line);
    n->pipe = pipeline("command");
    return n;
  }

  NodePtr else_control() {
    const Item& peeked = peek_non_space();
    if (peeked.type == ItemType::if_) return make(NodeType::else_, peeked.pos, peeked.line);
    const Item& token = expect(ItemType::right_delim, "else");
    return make(NodeType::else_, token.pos, token.line);
  }

  NodePtr control(NodeType type, bool allow_else_if, const std::string& context) {
    size_t vars = vars_.size();
    auto n = make(type, 0);
    n->pipe = pipeline(context);
    n->pos = n->pipe->pos;
    n->line = n->pipe->line;
    NodePtr end;
    n->list = item_list(end);
    if (end->type == NodeType::else_) {
      if (allow_else_if && peek().type == ItemType::if_) {
        // {{else if b}} is {{else}}{{if b}}...{{end}}{{end}} with one {{end}} (parse.go parseControl).
        next();
        n->else_list = make(NodeType::list, end->pos);
        n->else_list->nodes.push_back(control(NodeType::if_, true, "if"));
      } else {
        NodePtr end2;
        n->else_list = item_list(end2);
        if (end2->type != NodeType::end_) errorf(fmt::format("expected end; found {}", end2->str()));
      }
    }
    vars_.resize(vars);
    return n;
  }

  NodePtr pipeline(const std::string& context) {
    const Item& first = peek_non_space();
    auto pipe = make(NodeType::pipe, first.pos, first.line);
  decls:
    if (peek_non_space().type == ItemType::variable) {
      size_t mark = i_;
      const Item v = next_non_space();
      const Item after = peek();
      const Item following = peek_non_space();
      if (following.type == ItemType::assign || following.type == ItemType::declare) {
        pipe->is_assign = following.type == ItemType::assign;
        next_non_space();
        pipe->decl.push_back(v.val);
        vars_.push_back(v.val);
      } else if (following.type == ItemType::chr && following.val == ",") {
        next_non_space();
        pipe->decl.push_back(v.val);
        vars_.push_back(v.val);
        if (context == "range" && pipe->decl.size() < 2) {
          ItemType t = peek_non_space().type;
          if (t == ItemType::variable || t == ItemType::right_delim || t == ItemType::right_paren) goto decls;
          errorf("range can only initialize variables");
        }
        errorf(fmt::format("too many declarations in {}", context));
      } else {
        (void)after;
        i_ = mark;
      }
    }
    for (;;) {
      const Item& token = next_non_space();
      switch (token.type) {
        case ItemType::right_delim:
        case ItemType::right_paren:
          check_pipeline(*pipe, context);
          if (token.type == ItemType::right_paren) backup();
          return pipe;
        case ItemType::boolean:
        case ItemType::char_constant:
        case ItemType::complex:
        case ItemType::dot:
        case ItemType::field:
        case ItemType::identifier:
        case ItemType::number:
        case ItemType::nil:
        case ItemType::raw_string:
        case ItemType::string:
        case ItemType::variable:
        case ItemType::left_paren:
          backup();
          pipe->nodes.push_back(command());
          break;
        default:
          unexpected(token, context);
      }
    }
  }

  void check_pipeline(const Node& pipe, const std::string& context) {
    if (pipe.nodes.empty()) errorf(fmt::format("missing value for {}", context));
    for (size_t i = 1; i < pipe.nodes.size(); ++i) {
      NodeType t = pipe.nodes[i]->nodes[0]->type;
      if (t == NodeType::boolean || t == NodeType::dot || t == NodeType::nil || t == NodeType::number ||
          t == NodeType::string)
        errorf(fmt::format("non executable command in pipeline stage {}", i + 1));
    }
  }

  NodePtr command() {
    auto cmd = make(NodeType::command, peek_non_space().pos);
    for (;;) {
      peek_non_space();
      if (NodePtr operand_node = operand()) cmd->nodes.push_back(operand_node);
      const Item& token = next();
      if (token.type == ItemType::space) continue;
      if (token.type == ItemType::error) errorf(token.val);
      if (token.type == ItemType::right_delim || token.type == ItemType::right_paren)
        backup();
      else if (token.type != ItemType::pipe)
        errorf(fmt::format("unexpected {} in operand", token.str()));
      break;
    }
    if (cmd->nodes.empty()) errorf("empty command");
    return cmd;
  }

  NodePtr operand() {
    NodePtr node = term();
    if (!node || peek().type != ItemType::field) return node;
    auto chain = make(NodeType::chain, peek().pos);
    while (peek().type == ItemType::field) chain->idents.push_back(next().val.substr(1));
    switch (node->type) {
      case NodeType::field:
      case NodeType::variable:
        node->idents.insert(node->idents.end(), chain->idents.begin(), chain->idents.end());
        node->pos = chain->pos;
        return node;
      case NodeType::boolean:
      case NodeType::string:
      case NodeType::number:
      case NodeType::nil:
      case NodeType::dot:
        errorf(fmt::format("unexpected . after term {}", go_quote(node->str())));
      default:
        chain->pipe = node;
        return chain;
    }
  }

  NodePtr term();
  NodePtr number(const Item& token);

  std::vector<Item> items_;
  size_t i_ = 0;
  size_t seen_ = 0;
  std::vector<std::string> vars_ = {"$"};
};

// strconv.Unquote for "..." (common escapes) and `...`.
std::optional<std::string> unquote(const std::string& quoted) {
  if (quoted.front() == '`') return quoted.substr(1, quoted.size() - 2);
  std::string out;
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    char c = quoted[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    char e = quoted[++i];
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '\\':
        out += '\\';
        break;
      case '"':
        out += '"';
        break;
      case '\'':
        out += '\'';
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
      case 'x': {
        if (i + 2 >= quoted.size() - 1) return std::nullopt;
        std::string hex = quoted.substr(i + 1, 2);
        if (hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return std::nullopt;
        out += static_cast<char>(std::stoi(hex, nullptr, 16));
        i += 2;
        break;
      }
      default:
        return std::nullopt;
    }
  }
  return out;
}

NodePtr Parser::number(const Item& token) {
  auto n = make(NodeType::number, token.pos, token.line);
  n->text = token.val;
  std::string digits;
  for (char c : token.val)
    if (c != '_') digits += c;
  try {
    if (token.type == ItemType::char_constant) {
      auto value = unquote("\"" + token.val.substr(1, token.val.size() - 2) + "\"");
      if (!value || value->size() != 1) errorf(fmt::format("malformed character constant: {}", token.val));
      n->is_int = true;
      n->int_value = static_cast<unsigned char>((*value)[0]);
    } else if (digits.find_first_of(".eE") != std::string::npos && digits.rfind("0x", 0) != 0 &&
               digits.rfind("0X", 0) != 0) {
      n->float_value = std::stod(digits);
      if (n->float_value == static_cast<double>(static_cast<int64_t>(n->float_value))) {
        n->is_int = true;  // Go: a float constant with an integral value is also an int
        n->int_value = static_cast<int64_t>(n->float_value);
      }
    } else {
      size_t used = 0;
      n->int_value = std::stoll(digits, &used, 0);
      if (used != digits.size()) throw std::invalid_argument(digits);
      n->is_int = true;
      n->float_value = static_cast<double>(n->int_value);
    }
  } catch (const std::logic_error&) {
    errorf(fmt::format("illegal number syntax: {}", go_quote(token.val)));
  }
  return n;
}

NodePtr Parser::term() {
  const Item& token = next_non_space();
  switch (token.type) {
    case ItemType::error:
      errorf(token.val);
    case ItemType::identifier: {
      if (!kFunctions.count(token.val)) errorf(fmt::format("function {} not defined", go_quote(token.val)));
      if (kUnmodelledFunctions.count(token.val))
        throw core::NotModelled(fmt::format("Go template function {}", token.val));
      auto n = make(NodeType::identifier, token.pos, token.line);
      n->text = token.val;
      return n;
    }
    case ItemType::dot:
      return make(NodeType::dot, token.pos, token.line);
    case ItemType::nil:
      return make(NodeType::nil, token.pos, token.line);
    case ItemType::variable: {
      auto n = make(NodeType::variable, token.pos, token.line);
      n->idents = {token.val};
      if (std::find(vars_.begin(), vars_.end(), token.val) == vars_.end())
        errorf(fmt::format("undefined variable {}", go_quote(token.val)));
      return n;
    }
    case ItemType::field: {
      auto n = make(NodeType::field, token.pos, token.line);
      n->idents = {token.val.substr(1)};
      return n;
    }
    case ItemType::boolean: {
      auto n = make(NodeType::boolean, token.pos, token.line);
      n->boolean = token.val == "true";
      return n;
    }
    case ItemType::char_constant:
    case ItemType::complex:
    case ItemType::number:
      return number(token);
    case ItemType::left_paren: {
      NodePtr pipe = pipeline("parenthesized pipeline");
      const Item& close = next();
      if (close.type != ItemType::right_paren) errorf(fmt::format("unclosed right paren: unexpected {}", close.str()));
      return pipe;
    }
    case ItemType::string:
    case ItemType::raw_string: {
      auto value = unquote(token.val);
      if (!value) errorf("invalid syntax");
      auto n = make(NodeType::string, token.pos, token.line);
      n->quoted = token.val;
      n->text = *value;
      return n;
    }
    default:
      backup();
      return nullptr;
  }
}

}  // namespace

// parse/node.go String() methods.
std::string Node::str() const {
  auto join = [](const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
    return out;
  };
  auto arg = [](const NodePtr& n) { return n->type == NodeType::pipe ? "(" + n->str() + ")" : n->str(); };
  switch (type) {
    case NodeType::text:
      return text;
    case NodeType::action:
      return "{{" + pipe->str() + "}}";
    case NodeType::list: {
      std::string out;
      for (const auto& n : nodes) out += n->str();
      return out;
    }
    case NodeType::if_:
    case NodeType::range:
    case NodeType::with: {
      std::string name = type == NodeType::if_ ? "if" : type == NodeType::range ? "range" : "with";
      std::string out = "{{" + name + " " + pipe->str() + "}}" + list->str();
      if (else_list) out += "{{else}}" + else_list->str();
      return out + "{{end}}";
    }
    case NodeType::pipe: {
      std::string out = decl.empty() ? "" : join(decl, ", ") + (is_assign ? " = " : " := ");
      for (size_t i = 0; i < nodes.size(); ++i) out += (i ? " | " : "") + nodes[i]->str();
      return out;
    }
    case NodeType::command: {
      std::string out;
      for (size_t i = 0; i < nodes.size(); ++i) out += (i ? " " : "") + arg(nodes[i]);
      return out;
    }
    case NodeType::field:
      return "." + join(idents, ".");
    case NodeType::variable:
      return join(idents, ".");
    case NodeType::identifier:
      return text;
    case NodeType::dot:
      return ".";
    case NodeType::nil:
      return "nil";
    case NodeType::boolean:
      return boolean ? "true" : "false";
    case NodeType::number:
      return text;
    case NodeType::string:
      return quoted;
    case NodeType::chain:
      return arg(pipe) + "." + join(idents, ".");
    case NodeType::end_:
      return "{{end}}";
    case NodeType::else_:
      return "{{else}}";
  }
  return "";
}

Template Template::parse(const std::string& text) {
  Template t;
  t.text_ = text;
  t.root_ = Parser(text).parse();
  return t;
}

}  // namespace bg::fakes::gotmpl
