#pragma once
// ConfLexer reads one nginx.conf file's text a directive at a time, as nginx 1.22's
// ngx_conf_read_token does (src/core/ngx_conf_file.c): words, '…' and "…" strings that start a
// word, `\` escapes, `#` comments at a word's start, `${var}` kept whole, and its error messages
// with the line nginx reports. Pure: text in, words out.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bg::proxy {

class ConfLexer {
 public:
  // nginx's NGX_CONF_BUFFER: a word (from its first byte, or the byte after its opening quote) must
  // end within this many bytes, or nginx fails with "too long parameter".
  static constexpr size_t kBuffer = 4096;

  enum class Result {
    directive,    // words terminated by ';'
    block_start,  // words terminated by '{'
    block_done,   // '}'
    file_done,    // end of the text, nothing pending
    error,        // error() says what, line() where
  };

  // `command_line`: the text is a -g parameter, which nginx reads without a file.
  explicit ConfLexer(std::string_view text, bool command_line = false) : text_(text), command_line_(command_line) {}

  // The next directive's words (name first), as ngx_conf_read_token returns them.
  Result next(std::vector<std::string>& words);
  // The line nginx reports for the last result (the line it had reached).
  int line() const { return line_; }
  // For Result::error: nginx's message without level and position, e.g. `unexpected "}"`.
  const std::string& error() const { return error_; }

 private:
  Result fail(std::string what);
  static std::string unescape(std::string_view raw);

  std::string_view text_;
  bool command_line_;
  size_t pos_ = 0;
  int line_ = 1;
  std::string error_;
};

}  // namespace bg::proxy
