# A ctest fixture (tests/CMakeLists.txt): indexes the Reuters-21578 corpus
# once per run for the tests that only read it, so that each of them does
# not index it again (about 15 s each). Writes OUT/NAME.db, and the
# program's exit code and stderr in OUT/NAME.code and OUT/NAME.err, which
# testing::SharedReutersIndex() reads.
#   cmake -DNEWSINDEX=... -DSOURCE_DIR=... -DOUT=... -DNAME=... [-DFLAGS=...]
#         -P index_fixture.cmake
if(DEFINED ENV{NEWSEARCH_SHARED} AND NOT "$ENV{NEWSEARCH_SHARED}" STREQUAL "")
  set(shared "$ENV{NEWSEARCH_SHARED}")
else()
  set(shared "${SOURCE_DIR}/../shared")
endif()
# Normalised as testing::SharedPath() does: the tests match the path in
# the messages.
get_filename_component(corpus "${shared}/corpora/reuters21578.jsonl" ABSOLUTE)
if(NOT EXISTS "${corpus}")
  message(FATAL_ERROR "missing ${corpus}: the tests that need it cannot run "
    "(put the shared corpora beside the checkout or set NEWSEARCH_SHARED)")
endif()
file(REMOVE_RECURSE "${OUT}/${NAME}.db" "${OUT}/${NAME}.code"
     "${OUT}/${NAME}.err")
file(MAKE_DIRECTORY "${OUT}")
separate_arguments(flags UNIX_COMMAND "${FLAGS}")
execute_process(
  COMMAND "${NEWSINDEX}" add --db "${OUT}/${NAME}.db" ${flags} "${corpus}"
  RESULT_VARIABLE code ERROR_VARIABLE err)
file(WRITE "${OUT}/${NAME}.err" "${err}")
# One record has neither title nor body: exit 1, the rest indexed.
if(NOT code MATCHES "^[01]$")
  message(FATAL_ERROR "newsindex exited ${code}: ${err}")
endif()
file(WRITE "${OUT}/${NAME}.code" "${code}")
