#include "reports/junit_report.h"

#include <fmt/format.h>

#include "reports/xml_text.h"

namespace bg::reports {
namespace {

struct Case {
  std::string classname, name;
  double time = 0;
  std::string kind;  // "" passed, "failure" or "error"
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

// "12 requests lost (10 failed, 2 indeterminate)": the same words in every case, so a tool reading
// junit.xml finds the counts.
std::string lost_words(const Losses& l) {
  return fmt::format("{} requests lost ({} failed, {} indeterminate)", l.total(), l.failed, l.indeterminate);
}

// The sampled failures lost within [from, to).
std::string evidence_within(const RunResult& r, std::optional<core::Time> from, std::optional<core::Time> to) {
  std::string out;
  for (const auto& f : r.first_failures) {
    const auto t = lost_at(f.request);
    if ((!from || t >= *from) && (!to || t < *to)) out += failure_evidence(f);
  }
  return out;
}

// Where swap `i`'s stretch of the run begins and ends (reports::stretches).
std::pair<std::optional<core::Time>, std::optional<core::Time>> stretch_of(const RunResult& r, size_t i) {
  for (const auto& st : stretches(r.swaps))
    if (st.swap == static_cast<int>(i)) return {st.from, st.to};
  return {};
}

// The diagnoses of stretch `swap` (0: before the first swap), one line each.
std::string diagnoses_of(const RunResult& r, int swap) {
  std::string out;
  for (const auto& d : r.diagnoses)
    if (d.swap == swap)
      out += fmt::format("why: {}{}: {}; fix: {}\n", diagnosis_name(d), diagnosis_count(d), d.mechanism,
                         d.fix.empty() ? "-" : d.fix);
  return out;
}

// A swap fails when it lost a request (from its push until the next push) or CodeDeploy failed it;
// its body is the swap's timeline, where the requests were lost and the sampled failures among them.
Case swap_case(const std::string& suite, const RunResult& r, size_t i) {
  const auto& s = r.swaps[i];
  Case c{suite + ".swaps",
         fmt::format("swap {}: {} -> {}", s.deployment, s.old_container.empty() ? "none" : s.old_container,
                     s.new_container.empty() ? "none" : s.new_container)};
  if (s.started && s.finished) c.time = core::to_seconds(*s.finished - *s.started);
  if (s.lost.total() == 0 && s.succeeded) return c;
  c.kind = "failure";
  c.type = s.succeeded ? "failed_requests" : "deployment_failed";
  c.message =
      s.succeeded
          ? fmt::format("swap {}: {} from its push until the next push", s.deployment, lost_words(s.lost))
          : fmt::format("deployment {} failed; {} from its push until the next push", s.deployment, lost_words(s.lost));
  c.body = fmt::format("new started {}, new ready {}, traffic moved {}, old stop requested {}, old stopped {}\n",
                       at(s.new_started), at(s.new_ready), at(s.new_first_traffic), at(s.old_stop_requested),
                       at(s.old_stopped));
  if (s.lost.total())
    c.body += fmt::format("lost in: {}; outage {:.2f}s\n", phases_text(s.lost), core::to_seconds(s.lost.outage));
  c.body += diagnoses_of(r, s.deployment);
  const auto [from, to] = stretch_of(r, i);
  c.body += evidence_within(r, from, to);
  return c;
}

// Requests lost before the first push: the deployment as it stood, not a swap, lost them.
Case steady_case(const std::string& suite, const RunResult& r) {
  Case c{suite + ".swaps", "before the first swap"};
  const auto& b = r.before_first_swap;
  if (b.total() == 0) return c;
  c.kind = "failure";
  c.type = "failed_requests";
  c.message = fmt::format("before the first swap: {} in the steady state", lost_words(b));
  c.body = fmt::format("outage {:.2f}s\n", core::to_seconds(b.outage)) + diagnoses_of(r, 0) +
           evidence_within(r, std::nullopt, stretches(r.swaps).front().to);
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
  if (!r.swaps.empty() || r.before_first_swap.total() > 0) cases.push_back(steady_case(suite, r));
  for (size_t i = 0; i < r.swaps.size(); ++i) cases.push_back(swap_case(suite, r, i));
  // A run that did not complete proves nothing: one errored case says why.
  if (r.verdict == core::Verdict::error)
    cases.push_back({suite, "run", 0, "error", r.error, "harness_error", r.error + "\n"});
  int failures = 0, errors = 0;
  for (const auto& c : cases) {
    if (c.kind == "failure") ++failures;
    if (c.kind == "error") ++errors;
  }

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"bluegreen\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3f}\">\n",
                     cases.size(), failures, errors, r.wall_seconds);
  out += fmt::format(
      "  <testsuite name=\"{}\" package=\"bluegreen\" id=\"0\" hostname=\"{}\" timestamp=\"{}\" tests=\"{}\" "
      "failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{:.3f}\">\n",
      xml_escape(suite), xml_escape(options.hostname), xml_escape(options.timestamp), cases.size(), failures, errors,
      r.wall_seconds);
  out += "    <properties>\n";
  auto property = [&](const std::string& name, const std::string& value) {
    out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", xml_escape(name), xml_escape(value));
  };
  property("verdict", std::string(core::verdict_name(r.verdict)));
  property("seed", std::to_string(r.seed));
  property("time_scale", fmt::format("{}", r.time_scale));
  property("scenario_dir", r.scenario_dir);
  property("replay", r.replay_command);
  for (const auto& [k, v] : r.drawn) property("drawn." + k, v);
  out += "    </properties>\n";
  for (const auto& c : cases) out += render_case(c);
  out += fmt::format(
      "    <system-out>{}</system-out>\n",
      xml_escape(fmt::format("verdict {}; {} requests, {} failed, {} indeterminate; replay: {}\n",
                             core::verdict_name(r.verdict), r.requests, r.failed, r.indeterminate, r.replay_command)));
  out += fmt::format("    <system-err>{}</system-err>\n", xml_escape(r.error));
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace bg::reports
