# `cmake --install` and the Debian package (`cpack -G DEB`): bluegreen, the helper programs its runs
# start, and the data files it reads, in the layout core/install_layout.h looks for beside the
# executable. A built, uninstalled bluegreen keeps using its build and source trees.
install(TARGETS bluegreen RUNTIME DESTINATION bin)
install(TARGETS bluegreen-host RUNTIME DESTINATION libexec/bluegreen)
install(PROGRAMS ${BG_SHIM_BINARY} ${BG_RELAY_BINARY} DESTINATION libexec/bluegreen)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/proxy/data/ DESTINATION share/bluegreen/proxy/data)
# The catalogue, so `bluegreen demo` and `init` have their scenarios where the package puts them.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/data/ DESTINATION share/bluegreen/scenarios)
# The real Next.js app and its build script, for `--app real` (the builds go to the user's cache).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/apps/next/ DESTINATION share/bluegreen/apps/next USE_SOURCE_PERMISSIONS)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME bluegreen)
set(CPACK_PACKAGE_VENDOR "bluegreen")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "proves or refutes zero downtime of a blue/green deployment by rebuilding it on loopback")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)  # the RelWithDebInfo CLI is 260 MB with its debug information
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "bluegreen developers")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# Library dependencies from the binaries (dpkg-shlibdeps, from dpkg-dev); the deploy scripts run in bash.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "bash")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nginx-light")  # for --proxy nginx
include(CPack)
