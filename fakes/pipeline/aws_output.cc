#include "fakes/pipeline/aws_output.h"

#include <fmt/format.h>

namespace bg::fakes {

namespace {

// Python's str() of a scalar, as the text formatter prints it.
std::string text_scalar(const nlohmann::ordered_json& v) {
  if (v.is_null()) return "None";
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace

AwsPrinted print_aws_response(const nlohmann::ordered_json& response, const std::string& output,
                              const std::optional<std::string>& query) {
  AwsPrinted p;
  nlohmann::ordered_json value = response;
  if (query) {
    // Identifiers joined by dots, optionally double-quoted; a missing field is null.
    std::string q = *query;
    if (q.find_first_of("[]|()*@&{}`'!<>=,") != std::string::npos) {
      p.not_modelled = fmt::format("aws --query '{}' (modelled: a field path such as deploymentInfo.status)", q);
      return p;
    }
    size_t pos = 0;
    while (pos <= q.size()) {
      const size_t dot = q.find('.', pos);
      std::string field = q.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
      if (field.size() >= 2 && field.front() == '"' && field.back() == '"') field = field.substr(1, field.size() - 2);
      value = value.is_object() && value.contains(field) ? value[field] : nlohmann::ordered_json();
      if (dot == std::string::npos) break;
      pos = dot + 1;
    }
  }
  if (output.empty() || output == "json") {
    // JSONFormatter: nothing is printed for an empty response; a query's null prints "null".
    if (!query && value.is_object() && value.empty()) return p;
    p.out = value.dump(4, ' ', false) + "\n";
    return p;
  }
  if (output == "text") {
    if (value.is_null() && !query) return p;
    if (value.is_object()) {
      p.not_modelled = "aws --output text of an object (use --query to pick a field)";
      return p;
    }
    if (value.is_array()) {
      std::string line;
      for (const auto& item : value) {
        if (item.is_structured()) {
          p.not_modelled = "aws --output text of a list of objects";
          return p;
        }
        line += (line.empty() ? "" : "\t") + text_scalar(item);
      }
      p.out = line + "\n";
      return p;
    }
    p.out = text_scalar(value) + "\n";
    return p;
  }
  p.not_modelled = fmt::format("aws --output {} (modelled: json, text)", output);
  return p;
}

}  // namespace bg::fakes
