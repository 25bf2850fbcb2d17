# Small declaration helpers so each CMakeLists.txt reads as a list of targets.
#   gh_library(NAME SRCS a.cc b.cc DEPS x y [PUBLIC_INCLUDE dir] [PRIVATE_INCLUDE dir]
#              [EXPORT_AS name])
#   gh_executable(NAME SRCS ... DEPS ...)
#   gh_test(NAME SRCS ... DEPS ...)   # GoogleTest, registered with CTest
#
# Two kinds of library:
#   - the libraries users get (core/, sdk/): PUBLIC_INCLUDE is their include/ folder,
#     EXPORT_AS makes them installable as gatehouse::<name> (see cmake/install.cmake);
#   - the server's own (src/…): without PUBLIC_INCLUDE, headers are found from src/
#     ("auth/users.h"), and nothing outside the server sees them.
include(CMakeParseArguments)

function(gh_library name)
  cmake_parse_arguments(A "" "EXPORT_AS" "SRCS;DEPS;PUBLIC_INCLUDE;PRIVATE_INCLUDE" ${ARGN})
  add_library(${name} STATIC ${A_SRCS})
  if(A_PUBLIC_INCLUDE)
    target_include_directories(${name} PUBLIC $<BUILD_INTERFACE:${A_PUBLIC_INCLUDE}>
                                              $<INSTALL_INTERFACE:include>)
  else()
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  endif()
  if(A_PRIVATE_INCLUDE)
    target_include_directories(${name} PRIVATE ${A_PRIVATE_INCLUDE})
  endif()
  target_link_libraries(${name} PUBLIC ${A_DEPS})
  target_compile_features(${name} PUBLIC cxx_std_20)
  if(A_EXPORT_AS)
    set_target_properties(${name} PROPERTIES EXPORT_NAME ${A_EXPORT_AS})
    add_library(gatehouse::${A_EXPORT_AS} ALIAS ${name})
    set_property(GLOBAL APPEND PROPERTY GH_EXPORTED_TARGETS ${name})
  endif()
endfunction()

function(gh_executable name)
  cmake_parse_arguments(A "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${A_SRCS})
  target_link_libraries(${name} PRIVATE ${A_DEPS})
endfunction()

function(gh_test name)
  cmake_parse_arguments(A "" "" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${A_SRCS})
  target_link_libraries(${name} PRIVATE ${A_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${A_LABELS}")
endfunction()
