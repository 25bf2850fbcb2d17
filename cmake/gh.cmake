# Small declaration helpers so each CMakeLists.txt reads as a list of targets.
#   gh_library(NAME SRCS a.cc b.cc DEPS x y [PUBLIC_INCLUDE dir])
#   gh_executable(NAME SRCS ... DEPS ...)
#   gh_test(NAME SRCS ... DEPS ...)   # GoogleTest, registered with CTest
include(CMakeParseArguments)

function(gh_library name)
  cmake_parse_arguments(A "" "" "SRCS;DEPS;PUBLIC_INCLUDE" ${ARGN})
  add_library(${name} STATIC ${A_SRCS})
  if(A_PUBLIC_INCLUDE)
    target_include_directories(${name} PUBLIC ${A_PUBLIC_INCLUDE})
  endif()
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${A_DEPS})
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
