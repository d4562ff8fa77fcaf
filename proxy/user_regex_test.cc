#include "proxy/user_regex.h"

#include <gtest/gtest.h>

namespace bg::proxy {
namespace {

// Which of the three outcomes compiling `pattern` gives: "ok", "nginx: <message>" or "not modelled".
std::string outcome(const std::string& pattern) {
  const auto r = compile_user_regex(pattern, false);
  const int set = (r.regex != nullptr) + !r.nginx_error.empty() + !r.not_modelled.empty();
  EXPECT_EQ(set, 1) << pattern;
  if (r.regex) return "ok";
  if (!r.nginx_error.empty()) return "nginx: " + r.nginx_error;
  return "not modelled";
}

}  // namespace

// Goal: what configs write compiles and matches as PCRE2 would: anchors, classes, groups, counts up
// to PCRE2's 65535, single-digit back-references, a `{` inside a class, and a caseless one.
TEST(UserRegex, CompilesWhatBothGrammarsReadAlike) {
  for (const char* p :
       {"^/api/", "\\.(js|css|png)$", "^/static/[a-z0-9]{8}\\.js$", "a{65535}", "a{2,}", "a{0,3}", "^/(\\w+)/\\1$",
        "[a{99999}]", "[[:alpha:]{]+", "\\.php$", "[\\w-]+\\s\\d\\b", "\\x41\\/api", "\\{99999\\}"})
    EXPECT_EQ(outcome(p), "ok") << p;
  const auto caseless = compile_user_regex("^/API/", true);
  ASSERT_TRUE(caseless.regex);
  EXPECT_TRUE(std::regex_search("/api/x", *caseless.regex));
}

// Goal: a repeat count PCRE2 refuses is refused with nginx's own message (each checked against
// `nginx -t` of nginx 1.22.1 with PCRE2 10.42): too big (at the digit past 65535), out of order.
TEST(UserRegex, RefusesTheCountsPcre2RefusesWithNginxsMessage) {
  EXPECT_EQ(outcome("a{70000}"),
            "nginx: pcre2_compile() failed: number too big in {} quantifier in \"a{70000}\" at \"}\"");
  EXPECT_EQ(outcome("a{99999999999999999999999}"),
            "nginx: pcre2_compile() failed: number too big in {} quantifier in \"a{99999999999999999999999}\" at "
            "\"999999999999999999}\"");
  EXPECT_EQ(outcome("a{3,70000}"),
            "nginx: pcre2_compile() failed: number too big in {} quantifier in \"a{3,70000}\" at \"}\"");
  EXPECT_EQ(outcome("a{5,3}"),
            "nginx: pcre2_compile() failed: numbers out of order in {} quantifier in \"a{5,3}\" at \"}\"");
}

// Goal: what PCRE2 and std::regex read differently is not modelled rather than read one way: a `{`
// that is no count (a literal to PCRE2), a `]` first in a class, `\0`, multi-digit and in-class digit escapes (octal or
// a back-reference to PCRE2). The fuzzer's finding, `\2222...2`, is one: libstdc++ overflowed a long reading it.
TEST(UserRegex, NotModelledWhereTheGrammarsPart) {
  for (const char* p : {"a{99999", "a{,5}", "a{1,2,3}", "x{}", "\\0", "^/x\\12", "[\\1]", "[]a]", "[^]a]",
                        "^nse\\\\\\\\\\2222222222222222222222222222222222222222"})
    EXPECT_EQ(outcome(p), "not modelled") << p;
  const auto r = compile_user_regex("^/x\\2222222222222222222222", false);
  EXPECT_NE(r.not_modelled.find("the escape \"\\22222222222\""), std::string::npos) << r.not_modelled;
  // Each for its own reason, not std::regex's refusal: the message says which.
  EXPECT_NE(compile_user_regex("a{99999", false).not_modelled.find("PCRE2 reads it as a literal"), std::string::npos);
  EXPECT_NE(compile_user_regex("[]a]", false).not_modelled.find("first in a class"), std::string::npos);
  EXPECT_NE(compile_user_regex("[\\1]", false).not_modelled.find("the escape \"\\1\""), std::string::npos);
}

// Goal: letter escapes the grammars read differently are not modelled: ECMAScript takes \z or \A as
// the letter, \v as a tab, \u as a code unit; and \cX, one character longer to PCRE2 than to
// libstdc++ 12, would put the screen and std::regex out of step and let a 20-digit count or
// back-reference through to libstdc++'s overflow (found in review). A run of 19 digits anywhere is
// refused too, whatever reads it.
TEST(UserRegex, NotModelledLetterEscapesAndLongDigitRuns) {
  for (const char* p : {"\\.php\\z", "\\A/x", "\\v", "\\u0041", "\\x{41}", "\\x4", "a\\Qx\\E",
                        "a\\c\\{99999999999999999999}", "\\c\\\\99999999999999999999", "\\c[a{99999999999999999999}"}) {
    const auto r = compile_user_regex(p, false);
    EXPECT_EQ(r.regex, nullptr) << p;
    EXPECT_NE(r.not_modelled.find("the escape"), std::string::npos) << p << ": " << r.not_modelled;
  }
  const auto digits = compile_user_regex("^/v1234567890123456789012$", false);
  EXPECT_NE(digits.not_modelled.find("a number of 22 digits"), std::string::npos) << digits.not_modelled;
  EXPECT_TRUE(compile_user_regex("^/v123456789012345678$", false).regex);  // 18 digits: a literal, fine
}

// Goal: a pattern std::regex cannot read at all is not modelled, naming the pattern.
TEST(UserRegex, NotModelledWhenStdRegexRefusesIt) {
  const auto r = compile_user_regex("(?<name>x)", false);
  EXPECT_EQ(r.regex, nullptr);
  EXPECT_NE(r.not_modelled.find("\"(?<name>x)\""), std::string::npos) << r.not_modelled;
}

}  // namespace bg::proxy
