#include "reports/junit_report.h"

#include <fmt/format.h>

#include "reports/xml_text.h"

namespace bg::reports {
namespace {

struct Case {
  std::string classname, name;
  double time = 0;
  std::string kind;      // "" passed, "failure" or "error"
  std::string message, type, body;
};

std::string at(const std::optional<core::Time>& t) { return t ? fmt::format("{:.2f}s", core::to_seconds(*t)) : "—"; }

Case invariant_case(const std::string& suite, const InvariantResult& inv) {
  Case c{suite + ".invariants", inv.name};
  if (inv.held) return c;
  c.kind = "failure";
  c.type = inv.name;
  c.message = inv.summary;
  for (const auto& e : inv.evidence) c.body += e + "\n";
  return c;
}

std::string failure_evidence(const FailureSample& f) {
  const auto& q = f.request;
  std::string out = fmt::format("request #{} {} {} sent at {:.3f}s: {}\n", q.id, q.method, q.path,
                                core::to_seconds(q.start), f.cause);
  for (const auto& line : f.proxy_log) out += "  proxy: " + line + "\n";
  for (const auto& c : f.containers) out += "  container " + c + "\n";
  return out;
}

// A swap fails when a request failed while it ran or CodeDeploy failed it; its body is the swap's
// timeline and the sampled failures that ended inside it.
Case swap_case(const std::string& suite, const SwapSummary& s, const RunResult& r) {
  Case c{suite + ".swaps", fmt::format("swap {}: {} -> {}", s.deployment, s.old_container.empty() ? "none" : s.old_container,
                                       s.new_container.empty() ? "none" : s.new_container)};
  if (s.started && s.finished) c.time = core::to_seconds(*s.finished - *s.started);
  if (s.failed_requests == 0 && s.succeeded) return c;
  c.kind = "failure";
  c.type = s.succeeded ? "failed_requests" : "deployment_failed";
  c.message = s.succeeded ? fmt::format("{} requests failed during swap {}", s.failed_requests, s.deployment)
                          : fmt::format("deployment {} failed ({} requests failed during it)", s.deployment, s.failed_requests);
  c.body = fmt::format("new started {}, new ready {}, traffic moved {}, old stop requested {}, old stopped {}\n",
                       at(s.new_started), at(s.new_ready), at(s.new_first_traffic), at(s.old_stop_requested),
                       at(s.old_stopped));
  for (const auto& f : r.first_failures)
    if (s.started && f.request.end >= *s.started && (!s.finished || f.request.end <= *s.finished))
      c.body += failure_evidence(f);
  return c;
}

std::string render_case(const Case& c) {
  std::string out = fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3f}\"", xml_escape(c.name),
                                xml_escape(c.classname), c.time);
  if (c.kind.empty()) return out + "/>\n";
  return out + fmt::format(">\n      <{} message=\"{}\" type=\"{}\">{}</{}>\n    </testcase>\n", c.kind,
                           xml_escape(c.message), xml_escape(c.type), xml_escape(c.body), c.kind);
}

}  // namespace

std::string to_junit(const RunResult& r, const JunitOptions& options) {
  const std::string suite = "bluegreen." + (r.scenario.empty() ? std::string("run") : r.scenario);
  std::vector<Case> cases;
  for (const auto& inv : r.invariants) cases.push_back(invariant_case(suite, inv));
  for (const auto& s : r.swaps) cases.push_back(swap_case(suite, s, r));
  // A run that did not complete proves nothing: one errored case says why.
  if (r.verdict == "error") cases.push_back({suite, "run", 0, "error", r.error, "harness_error", r.error + "\n"});
  int failures = 0, errors = 0;
  for (const auto& c : cases) {
    if (c.kind == "failure") ++failures;
    if (c.kind == "error") ++errors;
  }

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"bluegreen\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3f}\">\n",
                     cases.size(), failures, errors, r.wall_seconds);
  out += fmt::format("  <testsuite name=\"{}\" package=\"bluegreen\" id=\"0\" hostname=\"{}\" timestamp=\"{}\" tests=\"{}\" "
                     "failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{:.3f}\">\n",
                     xml_escape(suite), xml_escape(options.hostname), xml_escape(options.timestamp), cases.size(),
                     failures, errors, r.wall_seconds);
  out += "    <properties>\n";
  auto property = [&](const std::string& name, const std::string& value) {
    out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", xml_escape(name), xml_escape(value));
  };
  property("verdict", r.verdict);
  property("seed", std::to_string(r.seed));
  property("time_scale", fmt::format("{}", r.time_scale));
  property("scenario_dir", r.scenario_dir);
  property("replay", r.replay_command);
  for (const auto& [k, v] : r.drawn) property("drawn." + k, v);
  out += "    </properties>\n";
  for (const auto& c : cases) out += render_case(c);
  out += fmt::format("    <system-out>{}</system-out>\n",
                     xml_escape(fmt::format("verdict {}; {} requests, {} failed, {} indeterminate; replay: {}\n", r.verdict,
                                            r.requests, r.failed, r.indeterminate, r.replay_command)));
  out += fmt::format("    <system-err>{}</system-err>\n", xml_escape(r.error));
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace bg::reports
