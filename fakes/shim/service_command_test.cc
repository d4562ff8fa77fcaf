#include "fakes/shim/service_command.h"

#include <gtest/gtest.h>

namespace bg::fakes {

// Goal: systemctl and service verbs on nginx become proxy actions; another unit is not modelled.
TEST(PlanSystemctl, NginxVerbsAndOtherUnits) {
  auto reload = plan_systemctl({"reload", "nginx.service"});
  ASSERT_TRUE(reload.request);
  EXPECT_EQ(reload.request->unit, "nginx");
  EXPECT_EQ(reload.request->verb, ServiceVerb::reload);
  auto quiet = plan_systemctl({"is-active", "--quiet", "nginx"});
  ASSERT_TRUE(quiet.request);
  EXPECT_TRUE(quiet.request->quiet);
  auto app = plan_systemctl({"restart", "myapp"});
  ASSERT_TRUE(app.answer);
  EXPECT_EQ(app.answer->not_modelled, "the myapp service (systemctl restart myapp)");
  EXPECT_EQ(plan_systemctl({"daemon-reload"}).answer->exit_code, 0);
  auto service = plan_service({"nginx", "force-reload"});
  ASSERT_TRUE(service.request);
  EXPECT_EQ(service.request->verb, ServiceVerb::reload);
  EXPECT_EQ(plan_service({"nginx", "bounce"}).answer->exit_code, 1);
}

// Goal: systemctl's words and exit codes: is-active 0/3, a failed reload's job message.
TEST(SystemctlAnswer, WordsAndExitCodes) {
  ServiceRequest is_active{"nginx", ServiceVerb::is_active, false};
  EXPECT_EQ(systemctl_answer(is_active, true, true, "").out, "active\n");
  EXPECT_EQ(systemctl_answer(is_active, true, false, "").exit_code, 3);
  ServiceRequest reload{"nginx", ServiceVerb::reload, false};
  auto failed = systemctl_answer(reload, false, true, "[emerg] ...");
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_EQ(failed.err.rfind("Job for nginx.service failed because the control process exited with error code.", 0),
            0u);
}

}  // namespace bg::fakes
