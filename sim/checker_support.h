#pragma once
// Small pure helpers the checkers of races.md share: time wording, build order, and which build a
// swap brought in. No I/O; everything is read from the history's entries.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"

namespace bg::sim {

// Each checker keeps only the first few concrete cases as evidence; reports stay readable.
inline constexpr size_t kMaxCheckerEvidence = 8;

// "12.345s": scenario seconds as every checker words them.
std::string checker_secs(core::Time t);

// Adds `text` as evidence (while there is room) and counts one violation.
void add_violation(reports::InvariantResult& result, std::string text);

// Builds in the order they first appeared (an app event naming them): a later build is newer.
// Rank 0 is the oldest.
std::map<std::string, int> build_ranks(const std::vector<core::Entry>& entries);

// The build the container ran from `since` on: the first app event of that container at or after
// `since` that names a build ("" when none). A container name may be reused by a later build.
std::string build_of_container(const std::vector<core::Entry>& entries, const std::string& container,
                               core::Time since);

// The build asked for by an asset path "/_next/static/<buildId>/...", nullopt for other paths.
std::optional<std::string> asset_build(const std::string& path);

}  // namespace bg::sim
