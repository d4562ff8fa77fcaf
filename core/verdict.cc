#include "core/verdict.h"

namespace bg::core {

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::held:
      return "held";
    case Verdict::violated:
      return "violated";
    case Verdict::error:
      return "error";
  }
  return "error";
}

std::string_view verdict_headline(Verdict v) {
  switch (v) {
    case Verdict::held:
      return "HELD";
    case Verdict::violated:
      return "VIOLATED";
    case Verdict::error:
      return "ERROR";
  }
  return "ERROR";
}

std::optional<Verdict> parse_verdict(std::string_view name) {
  for (Verdict v : {Verdict::held, Verdict::violated, Verdict::error})
    if (verdict_name(v) == name) return v;
  return std::nullopt;
}

}  // namespace bg::core
