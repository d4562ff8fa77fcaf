#pragma once
// GoValue: the data a Go text/template runs over, modelled as Go's reflect sees it, because what a
// docker template prints depends on it: a missing struct field is an error ("can't evaluate field"),
// a missing map key prints "<no value>" (or fails under missingkey=error), a nil pointer fails
// ("nil pointer evaluating"), `json` writes struct fields in declaration order but map keys sorted,
// and `docker inspect` first runs the template over typed structs (types.ContainerJSON) and, when
// that fails, over the raw JSON decoded into map[string]interface {} (docker/cli
// cli/command/inspect/inspector.go@v20.10.17). Both shapes are GoValues: `structure` with Go field
// names and json tags, and `map`.
//
// Simplifications: no channels, funcs, complex numbers or unsigned kinds; methods are limited to
// the ones docker's formatter contexts have (`.Label "x"`), given as callables.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

// Declarations only: the files that use templates but never decode raw JSON need not parse
// nlohmann/json; the ones that do include it themselves.
#include <nlohmann/json_fwd.hpp>

namespace bg::fakes::gotmpl {

class Value;
// A method of a formatter context: called with the evaluated arguments; throws std::runtime_error
// with the message Go's evalCall would wrap ("error calling X: <what>").
struct Method {
  size_t arity = 0;
  std::function<Value(const std::vector<Value>&)> call;
};

class Value {
 public:
  // `invalid` is reflect's zero Value (prints "<no value>"); `nil` a nil pointer, map, slice or
  // interface of type_name().
  enum class Kind { invalid, nil, boolean, integer, floating, string, slice, map, structure };

  struct Field {
    std::string name;       // Go field name: what `.Name` looks up
    std::string json_name;  // encoding/json key
    bool omitempty = false;
    std::shared_ptr<const Value> value;
  };

  Value() = default;  // invalid
  static Value nil(std::string type);
  static Value boolean(bool b);
  static Value integer(int64_t i, std::string type = "int");
  static Value floating(double f);
  // type "json.Number" for a number of the raw JSON (decoded with UseNumber): printed as its text,
  // encoded as a number.
  static Value string(std::string s, std::string type = "string");
  static Value slice(std::vector<Value> items, std::string type);
  // Keys are kept sorted, as fmt, range and encoding/json visit them. `elem_zero` is what `index`
  // returns for a missing key: the zero value of the element type ("" for map[string]string,
  // invalid for map[string]interface {}).
  static Value map(std::vector<std::pair<std::string, Value>> entries, std::string type, Value elem_zero);
  static Value map(std::vector<std::pair<std::string, Value>> entries, std::string type);
  static Value structure(std::string type);
  // Builders for structures (return *this).
  Value& field(std::string name, Value v, std::string json_name = "", bool omitempty = false);
  Value& method(std::string name, Method m);

  Kind kind() const { return kind_; }
  const std::string& type_name() const { return type_; }
  bool is_valid() const { return kind_ != Kind::invalid; }
  bool as_bool() const { return b_; }
  int64_t as_int() const { return i_; }
  double as_float() const { return f_; }
  const std::string& as_string() const { return s_; }
  const std::vector<Value>& items() const { return items_; }
  const std::vector<std::pair<std::string, Value>>& entries() const { return entries_; }
  const std::vector<Field>& fields() const { return fields_; }
  const Value& elem_zero() const;

  // Struct field or map entry by name; nullptr when absent.
  const Value* find_field(const std::string& name) const;
  const Value* find_entry(const std::string& key) const;
  const Method* find_method(const std::string& name) const;

  // Go's truth (text/template isTrue): false, 0, "", empty slice/map, nil are false; structs true.
  bool truth() const;
  // fmt.Print of the value (what an action prints): "<no value>" for invalid, "<nil>" for nil,
  // "[a b]" for slices, "map[k:v]" for maps, "{v1 v2}" for structs.
  std::string print() const;
  // encoding/json with SetEscapeHTML(false), as docker's `json` template function.
  std::string json() const;

  // Raw JSON decoded as json.Decoder with UseNumber into interface{} (objects become
  // map[string]interface {}, arrays []interface {}, numbers json.Number, null a nil interface).
  static Value from_json(const nlohmann::json& j);

 private:
  Kind kind_ = Kind::invalid;
  std::string type_;
  bool b_ = false;
  int64_t i_ = 0;
  double f_ = 0;
  std::string s_;
  std::vector<Value> items_;
  std::vector<std::pair<std::string, Value>> entries_;
  std::shared_ptr<const Value> elem_zero_;
  std::vector<Field> fields_;
  std::vector<std::pair<std::string, Method>> methods_;
};

// Go's strconv.Quote for the strings templates print with %q and encoding/json's string escaping.
std::string go_json_string(const std::string& s);

}  // namespace bg::fakes::gotmpl
