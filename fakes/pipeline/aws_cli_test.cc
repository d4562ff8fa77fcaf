// The aws CLI over the run's S3 and CodeDeploy: 16's workflow commands end to end against the real
// agent, the refusal of a second deployment, the waiter on a failed one, and the CLI's own errors.
#include "fakes/pipeline/aws_cli.h"

#include <gtest/gtest.h>

#include "fakes/codedeploy/codedeploy_test_support.h"
#include "fakes/pipeline/local_command.h"

namespace bg::fakes {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;
using test_support::write_file;

// A runner whose workspace holds a revision (ApplicationStart sleeps `hook` real seconds, or
// fails), the real agent behind the CodeDeploy service, and the CLI.
class AwsCliTest : public ::testing::Test {
 protected:
  AwsCliTest() {
    runner_.add("/", dir_ / "runner");
    write_revision("sleep 0.3\n");
    fs::create_directories(dir_ / "host");
    host_.add("/home/ec2-user/app", dir_ / "host");
    AgentOptions o;
    o.deployment_root = dir_ / "deployment-root";
    o.environment = {{"PATH", "/usr/bin:/bin"}};
    o.on_event = [this](const core::DeployEvent& e) { service_->on_agent_event(e); };
    agent_ = std::make_unique<CodeDeployAgent>(clock_, history_, host_, o);
    CodeDeployServiceOptions s;
    s.s3_root = dir_ / "s3";
    s.work_dir = dir_ / "revisions";
    s.start = [this](const DeploymentRequest& r, std::stop_token stop) {
      return agent_->deploy(r.number, r.bundle_dir, stop);
    };
    service_ = std::make_unique<CodeDeployService>(clock_, s);
    aws_ = std::make_unique<AwsCli>(clock_, dir_ / "s3", *service_);
  }
  ~AwsCliTest() override { service_->shutdown(); }

  void write_revision(const std::string& start_script) {
    write_file(dir_ / "runner/home/runner/work/web/web/appspec.yml",
               "version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /home/ec2-user/app\nhooks:\n"
               "  ApplicationStart:\n    - location: start.sh\n      timeout: 600\n");
    write_file(dir_ / "runner/home/runner/work/web/web/start.sh", "#!/bin/bash\n" + start_script, true);
  }

