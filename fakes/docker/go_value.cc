#include "fakes/docker/go_value.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace bg::fakes::gotmpl {

Value Value::nil(std::string type) {
  Value v;
  v.kind_ = Kind::nil;
  v.type_ = std::move(type);
  return v;
}

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::boolean;
  v.type_ = "bool";
  v.b_ = b;
  return v;
}

Value Value::integer(int64_t i, std::string type) {
  Value v;
  v.kind_ = Kind::integer;
  v.type_ = std::move(type);
  v.i_ = i;
  return v;
}

Value Value::floating(double f) {
  Value v;
  v.kind_ = Kind::floating;
  v.type_ = "float64";
  v.f_ = f;
  return v;
}

Value Value::string(std::string s, std::string type) {
  Value v;
  v.kind_ = Kind::string;
  v.type_ = std::move(type);
  v.s_ = std::move(s);
  return v;
}

Value Value::slice(std::vector<Value> items, std::string type) {
  Value v;
  v.kind_ = Kind::slice;
  v.type_ = std::move(type);
  v.items_ = std::move(items);
  return v;
}

Value Value::map(std::vector<std::pair<std::string, Value>> entries, std::string type, Value elem_zero) {
  Value v;
  v.kind_ = Kind::map;
  v.type_ = std::move(type);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  v.entries_ = std::move(entries);
  v.elem_zero_ = std::make_shared<const Value>(std::move(elem_zero));
  return v;
}

Value Value::map(std::vector<std::pair<std::string, Value>> entries, std::string type) {
  return map(std::move(entries), std::move(type), Value());
}

Value Value::structure(std::string type) {
  Value v;
  v.kind_ = Kind::structure;
  v.type_ = std::move(type);
  return v;
}

Value& Value::field(std::string name, Value v, std::string json_name, bool omitempty) {
  if (json_name.empty()) json_name = name;
  fields_.push_back({std::move(name), std::move(json_name), omitempty, std::make_shared<const Value>(std::move(v))});
  return *this;
}

Value& Value::method(std::string name, Method m) {
  methods_.emplace_back(std::move(name), std::move(m));
  return *this;
}

const Value& Value::elem_zero() const {
  static const Value invalid;
  return elem_zero_ ? *elem_zero_ : invalid;
}

const Value* Value::find_field(const std::string& name) const {
  for (const auto& f : fields_)
    if (f.name == name) return f.value.get();
  return nullptr;
}

const Value* Value::find_entry(const std::string& key) const {
  for (const auto& [k, v] : entries_)
    if (k == key) return &v;
  return nullptr;
}

const Method* Value::find_method(const std::string& name) const {
  for (const auto& [n, m] : methods_)
    if (n == name) return &m;
  return nullptr;
}

bool Value::truth() const {
  switch (kind_) {
    case Kind::invalid:
    case Kind::nil:
      return false;
    case Kind::boolean:
      return b_;
    case Kind::integer:
      return i_ != 0;
    case Kind::floating:
      return f_ != 0;
    case Kind::string:
      return !s_.empty();
    case Kind::slice:
      return !items_.empty();
    case Kind::map:
      return !entries_.empty();
    case Kind::structure:
      return true;
  }
  return false;
}

namespace {

// fmt's %v of a float64 is strconv's shortest 'g' form; {fmt} prints the same shortest digits
// (simplification: Go switches to an exponent from 1e21 upwards, {fmt} from 1e16).
std::string print_float(double f) { return fmt::format("{}", f); }

}  // namespace

// fmt.Print: operands nested in a slice, map or struct print with %v, so nested strings are bare.
// Simplification: a non-nil pointer nested in a struct prints its pointee, where Go prints an
// address (0xc000...).
std::string Value::print() const {
  switch (kind_) {
    case Kind::invalid:
      return "<no value>";
    case Kind::nil:
      if (type_.rfind("[]", 0) == 0) return "[]";
      if (type_.rfind("map[", 0) == 0) return "map[]";
      return "<nil>";
    case Kind::boolean:
      return b_ ? "true" : "false";
    case Kind::integer:
      return std::to_string(i_);
    case Kind::floating:
      return print_float(f_);
    case Kind::string:
      return s_;
    case Kind::slice: {
      std::string out = "[";
      for (size_t i = 0; i < items_.size(); ++i) out += (i ? " " : "") + items_[i].print();
      return out + "]";
    }
    case Kind::map: {
      std::string out = "map[";
      for (size_t i = 0; i < entries_.size(); ++i)
        out += (i ? " " : "") + entries_[i].first + ":" + entries_[i].second.print();
      return out + "]";
    }
    case Kind::structure: {
      std::string out = "{";
      for (size_t i = 0; i < fields_.size(); ++i) out += (i ? " " : "") + fields_[i].value->print();
      return out + "}";
    }
  }
  return "";
}

std::string go_json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20)
          out += fmt::format("\\u00{:02x}", c);
        else
          out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

namespace {

// encoding/json's isEmptyValue, for omitempty.
bool empty_for_json(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::invalid:
    case Value::Kind::nil:
      return true;
    case Value::Kind::structure:
      return false;
    default:
      return !v.truth();
  }
}

}  // namespace

std::string Value::json() const {
  switch (kind_) {
    case Kind::invalid:
    case Kind::nil:
      return "null";
    case Kind::boolean:
      return b_ ? "true" : "false";
    case Kind::integer:
      return std::to_string(i_);
    case Kind::floating:
      return print_float(f_);
    case Kind::string:
      return type_ == "json.Number" ? s_ : go_json_string(s_);
    case Kind::slice: {
      std::string out = "[";
      for (size_t i = 0; i < items_.size(); ++i) out += (i ? "," : "") + items_[i].json();
      return out + "]";
    }
    case Kind::map: {
      std::string out = "{";
      for (size_t i = 0; i < entries_.size(); ++i)
        out += (i ? "," : "") + go_json_string(entries_[i].first) + ":" + entries_[i].second.json();
      return out + "}";
    }
    case Kind::structure: {
      std::string out = "{";
      bool first = true;
      for (const auto& f : fields_) {
        if (f.omitempty && empty_for_json(*f.value)) continue;
        out += (first ? "" : ",") + go_json_string(f.json_name) + ":" + f.value->json();
        first = false;
      }
      return out + "}";
    }
  }
  return "null";
}

Value Value::from_json(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      std::vector<std::pair<std::string, Value>> entries;
      for (auto it = j.begin(); it != j.end(); ++it) entries.emplace_back(it.key(), from_json(it.value()));
      return map(std::move(entries), "map[string]interface {}");
    }
    case nlohmann::json::value_t::array: {
      std::vector<Value> items;
      for (const auto& e : j) items.push_back(from_json(e));
      return slice(std::move(items), "[]interface {}");
    }
    case nlohmann::json::value_t::string:
      return string(j.get<std::string>());
    case nlohmann::json::value_t::boolean:
      return boolean(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return string(j.dump(), "json.Number");
    default:
      return nil("interface {}");
  }
}

}  // namespace bg::fakes::gotmpl
