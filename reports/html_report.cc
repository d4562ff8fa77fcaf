#include "reports/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "reports/html_style.h"
#include "reports/svg_charts.h"
#include "reports/timeline_model.h"
#include "reports/xml_text.h"

namespace bg::reports {
namespace {

std::string esc(std::string_view s) { return xml_escape(s); }

std::string at(const std::optional<core::Time>& t) {
  return t ? fmt::format("{:.2f}s", core::to_seconds(*t)) : "<span class=\"none\">—</span>";
}

std::string swatch(const std::string& color) {
  return fmt::format("<i class=\"sw\" style=\"background:{}\"></i>", color);
}

std::string header(const RunResult& r) {
  std::string out = fmt::format(
      "<header class=\"{}\"><div><div class=\"kicker\">bluegreen · zero-downtime report</div>"
      "<h1>{}</h1><div class=\"sub\">{}</div></div><div class=\"verdict\" id=\"verdict\">{}</div></header>\n",
      core::verdict_name(r.verdict), esc(r.scenario), esc(r.scenario_dir), core::verdict_headline(r.verdict));
  if (r.expected_verdict)
    out += fmt::format("<p class=\"expect {}\">Expected {}{} — {}.</p>\n", r.as_expected ? "ok" : "bad",
                       core::verdict_name(*r.expected_verdict),
                       r.expected_invariant.empty() ? "" : " (" + esc(r.expected_invariant) + ")",
                       r.as_expected ? "as expected" : "<b>not as expected</b>");
  if (!r.interrupted.empty())
    out += fmt::format(
        "<p class=\"expect bad\" id=\"interrupted\">Interrupted by <b>{}</b>: the run was stopped "
        "early, in order; nothing is concluded from it.</p>\n",
        esc(r.interrupted));
  if (!r.error.empty()) out += fmt::format("<pre class=\"error\">{}</pre>\n", esc(r.error));
  return out;
}

std::string tiles(const RunResult& r) {
  core::Duration mixed{};
  for (const auto& s : r.swaps)
    if (s.mixed_from && s.mixed_to && *s.mixed_to > *s.mixed_from) mixed = std::max(mixed, *s.mixed_to - *s.mixed_from);
  auto tile = [](const std::string& value, const char* label, bool bad = false) {
    return fmt::format("<div class=\"tile{}\"><b>{}</b><span>{}</span></div>", bad ? " bad" : "", value, label);
  };
  return "<div class=\"tiles\">" + tile(std::to_string(r.requests), "requests") + tile(std::to_string(r.ok), "ok") +
         tile(std::to_string(r.failed), "failed", r.failed > 0) +
         tile(std::to_string(r.indeterminate), "indeterminate", r.indeterminate > 0) +
         tile(fmt::format("{:.2f}s", core::to_seconds(r.outage)), "outage (all failing)", r.outage.count() > 0) +
         tile(std::to_string(r.swaps.size()), "swaps") +
         tile(fmt::format("{:.2f}s", core::to_seconds(mixed)), "longest mixed-version window") + "</div>\n";
}

std::string invariant_table(const RunResult& r) {
  if (r.invariants.empty()) return "<p>Invariants not judged: the run did not complete.</p>\n";
  std::string out =
      "<table id=\"invariants\"><tr><th>invariant</th><th>verdict</th><th>violations</th><th>summary and "
      "evidence</th></tr>\n";
  for (const auto& inv : r.invariants) {
    std::string evidence;
    for (size_t i = 0; i < inv.evidence.size() && i < 3; ++i) evidence += "<li>" + esc(inv.evidence[i]) + "</li>";
    if (inv.evidence.size() > 3) {
      evidence += fmt::format("<li><details><summary>{} more</summary><ul>", inv.evidence.size() - 3);
      for (size_t i = 3; i < inv.evidence.size(); ++i) evidence += "<li>" + esc(inv.evidence[i]) + "</li>";
      evidence += "</ul></details></li>";
    }
    out += fmt::format(
        "<tr><td><code>{}</code></td><td><span class=\"pill {}\">{}</span></td><td class=\"num\">{}</td>"
        "<td>{}{}</td></tr>\n",
        esc(inv.name), inv.held ? "held" : "violated", inv.held ? "held" : "violated", inv.violations, esc(inv.summary),
        evidence.empty() ? "" : "<ul class=\"evidence\">" + evidence + "</ul>");
  }
  return out + "</table>\n";
}

std::string legend(const TimelineModel& m) {
  std::string out = "<div class=\"legend\">";
  for (const auto& s : m.series)
    out +=
        fmt::format("<span>{}{} <small>{}</small></span>", swatch(series_color(s)), esc(s.container), esc(s.build_id));
  for (size_t i = 0; i < m.failure_classes.size(); ++i)
    out += fmt::format("<span class=\"fail\">{}{} <small>×{}</small></span>", swatch(failure_color(i)),
                       esc(m.failure_classes[i]), m.failure_counts[i]);
  out += "</div><div class=\"legend\">";
  for (auto p : kPhaseLanes) out += fmt::format("<span>{}{}</span>", swatch(phase_color(p)), phase_label(p));
  return out + "<span class=\"note\">dashed line: a deployment begins</span></div>\n";
}

std::string charts(const TimelineModel& m) {
  if (m.empty()) return "<section><h2>Timeline</h2><p>No requests in the history: nothing to chart.</p></section>\n";
  std::string out =
      "<section><h2>Timeline</h2><p class=\"hint\">Requests per time bucket by the build that served "
      "them (stacked), failed requests in red by class, and each swap's phases (lanes above; the "
      "same phases shade the chart). Hover a bar or mark for details.</p>\n";
  out += legend(m) + "<div class=\"chart\">" + timeline_svg(m) + "</div></section>\n";
  out += "<section><h2>Latency</h2><div class=\"legend\"><span>" + swatch("#263238") + "p50</span><span>" +
         swatch("#e65100") +
         "p99</span><span class=\"note\">per time bucket, log scale, shaded by swap phase</span></div>";
  out += "<div class=\"chart\">" + latency_svg(m) + "</div>\n";
  out += "<div class=\"legend\"><span>" + swatch("#78909c") + "ok</span><span>" + swatch("#d32f2f") +
         "failed or indeterminate</span></div><div class=\"chart\">" + histogram_svg(m) + "</div></section>\n";
  return out;
}

// A stretch's lost requests: the count as the row shows it, with the numbers as data for tools.
std::string lost_cell(const Losses& l) {
  return fmt::format("<td class=\"num{}\" data-failed=\"{}\" data-indeterminate=\"{}\">{}</td>",
                     l.total() ? " bad" : "", l.failed, l.indeterminate, esc(lost_text(l)));
}

std::string swap_table(const RunResult& r) {
  const auto& b = r.before_first_swap;
  // A run without swaps that lost requests still shows where: its steady-state row.
  if (r.swaps.empty() && b.none()) return "";
  std::string out =
      "<section><h2>Swaps</h2><table id=\"swaps\"><tr><th>swap</th><th>old → new</th><th>new started</th>"
      "<th>new ready</th><th>traffic moved</th><th>old stop</th><th>old stopped</th>"
      "<th>mixed-version window</th><th>outage</th><th>failed</th><th>lost in</th><th>deployment</th></tr>\n";
  if (!b.none())
    out += fmt::format(
        "<tr><td>before 1</td><td colspan=\"7\">steady state, before the first push</td>"
        "<td class=\"num\">{:.2f}s</td>{}<td>—</td><td></td></tr>\n",
        core::to_seconds(b.outage), lost_cell(b));
  for (const auto& s : r.swaps) {
    const bool mixed = s.mixed_from && s.mixed_to && *s.mixed_to > *s.mixed_from;
    out += fmt::format(
        "<tr><td class=\"num\">{}</td><td>{} → {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td class=\"num\">{:.2f}s</td>{}<td>{}</td><td>{}</td></tr>\n",
        s.deployment, esc(s.old_container.empty() ? "—" : s.old_container),
        esc(s.new_container.empty() ? "—" : s.new_container), at(s.new_started), at(s.new_ready),
        at(s.new_first_traffic), at(s.old_stop_requested), at(s.old_stopped),
        mixed ? fmt::format("{:.2f}s", core::to_seconds(*s.mixed_to - *s.mixed_from)) : "0.00s",
        core::to_seconds(s.lost.outage), lost_cell(s.lost), s.lost.total() ? esc(phases_text(s.lost)) : "—",
        s.succeeded ? "succeeded" : "<span class=\"pill violated\">failed</span>");
  }
  return out +
         "</table><p class=\"hint\">Scenario seconds since the run began. Traffic moved: the new color's "
         "first successful response. Mixed-version window: first new-build to last old-build response. A "
         "swap's outage and failed requests are those from its push until the next push; lost in: the phase "
         "each was lost in.</p></section>\n";
}

std::string diagnoses(const RunResult& r) {
  if (r.diagnoses.empty()) return "";
  std::string out = "<section><h2>Why</h2><ul class=\"diagnoses\">\n";
  for (const auto& d : r.diagnoses) {
    out += fmt::format("<li><b>{}: {}</b>{}: {}.", esc(stretch_name(d.swap)), esc(diagnosis_name(d)),
                       diagnosis_count(d), esc(d.mechanism));
    if (!d.fix.empty()) out += fmt::format(" <i>Fix:</i> {}.", esc(d.fix));
    if (!d.snippet.empty()) out += fmt::format("<pre class=\"log\">{}</pre>", esc(d.snippet));
    out += "</li>\n";
  }
  return out +
         "</ul><p class=\"hint\">Races of the catalogue (docs/races.md) whose mechanism the history shows, "
         "by swap, the one explaining most lost requests first.</p></section>\n";
}

std::string failure_card(const FailureSample& f, const std::vector<core::ProxyEvent>& access) {
  const auto& q = f.request;
  std::string out = fmt::format(
      "<div class=\"failure\"><div class=\"what\"><b>#{}</b> <code>{} {}</code> sent {:.3f}s (intended {:.3f}s), "
      "{} after {}: <b class=\"cause\">{}</b></div>\n",
      q.id, esc(q.method), esc(q.path), core::to_seconds(q.start), core::to_seconds(q.intended),
      q.outcome == core::Outcome::info ? "indeterminate" : "failed", format_latency(q.end - q.start), esc(f.cause));
  for (const auto& a : access)
    out += fmt::format(
        "<div class=\"attempts\">proxy answered {} after {} upstream attempt{} (upstream status {})</div>\n", a.status,
        a.attempts, a.attempts == 1 ? "" : "s", esc(a.upstream_status.empty() ? "—" : a.upstream_status));
  if (!f.proxy_log.empty()) {
    out += "<pre class=\"log\">";
    for (const auto& line : f.proxy_log) out += esc(line) + "\n";
    out += "</pre>\n";
  }
  if (!f.containers.empty()) {
    out += "<div class=\"containers\">containers then: ";
    for (const auto& c : f.containers) out += "<span>" + esc(c) + "</span>";
    out += "</div>\n";
  }
  return out + "</div>\n";
}

std::string first_failures(const RunResult& r, const HtmlHistory& history) {
  if (r.first_failures.empty()) return "";
  std::string out = fmt::format(
      "<section id=\"failures\"><h2>First failed requests</h2><p class=\"hint\">The first {} "
      "failures, with the proxy's error log for each and every container's state at "
      "that instant.</p>\n",
      r.first_failures.size());
  static const std::vector<core::ProxyEvent> none;
  for (const auto& f : r.first_failures) {
    auto it = history.access.find(f.request.id);
    out += failure_card(f, it == history.access.end() ? none : it->second);
  }
  return out + "</section>\n";
}

std::string reproduce(const RunResult& r, bool have_history) {
  std::string out = fmt::format(
      "<section id=\"replay\"><h2>Reproduce</h2><p>Seed <b>{}</b> · time scale {} · wall time {:.1f}s</p>"
      "<pre class=\"cmd\">{}</pre>\n",
      r.seed, r.time_scale, r.wall_seconds,
      esc(r.replay_command.empty() ? "(no replay command recorded)" : r.replay_command));
  if (!r.drawn.empty()) {
    out += "<table class=\"drawn\"><tr><th>drawn from the seed</th><th>value</th></tr>";
    for (const auto& [k, v] : r.drawn)
      out += fmt::format("<tr><td><code>{}</code></td><td>{}</td></tr>", esc(k), esc(v));
    out += "</table>\n";
  }
  out += fmt::format("<p class=\"hint\">History: <code>{}</code>{}</p></section>\n",
                     esc(r.history_path.empty() ? "(not saved)" : r.history_path),
                     have_history ? "" : " — not available to this report, so the charts are missing.");
  return out;
}

std::string failure_classes(const RunResult& r, const TimelineModel& m) {
  if (r.failures_by_class.empty()) return "";
  std::string out = "<table id=\"classes\"><tr><th>failure class</th><th>requests</th></tr>";
  for (const auto& [cls, n] : r.failures_by_class) {
    // The chart's color for this class (failures_by_class prefixes the method: "GET 502 ...").
    std::string color;
    for (size_t i = 0; i < m.failure_classes.size(); ++i)
      if (cls.size() > m.failure_classes[i].size() && cls.ends_with(" " + m.failure_classes[i]))
        color = failure_color(i);
    out +=
        fmt::format("<tr><td>{}{}</td><td class=\"num\">{}</td></tr>", color.empty() ? "" : swatch(color), esc(cls), n);
  }
  return out + "</table>\n";
}

}  // namespace

HtmlHistory read_html_history(const RunResult& r, const core::EntrySource& source) {
  HtmlHistory h;
  std::set<uint64_t> wanted;
  for (const auto& f : r.first_failures) wanted.insert(f.request.id);
  TimelineBuilder builder(r);
  source([&](const core::Entry& e) { builder.scan(e); });
  builder.end_scan();
  source([&](const core::Entry& e) {
    builder.fill(e);
    if (auto* p = std::get_if<core::ProxyEvent>(&e.event))
      if (p->kind == core::ProxyEventKind::access_log && p->request_id && wanted.count(p->request_id))
        h.access[p->request_id].push_back(*p);
  });
  h.timeline = builder.finish();
  h.available = true;
  return h;
}

std::string render_html(const RunResult& r, const HtmlHistory& history) {
  const auto& model = history.timeline;
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>bluegreen {}: {}</title>\n"
      "<style>{}</style></head>\n<body><main>\n",
      esc(r.scenario), core::verdict_headline(r.verdict), html_style());
  out += header(r) + tiles(r) + "<section><h2>Invariants</h2>" + invariant_table(r) + failure_classes(r, model) +
         "</section>\n";
  out += charts(model) + swap_table(r) + diagnoses(r) + first_failures(r, history) + reproduce(r, history.available);
  out +=
      "<footer>Times are scenario seconds: what the deploy files say, whatever the run's time scale made them "
      "take. Generated by bluegreen.</footer>\n</main></body></html>\n";
  return out;
}

std::string to_html(const RunResult& r, const std::vector<core::Entry>& entries) {
  HtmlHistory history = read_html_history(r, core::memory_source(entries));
  history.available = !entries.empty();
  return render_html(r, history);
}

}  // namespace bg::reports
