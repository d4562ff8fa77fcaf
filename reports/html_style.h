#pragma once
// The HTML report's stylesheet, inlined into the page (no external fonts: the system's own).
#include <string_view>

namespace bg::reports {

std::string_view html_style();

}  // namespace bg::reports
