#include "fakes/pipeline/workflow_expression.h"

#include <cctype>
#include <cmath>
#include <memory>

#include "core/not_modelled.h"
#include "fakes/pipeline/expression_parser.h"

namespace bg::fakes {

const std::set<std::string>& contexts_for_workflow_concurrency() {
  static const std::set<std::string> s = {"github", "inputs", "vars"};
  return s;
}
const std::set<std::string>& contexts_for_workflow_env() {
  static const std::set<std::string> s = {"github", "inputs", "vars", "secrets"};
  return s;
}
const std::set<std::string>& contexts_for_job_fields() {
  static const std::set<std::string> s = {"github", "inputs", "vars", "needs", "strategy", "matrix"};
  return s;
}
const std::set<std::string>& contexts_for_steps() {
  static const std::set<std::string> s = {"github",  "inputs", "vars", "needs",  "strategy", "matrix",
                                          "secrets", "steps",  "job",  "runner", "env"};
  return s;
}

namespace {

using expr::Node;
using expr::Value;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Looks a name up in a map whose keys GitHub compares case-insensitively.
const std::string* find_ci(const std::map<std::string, std::string>& m, const std::string& key) {
  if (auto it = m.find(key); it != m.end()) return &it->second;
  const std::string k = lower(key);
  for (const auto& [name, value] : m)
    if (lower(name) == k) return &value;
  return nullptr;
}

class Evaluator {
 public:
  Evaluator(const ExprContext& c, const Where& w, const std::string& text) : c_(c), w_(w), text_(text) {}

  Value eval(const Node& n) {
    switch (n.kind) {
      case Node::Kind::literal:
        return n.value;
      case Node::Kind::named:
        return named(n);
      case Node::Kind::member: {
        Value base = eval(*n.children[0]);
        std::string key = n.name;
        if (n.children.size() > 1) key = to_string(scalar(eval(*n.children[1])));  // a['b']
        if (base.type != Value::Type::ref) return Value{};                         // a member of a scalar is null
        base.path.push_back(key);
        return base;
      }
      case Node::Kind::unary:
        return Value::boolean(!truthy(scalar(eval(*n.children[0]))));
      case Node::Kind::binary:
        return binary(n);
      case Node::Kind::call:
        return call(n);
    }
    return Value{};
  }

  // A reference resolved to the scalar it names.
  Value scalar(const Value& v) {
    if (v.type != Value::Type::ref) return v;
    return resolve(v.path);
  }

 private:
  [[noreturn]] void not_modelled(const std::string& what) const {
    throw core::NotModelled(fmt::format("the expression `{}` ({}) in {}", text_, what, w_.str()));
  }

  Value named(const Node& n) {
    const std::string name = lower(n.name);
    static const std::set<std::string> known = {"github", "env",    "vars",   "secrets", "steps",    "needs",
                                                "job",    "runner", "inputs", "matrix",  "strategy", "jobs"};
    if (!known.count(name) || !c_.allowed.count(name))
      throw WorkflowError(w_.file, w_.line, w_.column,
                          fmt::format("Unrecognized named-value: '{}'. Located at position {} within expression: {}",
                                      n.name, n.position, text_));
    Value v;
    v.type = Value::Type::ref;
    v.path = {name};
    return v;
  }

  Value text_or_null(const std::string* s) { return s ? Value::string(*s) : Value{}; }

  Value resolve(const std::vector<std::string>& path) {
    const std::string& ctx = path[0];
    const std::string joined = fmt::format("{}", fmt::join(path, "."));
    if (ctx == "matrix" || ctx == "strategy") not_modelled("a matrix strategy");
    if (path.size() == 1) not_modelled(fmt::format("the `{}` context as a whole object", ctx));
    const std::string key = path[1];
    if (ctx == "env" || ctx == "vars" || ctx == "inputs") {
      if (path.size() > 2) return Value{};
      const auto& m = ctx == "env" ? c_.env : ctx == "vars" ? c_.vars : c_.inputs;
      // An unset variable is an empty string, as on GitHub.
      const std::string* s = find_ci(m, key);
      return s ? Value::string(*s) : Value::string("");
    }
    if (ctx == "secrets") {
      if (path.size() > 2) return Value{};
      return Value::string(c_.secret ? c_.secret(key) : "");
    }
    if (ctx == "github" || ctx == "runner") {
      const auto& m = ctx == "github" ? c_.github : c_.runner;
      const std::string* s = path.size() == 2 ? find_ci(m, lower(key)) : nullptr;
      if (!s) not_modelled(fmt::format("`{}`", joined));
      return Value::string(*s);
    }
    if (ctx == "job") {
      if (path.size() == 2 && lower(key) == "status") return Value::string(c_.job_status);
      not_modelled(fmt::format("`{}`", joined));
    }
    if (ctx == "steps") {
      auto it = c_.steps.find(key);
      if (path.size() < 3 || it == c_.steps.end()) return Value{};
      const std::string field = lower(path[2]);
      if (field == "outcome" && path.size() == 3) return Value::string(it->second.outcome);
      if (field == "conclusion" && path.size() == 3) return Value::string(it->second.conclusion);
      if (field == "outputs" && path.size() == 4) return text_or_null(find_ci(it->second.outputs, path[3]));
      return Value{};
    }
    if (ctx == "needs") {
      auto it = c_.needs.find(key);
      if (path.size() < 3 || it == c_.needs.end()) return Value{};
      const std::string field = lower(path[2]);
      if (field == "result" && path.size() == 3) return Value::string(it->second.result);
      if (field == "outputs" && path.size() == 4) return text_or_null(find_ci(it->second.outputs, path[3]));
      return Value{};
    }
    not_modelled(fmt::format("`{}`", joined));
  }

