#include "reports/report_sums_test_support.h"

#include <fmt/format.h>

#include <boost/property_tree/ptree.hpp>
#include <cmath>
#include <boost/property_tree/xml_parser.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace bg::reports {
namespace {

int64_t number(const std::string& s) { return std::stoll(s); }

// "12" or "12 + 3 indeterminate" (reports::lost_text).
LostCounts parse_lost_text(const std::string& text) {
  static const std::regex form(R"(^\s*(\d+)(?: \+ (\d+) indeterminate)?\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, form)) throw std::runtime_error("not a lost count: \"" + text + "\"");
  return {number(m[1]), m[2].matched ? number(m[2]) : 0};
}

void add(LostCounts& to, const LostCounts& l) {
  to.failed += l.failed;
  to.indeterminate += l.indeterminate;
}

std::vector<std::string> markdown_cells(const std::string& row) {
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '\\' && i + 1 < row.size() && row[i + 1] == '|') {
      cell += '|';
      ++i;
    } else if (row[i] == '|') {
      cells.push_back(cell);
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  return cells;
}

}  // namespace

ReportSums sums_in_markdown(const std::string& md) {
  ReportSums out;
  static const std::regex headline(R"((\d+) requests: \d+ ok, (\d+) failed, (\d+) indeterminate)");
  std::smatch m;
  if (!std::regex_search(md, m, headline)) throw std::runtime_error("summary.md: no headline counts");
  out.headline = {number(m[2]), number(m[3])};
  std::istringstream lines(md);
  std::string line;
  int failed_column = -1;
  while (std::getline(lines, line)) {
    if (line.rfind("| swap |", 0) == 0) {
      const auto head = markdown_cells(line);
      for (size_t i = 0; i < head.size(); ++i)
        if (head[i] == " failed ") failed_column = static_cast<int>(i);
      if (failed_column < 0) throw std::runtime_error("summary.md: the swap table has no failed column");
      continue;
    }
    if (failed_column < 0 || line.rfind("|---", 0) == 0) continue;
    if (line.rfind("| ", 0) != 0) {
      if (out.stretches > 0) break;  // the table ended
      continue;
    }
    const auto cells = markdown_cells(line);
    if (static_cast<int>(cells.size()) <= failed_column)
      throw std::runtime_error("summary.md: short swap row: " + line);
    add(out.rows, parse_lost_text(cells[failed_column]));
    ++out.stretches;
  }
  return out;
}

ReportSums sums_in_html(const std::string& html) {
  ReportSums out;
  static const std::regex failed(R"(<b>(\d+)</b><span>failed</span>)"),
      indeterminate(R"(<b>(\d+)</b><span>indeterminate</span>)");
  std::smatch m;
  if (!std::regex_search(html, m, failed)) throw std::runtime_error("report.html: no failed tile");
  out.headline.failed = number(m[1]);
  if (!std::regex_search(html, m, indeterminate)) throw std::runtime_error("report.html: no indeterminate tile");
  out.headline.indeterminate = number(m[1]);
  const auto table = html.find("<table id=\"swaps\">");
  if (table == std::string::npos) return out;
  const auto end = html.find("</table>", table);
  const std::string rows = html.substr(table, end - table);
  static const std::regex cell(R"re(data-failed="(\d+)" data-indeterminate="(\d+)">([^<]*)</td>)re");
  for (auto it = std::sregex_iterator(rows.begin(), rows.end(), cell); it != std::sregex_iterator(); ++it) {
    const LostCounts data{number((*it)[1]), number((*it)[2])};
    if (!(parse_lost_text((*it)[3]) == data))
      throw std::runtime_error(fmt::format("report.html: a cell shows \"{}\" but carries {} failed, {} indeterminate",
                                           (*it)[3].str(), data.failed, data.indeterminate));
    add(out.rows, data);
    ++out.stretches;
  }
  return out;
}

ReportSums sums_in_junit(const std::string& xml) {
  namespace pt = boost::property_tree;
  ReportSums out;
  pt::ptree doc;
  std::istringstream in(xml);
  pt::read_xml(in, doc);
  const auto& suite = doc.get_child("testsuites.testsuite");
  static const std::regex headline(R"((\d+) requests, (\d+) failed, (\d+) indeterminate)");
  static const std::regex lost(R"(\d+ requests lost \((\d+) failed, (\d+) indeterminate\))");
  std::smatch m;
  const auto system_out = suite.get<std::string>("system-out", "");
  if (!std::regex_search(system_out, m, headline)) throw std::runtime_error("junit.xml: no counts in system-out");
  out.headline = {number(m[2]), number(m[3])};
  for (const auto& [name, node] : suite) {
    if (name != "testcase") continue;
    const auto classname = node.get<std::string>("<xmlattr>.classname", "");
    if (classname.size() < 6 || classname.compare(classname.size() - 6, 6, ".swaps") != 0) continue;
    ++out.stretches;
    const auto message = node.get<std::string>("failure.<xmlattr>.message", "");
    if (message.empty()) continue;  // a passing case lost nothing
    if (!std::regex_search(message, m, lost)) throw std::runtime_error("junit.xml: no counts in \"" + message + "\"");
    add(out.rows, {number(m[1]), number(m[2])});
  }
  return out;
}

ReportSums sums_in_json(const std::string& text) {
  ReportSums out;
  const auto j = nlohmann::json::parse(text);
  const auto& requests = j.at("requests");
  out.headline = {requests.at("failed").get<int64_t>(), requests.at("indeterminate").get<int64_t>()};
  out.headline_outage = j.at("outage_s").get<double>();
  const auto stretch = [&](const nlohmann::json& l) {
    add(out.rows, {l.at("failed").get<int64_t>(), l.at("indeterminate").get<int64_t>()});
    out.rows_outage += l.at("outage_s").get<double>();
    ++out.stretches;
  };
  stretch(j.at("before_first_swap"));
  for (const auto& s : j.at("swaps")) stretch(s.at("lost"));
  return out;
}

std::string sums_mismatch(const std::string& report, const ReportSums& sums) {
  // Seconds as doubles from whole microseconds: a sum of a few dozen is exact to far below this.
  if (sums.headline_outage >= 0 && std::abs(sums.headline_outage - sums.rows_outage) > 1e-4)
    return fmt::format("{}: the {} rows' outages add up to {:.6f}s, the headline says {:.6f}s", report, sums.stretches,
                       sums.rows_outage, sums.headline_outage);
  if (sums.rows == sums.headline) return "";
  return fmt::format("{}: the {} rows add up to {} failed and {} indeterminate, the headline says {} and {}", report,
                     sums.stretches, sums.rows.failed, sums.rows.indeterminate, sums.headline.failed,
                     sums.headline.indeterminate);
}

}  // namespace bg::reports
