// ConfigReader and ConfLexer: nginx's lexical rules, includes (globs, nesting, symlinks, any
// block), and the bounds that keep any input from crashing or exhausting the harness.
#include "proxy/config_reader.h"

#include <gtest/gtest.h>

#include "proxy/conf_lexer.h"
#include "proxy/conf_test_support.h"

namespace bg::proxy {
namespace {

using test_support::HostDir;

std::vector<std::string> words_of(const std::string& text) {
  ConfLexer lexer(text);
  std::vector<std::string> words;
  lexer.next(words);
  return words;
}

std::string lexer_error(const std::string& text) {
  ConfLexer lexer(text);
  std::vector<std::string> words;
  for (;;) {
    auto r = lexer.next(words);
    if (r == ConfLexer::Result::error) return lexer.error() + " @" + std::to_string(lexer.line());
    if (r == ConfLexer::Result::file_done) return "done";
  }
}

}  // namespace

// Goal: words end only at space, ';' or '{' ('}' and '#' inside a word are part of it), quotes open
// only at a word's start, escapes are nginx's, and ${var} keeps its braces.
TEST(ConfLexer, ReadsWordsAsNginx) {
  EXPECT_EQ(words_of("a b}c d#e;"), (std::vector<std::string>{"a", "b}c", "d#e"}));
  EXPECT_EQ(words_of("a x\"y\" 'q;r' \"t\\\"u\\n\";"), (std::vector<std::string>{"a", "x\"y\"", "q;r", "t\"u\n"}));
  EXPECT_EQ(words_of("set $a ${b}c;"), (std::vector<std::string>{"set", "$a", "${b}c"}));
  EXPECT_EQ(words_of("a \\x\\;b;"),
            (std::vector<std::string>{"a", "\\x\\;b"}));  // only \\" \\' \\\\ \\t \\r \\n unescape
  EXPECT_EQ(words_of("if ($a = \"b\") {"), (std::vector<std::string>{"if", "($a", "=", "b", ")"}));
}

// Goal: each lexical error has nginx's wording and the line nginx reports.
TEST(ConfLexer, ErrorsAreNginxs) {
  EXPECT_EQ(lexer_error("a \"b\"c;"), "unexpected \"c\" @1");
  EXPECT_EQ(lexer_error("a;\n;"), "unexpected \";\" @2");
  EXPECT_EQ(lexer_error("a {\n b }"), "unexpected \"}\" @2");
  EXPECT_EQ(lexer_error("a b"), "unexpected end of file, expecting \";\" or \"}\" @1");
  EXPECT_EQ(lexer_error("a \"b\n\n"), "unexpected end of file, expecting \";\" or \"}\" @3");
  EXPECT_EQ(lexer_error("a " + std::string(5000, 'x') + ";"), "too long parameter \"xxxxxxxxxx...\" started @1");
  EXPECT_EQ(lexer_error("a \"" + std::string(5000, 'x') + "\";"),
            "too long parameter, probably missing terminating \"\"\" character @1");
  EXPECT_EQ(lexer_error("a " + std::string(4000, 'x') + ";"), "done");  // under the buffer: fine
}

// Goal: includes are relative to the conf prefix, globs sorted and without dot files, a glob with no
// match is fine, includes nest, work inside any block, and follow the host's relative symlinks;
// messages name host paths, never the temporary folder.
TEST(ConfigReader, IncludesGlobsNestingAndSymlinks) {
  HostDir host("reader");
  host.write("nginx.conf",
             "events {}\nhttp {\n include conf.d/*.conf;\n include sites-enabled/*;\n"
             " include nothing/*.conf;\n}\n");
  host.write("conf.d/b.conf", "upstream b { include conf.d/ups/*.inc; }\n");  // relative to /etc/nginx, not to b.conf
  host.write("conf.d/a.conf", "upstream a { server 127.0.0.1:3000; }\n");
  host.write("conf.d/.hidden.conf", "frobnicate;\n");
  host.write("conf.d/ups/1.inc", "server 127.0.0.1:3001;\n");
  host.write("sites-available/app", "server { listen 80; location / { proxy_pass http://a; } }\n");
  host.symlink("../sites-available/app", "/etc/nginx/sites-enabled/app");
  NginxConfig c = host.parse();
  ASSERT_EQ(c.upstreams.size(), 2u);
  EXPECT_EQ(c.upstreams[0].name, "a");  // a.conf before b.conf
  EXPECT_EQ(c.upstreams[1].servers[0].port, 3001);
  ASSERT_EQ(c.servers.size(), 1u);
  EXPECT_EQ(c.servers[0].file, "/etc/nginx/sites-enabled/app");

  host.symlink("../sites-available/gone", "/etc/nginx/sites-enabled/zz-dangling");
  EXPECT_EQ(host.outcome(),
            "[emerg] open() \"/etc/nginx/sites-enabled/zz-dangling\" failed (2: No such file or "
            "directory) in /etc/nginx/nginx.conf:4");
}

// Goal: a directory matched by a glob fails as nginx's pread() does; a missing plain include names
// the including line; include's own checks are nginx's.
TEST(ConfigReader, IncludeErrorsAreNginxs) {
  HostDir host("reader");
  host.write("conf.d/sub/x.conf", "");
  host.write("nginx.conf", "events {}\nhttp { include conf.d/*; }\n");
  EXPECT_EQ(host.outcome(), "[crit] pread() \"/etc/nginx/conf.d/sub\" failed (21: Is a directory)");
  host.write("nginx.conf", "events {}\n\ninclude missing.conf;\n");
  EXPECT_EQ(host.outcome(),
            "[emerg] open() \"/etc/nginx/missing.conf\" failed (2: No such file or directory) in "
            "/etc/nginx/nginx.conf:3");
  host.write("nginx.conf", "events {}\ninclude a b;\n");
  EXPECT_EQ(host.outcome(), "[emerg] invalid number of arguments in \"include\" directive in /etc/nginx/nginx.conf:2");
}

// Goal: the first error in file order wins, whichever kind: an unknown directive before a syntax
// error later in the file is reported, as nginx handles each directive as it reads it.
TEST(ConfigReader, FirstErrorInFileOrderWins) {
  HostDir host("reader");
  host.write("nginx.conf", "events {}\nhttp {\n frobnicate;\n}\n}\n");
  EXPECT_EQ(host.outcome(), "[emerg] unknown directive \"frobnicate\" in /etc/nginx/nginx.conf:3");
  host.write("nginx.conf", "events {}\nhttp {\n include missing.conf;\n frobnicate;\n}\n");
  EXPECT_EQ(host.outcome(),
            "[emerg] open() \"/etc/nginx/missing.conf\" failed (2: No such file or directory) in "
            "/etc/nginx/nginx.conf:3");
}

// Goal: no input crashes or exhausts the harness: 20000 nested blocks (nginx 1.22 segfaults), a file
// including itself, many directives; each ends in a clear message naming file and line.
TEST(ConfigReader, BoundedDepthIncludesAndSize) {
  HostDir host("reader");
  std::string deep = "events {}\nhttp { server {\n";
  for (int i = 0; i < 20000; ++i) deep += "location / {\n";
  host.write("nginx.conf", deep);
  EXPECT_EQ(host.outcome(),
            "[emerg] blocks nested more than 100 deep (nginx 1.22 overflows its stack) in "
            "/etc/nginx/nginx.conf:101");
  host.write("nginx.conf", "events {}\nhttp { include self.conf; }\n");
  host.write("self.conf", "\ninclude self.conf;\n");
  EXPECT_EQ(host.outcome(),
            "[emerg] includes nested more than 32 deep (an include loop? nginx 1.22 overflows its "
            "stack) in /etc/nginx/self.conf:2");
  // A glob whose wildcards come back through `..`: k^n paths, as glob(3) lists them (the fuzzer's
  // input took 26 s under ASan); past kMaxGlobPaths the include is refused, naming itself.
  for (int i = 0; i < 20; ++i) host.write("many/d" + std::to_string(i) + "/x.conf", "\n");
  host.write("nginx.conf", "events {}\nhttp { include many/*/../*/../*/../*.conf; }\n");
  {
    ConfigReader reader(host.paths());
    auto tree = reader.read_main("/etc/nginx/nginx.conf");
    ASSERT_EQ(tree.size(), 2u);
    ASSERT_FALSE(tree[1].block.empty());
    EXPECT_EQ(tree[1].block.back().error_kind, ConfDirective::Error::not_modelled);
    EXPECT_NE(tree[1].block.back().error.find("include \"many/*/../*/../*/../*.conf\" reaches more than 1024 paths"),
              std::string::npos)
        << tree[1].block.back().error;
  }
  ConfReaderLimits small;
  small.max_directives = 10;
  std::string many = "events {}\n";
  for (int i = 0; i < 20; ++i) many += "worker_priority 0;\n";
  host.write("nginx.conf", many);
  ConfigReader reader(host.paths(), small);
  auto tree = reader.read_main("/etc/nginx/nginx.conf");
  ASSERT_FALSE(tree.empty());
  EXPECT_EQ(tree.back().error_kind, ConfDirective::Error::not_modelled);
  EXPECT_EQ(tree.back().error, "nginx configuration of more than 10 directives (at /etc/nginx/nginx.conf:11)");
}

// Goal: every file read is kept once, in order, for `nginx -T`.
TEST(ConfigReader, KeepsEachFileOnceForDump) {
  HostDir host("reader");
  host.write("nginx.conf", "events {}\nhttp { include x.conf; include x.conf; }\n");
  host.write("x.conf", "");
  ConfigReader reader(host.paths());
  reader.read_main("/etc/nginx/nginx.conf");
  ASSERT_EQ(reader.files().size(), 2u);
  EXPECT_EQ(reader.files()[1].first, "/etc/nginx/x.conf");
}

}  // namespace bg::proxy
