#include "core/events.h"

#include <iterator>

namespace bg::core {

Time event_time(const Event& e) {
  return std::visit(
      [](const auto& ev) -> Time {
        using T = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<T, RequestEvent>)
          return ev.end;
        else if constexpr (std::is_same_v<T, ShimEvent>)
          return ev.start;
        else
          return ev.at;
      },
      e);
}

const char* event_type_name_at(size_t index) {
  static constexpr const char* names[] = {"request", "container", "app", "shim", "proxy", "deploy"};
  static_assert(std::size(names) == std::variant_size_v<Event>);
  return index < std::size(names) ? names[index] : "unknown";
}

const char* event_type_name(const Event& e) { return event_type_name_at(e.index()); }

}  // namespace bg::core
