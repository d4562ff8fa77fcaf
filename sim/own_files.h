#pragma once
// bluegreen's own programs and data that a run places on its host: the shims' and the host's
// executables, and the stock nginx trees. Each is found installed beside bluegreen or, in a build
// tree, where it was built (core/install_layout.h).
#include <filesystem>

namespace bg::sim {

// bluegreen-shim: every shimmed program on the host is a link to it.
std::filesystem::path shim_program();
// bluegreen-host: PID 1 of the run's namespaces.
std::filesystem::path host_program();
// Debian 12's nginx package layout (nginx-common 1.22.1): the host's /etc/nginx and /var/www with
// `host.nginx: stock`.
std::filesystem::path stock_nginx();
std::filesystem::path stock_www();
// The nginx:alpine image's /etc/nginx (nginx 1.25), what a registry image that `runs: nginx` brings.
std::filesystem::path alpine_nginx();

}  // namespace bg::sim
