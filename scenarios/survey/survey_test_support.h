#pragma once
// Test helper: a value of a parsed scenario.yaml at a key path.
#include <yaml-cpp/yaml.h>

#include <initializer_list>

namespace bg::survey::test_support {

// The node at `keys`, undefined when one is missing: chained operator[] on a missing key throws in
// yaml-cpp 0.7.
inline YAML::Node get(YAML::Node n, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (!n.IsMap() || !n[k]) return YAML::Node(YAML::NodeType::Undefined);
    n.reset(n[k]);  // Node's operator= would write into the node n refers to
  }
  return n;
}

}  // namespace bg::survey::test_support
