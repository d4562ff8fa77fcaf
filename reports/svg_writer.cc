#include "reports/svg_writer.h"

#include <fmt/format.h>

#include <cmath>

#include "reports/xml_text.h"

namespace bg::reports {

std::string px(double v) {
  if (!std::isfinite(v)) v = 0;
  std::string s = fmt::format("{:.1f}", v);
  if (s.size() > 2 && s.substr(s.size() - 2) == ".0") s.resize(s.size() - 2);
  return s == "-0" ? "0" : s;
}

SvgWriter::SvgWriter(double width, double height, std::string_view id, std::string_view aria_label) {
  out_ = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{}\" role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {} {}\" "
      "width=\"{}\" height=\"{}\">\n",
      xml_escape(id), xml_escape(aria_label), px(width), px(height), px(width), px(height));
}

void SvgWriter::attrs(const SvgStyle& s) {
  if (!s.css_class.empty()) out_ += fmt::format(" class=\"{}\"", xml_escape(s.css_class));
  out_ += fmt::format(" fill=\"{}\"", xml_escape(s.fill));
  if (s.stroke != "none")
    out_ += fmt::format(" stroke=\"{}\" stroke-width=\"{}\"", xml_escape(s.stroke), px(s.stroke_width));
  if (s.opacity < 1) out_ += fmt::format(" opacity=\"{:.2f}\"", s.opacity);
  if (!s.dash.empty()) out_ += fmt::format(" stroke-dasharray=\"{}\"", xml_escape(s.dash));
  if (!s.data_n.empty()) out_ += fmt::format(" data-n=\"{}\"", xml_escape(s.data_n));
}

void SvgWriter::rect(double x, double y, double w, double h, const SvgStyle& style) {
  out_ += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"", px(x), px(y), px(std::max(w, 0.0)),
                      px(std::max(h, 0.0)));
  attrs(style);
  if (style.title.empty())
    out_ += "/>\n";
  else
    out_ += fmt::format("><title>{}</title></rect>\n", xml_escape(style.title));
}

void SvgWriter::line(double x1, double y1, double x2, double y2, const SvgStyle& style) {
  out_ += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"", px(x1), px(y1), px(x2), px(y2));
  attrs(style);
  if (style.title.empty())
    out_ += "/>\n";
  else
    out_ += fmt::format("><title>{}</title></line>\n", xml_escape(style.title));
}

void SvgWriter::path(const std::string& d, const SvgStyle& style) {
  out_ += fmt::format("<path d=\"{}\"", d);
  attrs(style);
  if (style.title.empty())
    out_ += "/>\n";
  else
    out_ += fmt::format("><title>{}</title></path>\n", xml_escape(style.title));
}

void SvgWriter::text(double x, double y, std::string_view content, std::string_view anchor, std::string_view css_class,
                     double font_size) {
  out_ += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"{}\"", px(x), px(y), px(font_size));
  if (anchor != "start") out_ += fmt::format(" text-anchor=\"{}\"", xml_escape(anchor));
  if (!css_class.empty()) out_ += fmt::format(" class=\"{}\"", xml_escape(css_class));
  out_ += fmt::format(">{}</text>\n", xml_escape(content));
}

void SvgWriter::open_group(std::string_view css_class, std::string_view title) {
  out_ += fmt::format("<g class=\"{}\">", xml_escape(css_class));
  if (!title.empty()) out_ += fmt::format("<title>{}</title>", xml_escape(title));
  out_ += '\n';
}

void SvgWriter::close_group() { out_ += "</g>\n"; }

}  // namespace bg::reports
