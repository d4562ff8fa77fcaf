#pragma once
// The syntax of GitHub Actions expressions, parsed into a small tree (workflow_expression.cc
// evaluates it). Grammar, by precedence (GitHub docs, "Operators"):
//   or := and ('||' and)*      and := eq ('&&' eq)*      eq := cmp (('=='|'!=') cmp)*
//   cmp := unary (('<'|'<='|'>'|'>=') unary)*            unary := '!' unary | postfix
//   postfix := primary ('.' name | '[' or ']')*          primary := literal | name | name '(' args ')' | '(' or ')'
// Literals: 'string' ('' escapes a quote), numbers (JSON forms and 0x hex), true, false, null.
// A syntax error is a WorkflowError worded as GitHub words it ("Unexpected symbol: '='. Located at
// position 12 within expression: github.ref = 'main'"); `*` object filters are not modelled.
#include <memory>
#include <string>
#include <vector>

#include "fakes/pipeline/workflow_error.h"

namespace bg::fakes::expr {

struct Value {
  enum class Type { null, boolean, number, string, ref };
  Type type = Type::null;
  bool b = false;
  double n = 0;
  std::string s;
  std::vector<std::string> path;  // ref: a context and members ("github", "sha"), resolved on use

  static Value boolean(bool v) {
    Value x;
    x.type = Type::boolean;
    x.b = v;
    return x;
  }
  static Value number(double v) {
    Value x;
    x.type = Type::number;
    x.n = v;
    return x;
  }
  static Value string(std::string v) {
    Value x;
    x.type = Type::string;
    x.s = std::move(v);
    return x;
  }
};

struct Node {
  enum class Kind { literal, named, member, unary, binary, call };
  Kind kind = Kind::literal;
  Value value;                                  // literal
  std::string name;                             // named-value, member name, operator, function name
  int position = 1;                             // 1-based, in the expression text (for GitHub's error wording)
  std::vector<std::unique_ptr<Node>> children;  // member: base [, index]; unary/binary: operands; call: args
};

// Parses one expression (the text between `${{` and `}}`, trimmed). Throws WorkflowError at `where`.
std::unique_ptr<Node> parse(const std::string& expression, const Where& where);

// Whether the tree calls success(), failure(), always() or cancelled() (an `if:` without one gets
// the implicit success()).
bool calls_status_function(const Node& node);

}  // namespace bg::fakes::expr
