#pragma once
// WorkflowError: a workflow file GitHub would refuse to run ("Invalid workflow file"), named by file,
// line and column, with GitHub's own wording of the problem. Something GitHub accepts but bluegreen
// does not model is core::NotModelled instead, never this.
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace bg::fakes {

class WorkflowError : public std::runtime_error {
 public:
  // `file`: the workflow as the user names it (".github/workflows/deploy.yml"); `message`: GitHub's
  // sentence ("Required property is missing: runs-on").
  WorkflowError(const std::string& file, int line, int column, const std::string& message)
      : std::runtime_error(fmt::format("{}:{}:{}: {}", file, line, column, message)),
        file_(file),
        line_(line),
        column_(column),
        message_(message) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& message() const { return message_; }
  // As GitHub shows it on the run's page:
  // "The workflow is not valid. .github/workflows/x.yml (Line: 7, Col: 5): Required property is missing: runs-on"
  std::string github_text() const {
    return fmt::format("The workflow is not valid. {} (Line: {}, Col: {}): {}", file_, line_, column_, message_);
  }

 private:
  std::string file_;
  int line_;
  int column_;
  std::string message_;
};

// Where a value was written: for error messages and for mapping a script's lines back to the file.
struct Where {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string str() const { return fmt::format("{}:{}", file, line); }
};

}  // namespace bg::fakes
