// The readers under the survey, each where it must find something and where it must not: shell
// commands (quoting, substitutions, prefixes, here-documents), script facts, nginx levels, compose
// interpolation and ports, the app's files.
#include <gtest/gtest.h>

#include "scenarios/survey/app_files.h"
#include "scenarios/survey/compose_files.h"
#include "scenarios/survey/nginx_files.h"
#include "scenarios/survey/script_facts.h"
#include "scenarios/survey/shell_lines.h"

namespace bg::survey {
namespace {

ShellScript script(const std::vector<std::string>& text) {
  return {"deploy.sh", false, "", shell_lines("deploy.sh", 1, text)};
}

size_t count(const std::vector<std::string>& text, const char* name) {
  size_t n = 0;
  for (const auto& line : shell_lines("deploy.sh", 1, text)) n += find_commands(line, name).size();
  return n;
}

// Goal: a command is found where the shell runs one: after sudo, env assignments, keywords, `&&`
// and inside `$(...)`, quoted or not.
TEST(ShellLines, FindsCommandsWhereTheShellRunsThem) {
  EXPECT_EQ(count({"sudo nginx -t && sudo systemctl reload nginx"}, "nginx"), 1u);
  EXPECT_EQ(count({"TAG=$ID PORT=3001 docker compose -p green up -d"}, "docker compose"), 1u);
  EXPECT_EQ(count({R"sh(if [ "$(docker inspect -f '{{.State.Running}}' web-blue)" = "true" ]; then)sh"}, "docker"), 1u);
  EXPECT_EQ(count({"EXIST=$(docker-compose -p app ps | grep Up)"}, "docker-compose"), 1u);
  EXPECT_EQ(count({"until curl -sf http://127.0.0.1:3001/api/health; do"}, "curl"), 1u);
  EXPECT_EQ(count({"timeout 30 docker stop web"}, "docker"), 1u);
}

// Goal: text that only looks like a command runs nothing: quoted strings, another command's
// arguments, comments and here-document bodies.
TEST(ShellLines, IgnoresWhatTheShellDoesNotRun) {
  EXPECT_EQ(count({R"sh(echo "> docker stop web-3000")sh"}, "docker"), 0u);
  EXPECT_EQ(count({"docker exec proxy nginx -s reload"}, "nginx"), 0u);
  EXPECT_EQ(count({"docker compose exec -T nginx nginx -s reload"}, "nginx"), 0u);
  EXPECT_EQ(count({"# docker compose up -d"}, "docker compose"), 0u);
  EXPECT_EQ(count({"cat <<EOF | sudo tee /etc/nginx/conf.d/a.conf", "docker run evil", "EOF", "docker ps"}, "docker"),
            1u);
  EXPECT_EQ(count({"docker-compose up -d"}, "docker"), 0u);
}

// Goal: a backslash continues a command: its arguments are read across lines, from its first line.
TEST(ShellLines, JoinsContinuationLines) {
  const auto lines =
      shell_lines("deploy.sh", 10, {"docker run -d \\", "  --name web-green \\", "  -p 3001:3000 web:latest"});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].at.line, 10);
  const auto facts = scan_script({"deploy.sh", false, "", lines});
  ASSERT_EQ(facts.runs.size(), 1u);
  EXPECT_EQ(facts.runs[0].name, "web-green");
  EXPECT_EQ(facts.runs[0].image, "web:latest");
  EXPECT_EQ(facts.runs[0].publish, std::vector<std::string>{"3001:3000"});
}

// Goal: a command kept in a variable is found where the variable runs it.
TEST(ScriptFacts, ExpandsACommandKeptInAVariable) {
  const auto facts = scan_script(script(
      {R"sh(COMPOSE="docker compose -f docker-compose.prod.yml")sh", "$COMPOSE up -d green", "echo $COMPOSE_FILE"}));
  ASSERT_EQ(facts.compose.size(), 1u);
  EXPECT_EQ(facts.compose[0].files, std::vector<std::string>{"docker-compose.prod.yml"});
  EXPECT_EQ(facts.compose[0].args[0], "up");
  EXPECT_EQ(facts.compose[0].at.line, 2);
}

// Goal: /etc/nginx paths on the host are read, one inside a container (`proxy:/etc/nginx/...`) not.
TEST(ScriptFacts, ReadsHostNginxPathsNotContainerOnes) {
  const auto facts =
      scan_script(script({"docker cp nginx/$NEW.conf proxy:/etc/nginx/conf.d/default.conf",
                          "sudo ln -sfn /etc/nginx/sites-available/web-$NEXT /etc/nginx/sites-enabled/web",
                          "sudo cp /etc/nginx/bluegreen/shop-$NEW.conf /etc/nginx/conf.d/shop.conf"}));
  std::vector<std::string> paths;
  for (const auto& p : facts.etc_nginx) paths.push_back(p.value);
  EXPECT_EQ(paths, (std::vector<std::string>{"/etc/nginx/sites-available/web-$NEXT", "/etc/nginx/sites-enabled/web",
                                             "/etc/nginx/bluegreen/shop-$NEW.conf", "/etc/nginx/conf.d/shop.conf"}));
  ASSERT_EQ(facts.links.size(), 1u);
  EXPECT_EQ(facts.links[0].to, "/etc/nginx/sites-enabled/web");
  ASSERT_EQ(facts.copies.size(), 1u);  // not `docker cp`
  EXPECT_EQ(facts.copies[0].from, "/etc/nginx/bluegreen/shop-$NEW.conf");
}

