// `aws s3 cp` over the run's S3 (objects are files under <s3_root>/<bucket>/<key>): upload, download
// and copy of one object, or of a folder with --recursive. Messages: aws-cli 2.27
// awscli/customizations/s3/results.py ("upload: SRC to DST", paths relative to the working
// directory) and subcommands.py ("The user-provided path X does not exist.", exit 255).
#include <fmt/format.h>

#include <system_error>

#include "fakes/pipeline/aws_call.h"

namespace bg::fakes {

namespace fs = std::filesystem;

namespace {

struct S3Url {
  std::string bucket, key;
};

std::optional<S3Url> parse_s3(const std::string& s) {
  if (s.rfind("s3://", 0) != 0) return std::nullopt;
  const std::string rest = s.substr(5);
  const size_t slash = rest.find('/');
  return S3Url{rest.substr(0, slash), slash == std::string::npos ? "" : rest.substr(slash + 1)};
}

const AwsOperationSpec& cp_spec() {
  static const AwsOperationSpec spec = {
      // Object metadata and transfer settings: nothing the deployment reads.
      {"--acl",
       "--sse",
       "--sse-kms-key-id",
       "--storage-class",
       "--content-type",
       "--cache-control",
       "--content-disposition",
       "--content-encoding",
       "--content-language",
       "--expires",
       "--metadata",
       "--metadata-directive",
       "--grants",
       "--website-redirect",
       "--source-region",
       "--expected-size",
       "--exclude",
       "--include",
       "--sse-c",
       "--sse-c-key",
       "--request-payer",
       "--checksum-algorithm"},
      {"--recursive", "--quiet", "--only-show-errors", "--no-progress", "--dryrun", "--follow-symlinks",
       "--no-follow-symlinks", "--no-guess-mime-type", "--force-glacier-transfer", "--ignore-glacier-warnings"},
      {{"--exclude", "filters on a recursive copy"},
       {"--include", "filters on a recursive copy"},
       {"--sse-c", "customer-provided encryption keys"},
       {"--sse-c-key", "customer-provided encryption keys"}},
      {}};
  return spec;
}

std::string shown(const fs::path& host_path, const std::string& cwd) {
  fs::path rel = host_path.lexically_normal().lexically_relative(fs::path(cwd).lexically_normal());
  return rel.empty() || rel.string().rfind("..", 0) == 0 ? host_path.string() : rel.string();
}

}  // namespace

core::CommandResult AwsCli::s3_cp(Call& call) {
  if (auto e = call.parse(2, cp_spec())) return *e;
  if (call.positional.size() != 2)
    return aws_errors::argparse_error(call.positional.size() < 2 ? "the following arguments are required: paths"
                                                                 : "unrecognized arguments");
  const std::string& src = call.positional[0];
  const std::string& dst = call.positional[1];
  const bool quiet = call.has("--quiet") || call.has("--only-show-errors");
  const bool dry = call.has("--dryrun");
  const auto s3_src = parse_s3(src), s3_dst = parse_s3(dst);
  const core::PathMap& files = *call.caller.files;
  auto host_path = [&](const std::string& p) {
    return p.size() && p[0] == '/' ? fs::path(p) : fs::path(call.caller.cwd) / p;
  };
  std::string out;
  auto copy_file = [&](const fs::path& from, const fs::path& to, const std::string& kind, const std::string& from_text,
                       const std::string& to_text) {
    if (!dry) {
      fs::create_directories(to.parent_path());
      fs::copy_file(from, to, fs::copy_options::overwrite_existing);
    }
    if (!quiet) out += fmt::format("{}{}: {} to {}\n", dry ? "(dryrun) " : "", kind, from_text, to_text);
  };
  try {
    if (!s3_src && s3_dst) {  // upload
      const fs::path local = host_path(src);
      const fs::path real = files.resolve(local);
      if (!fs::exists(real))
        return aws_errors::general_error(fmt::format("The user-provided path {} does not exist.", src));
      if (fs::is_directory(real)) {
        if (!call.has("--recursive")) return core::not_modelled_result("aws s3 cp of a folder without --recursive");
        for (const auto& e : fs::recursive_directory_iterator(real)) {
          if (!e.is_regular_file()) continue;
          const std::string rel = e.path().lexically_relative(real).string();
          const std::string key = s3_dst->key + (s3_dst->key.empty() || s3_dst->key.back() == '/' ? "" : "/") + rel;
          copy_file(e.path(), object_path(s3_dst->bucket, key), "upload", shown(local / rel, call.caller.cwd),
                    fmt::format("s3://{}/{}", s3_dst->bucket, key));
        }
        return {0, out, ""};
      }
      std::string key = s3_dst->key;
      if (key.empty() || key.back() == '/') key += local.filename().string();
      copy_file(real, object_path(s3_dst->bucket, key), "upload", shown(local, call.caller.cwd),
                fmt::format("s3://{}/{}", s3_dst->bucket, key));
      return {0, out, ""};
    }
    if (s3_src && !s3_dst) {  // download
      if (call.has("--recursive")) return core::not_modelled_result("aws s3 cp --recursive from S3");
      const fs::path object = object_path(s3_src->bucket, s3_src->key);
      if (!fs::is_regular_file(object))
        return {1, "",
                fmt::format("fatal error: An error occurred (404) when calling the HeadObject operation: Key \"{}\" "
                            "does not exist\n",
                            s3_src->key)};
      fs::path local = host_path(dst);
      if (dst.back() == '/' || fs::is_directory(files.resolve(local))) local /= fs::path(s3_src->key).filename();
      copy_file(object, files.resolve(local), "download", src, shown(local, call.caller.cwd));
      return {0, out, ""};
    }
    if (s3_src && s3_dst) {
      if (call.has("--recursive")) return core::not_modelled_result("aws s3 cp --recursive between buckets");
      const fs::path object = object_path(s3_src->bucket, s3_src->key);
      if (!fs::is_regular_file(object))
        return {1, "",
                fmt::format("fatal error: An error occurred (404) when calling the HeadObject operation: Key \"{}\" "
                            "does not exist\n",
                            s3_src->key)};
      std::string key = s3_dst->key;
      if (key.empty() || key.back() == '/') key += fs::path(s3_src->key).filename().string();
      copy_file(object, object_path(s3_dst->bucket, key), "copy", src, fmt::format("s3://{}/{}", s3_dst->bucket, key));
      return {0, out, ""};
    }
  } catch (const fs::filesystem_error& e) {
    return {1, out, fmt::format("upload failed: {} to {} {}\n", src, dst, e.code().message())};
  }
  // Both local: awscli's own check (subcommands.py: at least one path must be s3://).
  return aws_errors::param_error("Error: Invalid argument type");
}

}  // namespace bg::fakes
