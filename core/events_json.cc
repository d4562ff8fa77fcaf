#include "core/events_json.h"

#include <stdexcept>
#include <string>

namespace bg::core {

nlohmann::json event_to_json(const Event& e) {
  nlohmann::json j;
  std::visit([&](const auto& ev) { j = ev; }, e);
  j["type"] = event_type_name(e);
  return j;
}

Event event_from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("type")) throw std::invalid_argument("event has no \"type\" field");
  const std::string type = j.at("type").get<std::string>();
  if (type == "request") return j.get<RequestEvent>();
  if (type == "container") return j.get<ContainerEvent>();
  if (type == "app") return j.get<AppEvent>();
  if (type == "shim") return j.get<ShimEvent>();
  if (type == "proxy") return j.get<ProxyEvent>();
  if (type == "deploy") return j.get<DeployEvent>();
  throw std::invalid_argument("unknown event type \"" + type + "\"");
}

}  // namespace bg::core
