# The fuzz targets and what they link, for tests/fuzz/CMakeLists.txt (the
# libFuzzer programs) and tests/CMakeLists.txt (their corpus replays); each
# defines newsearch_fuzz_target(NAME LIBS...) before including this file.
newsearch_fuzz_target(news_record newsearch_indexer)
newsearch_fuzz_target(page_text newsearch_indexer)
newsearch_fuzz_target(feed newsearch_indexer)
newsearch_fuzz_target(html_article newsearch_indexer)
newsearch_fuzz_target(dates newsearch_common)
newsearch_fuzz_target(query newsearch_searcher newsearch_indexer)
newsearch_fuzz_target(http_params newsearch_http CppHttplib::httplib)
