// The image commands (docker/cli cli/command/image/*.go, registry/login.go@v20.10.17): images,
// pull and push against the run's registry, tag, rmi, image prune, login (any credentials are
// accepted) and logout.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "fakes/docker/docker_cli.h"
#include "fakes/docker/docker_cli_support.h"
#include "fakes/docker/docker_formatter.h"
#include "fakes/docker/tab_writer.h"

namespace bg::fakes {
namespace {

const CommandSpec kImages{"docker images",
                          "docker images [OPTIONS] [REPOSITORY[:TAG]]",
                          "List images",
                          {{'a', "all", false},
                           {0, "digests", false},
                           {'f', "filter", true},
                           {0, "format", true},
                           {0, "no-trunc", false},
                           {'q', "quiet", false}},
                          true,
                          {"digests"}};
const CommandSpec kPull{
    "docker pull",
    "docker pull [OPTIONS] NAME[:TAG|@DIGEST]",
    "Pull an image or a repository from a registry",
    {{'a', "all-tags", false}, {'q', "quiet", false}, {0, "platform", true}, {0, "disable-content-trust", false}},
    true,
    {"all-tags"}};
const CommandSpec kPush{"docker push",
                        "docker push [OPTIONS] NAME[:TAG]",
                        "Push an image or a repository to a registry",
                        {{'a', "all-tags", false}, {'q', "quiet", false}, {0, "disable-content-trust", false}},
                        true,
                        {"all-tags"}};
const CommandSpec kTag{"docker tag",
                       "docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
                       "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
                       {}};
const CommandSpec kRmi{"docker rmi",
                       "docker rmi [OPTIONS] IMAGE [IMAGE...]",
                       "Remove one or more images",
                       {{'f', "force", false}, {0, "no-prune", false}}};
const CommandSpec kPrune{"docker image prune",
                         "docker image prune [OPTIONS]",
                         "Remove unused images",
                         {{'a', "all", false}, {'f', "force", false}, {0, "filter", true}},
                         true,
                         {"filter"}};
const CommandSpec kLogin{"docker login",
                         "docker login [OPTIONS] [SERVER]",
                         "Log in to a Docker registry",
                         {{'u', "username", true}, {'p', "password", true}, {0, "password-stdin", false}}};
const CommandSpec kLogout{"docker logout", "docker logout [SERVER]", "Log out from a Docker registry", {}};

// go-units HumanSizeWithPrecision(size, 3).
std::string size3(double bytes) {
  static constexpr const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int i = 0;
  while (bytes >= 1000 && i < 4) {
    bytes /= 1000;
    ++i;
  }
  return fmt::format("{:.3g}{}", bytes, units[i]);
}

// The repository part of a stored tag and its tag.
std::pair<std::string, std::string> repo_tag(const std::string& ref) {
  if (ref.empty()) return {"<none>", "<none>"};
  size_t colon = ref.rfind(':');
  size_t slash = ref.rfind('/');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return {ref, "latest"};
  return {ref.substr(0, colon), ref.substr(colon + 1)};
}

// path.Match for the reference filter: '*' within a segment, '?' one character.
bool glob(const std::string& pattern, const std::string& text) {
  if (pattern.empty()) return text.empty();
  if (pattern[0] == '*') {
    for (size_t i = 0; i <= text.size(); ++i) {
      if (i > 0 && text[i - 1] == '/') break;
      if (glob(pattern.substr(1), text.substr(i))) return true;
    }
    return false;
  }
  return !text.empty() && (pattern[0] == '?' || pattern[0] == text[0]) && glob(pattern.substr(1), text.substr(1));
}

bool valid_reference(const std::string& ref) {
  std::string name = ref.substr(0, ref.find_first_of("@"));
  return !name.empty() &&
         std::none_of(name.begin(), name.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
}

}  // namespace

core::CommandResult DockerCli::images(const Args& args) {
  CliArgs a = parse_command(kImages, args);
  require_range(kImages, a, 0, 1);
  std::optional<bool> dangling;
  std::vector<std::string> references;
  for (const auto& f : a.values["filter"]) {
    size_t eq = f.find('=');
    std::string key = f.substr(0, eq), value = eq == std::string::npos ? "" : f.substr(eq + 1);
    if (eq == std::string::npos)
      return failed(fmt::format("invalid argument {} for \"-f, --filter\" flag: bad format of filter (expected "
                                "name=value)\nSee 'docker images --help'.",
                                go_quote(f)),
                    125);
    if (key == "dangling") {
      if (value != "true" && value != "false" && value != "1" && value != "0")
        return failed(daemon_error(fmt::format("Invalid filter 'dangling={}'", value)));
      dangling = value == "true" || value == "1";
    } else if (key == "reference") {
      references.push_back(value);
    } else if (key == "label" || key == "before" || key == "since") {
      return core::not_modelled_result("docker images --filter " + key);
    } else {
      return failed(daemon_error(fmt::format("Invalid filter '{}'", key)));
    }
  }
  if (!a.positional.empty()) references.push_back(a.positional[0]);
  bool trunc = !a.has("no-trunc");
  core::Time now = engine_.clock().now();
  std::vector<gotmpl::Value> rows;
  for (const auto& image : engine_.images()) {
    if (dangling && *dangling != image.ref.empty()) continue;
    auto [repo, tag] = repo_tag(image.ref);
    bool referenced = references.empty();
    for (const auto& r : references)
      referenced = referenced || (!image.ref.empty() && (glob(r, repo) || glob(r, repo + ":" + tag)));
    if (!referenced) continue;
    using V = gotmpl::Value;
    V row = V::structure("*formatter.imageContext");
    row.field("Containers", V::string("N/A"))
        .field("CreatedAt", V::string(fmt::format("{:%Y-%m-%d %H:%M:%S} +0000 UTC",
                                                  fmt::gmtime(static_cast<time_t>(unix_seconds(image.created))))))
        .field("CreatedSince", V::string(human_duration(core::to_seconds(now - image.created)) + " ago"))
        .field("Digest", V::string("<none>"))
        .field("ID", V::string(trunc ? image.id.substr(0, 12) : "sha256:" + image.id))
        .field("Repository", V::string(repo))
        .field("SharedSize", V::string("N/A"))
        .field("Size", V::string(size3(static_cast<double>(image.size))))
        .field("Tag", V::string(tag))
        .field("UniqueSize", V::string("N/A"))
        .field("VirtualSize", V::string(size3(static_cast<double>(image.size))));
    rows.push_back(row);
  }
  std::string format = a.value("format");
  if (format.empty() || format == "table")
    format = a.has("quiet") ? "{{.ID}}" : "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
  static const std::map<std::string, std::string> headers = {{"Containers", "CONTAINERS"},
                                                             {"CreatedAt", "CREATED AT"},
                                                             {"CreatedSince", "CREATED"},
                                                             {"Digest", "DIGEST"},
                                                             {"ID", "IMAGE ID"},
                                                             {"Repository", "REPOSITORY"},
                                                             {"SharedSize", "SHARED SIZE"},
                                                             {"Size", "SIZE"},
                                                             {"Tag", "TAG"},
                                                             {"UniqueSize", "UNIQUE SIZE"},
                                                             {"VirtualSize", "VIRTUAL SIZE"}};
  return {0, format_rows(format, rows, headers), ""};
}

core::CommandResult DockerCli::pull(const Args& args) {
  CliArgs a = parse_command(kPull, args);
  require_exact(kPull, a, 1);
  const std::string& ref = a.positional[0];
  if (!valid_reference(ref)) return failed("invalid reference format: repository name must be lowercase");
  core::CommandResult r;
  size_t slash = ref.rfind('/'), colon = ref.rfind(':');
  bool name_only = ref.find('@') == std::string::npos &&
                   (colon == std::string::npos || (slash != std::string::npos && colon < slash));
  if (name_only && !a.has("quiet")) r.out += "Using default tag: latest\n";
  PullResult pulled = engine_.pull_image(ref);  // a DockerError is printed by run()
  if (!a.has("quiet")) r.out += pull_progress(ref, pulled);
  r.out += Registry::fully_qualified(ref) + "\n";
  return r;
}

core::CommandResult DockerCli::push(const Args& args) {
  CliArgs a = parse_command(kPush, args);
  require_exact(kPush, a, 1);
  const std::string& ref = a.positional[0];
  Image image = engine_.push(ref);
  std::string full = Registry::fully_qualified(ref);
  std::string repo = full.substr(0, full.rfind(':'));
  if (repo.rfind("docker.io/", 0) == 0) repo = "docker.io/" + Registry::familiar_name(ref);
  core::CommandResult r;
  if (!a.has("quiet")) {
    r.out = fmt::format("The push refers to repository [{}]\n", repo);
    for (size_t i = 0; i < 3; ++i) r.out += image.id.substr(i * 12, 12) + ": Pushed\n";
    r.out += fmt::format("{}: digest: sha256:{} size: 1570\n", full.substr(full.rfind(':') + 1), image.id);
  } else {
    r.out = full + "\n";
  }
  return r;
}

core::CommandResult DockerCli::tag(const Args& args) {
  CliArgs a = parse_command(kTag, args);
  require_exact(kTag, a, 2);
  if (!valid_reference(a.positional[1])) return failed("invalid reference format: repository name must be lowercase");
  std::optional<Image> image = engine_.image(a.positional[0]);
  if (!image) return failed(daemon_error("No such image: " + Registry::familiar(a.positional[0])));
  engine_.tag(*image, a.positional[1]);
  return {};
}

core::CommandResult DockerCli::rmi(const Args& args) {
  CliArgs a = parse_command(kRmi, args);
  require_min(kRmi, a, 1);
  core::CommandResult r;
  std::vector<std::string> errors;
  bool fatal = false;
  for (const auto& ref : a.positional) {
    try {
      for (const auto& line : engine_.remove_image(ref, a.has("force"))) r.out += line + "\n";
    } catch (const DockerError& e) {
      fatal = fatal || std::string(e.what()).rfind("No such image", 0) != 0;
      errors.push_back(daemon_error(e.what()));
    }
  }
  for (const auto& e : errors) r.err += e + "\n";
  // rmi.go: with -f, images that do not exist are reported but do not fail the command.
  if (!errors.empty() && (!a.has("force") || fatal)) r.exit_code = 1;
  return r;
}

core::CommandResult DockerCli::image_prune(const Args& args, const DockerCall& call) {
  CliArgs a = parse_command(kPrune, args);
  require_none(kPrune, a);
  core::CommandResult r;
  if (!a.has("force")) {
    // command.PromptForConfirmation: the first line of stdin must be "y".
    r.out = a.has("all") ? "WARNING! This will remove all images without at least one container associated to them.\n"
                           "Are you sure you want to continue? [y/N] "
                         : "WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ";
    std::string answer = call.stdin.substr(0, call.stdin.find('\n'));
    if (answer != "y" && answer != "Y") return {0, r.out + "Total reclaimed space: 0B\n", ""};
  }
  PruneResult pruned = engine_.prune_images(a.has("all"));
  if (!pruned.lines.empty()) r.out += fmt::format("Deleted Images:\n{}\n\n", fmt::join(pruned.lines, "\n"));
  r.out += "Total reclaimed space: " + human_size(static_cast<double>(pruned.reclaimed)) + "\n";
  return r;
}

core::CommandResult DockerCli::login(const Args& args, const DockerCall& call) {
  CliArgs a = parse_command(kLogin, args);
  require_range(kLogin, a, 0, 1);
  core::CommandResult r;
  if (a.has("password") && a.has("password-stdin"))
    return failed("--password and --password-stdin are mutually exclusive");
  if (a.has("password")) r.err += "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n";
  if (a.has("password-stdin") && !a.has("username")) return failed("Must provide --username with --password-stdin");
  bool has_password = a.has("password") || (a.has("password-stdin") && !call.stdin.empty());
  if (!a.has("username") || !has_password)
    return failed(r.err + "Error: Cannot perform an interactive login from a non TTY device");
  // The run's registry accepts any credentials (simplification).
  r.err +=
      "WARNING! Your password will be stored unencrypted in /root/.docker/config.json.\nConfigure a credential "
      "helper to remove this warning. See\nhttps://docs.docker.com/engine/reference/commandline/login/"
      "#credentials-store\n\n";
  r.out = "Login Succeeded\n";
  return r;
}

core::CommandResult DockerCli::logout(const Args& args) {
  CliArgs a = parse_command(kLogout, args);
  require_range(kLogout, a, 0, 1);
  std::string server = a.positional.empty() ? "https://index.docker.io/v1/" : a.positional[0];
  return {0, fmt::format("Removing login credentials for {}\n", server), ""};
}

}  // namespace bg::fakes
