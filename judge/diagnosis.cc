#include "judge/diagnosis.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace bg::judge {
namespace {

using core::Time;
using reports::Diagnosis;
using reports::SwapSummary;

// How close a request's end must be to a container's exit to have been cut by it (scenario time):
// the proxy logs the cut within milliseconds; a live run's scheduling adds a few more.
constexpr core::Duration kAtExit = std::chrono::milliseconds(150);

// What the catalogue says of each race: its title and the fix its fixed twin applies.
struct Race {
  const char* id;
  const char* title;
  const char* fix;
};
constexpr Race kRaces[] = {
    {"R01", "sleep is not readiness",
     "wait for the new color's health endpoint (or `up --wait` on a healthcheck) before downing the old one"},
    {"R02", "docker-proxy accepts before the app listens",
     "keep the new color out of the upstream until it is healthy, then reload nginx"},
    {"R03", "both peers marked failed",
     "take the old peer out by editing the upstream and reloading nginx (fresh peer state), or `max_fails=0`; "
     "or wait until traffic reaches the new color before downing the old one"},
    {"R04", "old color still in rotation while it stops",
     "take the old color out of the proxy (edit the upstream, reload) and let it drain before `down`"},
    {"R05", "no drain on SIGTERM", "a graceful shutdown (Next.js 14.1 or later) and a drain before the stop"},
    {"R06", "SIGTERM never reaches node",
     "run node as PID 1 (`CMD [\"node\", \"server.js\"]`) or `init: true`, so SIGTERM reaches it"},
    {"R07", "keep-alive timeout inversion",
     "an app keep-alive timeout longer than the proxy's idle upstream timeout (the twin sets 65 s)"},
    {"R08", "mixed-version assets (skew)",
     "no overlap for browsers (switch atomically), sticky routing, or keep every build's static files served"},
    {"R09", "non-idempotent retry", "no `non_idempotent` retries (or idempotency keys), and a drain before the stop"},
    {"R10", "`compose ps` misread", "check the state precisely: `ps --status running -q` or `--format`"},
    {"R11", "failed `up` then `down` of the only healthy color",
     "`set -euo pipefail`, and verify the new color before downing the old one"},
    {"R12", "concurrent deployments",
     "a `concurrency:` group on the workflow, with a deploy step that waits for the deployment's outcome"},
    {"R13", "`up` does not recreate", "`up -d --force-recreate`, or a new image tag per build"},
    {"R14", "config edit never reaches the proxy",
     "edit in place (or mount the folder) and check the effective upstream after the reload"},
    {"R16", "hook leaves partial state", "idempotent scripts that converge from any state"},
    {"R17", "per-worker failure state", "a readiness gate, or a config reload, instead of passive health"},
    {"R18", "upstream DNS cached", "resolve per request, or reload nginx once the recreated color is healthy"},
};

const Race& race(std::string_view id) {
  for (const auto& r : kRaces)
    if (id == r.id) return r;
  throw std::logic_error("no race " + std::string(id));
}

double sec(Time t) { return core::to_seconds(t); }
std::string at(std::optional<Time> t) { return t ? fmt::format("{:.2f}s", sec(*t)) : "never"; }
bool has(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

// The last of `times` at or before `t`.
std::optional<Time> last_at_or_before(const std::vector<Time>& times, Time t) {
  std::optional<Time> out;
  for (auto x : times)
    if (x <= t && (!out || x > *out)) out = x;
  return out;
}
bool any_within(const std::vector<Time>& times, Time from, Time to) {
  return std::any_of(times.begin(), times.end(), [&](Time x) { return x >= from && x <= to; });
}

// A unified-diff fragment for one line of the user's script.
std::string snippet(const ScriptCall& call, const std::vector<std::string>& minus,
                    const std::vector<std::string>& plus) {
  std::string out = fmt::format("--- {}:{}\n", call.script.empty() ? "your script" : call.script, call.line);
  for (const auto& m : minus) out += "-" + m + "\n";
  for (const auto& p : plus) out += "+" + p + "\n";
  return out;
}
std::string where(const ScriptCall& c) { return c.script.empty() ? "" : fmt::format(" ({}:{})", c.script, c.line); }

class Diagnoser {
 public:
  Diagnoser(const DiagnosisFacts& f, const reports::RunResult& r) : f_(f), r_(r) {}

  std::vector<Diagnosis> run() {
    for (const auto& st : reports::stretches(r_.swaps))
      diagnose_stretch(st.swap >= 0 ? &r_.swaps[static_cast<size_t>(st.swap)] : nullptr, st.from, st.to);
    whole_run();
    return std::move(out_);
  }

 private:
  // The container a peer names: by name (nginx in a container, naming hosts) or by its host port.
  std::string container_of(const std::string& peer) const {
    const auto colon = peer.rfind(':');
    if (colon == std::string::npos) return "";
    const auto host = peer.substr(0, colon);
    if (f_.containers.count(host)) return host;
    int port = 0;
    try {
      port = std::stoi(peer.substr(colon + 1));
    } catch (const std::exception&) {
      return "";
    }
    for (const auto& [name, life] : f_.containers)
      if (life.host_port == port) return name;
    return "";
  }
  const ContainerLife* life(const std::string& name) const {
    auto it = f_.containers.find(name);
    return it == f_.containers.end() ? nullptr : &it->second;
  }
  bool running_at(const std::string& name, Time t) const {
    const auto* l = life(name);
    if (!l) return false;
    auto started = last_at_or_before(l->started, t);
    if (!started) return false;
    return std::none_of(l->exits.begin(), l->exits.end(),
                        [&](const auto& e) { return e.first > *started && e.first <= t; });
  }
  // The deploy script's compose calls (v1 or v2) in a deployment, in order, with the argument `word`.
  std::vector<const ScriptCall*> compose_calls(int deployment, const char* word) const {
    std::vector<const ScriptCall*> out;
    for (const auto& c : f_.calls)
      if (c.deployment == deployment && c.is_compose() && c.has_arg(word)) out.push_back(&c);
    return out;
  }

  struct Found {
    int64_t requests = 0;
    std::string mechanism, snippet;
  };
  using Findings = std::map<std::string, Found>;  // by race

  void note(Findings& found, const char* id, std::string mechanism, std::string snip = "", int64_t n = 1) {
    auto& x = found[id];
    if (x.requests == 0 && x.mechanism.empty()) {
      x.mechanism = std::move(mechanism);
      x.snippet = std::move(snip);
    }
    x.requests += n;
  }

  // The stretch of `swap` (nullptr: the steady state), [from, to).
  void diagnose_stretch(const SwapSummary* swap, Time from, Time to) {
    stretch_from_ = from;
    std::vector<const LostFact*> lost;
    for (const auto& l : f_.lost)
      if (l.at >= from && l.at < to) lost.push_back(&l);
    if (lost.empty()) return;
    Findings found;
    int64_t unexplained = 0;
    const LostFact* first_unexplained = nullptr;
    if (!(swap && whole_stretch(*swap, static_cast<int64_t>(lost.size()), found)))
      for (const auto* l : lost)
        if (!per_request(swap, *l, found)) {
          ++unexplained;
          if (!first_unexplained) first_unexplained = l;
        }
    const int number = swap ? swap->deployment : 0;
    std::vector<Diagnosis> here;
    for (auto& [id, x] : found) {
      const auto& rc = race(id);
      here.push_back({id, rc.title, number, x.requests, std::move(x.mechanism), rc.fix, std::move(x.snippet)});
    }
    std::stable_sort(here.begin(), here.end(),
                     [](const Diagnosis& a, const Diagnosis& b) { return a.requests > b.requests; });
    if (unexplained)
      here.push_back({"", "", number, unexplained,
                      fmt::format("{} lost requests match no race of the catalogue (the first: {} {} at {:.2f}s{}); "
                                  "read them in the report's first failures",
                                  unexplained, first_unexplained->post ? "POST" : "GET", first_unexplained->cause,
                                  sec(first_unexplained->at),
                                  first_unexplained->peer.empty() ? "" : " from " + first_unexplained->peer),
                      "", ""});
    for (auto& d : here) out_.push_back(std::move(d));
  }

  // Rules that explain a swap's whole stretch.
  bool whole_stretch(const SwapSummary& s, int64_t n, Findings& found) {
    // R16: the deployment just before failed in a hook and nothing undid what it had done.
    for (const auto& p : r_.swaps)
      if (p.deployment == s.deployment - 1 && !p.succeeded && !p.deployment_error.empty() &&
          !has(p.deployment_error, "DeploymentLimitExceeded")) {
        note(found, "R16",
             fmt::format("deployment {} failed ({}) and left its state behind; this swap started from it and lost {} "
                         "requests",
                         p.deployment, p.deployment_error, n),
             "", n);
        return true;
      }
    // R11: `up` failed, and the script went on to down the old color.
    const auto ups = compose_calls(s.deployment, "up");
    for (const auto* up : ups) {
      // A retry that came up before the stop left a color serving: not this race.
      const bool retried = std::any_of(ups.begin(), ups.end(), [&](const ScriptCall* u) {
        return u->start > up->end && u->exit_code == 0 && s.old_stop_requested && u->end <= *s.old_stop_requested;
      });
      if (up->exit_code != 0 && !retried && s.old_stop_requested && *s.old_stop_requested > up->end) {
        const ScriptCall top{up->start, up->end, up->deployment, "", {}, 0, up->script, 1};
        note(found, "R11",
             fmt::format("`{}`{} failed (exit {}), and the script went on to stop {} at {}: no color was left serving",
                         up->command(), where(*up), up->exit_code, s.old_container, at(s.old_stop_requested)),
             snippet(top, {}, {"set -euo pipefail   # a failed step stops the swap before it downs the old color"}), n);
        return true;
      }
    }
    // R10: the swap recreated the color that was serving when it began, and stopped none that ran:
    // it took the live color for the idle one. (R18's swap recreates a serving color on purpose and
    // stops the other.)
    const bool stopped_a_running_color =
        !s.old_container.empty() && s.old_stop_requested &&
        running_at(s.old_container, *s.old_stop_requested - std::chrono::microseconds(1));
    if (!s.new_container.empty() && s.pushed && running_at(s.new_container, *s.pushed) && !stopped_a_running_color) {
      std::string ps, snip;
      for (const auto* c : compose_calls(s.deployment, "ps")) {
        ps = fmt::format(" (`{}`{})", c->command(), where(*c));
        if (!c->has_arg("--status"))
          snip = snippet(*c, {c->command()},
                         {c->command_with("ps", c->has_arg("-q") ? "--status running" : "--status running -q")});
        break;
      }
      note(
          found, "R10",
          fmt::format("the swap recreated {}, the color that was serving when it began: the script's check of the live "
                      "color{} read it wrong",
                      s.new_container, ps),
          snip, n);
      return true;
    }
    return false;
  }

  // Rules for one lost request, from the peer the proxy last tried for it.
  bool per_request(const SwapSummary* s, const LostFact& l, Findings& found) {
    if (has(l.cause, "404") && violated("no_version_skew")) {
      note(found, "R08",
           "pages of one build named static chunks that the other build, serving beside it, answered 404");
      return true;
    }
    // "No live upstreams": the proxy gave up for want of a peer; the peer it tried before says nothing.
    if (l.peer.empty() || has(l.cause, "no live upstreams")) return no_peer_rule(acting_swap(s, l.at), l, found);
    const auto name = container_of(l.peer);
    if (const auto* c = life(name)) {
      if (container_rule(s, l, name, *c, found)) return true;
    }
    // No peer left, or one nothing serves (a port no container publishes, as the idle color's in an
    // upstream that lists both).
    if (has(l.cause, "refused") && !running_at(name, l.at)) return no_peer_rule(acting_swap(s, l.at), l, found);
    return false;
  }

  // The last reload of the proxy between the container's start and its stop at `stop`: the script
  // meant to take it out of the upstream first.
  std::optional<Time> reload_before_stop(const ContainerLife& c, Time stop) const {
    const auto started = last_at_or_before(c.started, stop);
    std::optional<Time> reload;
    for (auto load : f_.proxy_loads)
      if (started && load > *started && load < stop && load != f_.proxy_loads.front()) reload = load;
    return reload;
  }

  bool container_rule(const SwapSummary* s, const LostFact& l, const std::string& name, const ContainerLife& c,
                      Findings& found) {
    const auto stop = last_at_or_before(c.stop_requested, l.end);
    for (const auto& [exit_at, code] : c.exits) {
      if (exit_at < l.end - kAtExit || exit_at > l.end + kAtExit) continue;
      // R06: killed at the end of the grace period, the requests in flight with it.
      if (code == 137 && stop && *stop < exit_at) {
        note(found, "R06",
             fmt::format("{} did not stop on SIGTERM (asked at {:.2f}s; its app: {}) and was killed (exit 137) at "
                         "{:.2f}s, the end of its grace period, cutting the requests in flight ({})",
                         name, sec(*stop), c.sigterm.empty() ? "unknown" : c.sigterm, sec(exit_at), l.cause));
        return true;
      }
      // R05: an app that exits at once on SIGTERM cut the requests it was serving, after a reload
      // had taken it out of the upstream (too short a drain). Without that reload it was still in
      // rotation as it stopped: R04.
      if (stop && *stop >= l.start && c.sigterm == "exit_immediately" && !reload_before_stop(c, *stop)) {
        note(found, "R04",
             fmt::format("{} was still in the upstream when it was stopped at {:.2f}s: its app exits at once on "
                         "SIGTERM and cut the requests it was serving ({})",
                         name, sec(*stop), l.cause),
             drain_snippet(s));
        return true;
      }
      if (stop && *stop >= l.start && c.sigterm == "exit_immediately") {
        note(found, "R05",
             fmt::format("{}'s app exits at once on SIGTERM: stopped at {:.2f}s, it cut the requests it was still "
                         "serving ({})",
                         name, sec(*stop), l.cause));
        return true;
      }
    }
    // R14 / R04: sent to a color whose stop had been asked for, and which had not started again.
    const auto stop_before = last_at_or_before(c.stop_requested, l.start);
    const auto started = last_at_or_before(c.started, l.start);
    if (stop_before && (!started || *started < *stop_before)) {
      if (auto reload = reload_before_stop(c, *stop_before)) {
        note(found, "R14",
             fmt::format("nginx was reloaded at {:.2f}s, yet went on sending requests to {} after its stop at {:.2f}s "
                         "({}): the edit before the reload did not take it out of the upstream",
                         sec(*reload), name, sec(*stop_before), l.cause),
             reload_check_snippet(s));
        return true;
      }
      note(found, "R04",
           fmt::format("the proxy still sent requests to {} after its stop was asked for at {:.2f}s ({}): it was never "
                       "taken out of the upstream",
                       name, sec(*stop_before), l.cause),
           drain_snippet(s));
      return true;
    }
    // R02: sent to a color that had started but whose app did not listen yet.
    if (started && !any_within(c.ready, *started, l.start) &&
        (has(l.cause, "prematurely closed") || has(l.cause, "refused"))) {
      note(found, "R02",
           fmt::format("the proxy sent requests to {} after it started ({:.2f}s) and before its app was ready: its "
                       "published port accepted and closed them ({})",
                       name, sec(*started), l.cause));
      return true;
    }
    // R07: closed under the request by a color that was up, ready and not stopping.
    if (started && any_within(c.ready, *started, l.start) && !(stop && *stop >= *started) &&
        has(l.cause, "prematurely closed")) {
      note(
          found, "R07",
          fmt::format("{} was up and ready, yet the proxy's reused connection to it closed under the request ({}): the "
                      "app's keep-alive timeout ran out before the proxy stopped reusing the connection",
                      name, l.cause));
      return true;
    }
    return false;
  }

  // The swap whose old color's stop last came before `t`: a stretch's early failures may still be
  // the previous swap's doing (its new color marked failed, its old one gone).
  const SwapSummary* acting_swap(const SwapSummary* s, Time t) const {
    if (s && s->old_stop_requested && *s->old_stop_requested <= t) return s;
    const SwapSummary* best = nullptr;
    for (const auto& x : r_.swaps)
      if (x.old_stop_requested && *x.old_stop_requested <= t &&
          (!best || *x.old_stop_requested > *best->old_stop_requested))
        best = &x;
    return best ? best : s;
  }

  bool no_peer_rule(const SwapSummary* s, const LostFact& l, Findings& found) {
    const auto load = last_at_or_before(f_.proxy_loads, l.at);
    // R18: a peer the config names by container, recreated since the proxy resolved the name.
    for (const auto& d : f_.peer_downs) {
      if (d.at > l.at) break;
      if (d.at < stretch_from_) continue;
      const auto host = d.peer.substr(0, d.peer.rfind(':'));
      const auto* c = life(host);
      if (!c || !load) continue;
      // The container was recreated after the load and before this request, so the address nginx
      // holds is stale. It went stale when the instance nginx resolved went down (a force-recreate
      // stops it first), so a mark from then on is of the dead address: made in the gap before the
      // recreation or after it, it is the same address, refused again once per fail_timeout.
      const auto created = last_at_or_before(c->created, l.at);
      if (!created || *created <= *load) continue;
      std::optional<Time> went_down;
      for (const auto& [exit_at, code] : c->exits)
        if (exit_at > *load && exit_at <= *created && (!went_down || exit_at < *went_down)) went_down = exit_at;
      if (d.at >= (went_down ? *went_down : *created)) {
        note(found, "R18",
             fmt::format("nginx resolved {} when it loaded its configuration at {:.2f}s; the container was recreated "
                         "at {:.2f}s with a new address, which nginx never learned ({})",
                         host, sec(*load), sec(*created), l.cause),
             s ? reload_after_up_snippet(*s) : "");
        return true;
      }
    }
    // R17: several workers, each marking the same peer failed for itself.
    if (f_.proxy_workers > 1) {
      std::map<std::string, std::set<int>> workers;
      for (const auto& d : f_.peer_downs)  // a worker marks the peer as it fails the request
        if (d.at >= stretch_from_ && d.at <= l.at + kAtExit) workers[d.peer].insert(d.worker);
      for (const auto& [peer, w] : workers)
        if (w.size() > 1) {
          note(found, "R17",
               fmt::format("nginx runs {} workers without a shared zone: {} of them each marked {} failed on its own "
                           "failed request, so failures grow with the workers ({})",
                           f_.proxy_workers, w.size(), peer, l.cause));
          return true;
        }
    }
    if (!s || !s->old_stop_requested || l.at < *s->old_stop_requested) return false;
    // R01: the old color was downed before the new one was ready.
    if (!s->new_ready || l.at < *s->new_ready) {
      note(found, "R01",
           fmt::format("{} was asked to stop at {}, before {} was ready ({}): the script's wait{} is not readiness, "
                       "and requests failed meanwhile ({})",
                       s->old_container, at(s->old_stop_requested),
                       s->new_container.empty() ? "the new color" : s->new_container, at(s->new_ready), sleep_text(*s),
                       l.cause),
           readiness_snippet(*s));
      return true;
    }
    // R03: the new color was ready, but the proxy still held its peer failed.
    // Marks since the new color's last exit: made while it was down (the mechanism: its port refused
    // the proxy before it started) or since. An earlier life's marks say nothing of now.
    std::optional<PeerDown> marked;
    std::optional<Time> last_exit;
    if (const auto* new_life = life(s->new_container))
      for (const auto& e : new_life->exits)
        if (e.first <= l.at && (!last_exit || e.first > *last_exit)) last_exit = e.first;
    for (const auto& d : f_.peer_downs) {
      if (d.at > l.at) break;
      if ((!last_exit || d.at >= *last_exit) && container_of(d.peer) == s->new_container) marked = d;
    }
    if (marked) {
      note(found, "R03",
           fmt::format("{} was ready at {}, but nginx had marked its peer {} failed at {:.2f}s and probes a failed "
                       "peer only once per fail_timeout; with {} stopped ({}), no peer was live ({})",
                       s->new_container, at(s->new_ready), marked->peer, sec(marked->at), s->old_container,
                       at(s->old_stopped ? s->old_stopped : s->old_stop_requested), l.cause),
           drain_snippet(*s));
      return true;
    }
    return false;
  }

  // The script's fixed wait before the old color's stop, as written: " (`sleep 10`, script:line)".
  // The script's last `sleep` before the old color's stop: the wait meant as readiness.
  const ScriptCall* sleep_before_stop(const SwapSummary& s) const {
    const ScriptCall* out = nullptr;
    for (const auto& c : f_.calls)
      if (c.deployment == s.deployment && c.program == "sleep" && s.old_stop_requested &&
          c.end <= *s.old_stop_requested)
        out = &c;
    return out;
  }
  std::string sleep_text(const SwapSummary& s) const {
    const auto* c = sleep_before_stop(s);
    return c ? fmt::format(" (`{}`{})", c->command(), where(*c)) : "";
  }
  const ScriptCall* old_down_call(const SwapSummary& s) const {
    for (const auto& c : f_.calls)
      if (c.deployment == s.deployment && c.is_compose() && (c.has_arg("down") || c.has_arg("stop"))) return &c;
    return nullptr;
  }
  std::string readiness_snippet(const SwapSummary& s) const {
    const auto* c = sleep_before_stop(s);
    if (!c) return "";
    return snippet(
        *c, {c->command()},
        {"until curl -fsS --max-time 2 \"http://localhost:$NEW_PORT/api/health\" >/dev/null; do sleep 1; done"});
  }
  std::string drain_snippet(const SwapSummary* s) const { return s ? drain_snippet(*s) : ""; }
  std::string drain_snippet(const SwapSummary& s) const {
    const auto* down = old_down_call(s);
    if (!down) return "";
    return snippet(*down, {down->command()},
                   {"echo \"server localhost:$NEW_PORT;\" > /etc/nginx/upstream.conf   # the new color only",
                    "nginx -t && nginx -s reload   # fresh peer state, the old color out of rotation",
                    "sleep 5                       # requests in flight on the old color finish", down->command()});
  }
  std::string reload_check_snippet(const SwapSummary* s) const {
    if (!s) return "";
    for (const auto& c : f_.calls)
      if (c.deployment == s->deployment && c.program == "nginx")
        return snippet(
            c, {c.command()},
            {c.command(),
             "grep -q \"localhost:$NEW_PORT\" /etc/nginx/upstream.conf || { echo \"upstream not switched\" >&2; "
             "exit 1; }"});
    return "";
  }
  std::string reload_after_up_snippet(const SwapSummary& s) const {
    for (const auto* up : compose_calls(s.deployment, "up"))
      return snippet(*up, {up->command()},
                     {up->command(), "# once the new color is healthy: nginx re-resolves the recreated container",
                      "docker exec nginx nginx -s reload"});
    return "";
  }

  bool violated(const char* invariant) const {
    return std::any_of(r_.invariants.begin(), r_.invariants.end(),
                       [&](const auto& i) { return i.name == invariant && !i.held; });
  }

  // Races that lose no request, or not only: judged over the whole run.
  void whole_run() {
    for (const auto& s : r_.swaps)
      if (!s.succeeded && has(s.deployment_error, "DeploymentLimitExceeded")) {
        const auto& rc = race("R12");
        out_.push_back(
            {"R12", rc.title, s.deployment, 0,
             fmt::format("deployment {} was refused while another ran ({}): its push's build never served",
                         s.deployment, s.deployment_error.substr(0, s.deployment_error.find(':'))),
             rc.fix,
             "--- .github/workflows/deploy.yml\n+concurrency:\n+  group: deploy\n+  cancel-in-progress: false\n"});
      }
    if (violated("new_build_serves") || violated("no_version_regression"))
      for (const auto& s : r_.swaps) {
        const auto* c = life(s.new_container);
        if (!c || !s.new_started) continue;
        // A start with no create since the container last ran: compose started the leftover.
        const auto created = last_at_or_before(c->created, *s.new_started);
        std::optional<Time> previous_start;
        for (auto t : c->started)
          if (t < *s.new_started && (!previous_start || t > *previous_start)) previous_start = t;
        if (!previous_start || (created && *created > *previous_start)) continue;
        const auto& rc = race("R13");
        std::string up_text, snip;
        for (const auto* up : compose_calls(s.deployment, "up")) {
          up_text = fmt::format(" (`{}`{})", up->command(), where(*up));
          snip = snippet(*up, {up->command()}, {up->command_without("--no-recreate") + " --force-recreate"});
          break;
        }
        out_.push_back({"R13", rc.title, s.deployment, 0,
                        fmt::format("compose started {}'s existing container at {:.2f}s instead of recreating it{}: "
                                    "the build it had before kept serving",
                                    s.new_container, sec(*s.new_started), up_text),
                        rc.fix, snip});
      }
    if (violated("post_at_most_once")) {
      // One diagnosis per stretch that executed a POST twice, from the second executions' times (a
      // POST answered but never executed also breaks the invariant; that is not this race).
      const auto all = reports::stretches(r_.swaps);
      std::map<int, std::pair<int64_t, Time>> by_swap;  // swap -> (POSTs run twice, the first such)
      for (auto t : f_.duplicate_posts) {
        const auto& st = reports::stretch_at(all, t);
        const int swap = st.swap >= 0 ? r_.swaps[static_cast<size_t>(st.swap)].deployment : 0;
        auto [it, first] = by_swap.try_emplace(swap, 0, t);
        ++it->second.first;
      }
      const auto& rc = race("R09");
      for (const auto& [swap, x] : by_swap)
        out_.push_back(
            {"R09", rc.title, swap, 0,
             fmt::format("{} POST{} that reached a backend as it stopped {} sent again to the other color and "
                         "executed twice, the first at {:.2f}s (post_at_most_once): the proxy retries "
                         "non-idempotent requests",
                         x.first, x.first == 1 ? "" : "s", x.first == 1 ? "was" : "were", sec(x.second)),
             rc.fix, ""});
    }
  }

  const DiagnosisFacts& f_;
  const reports::RunResult& r_;
  std::vector<Diagnosis> out_;
  Time stretch_from_{};  // the start of the stretch being diagnosed
};

}  // namespace

std::vector<Diagnosis> diagnose(const DiagnosisFacts& facts, const reports::RunResult& r) {
  return Diagnoser(facts, r).run();
}

}  // namespace bg::judge
