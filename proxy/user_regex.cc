#include "proxy/user_regex.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>

namespace bg::proxy {
namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// PCRE2's limit on a repeat count (MAX_REPEAT_COUNT in pcre2_internal.h).
constexpr uint32_t kMaxRepeatCount = 65535;

struct Screened {
  std::string nginx_error, not_modelled;
};

// nginx's message for a pattern PCRE2 refuses at byte `offset` (ngx_regex.c: "pcre2_compile() failed:
// %s in \"%V\" at \"%s\"", the last part being the pattern from the offset on).
std::string pcre2_failed(std::string_view pattern, const char* why, size_t offset) {
  return fmt::format("pcre2_compile() failed: {} in \"{}\" at \"{}\"", why, pattern, pattern.substr(offset));
}

// PCRE2 10.42's read_number for a repeat count at `i`: the digits' value, or nullopt with `i` just
// past the digit that took it over the limit (the offset nginx's message shows).
std::optional<uint32_t> read_count(std::string_view p, size_t& i) {
  uint32_t n = 0;
  while (i < p.size() && is_digit(p[i])) {
    n = n * 10 + static_cast<uint32_t>(p[i++] - '0');
    if (n > kMaxRepeatCount) return std::nullopt;
  }
  return n;
}

// A `{` at `open`, outside a class. PCRE2 10.42's read_repeat_counts first checks the form (digits
// and at most one comma up to a `}`, starting with a digit), then reads the numbers. Sets `i` past it.
Screened repeat_count(std::string_view p, size_t open, size_t& i) {
  size_t end = open + 1;
  int commas = 0;
  while (end < p.size() && (is_digit(p[end]) || p[end] == ','))
    if (p[end++] == ',') ++commas;
  const bool form = end < p.size() && p[end] == '}' && commas <= 1 && open + 1 < end && is_digit(p[open + 1]);
  if (!form)
    return {"", fmt::format("the \"{{\" at offset {} of regular expression \"{}\" (PCRE2 reads it as a literal "
                            "\"{{\", std::regex as a repeat count)",
                            open, p)};
  i = open + 1;
  const auto min = read_count(p, i);
  if (!min) return {pcre2_failed(p, "number too big in {} quantifier", i), ""};
  if (p[i] == ',' && p[i + 1] != '}') {
    ++i;
    const auto max = read_count(p, i);
    if (!max) return {pcre2_failed(p, "number too big in {} quantifier", i), ""};
    if (*max < *min) return {pcre2_failed(p, "numbers out of order in {} quantifier", i), ""};
  }
  i = end + 1;
  return {};
}

// The letter escapes PCRE2 and std::regex's ECMAScript read alike: the classes \d \D \s \S \w \W,
// the word boundaries \b \B (a backspace in a class, in both), and \t \n \r \f. Any other letter
// escape is read differently: ECMAScript takes an unknown one as the letter (\z, \A, \Q), \v is a
// vertical tab to it and a class to PCRE2, \cJ is `J` to libstdc++ 12 and 0x0A to PCRE2, and \u is
// refused by PCRE2.
bool same_letter_escape(char e) { return std::string_view("dDsSwWbBtnrf").find(e) != std::string_view::npos; }

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// A digit run this long is no count or escape of either grammar: refused outright, so that no gap
// between this walk and std::regex's can hand libstdc++ digits that overflow its long.
constexpr size_t kMaxDigitRun = 18;

Screened screen(std::string_view p) {
  bool in_class = false;
  bool posix_closes = true;  // false once no ":]" is left to close a [: (keeps the walk linear)
  for (size_t i = 0; i < p.size();) {
    const char c = p[i];
    if (is_digit(c)) {
      size_t end = i;
      while (end < p.size() && is_digit(p[end])) ++end;
      if (end - i > kMaxDigitRun)
        return {"", fmt::format("a number of {} digits in regular expression \"{}\"", end - i, p)};
      i = end;
      continue;
    }
    if (c == '\\' && i + 1 < p.size() && std::isalpha(static_cast<unsigned char>(p[i + 1])) &&
        !same_letter_escape(p[i + 1])) {
      if (p[i + 1] == 'x' && i + 3 < p.size() && is_hex(p[i + 2]) && is_hex(p[i + 3])) {  // \xHH, in both
        i += 4;
        continue;
      }
      return {"", fmt::format("the escape \"{}\" in regular expression \"{}\" (PCRE2 and std::regex read it "
                              "differently)",
                              p.substr(i, 2), p)};
    }
    if (c == '\\') {
      if (i + 1 < p.size() && is_digit(p[i + 1])) {
        size_t end = i + 1;
        while (end < p.size() && is_digit(p[end])) ++end;
        if (in_class || p[i + 1] == '0' || end - i > 2)
          return {"", fmt::format("the escape \"{}\" in regular expression \"{}\" (PCRE2 reads it as an octal "
                                  "character or a back-reference by the groups before it, std::regex as a "
                                  "back-reference)",
                                  p.substr(i, std::min<size_t>(end - i, 12)), p)};
        i = end;
        continue;
      }
      i += 2;  // \d and the like, or a backslash before punctuation: one character in both
      continue;
    }
    if (in_class) {
      if (posix_closes && c == '[' && i + 1 < p.size() && p[i + 1] == ':') {  // a POSIX class, [:alpha:]
        const auto close = p.find(":]", i + 2);
        if (close != std::string_view::npos) {
          i = close + 2;
          continue;
        }
        posix_closes = false;
      }
      if (c == ']') in_class = false;
      ++i;
      continue;
    }
    if (c == '[') {
      in_class = true;
      i += (i + 1 < p.size() && p[i + 1] == '^') ? 2 : 1;
      if (i < p.size() && p[i] == ']')
        return {"", fmt::format("the \"]\" first in a class at offset {} of regular expression \"{}\" (PCRE2 reads "
                                "it as a literal \"]\", std::regex as the end of an empty class)",
                                i, p)};
      continue;
    }
    if (c == '{') {
      auto s = repeat_count(p, i, i);
      if (!s.nginx_error.empty() || !s.not_modelled.empty()) return s;
      continue;
    }
    ++i;
  }
  return {};
}

}  // namespace

UserRegex compile_user_regex(const std::string& pattern, bool caseless) {
  auto s = screen(pattern);
  if (!s.nginx_error.empty()) return {nullptr, std::move(s.nginx_error), ""};
  if (!s.not_modelled.empty()) return {nullptr, "", std::move(s.not_modelled)};
  try {
    return {std::make_shared<const std::regex>(
                pattern, caseless ? std::regex::ECMAScript | std::regex::icase : std::regex::ECMAScript),
            "", ""};
  } catch (const std::regex_error&) {
    return {nullptr, "", fmt::format("regular expression \"{}\" (outside what bluegreen's std::regex reads)", pattern)};
  }
}

}  // namespace bg::proxy
