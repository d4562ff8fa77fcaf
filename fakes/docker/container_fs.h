#pragma once
// ContainerFs: a container's filesystem as the processes in it and `docker cp` see it — its own
// writable layer (a folder of the run, laid from the image's files when the image brings files
// that matter, such as nginx's stock /etc/nginx) at "/", and each bind mount's host path at its
// target. The result is a core::PathMap (container path -> real path), so a proxy running in the
// container reads its config through it, and `docker cp` writes where Docker would: into the
// layer, or through a bind mount into the host file.
//
// Simplifications: the image brings only the files it names (registry.h RegistryImage::files); a
// path the image does not bring does not exist in the container; named volumes are folders of
// the run shared by the containers that mount them (the `local` driver's behaviour).
#include <filesystem>
#include <string>
#include <vector>

#include "core/path_map.h"
#include "fakes/docker/compose_file.h"
#include "fakes/docker/image_store.h"

namespace bg::fakes {

struct ContainerFsPlan {
  std::filesystem::path layer;          // the container's writable layer (created here)
  std::filesystem::path volumes;        // where named volumes live (created on demand)
  const core::PathMap* host = nullptr;  // host path -> real path (nullptr: host paths are real)
  // host path -> a real path a hard link can be made to (nullptr: the `host` one; see below).
  const core::PathMap* host_linkable = nullptr;
};

// A bind mount of a single file pins the file's inode when the container is created: a write in
// place on the host shows inside, but a new file renamed over the host path (`sed -i`, an editor,
// CodeDeploy's Install replacing the previous revision's files) does not, and the container keeps
// reading the old text until it is recreated (moby/moby#15793, #22627; races.md R14). The mount's
// target maps to a hard link to the file, which keeps that inode. Simplification: where no hard link
// can be made (the file lies on another filesystem, such as the host's overlaid /etc), a copy
// stands for it, and a write in place on the host is then not seen either.
//
// Creates the layer from the image's files and returns the container's PathMap. A bind mount of a
// host folder that does not exist creates it, as `-v` does. Throws std::runtime_error with
// Docker's message when a `--mount type=bind` source is missing ("invalid mount config for type
// \"bind\": bind source path does not exist: /x"): callers mark those mounts `must_exist`.
core::PathMap make_container_fs(const ContainerFsPlan& plan, const Image& image, const std::vector<BindMount>& mounts,
                                const std::vector<std::string>& must_exist = {});

// `docker cp` between a real source and a real destination, with docker's rules for files,
// directories, a trailing "/" on the destination and "/." on the source (docker/cli
// cli/command/container/cp.go and moby pkg/archive/copy.go@v20.10.17). Returns "" or the error
// text of pkg/archive ("no such directory", "cannot copy directory", "not a directory").
std::string copy_tree(const std::filesystem::path& src, bool src_contents_only, const std::filesystem::path& dst,
                      bool dst_must_be_dir);

}  // namespace bg::fakes
