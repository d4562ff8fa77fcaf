#pragma once
// ComposeDocument: one compose file as compose holds it before it reads any key: the YAML read
// (with `<<` merge keys applied, which yaml-cpp leaves as plain keys while compose's YAML libraries
// apply them), then every string value substituted from the project's variables, with the errors
// each compose generation words for a bad `$` or a missing `${VAR:?}`:
// - compose-go v1.2.4 interpolation/interpolation.go newPathError: `invalid interpolation format
//   for services.web.ports.[]: "${PORT". You may need to escape any $ with another $`;
// - v1.8.1: `invalid interpolation format for <path>.\nYou may need to escape any $ with another
//   $.\n<template>`; v1.17.0 the same, and `error while interpolating <path>: required variable X
//   is missing a value: <reason>` for `:?`;
// - docker-compose 1.29.2 compose/config/interpolation.py: `Invalid interpolation format for
//   "ports" option in service "web": "${PORT"` and `Missing mandatory value for "ports" option
//   interpolating ['${PORT:?}'] in service "web": PORT`; only the services, volumes, networks,
//   secrets and configs sections are substituted.
#include <filesystem>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "fakes/docker/compose_interpolation.h"

namespace bg::fakes {

struct ComposeSource {
  std::string shown;           // the file as compose names it in messages
  std::filesystem::path real;  // where the harness reads it (PathMap::resolve of the host path)
};

// Reads, merges `<<` keys and substitutes. Every plain lookup of an unset variable is appended to
// `unset`, in file order (compose-go walks Go maps, so the real order varies between runs).
// Throws ComposeFileError: not_found when the file does not exist (with `missing_message`),
// invalid for YAML and substitution errors.
YAML::Node load_compose_document(const ComposeSource& source, const std::string& missing_message, TemplateSyntax syntax,
                                 const VariableLookup& lookup, std::vector<std::string>& unset);

// `<<: *anchor` keys (YAML 1.1 merge keys, which go-yaml and PyYAML apply) applied to a document
// yaml-cpp read: a mapping's own keys win, then the merged mappings' in order.
YAML::Node apply_merge_keys(const YAML::Node& node);

// The same for text already read (tests, `-f -`).
YAML::Node parse_compose_document(const std::string& text, const std::string& shown, TemplateSyntax syntax,
                                  const VariableLookup& lookup, std::vector<std::string>& unset);

}  // namespace bg::fakes
