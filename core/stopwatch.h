#pragma once
// Stopwatch: real elapsed time, for reporting how long a run took (never for deciding anything).
#include <chrono>

namespace bg::core {

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace bg::core