  void zip(const std::string& name) {
    auto r = run_local_command({"/usr/bin/zip", "-qr", name, ".", "-x", ".git/*"},
                               dir_ / "runner/home/runner/work/web/web", {{"PATH", "/usr/bin:/bin"}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  core::CommandResult aws(const std::vector<std::string>& args, int run = 1) {
    AwsCaller c;
    c.run = run;
    c.host_id = "runner-1";
    c.files = &runner_;
    c.cwd = "/home/runner/work/web/web";
    c.env = env_;
    return aws_->run(args, c);
  }

  std::string create(int run) {
    auto r = aws({"deploy", "create-deployment", "--application-name", "ledger", "--deployment-group-name",
                  "ledger-production", "--deployment-config-name", "CodeDeployDefault.AllAtOnce",
                  "--file-exists-behavior", "OVERWRITE", "--s3-location",
                  "bucket=bundles,bundleType=zip,key=acme/web/abc.zip", "--query", "deploymentId", "--output", "text"},
                 run);
    EXPECT_EQ(r.exit_code, 0) << r.err << r.not_modelled;
    return r.out;
  }

  TempDir dir_;
  core::ScaledClock clock_{0.002};
  core::History history_;
  core::PathMap runner_, host_;
  std::map<std::string, std::string> env_ = {
      {"AWS_REGION", "ap-northeast-2"}, {"AWS_ACCESS_KEY_ID", "***"}, {"AWS_SECRET_ACCESS_KEY", "***"}};
  std::unique_ptr<CodeDeployAgent> agent_;
  std::unique_ptr<CodeDeployService> service_;
  std::unique_ptr<AwsCli> aws_;
};

// Goal: zip, `aws s3 cp`, create-deployment --query --output text, `aws deploy wait`: the agent
// deploys the uploaded revision and the waiter returns once it succeeded.
TEST_F(AwsCliTest, UploadCreateAndWaitAsWorkflow16Does) {
  zip("abc.zip");
  auto up = aws({"s3", "cp", "./abc.zip", "s3://bundles/acme/web/abc.zip"});
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(up.out, "upload: abc.zip to s3://bundles/acme/web/abc.zip\n");
  EXPECT_TRUE(fs::exists(aws_->object_path("bundles", "acme/web/abc.zip")));
  const std::string id = create(1);
  EXPECT_EQ(id, CodeDeployAgent::deployment_id_for(1) + "\n");
  auto wait = aws({"deploy", "wait", "deployment-successful", "--deployment-id", id.substr(0, id.size() - 1)});
  EXPECT_EQ(wait.exit_code, 0) << wait.err;
  EXPECT_TRUE(fs::exists(dir_ / "host/start.sh"));  // Install copied the unzipped revision
  auto get = aws(
      {"deploy", "get-deployment", "--deployment-id", id.substr(0, id.size() - 1), "--query", "deploymentInfo.status"});
  EXPECT_EQ(get.out, "\"Succeeded\"\n");
}

// Goal: a second create-deployment while the first is active fails as the CLI prints it, exit 254.
TEST_F(AwsCliTest, SecondDeploymentIsRefusedWithTheServiceError) {
  write_revision("sleep 1\n");
  zip("abc.zip");
  ASSERT_EQ(aws({"s3", "cp", "abc.zip", "s3://bundles/acme/web/abc.zip"}).exit_code, 0);
  const std::string first = create(1);
  auto second = aws({"deploy", "create-deployment", "--application-name", "ledger", "--deployment-group-name",
                     "ledger-production", "--s3-location", "bucket=bundles,bundleType=zip,key=acme/web/abc.zip"},
                    2);
  EXPECT_EQ(second.exit_code, 254);
  EXPECT_EQ(second.err.rfind("\nAn error occurred (DeploymentLimitExceededException) when calling the CreateDeployment "
                             "operation: The Deployment Group '",
                             0),
            0u)
      << second.err;
  EXPECT_NE(second.err.find(first.substr(0, first.size() - 1)), std::string::npos) << second.err;
}

// Goal: the waiter fails with botocore's wording and exit 255 when the deployment fails.
TEST_F(AwsCliTest, WaiterFailsWhenTheDeploymentFails) {
  write_revision("exit 3\n");
  zip("abc.zip");
  ASSERT_EQ(aws({"s3", "cp", "abc.zip", "s3://bundles/acme/web/abc.zip"}).exit_code, 0);
  const std::string id = create(1);
  auto wait = aws({"deploy", "wait", "deployment-successful", "--deployment-id", id.substr(0, id.size() - 1)});
  EXPECT_EQ(wait.exit_code, 255);
  EXPECT_EQ(wait.err,
            "\nWaiter DeploymentSuccessful failed: Waiter encountered a terminal failure state: For "
            "expression \"deploymentInfo.status\" we matched expected path: \"Failed\"\n");
}

// Goal: the CLI's own errors keep its exit codes; what it has but the run does not model is named.
TEST_F(AwsCliTest, CliErrorsAndWhatIsNotModelled) {
  auto r = aws({"s3", "cp", "./missing.zip", "s3://bundles/x.zip"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(r.err, "\nThe user-provided path ./missing.zip does not exist.\n");
  r = aws({"deploy", "create-deployment", "--aplication-name", "x"});
  EXPECT_EQ(r.exit_code, 252);
  EXPECT_NE(r.err.find("Unknown options: --aplication-name"), std::string::npos) << r.err;
  r = aws({"deploy", "create-deployment", "--application-name", "x", "--deployment-group-name", "g", "--s3-location",
           "bucket=b,key=k"});
  EXPECT_EQ(r.exit_code, 252);
  EXPECT_EQ(r.err, "\n--s3-location must specify bucket, key and bundleType.\n");
  r = aws({"deploy", "wait", "deployment-successful"});
  EXPECT_EQ(r.exit_code, 252);
  env_.erase("AWS_REGION");
  r = aws({"deploy", "get-deployment", "--deployment-id", "d-1"});
  EXPECT_EQ(r.exit_code, 253);
  EXPECT_NE(r.err.find("You must specify a region"), std::string::npos);
  EXPECT_EQ(aws({"configure", "set", "region", "eu-west-1"}).exit_code, 0);
  EXPECT_EQ(aws({"configure", "get", "region"}).out, "eu-west-1\n");
  EXPECT_EQ(aws({"deploy", "get-deployment", "--deployment-id", "d-1"}).exit_code, 254);
  EXPECT_NE(aws({"ecr", "get-login-password"}).not_modelled, "");
  EXPECT_NE(aws({"s3", "sync", ".", "s3://b/"}).not_modelled, "");
  EXPECT_NE(aws({"sts", "get-caller-identity", "--output", "table"}).not_modelled, "");
  EXPECT_EQ(aws({"sts", "get-caller-identity", "--query", "Account", "--output", "text"}).out, "123456789012\n");
}

}  // namespace
}  // namespace bg::fakes
