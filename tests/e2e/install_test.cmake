# ctest: installs the built tree into a scratch prefix, builds
# searcher/examples as a project of its own with find_package(newsearch), and
# runs it on the sample corpus indexed by the installed newsindex.
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... [-DSANITIZE=...]
#         -P install_test.cmake
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
foreach(file include/newsearch/searcher.h include/newsearch/search_json.h
             include/newsearch/document.h lib/cmake/newsearch/newsearchConfig.cmake
             bin/newsindex bin/newsearch)
  if(NOT EXISTS "${prefix}/${file}")
    message(FATAL_ERROR "not installed: ${file}")
  endif()
endforeach()
# A sanitizer build installs instrumented libraries: the example must link
# the sanitizer runtime too.
set(link_flags "")
if(SANITIZE)
  set(link_flags "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${SANITIZE}")
endif()
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/searcher/examples"
    -B "${WORK_DIR}/example" "-DCMAKE_PREFIX_PATH=${prefix}" ${link_flags})
run(${CMAKE_COMMAND} --build "${WORK_DIR}/example" -j2)
run("${prefix}/bin/newsindex" --quiet --db "${WORK_DIR}/db"
    "${SOURCE_DIR}/data/sample")
run("${WORK_DIR}/example/search_example" "${WORK_DIR}/db" "port strike")
if(NOT output MATCHES "[0-9]+ stories\n1\\. ")
  message(FATAL_ERROR "unexpected example output:\n${output}")
endif()
message(STATUS "installed, found, built and ran:\n${output}")
