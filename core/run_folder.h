#pragma once
// Run folders: the temporary folders a run makes (bluegreen-XXXXXX for the world, in
// world_folder_parent(); /tmp/bg_nginx_XXXXXX for a real nginx's prefix, ...) each hold an `owner` file naming the
// process that made them (its pid and start time, so a reused pid is not taken for the owner). A run killed before it
// could clean up (SIGKILL, a crash) leaves its folders behind; the next run removes the folders whose owner is gone,
// and never one whose owner still runs.
#include <filesystem>
#include <string>
#include <vector>
#include <sys/types.h>

namespace bg::core {

// Makes `<dir>/<prefix>XXXXXX` (mkdtemp) with its owner file. Throws std::runtime_error naming the
// folder when it cannot.
std::filesystem::path make_run_folder(const std::filesystem::path& dir, const std::string& prefix);

// The folder prefixes of bluegreen's runs (in run_folder_parents()).
inline constexpr const char* kRunFolderPrefixes[] = {"bluegreen-", "bg_nginx_"};

// Where a run's world folder (bluegreen-XXXXXX: the sandboxed host's layers, the deployment root, the
// shims' socket) goes: /dev/shm when it is a tmpfs this process can write and execute from, with
// 1 GB free, and that takes user.* extended attributes (an unprivileged overlay keeps its whiteouts
// there; tmpfs has them from Linux 6.6); /tmp otherwise. A run creates and removes some 350 files, folders and
// links there, and on ext4 each new inode after many deletions scans the recently deleted ones
// (ext4's recently_deleted(): a third of a sim case's CPU under `check` on a CI machine). Decided once
// per process. The path stays short: the shims' Unix socket path must fit 108 bytes.
const std::filesystem::path& world_folder_parent();

// Every folder run folders may be made in: world_folder_parent(), /tmp, the system's temporary
// folder and /dev/shm, each once and only if it exists. Where a leftover is looked for.
std::vector<std::filesystem::path> run_folder_parents();

// Every run folder (a kRunFolderPrefixes name) in run_folder_parents(), whoever owns it.
std::vector<std::filesystem::path> run_folders();

// Removes every run folder in `dir` whose owner file names a process that no longer runs. Folders
// without an owner file (older bluegreen versions, or one being made this instant) are left alone.
// Returns how many were removed.
int remove_stale_run_folders(const std::filesystem::path& dir = std::filesystem::temp_directory_path());

// Removes `folder` and everything under it, opening folders left unreadable (a sandboxed host's
// overlayfs work folders are mode 000). True when it is gone.
bool remove_tree(const std::filesystem::path& folder);

// Removes a folder make_run_folder made (best effort: errors are ignored) and forgets it.
void remove_run_folder(const std::filesystem::path& folder);

// Leaves a folder make_run_folder made for the user to inspect (--keep): its owner file goes, so no
// later run takes it for a stale one, and a forced stop leaves it too.
void keep_run_folder(const std::filesystem::path& folder);

// The folders this process made and has not removed yet: what a forced stop leaves no time to remove
// in order (one being removed this instant included, its owner file possibly gone already).
std::vector<std::filesystem::path> own_run_folders();

// The owner a run folder names, if it has an owner file: whether that process still runs.
bool owner_alive(const std::filesystem::path& folder);

}  // namespace bg::core
