#pragma once
// PsFormatter: `ps --format` for compose and docker — a container as JSON, and the subset of Go's
// text/template that scripts use with docker/cli's formatter: `{{.Field}}` placeholders, `{{json .}}`,
// a leading `table ` (a header row and tabwriter columns) and the `\t` / `\n` escapes docker/cli
// expands. Pipelines, conditionals and functions other than json are not modelled (simplification):
// they get a template error, never silent output.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "fakes/docker/container_runtime.h"

namespace bg::fakes {

class PsFormatter {
 public:
  // The fields a template can name, per container, as docker/cli's container context prints them
  // (ID cut to 12, Command quoted and cut to 20, Status as moby's State.String()).
  static std::map<std::string, std::string> fields(const ContainerRecord& c, core::Time now);
  // The column header docker/cli prints for a field in `table` mode ("RunningFor" -> "CREATED").
  static std::string header(const std::string& field);

  // Renders `format` for each container. Throws std::invalid_argument with Go's template error
  // wording for an unknown field or an unparsable action.
  static std::string render(const std::string& format, const std::vector<ContainerRecord>& containers, core::Time now);

  // Compose's JSON object for one container: v2 < 2.15 (api.ContainerSummary) when `legacy`, else
  // the 2.15+ formatter object (with Status, RunningFor, Image...).
  static nlohmann::json json(const ContainerRecord& c, core::Time now, bool legacy);
};

}  // namespace bg::fakes
