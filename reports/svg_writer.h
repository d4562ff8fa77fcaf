#pragma once
// SvgWriter: builds one inline <svg> element as text. Only what the report's charts need (rects,
// lines, paths, text, groups, tooltips); every string it is given is escaped.
#include <string>
#include <string_view>

namespace bg::reports {

struct SvgStyle {
  std::string fill = "none";
  std::string stroke = "none";
  double stroke_width = 1;
  double opacity = 1;
  std::string css_class;  // "" = none
  std::string title;      // a tooltip (<title> child); "" = none
  std::string dash;       // stroke-dasharray, "" = solid
  std::string data_n;     // a data-n attribute (how many things a mark stands for), "" = none
};

class SvgWriter {
 public:
  // id and aria_label name the chart for the page's reader and for tests.
  SvgWriter(double width, double height, std::string_view id, std::string_view aria_label);

  void rect(double x, double y, double w, double h, const SvgStyle& style);
  void line(double x1, double y1, double x2, double y2, const SvgStyle& style);
  // d: path data ("M1 2L3 4..."), written as is (numbers only, nothing to escape).
  void path(const std::string& d, const SvgStyle& style);
  // anchor: start, middle, end.
  void text(double x, double y, std::string_view content, std::string_view anchor = "start",
            std::string_view css_class = "", double font_size = 11);
  void open_group(std::string_view css_class, std::string_view title = "");
  void close_group();

  // The finished element.
  std::string str() const { return out_ + "</svg>\n"; }

 private:
  void attrs(const SvgStyle& style);
  std::string out_;
};

// Numbers in SVG attributes: one decimal is plenty for pixels.
std::string px(double v);

}  // namespace bg::reports
