#pragma once
// GoTemplate: the part of Go's text/template that docker's `--format` flags run (docker/cli
// templates/templates.go@v20.10.17 adds json, split, join, title, lower, upper, pad and truncate to
// Go's builtins). Parse and execution errors have Go's exact wording ("template: :1: unclosed
// action", "template: :1:8: executing \"\" at <.State.Health.Status>: map has no entry for key
// \"Health\""), because scripts and users read them.
//
// Modelled: text, comments, trim markers, actions with pipelines and parentheses, fields, chains,
// variables ($, :=, =), if/else if/else, range (with index/element variables and else), with/else;
// functions and, or, not, len, index, eq, ne, lt, le, gt, ge, print, printf (%s %d %v %q %t %%),
// println, and docker's json, split, join, title, lower, upper, pad, truncate.
// Not modelled (core::NotModelled naming it, never guessed): define, template, block, break,
// continue, the functions call, html, js, slice, urlquery, and other printf verbs.
#include <map>
#include <stdexcept>
#include <string>

#include "fakes/docker/go_template_ast.h"
#include "fakes/docker/go_value.h"

namespace bg::fakes::gotmpl {

// A parse or execution error; what() is Go's err.Error().
class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Which functions a template sees: docker's basicFunctions, or the HeaderFunctions docker/cli uses
// to print a `table` header (json, split, join, title, lower, upper, truncate return their first
// argument unchanged: cli/command/formatter/formatter.go@v20.10.17 postFormat).
enum class FuncSet { basic, header };

class Template {
 public:
  // Throws TemplateError (Go's parse errors) or core::NotModelled.
  static Template parse(const std::string& text);

  struct Options {
    bool missingkey_error = false;  // Option("missingkey=error"): a missing map key fails
    FuncSet funcs = FuncSet::basic;
  };
  // Throws TemplateError (Go's execution errors) or core::NotModelled.
  std::string execute(const Value& data, const Options& options) const;
  std::string execute(const Value& data) const { return execute(data, Options{}); }

  const std::string& text() const { return text_; }

 private:
  std::string text_;
  NodePtr root_;
};

}  // namespace bg::fakes::gotmpl
