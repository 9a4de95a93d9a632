# Xapian's and RapidJSON's CMake configs only set variables; wrap each once as
# an imported target so that the rest of the build links targets only.
if(NOT TARGET Xapian::xapian)
  add_library(Xapian::xapian UNKNOWN IMPORTED)
  set_target_properties(Xapian::xapian PROPERTIES
    IMPORTED_LOCATION "${XAPIAN_SHARED_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${XAPIAN_INCLUDE_DIR}")
endif()
if(NOT TARGET RapidJSON::rapidjson)
  add_library(RapidJSON::rapidjson INTERFACE IMPORTED)
  set_target_properties(RapidJSON::rapidjson PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${RAPIDJSON_INCLUDE_DIRS}")
endif()
