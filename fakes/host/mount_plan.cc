#include "fakes/host/mount_plan.h"

#include <nlohmann/json.hpp>

namespace bg::fakes {

NLOHMANN_JSON_SERIALIZE_ENUM(MountStep::Kind, {{MountStep::Kind::mkdir, "mkdir"},
                                               {MountStep::Kind::symlink, "symlink"},
                                               {MountStep::Kind::tmpfs, "tmpfs"},
                                               {MountStep::Kind::overlay, "overlay"},
                                               {MountStep::Kind::bind, "bind"},
                                               {MountStep::Kind::proc, "proc"},
                                               {MountStep::Kind::devpts, "devpts"},
                                               {MountStep::Kind::file, "file"}})

void to_json(nlohmann::json& j, const MountStep& s) {
  j = {{"kind", s.kind}, {"target", s.target},   {"source", s.source},      {"upper", s.upper},
       {"work", s.work}, {"options", s.options}, {"read_only", s.read_only}};
}

void from_json(const nlohmann::json& j, MountStep& s) {
  j.at("kind").get_to(s.kind);
  j.at("target").get_to(s.target);
  s.source = j.value("source", "");
  s.upper = j.value("upper", "");
  s.work = j.value("work", "");
  s.options = j.value("options", "");
  s.read_only = j.value("read_only", false);
}

void to_json(nlohmann::json& j, const MountPlan& p) {
  j = {{"root", p.root},
       {"hostname", p.hostname},
       {"user_namespace", p.user_namespace},
       {"own_network", p.own_network},
       {"steps", p.steps}};
}

void from_json(const nlohmann::json& j, MountPlan& p) {
  j.at("root").get_to(p.root);
  p.hostname = j.value("hostname", "");
  p.user_namespace = j.value("user_namespace", false);
  p.own_network = j.value("own_network", true);
  j.at("steps").get_to(p.steps);
}

}  // namespace bg::fakes
