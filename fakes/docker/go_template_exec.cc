// The executor of GoTemplate: a port of Go's text/template/exec.go (Go 1.17) over GoValue, with
// its error messages and error positions ("template: :1:8: executing \"\" at <.State.Health.Status>:
// map has no entry for key \"Health\"").
#include <optional>

#include <fmt/format.h>

#include "fakes/docker/go_template.h"
#include "fakes/docker/go_template_funcs.h"
#include "fakes/docker/tab_writer.h"

namespace bg::fakes::gotmpl {
namespace {

using K = Value::Kind;
using Args = std::vector<NodePtr>;
using Final = std::optional<Value>;  // nullopt: Go's missingVal (no piped-in value)

class Executor {
 public:
  Executor(const std::string& text, const Template::Options& options) : text_(text), options_(options) {}

  std::string run(const Value& data, const Node& root) {
    vars_.emplace_back("$", data);
    walk(data, root);
    return std::move(out_);
  }

 private:
  // "template: :<line>:<col>: executing \"\" at <node>: <message>" (exec.go errorf, ErrorContext).
  [[noreturn]] void errorf(const std::string& message) {
    size_t pos = std::min(node_->pos, text_.size());
    size_t newline = text_.rfind('\n', pos ? pos - 1 : 0);
    size_t line = 1 + static_cast<size_t>(std::count(text_.begin(), text_.begin() + static_cast<long>(pos), '\n'));
    size_t column = newline == std::string::npos || pos == 0 ? pos : pos - newline - 1;
    throw TemplateError(
        fmt::format("template: :{}:{}: executing \"\" at <{}>: {}", line, column, node_->str(), message));
  }
  void at(const Node& n) { node_ = &n; }

  void walk(const Value& dot, const Node& node) {
    at(node);
    switch (node.type) {
      case NodeType::action: {
        Value v = eval_pipeline(dot, *node.pipe);
        if (node.pipe->decl.empty()) out_ += v.print();
        break;
      }
      case NodeType::if_:
      case NodeType::with: {
        size_t mark = vars_.size();
        Value v = eval_pipeline(dot, *node.pipe);
        if (v.truth())
          walk(node.type == NodeType::with ? v : dot, *node.list);
        else if (node.else_list)
          walk(dot, *node.else_list);
        vars_.resize(mark);
        break;
      }
      case NodeType::list:
        for (const auto& n : node.nodes) walk(dot, *n);
        break;
      case NodeType::range:
        walk_range(dot, node);
        break;
      case NodeType::text:
        out_ += node.text;
        break;
      default:
        errorf(fmt::format("unknown node: {}", node.str()));
    }
  }

  void walk_range(const Value& dot, const Node& r) {
    at(r);
    size_t outer = vars_.size();
    Value v = eval_pipeline(dot, *r.pipe);
    size_t mark = vars_.size();
    auto once = [&](const Value& index, const Value& elem) {
      if (!r.pipe->decl.empty()) vars_[vars_.size() - 1].second = elem;
      if (r.pipe->decl.size() > 1) vars_[vars_.size() - 2].second = index;
      walk(elem, *r.list);
      vars_.resize(mark);
    };
    bool any = false;
    if (v.kind() == K::slice) {
      for (size_t i = 0; i < v.items().size(); ++i, any = true)
        once(Value::integer(static_cast<int64_t>(i)), v.items()[i]);
    } else if (v.kind() == K::map) {
      for (const auto& [k, e] : v.entries()) {
        once(Value::string(k), e);
        any = true;
      }
    } else if (v.kind() != K::invalid && v.kind() != K::nil) {
      errorf(fmt::format("range can't iterate over {}", v.print()));
    }
    if (!any && r.else_list) walk(dot, *r.else_list);
    vars_.resize(outer);
  }

  Value eval_pipeline(const Value& dot, const Node& pipe) {
    at(pipe);
    Final value;
    for (const auto& cmd : pipe.nodes) {
      value = eval_command(dot, *cmd, value);
      // A nil interface{} (a JSON null of the raw data) is dug out to reflect's zero Value.
      if (value->kind() == K::nil && value->type_name() == "interface {}") value = Value();
    }
    for (const auto& name : pipe.decl) {
      if (pipe.is_assign)
        set_var(name, *value);
      else
        vars_.emplace_back(name, *value);
    }
    return *value;
  }

  void set_var(const std::string& name, const Value& v) {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it)
      if (it->first == name) {
        it->second = v;
        return;
      }
    errorf(fmt::format("undefined variable: {}", name));
  }

