#include "fakes/docker/container_network.h"

#include <gtest/gtest.h>

namespace bg::fakes {
namespace {

using Ports = std::vector<uint16_t>;

// Goal: a container name and its service alias resolve to the instance's address while it exists.
TEST(ContainerNetwork, NameAndServiceAliasResolveToTheInstanceAddress) {
  ContainerNetwork net(9);
  net.attach("blue-blue-1", "blue", 41000, 3000);
  EXPECT_EQ(net.resolve("blue-blue-1", 3000), Ports{41000});
  EXPECT_EQ(net.resolve("blue", 3000), Ports{41000});
  EXPECT_EQ(net.resolve("green", 3000), Ports{});
}

// Goal: a recreated container (a new instance under the same name) has a new address, and the old
// one is no longer what the name resolves to.
TEST(ContainerNetwork, RecreatedInstanceResolvesToItsNewAddress) {
  ContainerNetwork net(9);
  net.attach("blue-blue-1", "blue", 41000, 3000);
  net.detach("blue-blue-1");
  EXPECT_EQ(net.resolve("blue-blue-1", 3000), Ports{});  // gone with its instance
  EXPECT_EQ(net.resolve("blue", 3000), Ports{});
  net.attach("blue-blue-1", "blue", 41007, 3000);
  EXPECT_EQ(net.resolve("blue-blue-1", 3000), Ports{41007});
}

// Goal: a port the app does not listen on leads to the closed port (a refused connect), and an
// alias of several instances gives every address, oldest first, as Docker's DNS answers all.
TEST(ContainerNetwork, OtherPortsAreClosedAndAnAliasGivesEveryInstance) {
  ContainerNetwork net(9);
  net.attach("web-web-2", "web", 41002, 3000);
  net.attach("web-web-1", "web", 41001, 3000);
  EXPECT_EQ(net.resolve("web-web-1", 8080), Ports{9});
  EXPECT_EQ(net.resolve("web", 3000), (Ports{41002, 41001}));
}

}  // namespace
}  // namespace bg::fakes
