#include "proxy/config_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <memory>

#include <fmt/format.h>

#include "proxy/conf_lexer.h"
#include "proxy/host_glob.h"

namespace bg::proxy {
namespace fs = std::filesystem;

std::string emerg_at(const std::string& what, const std::string& file, int line) {
  return fmt::format("[emerg] {} in {}:{}", what, file, line);
}

ConfDirective error_node(ConfDirective::Error kind, std::string message, const std::string& file, int line) {
  ConfDirective d;
  d.error_kind = kind;
  d.error = std::move(message);
  d.file = file;
  d.line = line;
  return d;
}

namespace {

// One file's text and the lexer reading it; blocks of the file share it.
struct FileState {
  FileState(std::string t, std::string d) : text(std::move(t)), display(std::move(d)), lexer(text) {}
  std::string text;
  std::string display;
  ConfLexer lexer;
};

// "(2: No such file or directory)", as ngx_log_errno prints an errno.
std::string errno_text(int err) { return fmt::format("({}: {})", err, std::strerror(err)); }

}  // namespace

// A block or file being read (file, block), or the files of an `include` still to read (include).
struct ConfigReader::Frame {
  enum class Kind { file, block, include } kind = Kind::file;
  std::shared_ptr<FileState> file;
  std::vector<ConfDirective>* out = nullptr;  // where this frame's directives go
  ConfDirective* owner = nullptr;             // block: the directive whose block this is
  int depth = 0;                              // block depth of those directives
  int include_depth = 0;
  std::deque<fs::path> pending;  // include: host paths still to read
  ConfDirective from;            // include: the directive, which open() errors name
};

std::vector<ConfDirective> ConfigReader::read_main(const fs::path& display_path) {
  prefix_ = display_path.parent_path();
  std::vector<ConfDirective> root;
  std::vector<Frame> stack;
  if (!open_file(display_path, nullptr, stack, root)) return root;
  while (!stack.empty() && !stopped_) step(stack);
  return root;
}

// Opens a file and pushes its frame (its `out` is the caller's), or appends nginx's error.
bool ConfigReader::open_file(const fs::path& display, const ConfDirective* from, std::vector<Frame>& stack,
                             std::vector<ConfDirective>& out) {
  const std::string name = display.string();
  auto stop = [&](ConfDirective::Error kind, std::string message) {
    out.push_back(error_node(kind, std::move(message), from ? from->file : name, from ? from->line : 0));
    stopped_ = true;
    return false;
  };
  // O_NONBLOCK: a FIFO must not hang the run (nginx would block in open()); its size reads as 0.
  int fd = ::open(paths_.resolve(display).c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    std::string what = fmt::format("open() \"{}\" failed {}", name, errno_text(errno));
    return stop(ConfDirective::Error::config, from ? emerg_at(what, from->file, from->line) : "[emerg] " + what);
  }
  struct stat st {};
  ::fstat(fd, &st);
  // nginx reads st_size bytes (ngx_conf_read_token): a directory fails in pread(), logged at crit
  // without a position; a device or FIFO reads as empty.
  size_t size = S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) ? static_cast<size_t>(st.st_size) : 0;
  if (S_ISDIR(st.st_mode) && size > 0) {
    ::close(fd);
    return stop(ConfDirective::Error::config, fmt::format("[crit] pread() \"{}\" failed {}", name, errno_text(EISDIR)));
  }
  if (bytes_ + size > limits_.max_total_bytes) {
    ::close(fd);
    return stop(ConfDirective::Error::not_modelled,
                fmt::format("nginx configuration of more than {} bytes (at \"{}\")", limits_.max_total_bytes, name));
  }
  std::string text(size, '\0');
  size_t got = 0;
  while (got < size) {
    ssize_t n = ::read(fd, text.data() + got, size - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  text.resize(got);
  bytes_ += got;
  bool dumped = false;
  for (const auto& f : files_) dumped = dumped || f.first == name;
  if (!dumped) files_.emplace_back(name, text);
  Frame frame;
  frame.kind = Frame::Kind::file;
  frame.file = std::make_shared<FileState>(std::move(text), name);
  frame.out = &out;
  if (!stack.empty()) {
    frame.depth = stack.back().depth;
    frame.include_depth = stack.back().include_depth;
  }
  stack.push_back(std::move(frame));
  return true;
}

// `include FILE|GLOB`: checked as ngx_conf_handler checks it (its flags are NGX_ANY_CONF |
// NGX_CONF_TAKE1), then the files are read in place, one after the other.
void ConfigReader::include(const ConfDirective& d, std::vector<Frame>& stack, std::vector<ConfDirective>& out) {
  auto stop = [&](ConfDirective::Error kind, const std::string& what) {
    out.push_back(error_node(kind, emerg_at(what, d.file, d.line), d.file, d.line));
    stopped_ = true;
  };
  if (d.has_block) return stop(ConfDirective::Error::config, "directive \"include\" is not terminated by \";\"");
  if (d.args.size() != 1)
    return stop(ConfDirective::Error::config, "invalid number of arguments in \"include\" directive");
  Frame frame;
  frame.kind = Frame::Kind::include;
  frame.out = &out;
  frame.depth = stack.back().depth;
  frame.include_depth = stack.back().include_depth + 1;
  if (frame.include_depth > limits_.max_include_depth)
    return stop(ConfDirective::Error::config,
                fmt::format("includes nested more than {} deep (an include loop? nginx 1.22 overflows its stack)",
                            limits_.max_include_depth));
  // ngx_conf_full_name: a relative name is joined to the conf prefix as text.
  fs::path target(d.args[0]);
  if (!target.is_absolute()) target = prefix_ / target;
  if (has_glob_magic(target.string())) {
    auto matches = glob_host(target, paths_);
    if (!matches)
      return stop(ConfDirective::Error::not_modelled,
                  fmt::format("include \"{}\" reaches more than {} paths", d.args[0], kMaxGlobPaths));
    for (auto& p : *matches) frame.pending.push_back(std::move(p));
  } else {
    frame.pending.push_back(target);
  }
  frame.from = d;
  stack.push_back(std::move(frame));
}

void ConfigReader::step(std::vector<Frame>& stack) {
  if (stack.back().kind == Frame::Kind::include) {
    Frame& inc = stack.back();
    if (inc.pending.empty()) return stack.pop_back();
    fs::path next = inc.pending.front();
    inc.pending.pop_front();
    ConfDirective from = inc.from;
    open_file(next, &from, stack, *inc.out);
    return;
  }
  Frame& top = stack.back();
  FileState& f = *top.file;
  auto stop = [&](ConfDirective::Error kind, const std::string& message) {
    top.out->push_back(error_node(kind, message, f.display, f.lexer.line()));
    stopped_ = true;
  };
  std::vector<std::string> words;
  ConfLexer::Result result = f.lexer.next(words);
  switch (result) {
    case ConfLexer::Result::error:
      return stop(ConfDirective::Error::config, emerg_at(f.lexer.error(), f.display, f.lexer.line()));
    case ConfLexer::Result::block_done:
      if (top.kind == Frame::Kind::file)
        return stop(ConfDirective::Error::config, emerg_at("unexpected \"}\"", f.display, f.lexer.line()));
      top.owner->end_line = f.lexer.line();
      return stack.pop_back();
    case ConfLexer::Result::file_done:
      if (top.kind == Frame::Kind::block)
        return stop(ConfDirective::Error::config,
                    emerg_at("unexpected end of file, expecting \"}\"", f.display, f.lexer.line()));
      return stack.pop_back();
    case ConfLexer::Result::directive:
    case ConfLexer::Result::block_start:
      break;
  }
  if (++directives_ > limits_.max_directives)
    return stop(ConfDirective::Error::not_modelled,
                fmt::format("nginx configuration of more than {} directives (at {}:{})", limits_.max_directives,
                            f.display, f.lexer.line()));
  ConfDirective d;
  d.name = std::move(words.front());
  d.args.assign(std::make_move_iterator(words.begin() + 1), std::make_move_iterator(words.end()));
  d.has_block = result == ConfLexer::Result::block_start;
  d.file = f.display;
  d.line = f.lexer.line();
  if (d.name == "include") return include(d, stack, *top.out);
  if (d.has_block && top.depth + 1 > limits_.max_block_depth)
    return stop(ConfDirective::Error::config,
                emerg_at(fmt::format("blocks nested more than {} deep (nginx 1.22 overflows its stack)",
                                     limits_.max_block_depth),
                         f.display, f.lexer.line()));
  top.out->push_back(std::move(d));
  if (!top.out->back().has_block) return;
  Frame block;
  block.kind = Frame::Kind::block;
  block.file = top.file;
  block.out = &top.out->back().block;
  block.owner = &top.out->back();
  block.depth = top.depth + 1;
  block.include_depth = top.include_depth;
  stack.push_back(std::move(block));
}

}  // namespace bg::proxy
