#include "judge/diagnosis_facts.h"

#include <algorithm>
#include <regex>

#include "reports/run_result.h"

namespace bg::judge {
using core::AppWhat;
using core::ContainerWhat;
using core::ProxyEventKind;

namespace {

// Peer verdicts kept: one per worker per peer per fail_timeout, so a long broken run makes many;
// diagnosis reads only whether and when some happened.
constexpr size_t kMaxPeerDowns = 4096;

// How long after a POST's first execution a retry may still run it again: the proxy's retries
// (proxy_next_upstream_timeout, unlimited by default, but bounded by the request's own timeouts)
// end within the client's timeout, which no scenario sets beyond a minute.
constexpr core::Duration kRetryHorizon = std::chrono::seconds(120);

bool is_script_program(const std::string& p) {
  return p == "docker-compose" || p == "docker" || p == "sleep" || p == "nginx";
}

}  // namespace

std::string ScriptCall::command() const {
  std::string out = program;
  for (const auto& a : args) out += " " + a;
  return out;
}

bool ScriptCall::is_compose() const {
  return program == "docker-compose" || (program == "docker" && !args.empty() && args.front() == "compose");
}

bool ScriptCall::has_arg(const char* word) const { return std::find(args.begin(), args.end(), word) != args.end(); }

std::string ScriptCall::command_with(const char* after, const std::string& words) const {
  std::string out = program;
  bool added = false;
  for (const auto& a : args) {
    out += " " + a;
    if (!added && a == after) {
      out += " " + words;
      added = true;
    }
  }
  return out;
}

std::string ScriptCall::command_without(const char* word) const {
  std::string out = program;
  for (const auto& a : args)
    if (a != word) out += " " + a;
  return out;
}

void DiagnosisFacts::observe(const core::Entry& entry) {
  if (auto* c = std::get_if<core::ContainerEvent>(&entry.event)) {
    auto& life = containers[c->container];
    if (c->what == ContainerWhat::created)
      life.created.push_back(c->at);
    else if (c->what == ContainerWhat::started)
      life.started.push_back(c->at);
    else if (c->what == ContainerWhat::stop_requested)
      life.stop_requested.push_back(c->at);
    else if (c->what == ContainerWhat::exited)
      life.exits.emplace_back(c->at, c->exit_code);
    else if (c->what == ContainerWhat::port_published) {
      // "0.0.0.0:3001->3000/tcp": the host side is what the proxy dials.
      static const std::regex host_port(R"(:(\d+)->)");
      std::smatch m;
      if (std::regex_search(c->detail, m, host_port)) life.host_port = std::stoi(m[1]);
    }
  } else if (auto* a = std::get_if<core::AppEvent>(&entry.event)) {
    if (a->what == AppWhat::execution && a->request_id != 0) {
      // Only POSTs carry a request id on their execution (checker_post_at_most_once.cc).
      auto [it, first] = post_executions_.try_emplace(a->request_id, a->at);
      if (!first) duplicate_posts.push_back(a->at);
      if (++observed_ % 4096 == 0)
        std::erase_if(post_executions_, [&](const auto& kv) { return kv.second + kRetryHorizon < a->at; });
      return;
    }
    auto& life = containers[a->container];
    if (a->what == AppWhat::ready) life.ready.push_back(a->at);
    if (a->what == AppWhat::starting)
      if (auto at = a->detail.find("sigterm="); at != std::string::npos)
        life.sigterm = a->detail.substr(at + 8, a->detail.find(' ', at) - at - 8);
  } else if (auto* p = std::get_if<core::ProxyEvent>(&entry.event)) {
    if (p->kind == ProxyEventKind::started || p->kind == ProxyEventKind::reload) proxy_loads.push_back(p->at);
    if (p->kind == ProxyEventKind::started) {
      static const std::regex workers(R"(worker processes \((\d+)\))");
      std::smatch m;
      if (std::regex_search(p->message, m, workers)) proxy_workers = std::stoi(m[1]);
    }
    if (p->kind == ProxyEventKind::peer_down && peer_downs.size() < kMaxPeerDowns)
      peer_downs.push_back({p->at, p->worker, p->peer});
  } else if (auto* s = std::get_if<core::ShimEvent>(&entry.event)) {
    if (is_script_program(s->program))
      calls.push_back({s->start, s->end, s->deployment, s->program, s->args, s->exit_code, s->script, s->line});
  }
}

void DiagnosisFacts::failed(const reports::JoinedFailure& f) {
  LostFact l{f.request.start, f.request.end, reports::lost_at(f.request), f.request.method == "POST", f.cause(), ""};
  for (auto it = f.error_log.rbegin(); it != f.error_log.rend(); ++it)
    if (!it->peer.empty()) {
      l.peer = it->peer;
      break;
    }
  lost.push_back(std::move(l));
}

}  // namespace bg::judge
