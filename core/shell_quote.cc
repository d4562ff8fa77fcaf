#include "core/shell_quote.h"

namespace bg::core {

std::string shell_quote(std::string_view word) {
  // Characters no POSIX shell gives a meaning to in the middle of a word; '=' and ':' included so
  // that "app.listen_delay=11s" and "a:b" stay as typed.
  constexpr std::string_view kPlain = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=@%+,-";
  if (!word.empty() && word.find_first_not_of(kPlain) == std::string_view::npos && word.front() != '=')
    return std::string(word);
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace bg::core
