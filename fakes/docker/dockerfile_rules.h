#pragma once
// What Docker's Dockerfile front end refuses in one instruction's arguments, in its own words
// (moby/buildkit frontend/dockerfile/instructions/parse.go and parser/line_parsers.go, v0.12; EXPOSE's
// ports as docker/go-connections nat.ParsePortSpec checks them at dispatch). The fake builder never
// runs an instruction, but a Dockerfile Docker would refuse must not build here either.
#include "fakes/docker/dockerfile.h"

namespace bg::fakes {

// Throws DockerfileError for an instruction Docker refuses. `in_stage`: a FROM came before it (only
// ARG may come first).
void check_instruction(const DockerfileInstruction& ins, bool in_stage);

// The instruction's arguments as Docker's parser splits them: a JSON array of strings, else words
// separated by blanks with quotes kept together (and removed); leading --flags are dropped.
std::vector<std::string> instruction_words(const std::string& args);

}  // namespace bg::fakes
