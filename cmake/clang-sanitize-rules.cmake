# Link-rule override for cmake/clang-sanitize.cmake (see there): CMake's
# default shared-library rules, with -Wl,-z,undefs last so the sanitizer
# runtime's symbols may stay undefined in shared libraries.
foreach(_lang IN ITEMS C CXX)
  set(CMAKE_${_lang}_CREATE_SHARED_LIBRARY
      "<CMAKE_${_lang}_COMPILER> <CMAKE_SHARED_LIBRARY_${_lang}_FLAGS> <LANGUAGE_COMPILE_FLAGS> <LINK_FLAGS> <CMAKE_SHARED_LIBRARY_CREATE_${_lang}_FLAGS> <SONAME_FLAG><TARGET_SONAME> -o <TARGET> <OBJECTS> <LINK_LIBRARIES> -Wl,-z,undefs")
endforeach()
