#include "core/events.h"

#include <iterator>
#include <stdexcept>

namespace bg::core {

Time event_time(const Event& e) {
  return std::visit(
      [](const auto& ev) -> Time {
        using T = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<T, RequestEvent>) return ev.end;
        else if constexpr (std::is_same_v<T, ShimEvent>) return ev.start;
        else return ev.at;
      },
      e);
}

const char* event_type_name_at(size_t index) {
  static constexpr const char* names[] = {"request", "container", "app", "shim", "proxy", "deploy"};
  static_assert(std::size(names) == std::variant_size_v<Event>);
  return index < std::size(names) ? names[index] : "unknown";
}

const char* event_type_name(const Event& e) { return event_type_name_at(e.index()); }

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
