#pragma once
// Escaping for text placed in XML, HTML or SVG (element content and double-quoted attributes alike).
#include <string>
#include <string_view>

namespace bg::reports {

// & < > " ' become entities; control characters other than tab and newline, which XML 1.0 forbids
// even as entities, become U+FFFD so that a stray byte in a log line cannot make the file unparsable.
std::string xml_escape(std::string_view text);

}  // namespace bg::reports
