# Finds cpp-httplib (Debian: libcpp-httplib-dev), which ships a compiled
# library and a pkg-config file but no CMake config. Defines the imported
# target CppHttplib::httplib with the compile definitions the library was
# built with (OpenSSL, zlib and Brotli support), which its header's classes
# depend on.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_CPP_HTTPLIB QUIET cpp-httplib)
endif()
find_path(CppHttplib_INCLUDE_DIR httplib.h HINTS ${PC_CPP_HTTPLIB_INCLUDE_DIRS})
find_library(CppHttplib_LIBRARY NAMES cpp-httplib
  HINTS ${PC_CPP_HTTPLIB_LIBRARY_DIRS})
set(CppHttplib_VERSION ${PC_CPP_HTTPLIB_VERSION})
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CppHttplib
  REQUIRED_VARS CppHttplib_LIBRARY CppHttplib_INCLUDE_DIR
  VERSION_VAR CppHttplib_VERSION)
if(CppHttplib_FOUND AND NOT TARGET CppHttplib::httplib)
  find_package(Threads REQUIRED)
  add_library(CppHttplib::httplib UNKNOWN IMPORTED)
  set(_httplib_definitions "")
  foreach(flag IN LISTS PC_CPP_HTTPLIB_CFLAGS_OTHER)
    if(flag MATCHES "^-D(.+)")
      list(APPEND _httplib_definitions "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  set_target_properties(CppHttplib::httplib PROPERTIES
    IMPORTED_LOCATION "${CppHttplib_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CppHttplib_INCLUDE_DIR}"
    INTERFACE_COMPILE_DEFINITIONS "${_httplib_definitions}"
    INTERFACE_LINK_LIBRARIES Threads::Threads)
endif()
mark_as_advanced(CppHttplib_INCLUDE_DIR CppHttplib_LIBRARY)
