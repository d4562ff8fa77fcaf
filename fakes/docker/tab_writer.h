#pragma once
// TabWriter: Go's text/tabwriter as the docker and compose CLIs use it (cells separated by tabs,
// columns as wide as their widest cell plus padding, at least minwidth; the last cell of a line is
// not padded). Widths count UTF-8 code points, as Go's does, so "…" is one column.
#include <string>
#include <vector>

namespace bg::fakes {

class TabWriter {
 public:
  TabWriter(int minwidth, int padding) : minwidth_(minwidth), padding_(padding) {}
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  // Every row, each ended by '\n'. Rows are expected to have the same number of cells.
  std::string str() const;

  static size_t display_width(const std::string& s);

 private:
  int minwidth_;
  int padding_;
  std::vector<std::vector<std::string>> rows_;
};

// docker/cli's formatter.Ellipsis: cut to `width` code points, the last one being "…".
std::string ellipsis(const std::string& s, size_t width);
// Go's strconv.Quote for printable text: wraps in quotes, escapes quotes, backslashes, controls.
std::string go_quote(const std::string& s);
// go-units HumanDuration: "Less than a second", "1 second", "5 seconds", "About a minute", ...
std::string human_duration(double seconds);

}  // namespace bg::fakes
