#pragma once
// The benchmark's load: K closed-loop clients, each on one keep-alive connection, each sending its
// share of N GET requests one after another and timing each with core::Stopwatch.
#include <cstdint>
#include <string>
#include <vector>

namespace bg::bench {

struct LoadResult {
  uint64_t ok = 0;
  uint64_t failed = 0;
  double seconds = 0;                // wall time of the whole load
  std::vector<double> latencies_us;  // one per successful request
  double requests_per_second() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
  double percentile_us(double p);
};

LoadResult run_load(uint16_t port, int clients, int requests);
// The same, client i connecting to ports[i % ports.size()] (direct to several backends).
LoadResult run_load(const std::vector<uint16_t>& ports, int clients, int requests);

}  // namespace bg::bench