  Value var_value(const std::string& name) {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it)
      if (it->first == name) return it->second;
    errorf(fmt::format("undefined variable: {}", name));
  }

  void not_a_function(const Args& args, const Final& final) {
    if (args.size() > 1 || final) errorf(fmt::format("can't give argument to non-function {}", args[0]->str()));
  }

  Value eval_command(const Value& dot, const Node& cmd, const Final& final) {
    const Node& first = *cmd.nodes[0];
    switch (first.type) {
      case NodeType::field:
        at(first);
        return eval_field_chain(dot, dot, first, first.idents, cmd.nodes, final);
      case NodeType::chain:
        return eval_chain(dot, first, cmd.nodes, final);
      case NodeType::identifier:
        return eval_function(dot, first, cmd, cmd.nodes, final);
      case NodeType::pipe:
        not_a_function(cmd.nodes, final);
        return eval_pipeline(dot, first);
      case NodeType::variable:
        return eval_variable(dot, first, cmd.nodes, final);
      default:
        break;
    }
    at(first);
    not_a_function(cmd.nodes, final);
    switch (first.type) {
      case NodeType::boolean:
        return Value::boolean(first.boolean);
      case NodeType::dot:
        return dot;
      case NodeType::nil:
        errorf("nil is not a command");
      case NodeType::number:
        return ideal_constant(first);
      case NodeType::string:
        return Value::string(first.text);
      default:
        errorf(fmt::format("can't evaluate command {}", go_quote(first.str())));
    }
  }

  Value ideal_constant(const Node& n) {
    at(n);
    bool floating =
        n.text.find_first_of(".eEpP") != std::string::npos && n.text.rfind("0x", 0) != 0 && n.text.front() != '\'';
    if (floating) return Value::floating(n.float_value);
    return Value::integer(n.int_value);
  }

  Value eval_chain(const Value& dot, const Node& chain, const Args& args, const Final& final) {
    at(chain);
    if (chain.pipe->type == NodeType::nil) errorf(fmt::format("indirection through explicit nil in {}", chain.str()));
    Value receiver = eval_arg(dot, Param::any, *chain.pipe);
    return eval_field_chain(dot, receiver, chain, chain.idents, args, final);
  }

  Value eval_variable(const Value& dot, const Node& var, const Args& args, const Final& final) {
    at(var);
    Value value = var_value(var.idents[0]);
    if (var.idents.size() == 1) {
      not_a_function(args, final);
      return value;
    }
    std::vector<std::string> rest(var.idents.begin() + 1, var.idents.end());
    return eval_field_chain(dot, value, var, rest, args, final);
  }

  Value eval_field_chain(const Value& dot, Value receiver, const Node& node, const std::vector<std::string>& idents,
                         const Args& args, const Final& final) {
    for (size_t i = 0; i + 1 < idents.size(); ++i)
      receiver = eval_field(dot, idents[i], node, {}, std::nullopt, receiver);
    return eval_field(dot, idents.back(), node, args, final, receiver);
  }

  // exec.go evalField: a method, else a struct field, else a map key.
  Value eval_field(const Value& dot, const std::string& name, const Node& node, const Args& args, const Final& final,
                   const Value& receiver) {
    if (!receiver.is_valid()) {
      if (options_.missingkey_error) errorf(fmt::format("nil data; no entry for key {}", go_quote(name)));
      return Value();
    }
    const std::string& type = receiver.type_name();
    if (const Method* m = receiver.find_method(name))
      return call(dot, name, node, args, final, {std::vector<Param>(m->arity, Param::string), false}, m->call);
    bool has_args = args.size() > 1 || final;
    switch (receiver.kind()) {
      case K::structure:
        if (const Value* f = receiver.find_field(name)) {
          if (has_args) errorf(fmt::format("{} has arguments but cannot be invoked as function", name));
          return *f;
        }
        break;
      case K::map: {
        if (has_args) errorf(fmt::format("{} is not a method but has arguments", name));
        if (const Value* e = receiver.find_entry(name)) return *e;
        if (options_.missingkey_error) errorf(fmt::format("map has no entry for key {}", go_quote(name)));
        return Value();
      }
      case K::nil:
        if (type.rfind("map[", 0) == 0) {
          if (options_.missingkey_error) errorf(fmt::format("map has no entry for key {}", go_quote(name)));
          return Value();
        }
        if (type.front() == '*' || type == "interface {}")
          errorf(fmt::format("nil pointer evaluating {}.{}", type, name));
        break;
      default:
        break;
    }
    errorf(fmt::format("can't evaluate field {} in type {}", name, type));
  }

