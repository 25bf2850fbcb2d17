# `cmake --install <build> --prefix P` installs what an application needs to use the
# session SDK outside this tree: the static libraries gatehouse_core and gatehouse_sdk,
# their public headers (P/include/gatehouse/…) and a CMake package, so that
#
#   find_package(gatehouse REQUIRED)
#   target_link_libraries(app PRIVATE gatehouse::sdk)
#
# works with -DCMAKE_PREFIX_PATH=P. The server's own code (src/) is never installed.
include(CMakePackageConfigHelpers)

get_property(gh_exported GLOBAL PROPERTY GH_EXPORTED_TARGETS)
install(TARGETS ${gh_exported} EXPORT gatehouseTargets ARCHIVE DESTINATION lib)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/include/ ${PROJECT_SOURCE_DIR}/sdk/include/
        DESTINATION include PATTERN webauthn EXCLUDE)  # the server's own (not the SDK's)
install(EXPORT gatehouseTargets NAMESPACE gatehouse:: DESTINATION lib/cmake/gatehouse)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/gatehouseConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/gatehouseConfig.cmake
                              INSTALL_DESTINATION lib/cmake/gatehouse)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/gatehouseConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/gatehouseConfig.cmake
              ${PROJECT_BINARY_DIR}/gatehouseConfigVersion.cmake
        DESTINATION lib/cmake/gatehouse)
