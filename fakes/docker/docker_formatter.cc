#include "fakes/docker/docker_formatter.h"

#include <fmt/format.h>

#include "fakes/docker/docker_cli_support.h"
#include "fakes/docker/go_template.h"
#include "fakes/docker/tab_writer.h"

namespace bg::fakes {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t at; (at = s.find(sep, start)) != std::string::npos; start = at + 1)
    out.push_back(s.substr(start, at - start));
  out.push_back(s.substr(start));
  return out;
}

[[noreturn]] void template_error(const std::string& what) {
  // errors.Errorf("Template parsing error: %v\n") printed with Fprintln: two newlines.
  throw CliFailure{failed(fmt::format("Template parsing error: {}\n\n", what))};
}

}  // namespace

std::string format_rows(const std::string& format, const std::vector<gotmpl::Value>& rows,
                        const std::map<std::string, std::string>& headers) {
  bool table = format.rfind("table", 0) == 0;
  std::string text = table ? format.substr(5) : format;
  text.erase(0, text.find_first_not_of(' '));
  text.erase(text.find_last_not_of(' ') + 1);
  std::string expanded;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == 't' || text[i + 1] == 'n')) {
      expanded += text[++i] == 't' ? '\t' : '\n';
    } else {
      expanded += text[i];
    }
  }
  std::optional<gotmpl::Template> tmpl;
  try {
    tmpl = gotmpl::Template::parse(expanded);
  } catch (const gotmpl::TemplateError& e) {
    template_error(e.what());
  }
  std::string body;
  for (const auto& row : rows) {
    try {
      body += tmpl->execute(row) + "\n";
    } catch (const gotmpl::TemplateError& e) {
      template_error(e.what());
    }
  }
  if (!table) return body;
  std::vector<std::pair<std::string, gotmpl::Value>> entries;
  for (const auto& [k, v] : headers) entries.emplace_back(k, gotmpl::Value::string(v));
  std::string header;
  try {
    header = tmpl->execute(gotmpl::Value::map(entries, "formatter.SubHeaderContext"), {false, gotmpl::FuncSet::header});
  } catch (const gotmpl::TemplateError&) {
    // postFormat ignores the header's error (what was written before it stays; here: nothing).
  }
  TabWriter writer(10, 3);
  std::string all = header + "\n" + body;
  if (!all.empty() && all.back() == '\n') all.pop_back();
  for (const auto& line : split(all, '\n')) writer.row(split(line, '\t'));
  return writer.str();
}

}  // namespace bg::fakes
