# NEWSEARCH_SANITIZE: builds every project target with the named sanitizers,
# a comma-separated list as -fsanitize= takes it:
#   cmake -B build-asan -DNEWSEARCH_SANITIZE=address,undefined
#   cmake -B build-tsan -DNEWSEARCH_SANITIZE=thread
# The flags ride on newsearch_sanitize, an INTERFACE target that
# newsearch_warnings links, so every library, program and test gets them and
# nothing touches the global CMAKE_CXX_FLAGS. Findings are fatal
# (-fno-sanitize-recover): a test that trips UBSan fails instead of printing.
# Xapian, ICU and the other Debian libraries are not instrumented: ASan still
# sees their heap through its malloc, TSan does not see their internal locks
# (which is why only our own threads' tests run under TSan in CI).
set(NEWSEARCH_SANITIZE "" CACHE STRING
    "Sanitizers for every target, e.g. address,undefined or thread")

add_library(newsearch_sanitize INTERFACE)
if(NEWSEARCH_SANITIZE)
  if(NEWSEARCH_SANITIZE MATCHES "thread" AND
     NEWSEARCH_SANITIZE MATCHES "address")
    message(FATAL_ERROR "NEWSEARCH_SANITIZE: thread and address exclude "
                        "each other; build them in two trees")
  endif()
  set(flags -fsanitize=${NEWSEARCH_SANITIZE} -fno-sanitize-recover=all
            -fno-omit-frame-pointer)
  if(NEWSEARCH_SANITIZE MATCHES "undefined")
    # RapidJSON 1.1.0 offsets a null pointer on its first parse: that one
    # check recovers, so tests/sanitizers/ubsan.supp can silence that one
    # place (UBSAN_OPTIONS=halt_on_error=1 keeps every other report fatal).
    list(APPEND flags -fsanitize-recover=pointer-overflow)
  endif()
  target_compile_options(newsearch_sanitize INTERFACE ${flags})
  target_link_options(newsearch_sanitize INTERFACE ${flags})
  message(STATUS "newsearch: sanitizers ${NEWSEARCH_SANITIZE}")
endif()
