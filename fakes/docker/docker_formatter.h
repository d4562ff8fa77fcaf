#pragma once
// docker/cli's formatter.Context.Write (cli/command/formatter/formatter.go@v20.10.17) over GoTemplate:
// the \t and \n a shell leaves literal are expanded, a leading "table" prints a header (the
// template run over the column names with the header functions) and aligns the columns with
// tabwriter (minwidth 10, padding 3); otherwise each row is the template's output and a newline.
// A template that does not parse or fails is "Template parsing error: ..." (exit 1), with nothing
// printed before it.
#include <map>
#include <string>
#include <vector>

#include "fakes/docker/go_value.h"

namespace bg::fakes {

// Throws CliFailure on a template error, core::NotModelled for what the engine does not model.
std::string format_rows(const std::string& format, const std::vector<gotmpl::Value>& rows,
                        const std::map<std::string, std::string>& headers);

}  // namespace bg::fakes
