#pragma once
// The lexer of GoTemplate: Go's text/template/parse/lex.go (Go 1.17-1.20, the compilers of Docker
// 20.10-24), run to completion up front. It stops at the first error with an `error` item whose
// text is Go's message ("unclosed action", "bad character U+0021 '!'").
#include <string>
#include <vector>

namespace bg::fakes::gotmpl {

enum class ItemType {
  error,
  boolean,
  chr,
  char_constant,
  complex,
  declare,
  assign,
  eof,
  field,
  identifier,
  left_delim,
  left_paren,
  number,
  pipe,
  raw_string,
  right_delim,
  right_paren,
  space,
  string,
  text,
  variable,
  keyword,  // marks the keywords below (Go's itemKeyword)
  dot,
  block,
  break_,
  continue_,
  define,
  else_,
  end,
  if_,
  nil,
  range,
  template_,
  with,
};

struct Item {
  ItemType type = ItemType::eof;
  size_t pos = 0;
  int line = 1;
  std::string val;
  // Go's item.String(): "EOF", the error text, "<if>" for keywords, else %q (cut at 10 runes).
  std::string str() const;
};

std::vector<Item> lex(const std::string& input);

}  // namespace bg::fakes::gotmpl
