#pragma once
// What `docker exec` runs in a Next.js app's container, the fake's or the real one's alike
// (next_exec.cc says which commands and their messages): the HTTP ones ask the app on its port.
#include <stop_token>

#include "core/command_result.h"
#include "fakes/docker/container_process.h"

namespace bg::fakes {

core::CommandResult next_container_exec(const ProcessSpec& spec, const ExecRequest& request, std::stop_token stop);

}  // namespace bg::fakes
