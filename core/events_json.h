#pragma once
// The JSON form of the typed events (core/events.h), one object per event as history.jsonl holds
// them: the event's fields by name plus "type" ("request", "container", ...); times as integer
// microseconds, outcomes as "ok" / "fail" / "info". Apart from events.h so that the files that use
// events but never JSON (most of them) do not parse nlohmann/json, which cost a fifth of the build.
#include <chrono>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "core/events.h"

// std::chrono::microseconds (core::Duration, core::Time) <-> JSON integer microseconds.
namespace nlohmann {
template <>
struct adl_serializer<std::chrono::microseconds> {
  static void to_json(json& j, const std::chrono::microseconds& d) { j = d.count(); }
  static void from_json(const json& j, std::chrono::microseconds& d) {
    d = std::chrono::microseconds(j.get<int64_t>());
  }
};
}  // namespace nlohmann

namespace bg::core {

NLOHMANN_JSON_SERIALIZE_ENUM(Outcome, {{Outcome::ok, "ok"}, {Outcome::fail, "fail"}, {Outcome::info, "info"}})

// Event kinds as their names (core/event_kinds.h). Not NLOHMANN_JSON_SERIALIZE_ENUM, which reads an
// unknown word as the first value: reading throws std::invalid_argument naming the field and the word.
void to_json(nlohmann::json& j, ContainerWhat w);
void from_json(const nlohmann::json& j, ContainerWhat& w);
void to_json(nlohmann::json& j, AppWhat w);
void from_json(const nlohmann::json& j, AppWhat& w);
void to_json(nlohmann::json& j, ProxyEventKind k);
void from_json(const nlohmann::json& j, ProxyEventKind& k);
void to_json(nlohmann::json& j, DeployEventKind k);
void from_json(const nlohmann::json& j, DeployEventKind& k);

nlohmann::json event_to_json(const Event& e);
// Throws std::invalid_argument naming the missing or unknown field: an unknown "type", a missing or
// unknown kind ("what" of a container or app event, "kind" of a proxy or deploy event).
Event event_from_json(const nlohmann::json& j);

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RequestEvent, id, client, method, path, intended, start, end, status,
                                                error, outcome, served_by, build_id, execution_id)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ContainerEvent, at, container, project, service, what, exit_code,
                                                detail)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AppEvent, at, container, build_id, what, request_id, execution_id,
                                                detail)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ShimEvent, start, end, program, args, cwd, exit_code, out, err,
                                                deployment, hook, script, line, not_modelled)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ProxyEvent, at, kind, level, message, peer, request_id, worker, status,
                                                attempts, upstream_status)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DeployEvent, at, kind, deployment, hook, script, exit_code, detail)

}  // namespace bg::core