  Value eval_function(const Value& dot, const Node& ident, const Node& cmd, const Args& args, const Final& final) {
    at(ident);
    auto sig = signature(ident.text, options_.funcs);
    if (!sig) errorf(fmt::format("{} is not a defined function", go_quote(ident.text)));
    return call(dot, ident.text, cmd, args, final, *sig,
                [&](const std::vector<Value>& a) { return call_function(ident.text, a, options_.funcs); });
  }

  // exec.go evalCall: arity, arguments evaluated against the parameter types, then the call.
  Value call(const Value& dot, const std::string& name, const Node& node, const Args& all_args, const Final& final,
             const Signature& sig, const std::function<Value(const std::vector<Value>&)>& fn) {
    Args args = all_args.empty() ? Args{} : Args(all_args.begin() + 1, all_args.end());
    size_t num_in = args.size() + (final ? 1 : 0);
    size_t fixed = sig.variadic ? sig.params.size() - 1 : sig.params.size();
    if (sig.variadic && num_in < fixed)
      errorf(fmt::format("wrong number of args for {}: want at least {} got {}", name, fixed, args.size()));
    if (!sig.variadic && num_in != sig.params.size())
      errorf(fmt::format("wrong number of args for {}: want {} got {}", name, sig.params.size(), num_in));
    auto param = [&](size_t i) { return i < sig.params.size() ? sig.params[i] : sig.params.back(); };
    std::vector<Value> argv;
    for (size_t i = 0; i < args.size(); ++i) argv.push_back(eval_arg(dot, param(i), *args[i]));
    if (final) argv.push_back(validate(*final, param(argv.size())));
    try {
      return fn(argv);
    } catch (const CallError& e) {
      at(node);
      errorf(fmt::format("error calling {}: {}", name, e.what()));
    }
  }

  Value validate(const Value& v, Param p) {
    if (p == Param::any) return v;
    if (!v.is_valid()) errorf(fmt::format("invalid value; expected {}", param_type(p)));
    bool ok = (p == Param::string && v.kind() == K::string && v.type_name() == "string") ||
              (p == Param::integer && v.kind() == K::integer && v.type_name() == "int") ||
              (p == Param::string_slice && (v.kind() == K::slice || v.kind() == K::nil) && v.type_name() == "[]string");
    if (!ok) errorf(fmt::format("wrong type for value; expected {}; got {}", param_type(p), v.type_name()));
    return v;
  }

  Value eval_arg(const Value& dot, Param p, const Node& n) {
    at(n);
    switch (n.type) {
      case NodeType::dot:
        return validate(dot, p);
      case NodeType::nil:
        if (p == Param::any || p == Param::string_slice) return Value();
        errorf(fmt::format("cannot assign nil to {}", param_type(p)));
      case NodeType::field:
        return validate(eval_field_chain(dot, dot, n, n.idents, {}, std::nullopt), p);
      case NodeType::variable:
        return validate(eval_variable(dot, n, {}, std::nullopt), p);
      case NodeType::pipe:
        return validate(eval_pipeline(dot, n), p);
      case NodeType::identifier:
        return validate(eval_function(dot, n, n, {}, std::nullopt), p);
      case NodeType::chain:
        return validate(eval_chain(dot, n, {}, std::nullopt), p);
      default:
        break;
    }
    switch (p) {
      case Param::string:
        if (n.type != NodeType::string) errorf(fmt::format("expected string; found {}", n.str()));
        return Value::string(n.text);
      case Param::integer:
        if (n.type != NodeType::number || !n.is_int) errorf(fmt::format("expected integer; found {}", n.str()));
        return Value::integer(n.int_value);
      case Param::string_slice:
        errorf(fmt::format("can't handle {} for arg of type []string", n.str()));
      case Param::any:
        break;
    }
    if (n.type == NodeType::boolean) return Value::boolean(n.boolean);
    if (n.type == NodeType::number) return ideal_constant(n);
    if (n.type == NodeType::string) return Value::string(n.text);
    errorf(fmt::format("can't handle assignment of {} to empty interface argument", n.str()));
  }

  const std::string& text_;
  Template::Options options_;
  std::string out_;
  std::vector<std::pair<std::string, Value>> vars_;
  const Node* node_ = nullptr;
};

}  // namespace

std::string Template::execute(const Value& data, const Options& options) const {
  return Executor(text_, options).run(data, *root_);
}

}  // namespace bg::fakes::gotmpl
