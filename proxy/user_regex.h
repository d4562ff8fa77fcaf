#pragma once
// The user's regular expressions (`location ~`, `server_name ~`, `map` `~` keys). nginx compiles them
// with PCRE2; bluegreen with std::regex's ECMAScript grammar, which reads what configs write alike.
// Before std::regex sees a pattern, it is screened for the two places the grammars part:
//   - repeat counts `{n}`, `{n,}`, `{n,m}`: PCRE2 refuses a count above 65535 or a maximum below the
//     minimum, and nginx then refuses the configuration ("pcre2_compile() failed: number too big in {}
//     quantifier in \"a{70000}\" at \"}\""); a `{` that is not one of those forms is a literal to
//     PCRE2 and a malformed repeat to std::regex;
//   - a `]` first in a class (`[]a]`, `[^]a]`): a literal to PCRE2, the end of an empty class to
//     std::regex;
//   - escapes of a digit: PCRE2 reads `\0`, `\NN...` and any digit escape in a class as an octal
//     character or as a back-reference depending on the groups before it; std::regex as a
//     back-reference;
//   - letter escapes other than \d \D \s \S \w \W \b \B \t \n \r \f and \xHH: ECMAScript reads an
//     unknown one as its letter (`\z` matches "z"), PCRE2 as an anchor, a class or a control
//     character (`\cX` is also one character longer to PCRE2 than libstdc++ 12 reads it);
//   - a run of more than 18 digits, which neither grammar reads as a number.
// Either difference ends the run as not modelled (or as nginx's own error), never as a different
// reading. The screen also keeps std::regex safe: libstdc++ 12 accumulates a count's or an
// escape's digits in a long without a bound (regex_compiler.tcc, _M_cur_int_value), and a fuzzer's
// `\2222...2` overflowed it (fuzz/findings/README.md).
#include <memory>
#include <regex>
#include <string>
#include <string_view>

namespace bg::proxy {

struct UserRegex {
  std::shared_ptr<const std::regex> regex;  // set when the pattern compiled
  std::string nginx_error;                  // nginx refuses the configuration: its message, without " in FILE:LINE"
  std::string not_modelled;                 // what in the pattern bluegreen does not read as nginx does
};

// The pattern compiled (caseless: nginx's `~*` and server names), or why not. Exactly one of the
// three fields is set.
UserRegex compile_user_regex(const std::string& pattern, bool caseless);

}  // namespace bg::proxy
