#pragma once
// The parse tree of a Go text/template (go_template.h), shaped as Go's text/template/parse nodes
// so that the executor can report errors with the same node positions and String() forms
// (golang/go src/text/template/parse/node.go).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bg::fakes::gotmpl {

enum class NodeType {
  text,
  action,
  list,
  if_,
  range,
  with,
  pipe,
  command,
  field,
  variable,
  identifier,
  dot,
  nil,
  boolean,
  number,
  string,
  chain,
  end_,
  else_,  // parse-time markers only
};

struct Node {
  NodeType type;
  size_t pos = 0;  // byte offset in the template text (Go's Pos)
  int line = 1;
  std::string text;                 // text: literal; identifier: name; string: value; number: as written
  std::string quoted;               // string: as written, quotes included
  std::vector<std::string> idents;  // field: {"State","Running"}; variable: {"$x","Field"}; chain: fields
  bool boolean = false;
  bool is_int = false;
  int64_t int_value = 0;
  double float_value = 0;
  std::vector<std::shared_ptr<Node>> nodes;     // list: items; pipe: commands; command: args
  std::vector<std::string> decl;                // pipe: declared variables
  bool is_assign = false;                       // pipe: `$x = ...` rather than `:=`
  std::shared_ptr<Node> pipe, list, else_list;  // if/range/with; chain: `pipe` is the chained operand

  // Go's Node.String(), used in "executing ... at <...>".
  std::string str() const;
};

using NodePtr = std::shared_ptr<Node>;

}  // namespace bg::fakes::gotmpl