// Goal: nginx driven in a container is told apart from nginx on the host.
TEST(ScriptFacts, TellsContainerNginxFromHostNginx) {
  const auto facts =
      scan_script(script({"docker exec proxy nginx -t", "docker compose exec -T nginx nginx -s reload"}));
  EXPECT_TRUE(facts.host_nginx.empty());
  ASSERT_EQ(facts.container_nginx.size(), 2u);
  EXPECT_EQ(facts.container_nginx[0].value, "proxy");
  const auto host = scan_script(script({"sudo service nginx reload", "sudo systemctl restart nginx"}));
  EXPECT_EQ(host.host_nginx.size(), 2u);
}

// Goal: only local URLs a curl or wget fetches count as checks, with their port and path.
TEST(ScriptFacts, ReadsTheUrlsAScriptChecks) {
  const auto facts = scan_script(script({"curl -s http://localhost:${IDLE_PORT}/api/health | grep ok",
                                         R"sh(echo "set \$service_url http://127.0.0.1:8081;" | sudo tee x)sh"}));
  ASSERT_EQ(facts.urls.size(), 1u);
  EXPECT_EQ(facts.urls[0].port, "${IDLE_PORT}");
  EXPECT_EQ(facts.urls[0].path, "/api/health");
}

TextFile file(const std::string& path, const std::vector<std::string>& lines) { return {path, lines}; }

// Goal: each nginx file gets the level that decides where it can go; other files are not nginx's.
TEST(NginxFiles, ClassifiesByTopLevelDirectives) {
  const auto folder = FolderFiles::from_files({
      file("nginx.conf", {"events {}", "http { include /etc/nginx/mime.types; }"}),
      file("host/site", {"server {", "  listen 8080 default_server;", "  server_name shop.example.com;",
                         "  location / { proxy_pass http://127.0.0.1:3000; }", "}"}),
      file("host/active.inc", {"set $active http://127.0.0.1:3000;"}),
      file(".env", {"PORT=3000"}),
      file("notes", {"just words here"}),
      file("broken.conf", {"server { listen 80;"}),
  });
  const auto files = read_nginx_files(folder);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].path, "host/active.inc");
  EXPECT_EQ(files[0].level, NginxLevel::server);
  EXPECT_EQ(files[1].level, NginxLevel::http);
  ASSERT_EQ(files[1].servers.size(), 1u);
  EXPECT_EQ(files[1].servers[0].names, std::vector<std::string>{"shop.example.com"});
  EXPECT_TRUE(files[1].servers[0].default_server);
  EXPECT_TRUE(files[1].servers[0].proxies);
  EXPECT_EQ(files[2].level, NginxLevel::main);
  EXPECT_TRUE(includes_stock_file(files[2]));
  EXPECT_FALSE(includes_stock_file(files[1]));
}

// Goal: `${VAR:-default}` takes the .env value, then the default; `${VAR}` with neither is incomplete.
TEST(ComposeFiles, InterpolatesAsComposeDoesForDefaults) {
  std::string a = "ghcr.io/acme/web:${BLUE_TAG:-latest}", b = "web:${TAG}", c = "${HOST_PORT:-3000}:3000";
  EXPECT_TRUE(interpolate(a, {{"BLUE_TAG", "abc"}}));
  EXPECT_EQ(a, "ghcr.io/acme/web:abc");
  EXPECT_FALSE(interpolate(b, {}));
  EXPECT_TRUE(interpolate(c, {{"HOST_PORT", ""}}));
  EXPECT_EQ(c, "3000:3000");  // `:-` treats an empty value as unset
  EXPECT_EQ(port_parts("127.0.0.1:3001:3000"), std::make_pair(std::string("3001"), std::string("3000")));
  EXPECT_EQ(port_parts("${HOST_PORT:-3000}:3000").first, "${HOST_PORT:-3000}");
  EXPECT_EQ(port_parts("3000").first, "");
}

// Goal: the image's port comes from its last stage; the Next.js version from package.json.
TEST(AppFiles, ReadsTheLastStageAndTheNextDependency) {
  const auto folder = FolderFiles::from_files({
      file("Dockerfile", {"FROM node:18 AS build", "EXPOSE 9999", "FROM node:18-alpine",
                          "ENV NODE_ENV=production PORT=3000", "EXPOSE 3000/tcp", R"sh(CMD ["node", "server.js"])sh"}),
      file("package.json", {"{", R"sh(  "dependencies": {)sh", R"sh(    "next": "^14.1.0")sh", "  }", "}"}),
  });
  const AppFacts app = read_app_files(folder);
  ASSERT_EQ(app.exposed.size(), 1u);
  EXPECT_EQ(app.exposed[0].value, "3000");
  ASSERT_EQ(app.env_port.size(), 1u);
  EXPECT_EQ(app.env_port[0].at.line, 4);
  EXPECT_EQ(app.next_dependency.at.line, 3);
  EXPECT_EQ(next_major_minor(app.next_dependency.value), "14.1");
  EXPECT_EQ(next_major_minor("latest"), "");
  EXPECT_EQ(image_repository("registry:5000/web:1.2"), "registry:5000/web");
  EXPECT_TRUE(is_nginx_image("nginxinc/nginx-unprivileged:1.25"));
  EXPECT_FALSE(is_nginx_image("ghcr.io/acme/web:latest"));
}

}  // namespace
}  // namespace bg::survey
