# The SDK as an application gets it: installs this build into a fresh prefix, builds
# examples/ as a project of its own with find_package(gatehouse), and fails if any
# compile command of that build looks into this source tree (src/, core/, sdk/ …):
# the installed headers must be enough. Then runs the example once (usage → exit 2).
#   cmake -DBUILD_DIR=… -DSOURCE_DIR=… -DWORK_DIR=… -P out_of_tree.cmake
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
if(EXISTS ${prefix}/include/gatehouse/auth OR EXISTS ${prefix}/include/auth)
  message(FATAL_ERROR "server headers were installed under ${prefix}/include")
endif()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples -B ${WORK_DIR}/build -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)

file(READ ${WORK_DIR}/build/compile_commands.json commands)
string(REGEX MATCHALL "(-I|-isystem )[^ \"]+" includes "${commands}")
foreach(flag IN LISTS includes)
  string(REGEX REPLACE "^(-I|-isystem )" "" dir "${flag}")
  if(dir MATCHES "^${SOURCE_DIR}" AND NOT dir MATCHES "^${WORK_DIR}")
    message(FATAL_ERROR "the out-of-tree build includes from the source tree: ${flag}")
  endif()
endforeach()
if(NOT includes MATCHES "${prefix}/include")
  message(FATAL_ERROR "the out-of-tree build does not use the installed headers: ${includes}")
endif()

execute_process(COMMAND ${WORK_DIR}/build/protected_backend RESULT_VARIABLE rc
                ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "usage: protected_backend")
  message(FATAL_ERROR "the out-of-tree example did not run (exit ${rc}): ${err}")
endif()
message(STATUS "SDK installed to ${prefix}; example built and run against it alone")
