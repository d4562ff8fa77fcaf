#include "fakes/docker/go_template_funcs.h"

#include <map>

#include <fmt/format.h>

#include "core/not_modelled.h"
#include "fakes/docker/tab_writer.h"

namespace bg::fakes::gotmpl {
namespace {

using K = Value::Kind;

// Go's basicKind (funcs.go): only bool, int, float and string kinds compare; json.Number is a
// string kind.
enum class Basic { invalid, boolean, integer, floating, string };
Basic basic(const Value& v) {
  switch (v.kind()) {
    case K::boolean:
      return Basic::boolean;
    case K::integer:
      return Basic::integer;
    case K::floating:
      return Basic::floating;
    case K::string:
      return Basic::string;
    default:
      return Basic::invalid;
  }
}

bool basic_equal(const Value& a, const Value& b, Basic k) {
  switch (k) {
    case Basic::boolean:
      return a.as_bool() == b.as_bool();
    case Basic::integer:
      return a.as_int() == b.as_int();
    case Basic::floating:
      return a.as_float() == b.as_float();
    case Basic::string:
      return a.as_string() == b.as_string();
    default:
      return false;
  }
}

Value eq(const std::vector<Value>& args) {
  Basic k1 = basic(args[0]);
  if (k1 == Basic::invalid) throw CallError("invalid type for comparison");
  if (args.size() < 2) throw CallError("missing argument for comparison");
  for (size_t i = 1; i < args.size(); ++i) {
    Basic k2 = basic(args[i]);
    if (k2 == Basic::invalid) throw CallError("invalid type for comparison");
    if (k1 != k2) throw CallError("incompatible types for comparison");
    if (basic_equal(args[0], args[i], k1)) return Value::boolean(true);
  }
  return Value::boolean(false);
}

// lt (funcs.go): bools do not order.
bool less(const Value& a, const Value& b) {
  Basic k1 = basic(a), k2 = basic(b);
  if (k1 == Basic::invalid || k2 == Basic::invalid || k1 == Basic::boolean)
    throw CallError("invalid type for comparison");
  if (k1 != k2) throw CallError("incompatible types for comparison");
  if (k1 == Basic::integer) return a.as_int() < b.as_int();
  if (k1 == Basic::floating) return a.as_float() < b.as_float();
  return a.as_string() < b.as_string();
}

Value index(const std::vector<Value>& args) {
  Value item = args[0];
  if (!item.is_valid()) throw CallError("index of untyped nil");
  for (size_t i = 1; i < args.size(); ++i) {
    const Value& key = args[i];
    if (item.kind() == K::nil) {
      if (item.type_name().rfind("map[", 0) == 0) return Value();  // a nil map: the zero element
      throw CallError("index of nil pointer");
    }
    if (item.kind() == K::slice || item.kind() == K::string) {
      if (key.kind() != K::integer)
        throw CallError(fmt::format("cannot index slice/array with type {}", key.type_name()));
      int64_t size = item.kind() == K::slice ? static_cast<int64_t>(item.items().size())
                                             : static_cast<int64_t>(item.as_string().size());
      if (key.as_int() < 0 || key.as_int() >= size)
        throw CallError(fmt::format("index out of range: {}", key.as_int()));
      // Copied before assigning: the element lives inside `item`.
      Value next = item.kind() == K::slice
                       ? item.items()[static_cast<size_t>(key.as_int())]
                       : Value::integer(static_cast<unsigned char>(item.as_string()[static_cast<size_t>(key.as_int())]),
                                        "uint8");
      item = std::move(next);
    } else if (item.kind() == K::map) {
      if (key.kind() != K::string || key.type_name() != "string")
        throw CallError(fmt::format("value has type {}; should be string", key.type_name()));
      const Value* found = item.find_entry(key.as_string());
      Value next = found ? *found : item.elem_zero();
      item = std::move(next);
    } else {
      throw CallError(fmt::format("can't index item of type {}", item.type_name()));
    }
  }
  return item;
}

// fmt.Sprint: a space between operands when neither is a string.
std::string sprint(const std::vector<Value>& args, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < args.size(); ++i) {
    if (i > from && args[i].kind() != K::string && args[i - 1].kind() != K::string) out += ' ';
    out += args[i].print();
  }
  return out;
}

std::string sprintf(const std::vector<Value>& args) {
  const std::string& format = args[0].as_string();
  std::string out;
  size_t next = 1;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    if (++i >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    char verb = format[i];
    if (verb == '%') {
      out += '%';
      continue;
    }
    if (std::string("sdvqt").find(verb) == std::string::npos)
      throw core::NotModelled(fmt::format("Go template printf verb %{}", verb));
    if (next >= args.size()) {
      out += fmt::format("%!{}(MISSING)", verb);
      continue;
    }
    const Value& a = args[next++];
    bool fits = verb == 'v' || (verb == 's' && a.kind() == K::string) || (verb == 'q' && a.kind() == K::string) ||
                (verb == 'd' && a.kind() == K::integer) || (verb == 't' && a.kind() == K::boolean);
    if (!fits)
      out += fmt::format("%!{}({}={})", verb, a.type_name(), a.print());
    else if (verb == 'q')
      out += go_quote(a.as_string());
    else
      out += a.print();
  }
  if (next < args.size()) {
    out += "%!(EXTRA ";
    for (size_t i = next; i < args.size(); ++i)
      out += (i > next ? ", " : "") + args[i].type_name() + "=" + args[i].print();
    out += ")";
  }
  return out;
}

// strings.Title: the first letter of each word upper-cased (words split at non-letters).
std::string title(const std::string& s) {
  std::string out = s;
  bool start = true;
  for (char& c : out) {
    bool letter = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
    if (start && letter) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    start = !letter;
  }
  return out;
}

std::string map_chars(std::string s, int (*f)(int)) {
  for (char& c : s) c = static_cast<char>(f(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

const char* param_type(Param p) {
  switch (p) {
    case Param::any:
      return "interface {}";
    case Param::string:
      return "string";
    case Param::integer:
      return "int";
    case Param::string_slice:
      return "[]string";
  }
  return "";
}

std::optional<Signature> signature(const std::string& name, FuncSet set) {
  using P = Param;
  static const std::map<std::string, Signature> builtins = {{"and", {{P::any, P::any}, true}},
                                                            {"or", {{P::any, P::any}, true}},
                                                            {"not", {{P::any}, false}},
                                                            {"len", {{P::any}, false}},
                                                            {"index", {{P::any, P::any}, true}},
                                                            {"eq", {{P::any, P::any}, true}},
                                                            {"ne", {{P::any, P::any}, false}},
                                                            {"lt", {{P::any, P::any}, false}},
                                                            {"le", {{P::any, P::any}, false}},
                                                            {"gt", {{P::any, P::any}, false}},
                                                            {"ge", {{P::any, P::any}, false}},
                                                            {"print", {{P::any}, true}},
                                                            {"println", {{P::any}, true}},
                                                            {"printf", {{P::string, P::any}, true}},
                                                            {"pad", {{P::string, P::integer, P::integer}, false}}};
  static const std::map<std::string, Signature> basic = {{"json", {{P::any}, false}},
                                                         {"split", {{P::string, P::string}, false}},
                                                         {"join", {{P::string_slice, P::string}, false}},
                                                         {"title", {{P::string}, false}},
                                                         {"lower", {{P::string}, false}},
                                                         {"upper", {{P::string}, false}},
                                                         {"truncate", {{P::string, P::integer}, false}}};
  // HeaderFunctions: string in, the same string out.
  static const std::map<std::string, Signature> header = {{"json", {{P::string}, false}},
                                                          {"split", {{P::string, P::string}, false}},
                                                          {"join", {{P::string, P::string}, false}},
                                                          {"title", {{P::string}, false}},
                                                          {"lower", {{P::string}, false}},
                                                          {"upper", {{P::string}, false}},
                                                          {"truncate", {{P::string, P::integer}, false}}};
  if (auto it = builtins.find(name); it != builtins.end()) return it->second;
  const auto& docker = set == FuncSet::header ? header : basic;
  if (auto it = docker.find(name); it != docker.end()) return it->second;
  return std::nullopt;
}

Value call_function(const std::string& name, const std::vector<Value>& args, FuncSet set) {
  if (name == "and" || name == "or") {
    for (const auto& a : args)
      if (a.truth() == (name == "or")) return a;
    return args.back();
  }
  if (name == "not") return Value::boolean(!args[0].truth());
  if (name == "len") {
    const Value& v = args[0];
    if (v.kind() == K::nil) throw CallError("len of nil pointer");
    if (v.kind() == K::string) return Value::integer(static_cast<int64_t>(v.as_string().size()));
    if (v.kind() == K::slice) return Value::integer(static_cast<int64_t>(v.items().size()));
    if (v.kind() == K::map) return Value::integer(static_cast<int64_t>(v.entries().size()));
    throw CallError(fmt::format("len of type {}", v.type_name()));
  }
  if (name == "index") return index(args);
  if (name == "eq") return eq(args);
  if (name == "ne") return Value::boolean(!eq(args).as_bool());
  if (name == "lt") return Value::boolean(less(args[0], args[1]));
  if (name == "le") return Value::boolean(less(args[0], args[1]) || eq(args).as_bool());
  if (name == "gt") return Value::boolean(!less(args[0], args[1]) && !eq(args).as_bool());
  if (name == "ge") return Value::boolean(!less(args[0], args[1]));
  if (name == "print") return Value::string(sprint(args));
  if (name == "println") {
    std::string out;
    for (size_t i = 0; i < args.size(); ++i) out += (i ? " " : "") + args[i].print();
    return Value::string(out + "\n");
  }
  if (name == "printf") return Value::string(sprintf(args));
  if (name == "pad") {
    const std::string& s = args[0].as_string();
    if (s.empty()) return args[0];
    return Value::string(std::string(static_cast<size_t>(std::max<int64_t>(0, args[1].as_int())), ' ') + s +
                         std::string(static_cast<size_t>(std::max<int64_t>(0, args[2].as_int())), ' '));
  }
  if (set == FuncSet::header) return args[0];
  if (name == "json") return Value::string(args[0].json());
  if (name == "split") {
    std::vector<Value> parts;
    const std::string& s = args[0].as_string();
    const std::string& sep = args[1].as_string();
    if (sep.empty()) {
      for (char c : s) parts.push_back(Value::string(std::string(1, c)));
    } else {
      size_t start = 0;
      for (size_t at; (at = s.find(sep, start)) != std::string::npos; start = at + sep.size())
        parts.push_back(Value::string(s.substr(start, at - start)));
      parts.push_back(Value::string(s.substr(start)));
    }
    return Value::slice(std::move(parts), "[]string");
  }
  if (name == "join") {
    std::string out;
    const auto& items = args[0].items();
    for (size_t i = 0; i < items.size(); ++i) out += (i ? args[1].as_string() : "") + items[i].as_string();
    return Value::string(out);
  }
  if (name == "title") return Value::string(title(args[0].as_string()));
  if (name == "lower") return Value::string(map_chars(args[0].as_string(), [](int c) { return std::tolower(c); }));
  if (name == "upper") return Value::string(map_chars(args[0].as_string(), [](int c) { return std::toupper(c); }));
  if (name == "truncate") {
    const std::string& s = args[0].as_string();
    int64_t n = args[1].as_int();
    if (static_cast<int64_t>(s.size()) < n) return args[0];
    return Value::string(s.substr(0, static_cast<size_t>(std::max<int64_t>(0, n))));
  }
  throw CallError(fmt::format("{} is not a defined function", go_quote(name)));
}

}  // namespace bg::fakes::gotmpl
