#include "core/events_json.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bg::core {
namespace {

// The kind a JSON string names; an unknown word throws, naming `field` and the word, so that a history
// from a newer bluegreen or an edited one is refused rather than read as some other kind.
template <typename Kind>
Kind kind_from_json(const nlohmann::json& j, std::optional<Kind> (*parse)(std::string_view), const char* field,
                    const char* what) {
  const auto name = j.get<std::string>();
  if (const auto kind = parse(name)) return *kind;
  throw std::invalid_argument("field \"" + std::string(field) + "\": unknown " + what + " \"" + name + "\"");
}

// The struct's default kind stands in for a missing field (NLOHMANN_..._WITH_DEFAULT), which would turn
// a record without its kind into an event it does not say happened: refused like an unknown kind.
void require_kind(const nlohmann::json& j, const std::string& type, const char* field) {
  if (!j.contains(field)) throw std::invalid_argument(type + " event has no \"" + field + "\" field");
}

}  // namespace

void to_json(nlohmann::json& j, ContainerWhat w) { j = container_what_name(w); }
void from_json(const nlohmann::json& j, ContainerWhat& w) {
  w = kind_from_json(j, parse_container_what, "what", "container event kind");
}
void to_json(nlohmann::json& j, AppWhat w) { j = app_what_name(w); }
void from_json(const nlohmann::json& j, AppWhat& w) { w = kind_from_json(j, parse_app_what, "what", "app event kind"); }
void to_json(nlohmann::json& j, ProxyEventKind k) { j = proxy_event_kind_name(k); }
void from_json(const nlohmann::json& j, ProxyEventKind& k) {
  k = kind_from_json(j, parse_proxy_event_kind, "kind", "proxy event kind");
}
void to_json(nlohmann::json& j, DeployEventKind k) { j = deploy_event_kind_name(k); }
void from_json(const nlohmann::json& j, DeployEventKind& k) {
  k = kind_from_json(j, parse_deploy_event_kind, "kind", "deploy event kind");
}

nlohmann::json event_to_json(const Event& e) {
  nlohmann::json j;
  std::visit([&](const auto& ev) { j = ev; }, e);
  j["type"] = event_type_name(e);
  return j;
}

Event event_from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("type")) throw std::invalid_argument("event has no \"type\" field");
  const std::string type = j.at("type").get<std::string>();
  if (type == "container" || type == "app") require_kind(j, type, "what");
  if (type == "proxy" || type == "deploy") require_kind(j, type, "kind");
  if (type == "request") return j.get<RequestEvent>();
  if (type == "container") return j.get<ContainerEvent>();
  if (type == "app") return j.get<AppEvent>();
  if (type == "shim") return j.get<ShimEvent>();
  if (type == "proxy") return j.get<ProxyEvent>();
  if (type == "deploy") {
    auto d = j.get<DeployEvent>();
    // A phase's detail is a kind of its own (HarnessPhase): an unknown one is refused like any kind.
    if (d.kind == DeployEventKind::phase && !parse_harness_phase_detail(d.detail))
      throw std::invalid_argument("field \"detail\": unknown harness phase \"" + d.detail + "\"");
    return d;
  }
  throw std::invalid_argument("unknown event type \"" + type + "\"");
}

}  // namespace bg::core