  Value binary(const Node& n) {
    const std::string& op = n.name;
    if (op == "&&" || op == "||") {
      Value left = scalar(eval(*n.children[0]));
      const bool t = truthy(left);
      if ((op == "&&" && !t) || (op == "||" && t)) return left;
      return scalar(eval(*n.children[1]));
    }
    Value a = scalar(eval(*n.children[0]));
    Value b = scalar(eval(*n.children[1]));
    if (op == "==") return Value::boolean(equal(a, b));
    if (op == "!=") return Value::boolean(!equal(a, b));
    int cmp = 0;
    if (a.type == Value::Type::string && b.type == Value::Type::string) {
      cmp = lower(a.s).compare(lower(b.s));
    } else {
      const double x = to_number(a), y = to_number(b);
      if (std::isnan(x) || std::isnan(y)) return Value::boolean(false);
      cmp = x < y ? -1 : x > y ? 1 : 0;
    }
    if (op == "<") return Value::boolean(cmp < 0);
    if (op == "<=") return Value::boolean(cmp <= 0);
    if (op == ">") return Value::boolean(cmp > 0);
    return Value::boolean(cmp >= 0);  // >=
  }

  static bool equal(const Value& a, const Value& b) {
    if (a.type == b.type) {
      switch (a.type) {
        case Value::Type::null:
          return true;
        case Value::Type::boolean:
          return a.b == b.b;
        case Value::Type::number:
          return a.n == b.n;
        case Value::Type::string:
          return lower(a.s) == lower(b.s);  // case-insensitive (docs)
        case Value::Type::ref:
          return a.path == b.path;
      }
    }
    const double x = to_number(a), y = to_number(b);
    return !std::isnan(x) && !std::isnan(y) && x == y;
  }

  Value call(const Node& n) {
    const std::string f = lower(n.name);
    auto arg = [&](size_t i) { return scalar(eval(*n.children[i])); };
    auto arity = [&](size_t want) {
      if (n.children.size() != want)
        throw WorkflowError(
            w_.file, w_.line, w_.column,
            fmt::format("Too {} parameters supplied: '{}'. Located at position {} within expression: {}",
                        n.children.size() < want ? "few" : "many", n.name, n.position, text_));
    };
    if (f == "success" || f == "failure" || f == "always" || f == "cancelled") {
      if (!c_.status_functions)
        throw WorkflowError(w_.file, w_.line, w_.column,
                            fmt::format("Unrecognized function: '{}'. Located at position {} within expression: {}",
                                        n.name, n.position, text_));
      arity(0);
      if (f == "always") return Value::boolean(true);
      if (f == "cancelled") return Value::boolean(c_.cancelled);
      if (f == "success") return Value::boolean(!c_.cancelled && c_.job_status == "success");
      return Value::boolean(c_.job_status == "failure");
    }
    if (f == "contains" || f == "startswith" || f == "endswith") {
      arity(2);
      const std::string hay = lower(to_string(arg(0))), needle = lower(to_string(arg(1)));
      if (f == "contains") return Value::boolean(hay.find(needle) != std::string::npos);
      if (f == "startswith") return Value::boolean(hay.rfind(needle, 0) == 0);
      return Value::boolean(hay.size() >= needle.size() &&
                            hay.compare(hay.size() - needle.size(), needle.size(), needle) == 0);
    }
    if (f == "format") {
      if (n.children.empty()) arity(1);
      std::string fmt_text = to_string(arg(0)), out;
      for (size_t i = 0; i < fmt_text.size(); ++i) {
        const char ch = fmt_text[i];
        if ((ch == '{' || ch == '}') && i + 1 < fmt_text.size() && fmt_text[i + 1] == ch) {
          out += ch;
          ++i;
        } else if (ch == '{') {
          const size_t close = fmt_text.find('}', i);
          const size_t index = std::stoul(fmt_text.substr(i + 1, close - i - 1));
          if (index + 1 < n.children.size()) out += to_string(arg(index + 1));
          i = close;
        } else {
          out += ch;
        }
      }
      return Value::string(out);
    }
    static const std::set<std::string> known = {"join", "tojson", "fromjson", "hashfiles"};
    if (known.count(f)) not_modelled(fmt::format("the function {}()", n.name));
    throw WorkflowError(w_.file, w_.line, w_.column,
                        fmt::format("Unrecognized function: '{}'. Located at position {} within expression: {}", n.name,
                                    n.position, text_));
  }

