#pragma once
// What a sanitized build (tools/sanitize.sh) needs of the processes it cannot run as usual:
//  - leak_check_now(): LeakSanitizer checks for leaks at exit by cloning a tracer thread. A process
//    that unshared a PID namespace and whose namespace's init has died can clone nothing more
//    (ENOMEM), so LSan fails there with "LeakSanitizer has encountered a fatal error"; such a process
//    checks itself before the unshare and then ends with _exit. A no-op in a normal build.
//  - sanitizer_log_dir(): the folder the sanitizers' log_path names, when absolute, so the run's
//    sandboxed host can show it at the same path and a sanitized shim's report lands there instead
//    of failing to open a path the host does not have. Empty in a normal build.
//  - sanitizer_environment(): the sanitizer options a child started with an environment of its own
//    carries over.
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

// BG_SANITIZED: ASan or TSan; BG_LEAK_CHECKED: ASan, which carries LeakSanitizer (gcc names the
// sanitizers with __SANITIZE_*__, clang with __has_feature).
#if defined(__SANITIZE_ADDRESS__)
#define BG_SANITIZED 1
#define BG_LEAK_CHECKED 1
#elif defined(__SANITIZE_THREAD__)
#define BG_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BG_SANITIZED 1
#define BG_LEAK_CHECKED 1
#elif __has_feature(thread_sanitizer)
#define BG_SANITIZED 1
#endif
#endif

#ifdef BG_LEAK_CHECKED
#include <sanitizer/lsan_interface.h>
#endif

namespace bg::core {

inline void leak_check_now() {
#ifdef BG_LEAK_CHECKED
  __lsan_do_leak_check();  // reports (and fails) now; the check at exit is then skipped
#endif
}

// "a=1:log_path=/x/sanitizer-logs/asan:b=2" -> "/x/sanitizer-logs"; nullopt unless absolute.
inline std::optional<std::filesystem::path> log_dir_of(std::string_view options) {
  for (size_t at = 0; at <= options.size();) {
    const auto end = std::min(options.find(':', at), options.size());
    const auto option = options.substr(at, end - at);
    if (option.rfind("log_path=", 0) == 0) {
      const std::filesystem::path path(std::string(option.substr(9)));
      if (path.is_absolute() && path.has_parent_path()) return path.parent_path();
      return std::nullopt;
    }
    at = end + 1;
  }
  return std::nullopt;
}

// The harness's sanitizer options ("ASAN_OPTIONS=..."), for a process started with an environment of
// its own (a deploy script's, which the shims it calls inherit): a sanitized child then reports
// where and how the step expects (exit code 86, the log folder). Those `env` sets itself are left
// alone. Nothing in a normal build, where a script's environment is only what the fakes give it.
inline std::vector<std::string> sanitizer_environment(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
#ifdef BG_SANITIZED
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"})
    if (const char* value = std::getenv(name); value && !env.count(name))
      out.push_back(std::string(name) + "=" + value);
#else
  (void)env;
#endif
  return out;
}

inline std::optional<std::filesystem::path> sanitizer_log_dir() {
#ifdef BG_SANITIZED
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS"})
    if (const char* options = std::getenv(name))
      if (auto dir = log_dir_of(options)) return dir;
#endif
  return std::nullopt;
}

}  // namespace bg::core
