#pragma once
// kSanitizerSlowdown: how many times slower a sanitized build runs the harness than a normal one.
// Live tests give a run's traffic real milliseconds (a send more than 1 ms late is a harness error),
// which ASan's and TSan's 2-15x cost exceeds on a shared machine; a test that runs a whole World
// multiplies its time scale by this, so the sanitized suite checks the same runs, only slower in
// real time. 1 in a normal build, where nothing changes.

namespace bg::core {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr double kSanitizerSlowdown = 5;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr double kSanitizerSlowdown = 5;
#else
inline constexpr double kSanitizerSlowdown = 1;
#endif
#else
inline constexpr double kSanitizerSlowdown = 1;
#endif

}  // namespace bg::core