 public:
  static bool truthy(const Value& v) {
    switch (v.type) {
      case Value::Type::null:
        return false;
      case Value::Type::boolean:
        return v.b;
      case Value::Type::number:
        return v.n != 0 && !std::isnan(v.n);
      case Value::Type::string:
        return !v.s.empty();
      case Value::Type::ref:
        return true;
    }
    return false;
  }

  static double to_number(const Value& v) {
    switch (v.type) {
      case Value::Type::null:
        return 0;
      case Value::Type::boolean:
        return v.b ? 1 : 0;
      case Value::Type::number:
        return v.n;
      case Value::Type::string: {
        std::string t = v.s;
        while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
        size_t start = 0;
        while (start < t.size() && std::isspace(static_cast<unsigned char>(t[start]))) ++start;
        t = t.substr(start);
        if (t.empty()) return 0;
        try {
          size_t used = 0;
          const double d = std::stod(t, &used);
          return used == t.size() ? d : NAN;
        } catch (...) {
          return NAN;
        }
      }
      case Value::Type::ref:
        return NAN;
    }
    return NAN;
  }

  static std::string to_string(const Value& v) {
    switch (v.type) {
      case Value::Type::null:
        return "";
      case Value::Type::boolean:
        return v.b ? "true" : "false";
      case Value::Type::number:
        if (std::isnan(v.n)) return "NaN";
        if (std::floor(v.n) == v.n && std::fabs(v.n) < 1e15) return fmt::format("{}", static_cast<long long>(v.n));
        return fmt::format("{}", v.n);
      case Value::Type::string:
        return v.s;
      case Value::Type::ref:
        return "";
    }
    return "";
  }

 private:
  const ExprContext& c_;
  const Where& w_;
  const std::string& text_;
};

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

// The end of the `${{` opened before `from`: the `}}` outside a string literal; npos when none.
size_t closing_braces(const std::string& text, size_t from) {
  bool quoted = false;
  for (size_t i = from; i + 1 < text.size(); ++i) {
    if (text[i] == '\'')
      quoted = !quoted;  // '' inside a literal toggles twice: still quoted
    else if (!quoted && text[i] == '}' && text[i + 1] == '}')
      return i;
  }
  return std::string::npos;
}

std::string evaluate_one(const std::string& expression, const ExprContext& c, const Where& w) {
  auto tree = expr::parse(expression, w);
  Evaluator e(c, w, expression);
  return Evaluator::to_string(e.scalar(e.eval(*tree)));
}

}  // namespace

bool has_expression(const std::string& text) { return text.find("${{") != std::string::npos; }

std::string evaluate_template(const std::string& text, const ExprContext& context, const Where& where) {
  std::string out;
  size_t pos = 0;
  while (true) {
    const size_t open = text.find("${{", pos);
    if (open == std::string::npos) break;
    const size_t close = closing_braces(text, open + 3);
    if (close == std::string::npos)
      throw WorkflowError(where.file, where.line, where.column,
                          "The expression is not closed. An unescaped ${{ sequence was found, but the closing }} "
                          "sequence was not found.");
    out += text.substr(pos, open - pos);
    out += evaluate_one(trim(text.substr(open + 3, close - open - 3)), context, where);
    pos = close + 2;
  }
  return out + text.substr(pos);
}

bool evaluate_condition(const std::string& text, const ExprContext& context, const Where& where) {
  std::string expression = trim(text);
  if (expression.empty()) expression = "success()";
  if (expression.rfind("${{", 0) == 0) {
    const size_t close = closing_braces(expression, 3);
    if (close == expression.size() - 2) {
      expression = trim(expression.substr(3, close - 3));
    } else {
      // Text around `${{ }}`: the condition is the resulting string, true when not empty (a
      // well-known pitfall, reproduced as GitHub has it).
      ExprContext c = context;
      c.status_functions = true;
      return !evaluate_template(expression, c, where).empty();
    }
  }
  auto tree = expr::parse(expression, where);
  ExprContext c = context;
  c.status_functions = true;
  if (!expr::calls_status_function(*tree)) {
    // `success() && (expr)`: GitHub's implicit status check.
    auto wrapped = std::make_unique<Node>();
    wrapped->kind = Node::Kind::binary;
    wrapped->name = "&&";
    auto status = std::make_unique<Node>();
    status->kind = Node::Kind::call;
    status->name = "success";
    wrapped->children.push_back(std::move(status));
    wrapped->children.push_back(std::move(tree));
    tree = std::move(wrapped);
  }
  Evaluator e(c, where, expression);
  return Evaluator::truthy(e.scalar(e.eval(*tree)));
}

}  // namespace bg::fakes
