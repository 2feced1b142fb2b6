# Installation and packaging (included from the top-level CMakeLists.txt when
# DILATE_INSTALL is ON).
#
# Installs
#   <includedir>/dilate/dilate.h, dilate.hpp
#   <libdir>/libdilate.so.1.0.0, libdilate.so.1 (SONAME), libdilate.so
#   <libdir>/libdilate.a
#   <libdir>/cmake/dilate/  dilate-config.cmake, dilate-config-version.cmake
#                           (SameMajorVersion), dilate-targets.cmake
#                           (dilate::dilate, shared) and
#                           dilate-static-targets.cmake (dilate::dilate_static)
#   <libdir>/pkgconfig/dilate.pc
#
# Components: "Runtime" (the versioned shared object and its SONAME link) and
# "Development" (everything else), e.g.
#   cmake --install build --component Runtime
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(DILATE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/dilate"
    CACHE STRING "Where dilate-config.cmake is installed (relative to the prefix)")
set(DILATE_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
    CACHE STRING "Where dilate.pc is installed (relative to the prefix)")
mark_as_advanced(DILATE_INSTALL_CMAKEDIR DILATE_INSTALL_PKGCONFIGDIR)

# The public header(s).
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/dilate"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  COMPONENT Development
  FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")

# The shared library: its own export set, so a consumer of dilate::dilate does
# not need Highway at all (hwy is linked privately into libdilate.so.1).
install(TARGETS dilate
  EXPORT dilate-targets
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    COMPONENT Runtime
    NAMELINK_COMPONENT Development
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT Runtime
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT Development)

# The static library: needs hwy::hwy and Threads::Threads at link time, which
# dilate-config.cmake finds (find_dependency) before loading this export set.
install(TARGETS dilate_static
  EXPORT dilate-static-targets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT Development)

install(EXPORT dilate-targets
  NAMESPACE dilate::
  FILE dilate-targets.cmake
  DESTINATION "${DILATE_INSTALL_CMAKEDIR}"
  COMPONENT Development)
install(EXPORT dilate-static-targets
  NAMESPACE dilate::
  FILE dilate-static-targets.cmake
  DESTINATION "${DILATE_INSTALL_CMAKEDIR}"
  COMPONENT Development)

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/dilate-config.cmake.in"
  "${PROJECT_BINARY_DIR}/dilate-config.cmake"
  INSTALL_DESTINATION "${DILATE_INSTALL_CMAKEDIR}")
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/dilate-config-version.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMajorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/dilate-config.cmake"
  "${PROJECT_BINARY_DIR}/dilate-config-version.cmake"
  DESTINATION "${DILATE_INSTALL_CMAKEDIR}"
  COMPONENT Development)

# pkg-config. The prefix is the one actually installed to, so the file is
# written at install time: `cmake --install build --prefix /opt/x` gets
# prefix=/opt/x (DESTDIR staging keeps CMAKE_INSTALL_PREFIX, as it should).
# libdir/includedir stay relative to ${prefix} unless set as absolute paths.
foreach(_dir IN ITEMS LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${_dir}}")
    set(DILATE_PC_${_dir} "${CMAKE_INSTALL_${_dir}}")
  else()
    set(DILATE_PC_${_dir} "\${prefix}/${CMAKE_INSTALL_${_dir}}")
  endif()
endforeach()
set(DILATE_PC_PREFIX "@DILATE_PC_PREFIX@")  # kept for the install-time pass
configure_file("${PROJECT_SOURCE_DIR}/cmake/dilate.pc.in"
               "${PROJECT_BINARY_DIR}/dilate.pc.install-in" @ONLY)
install(CODE "
  set(DILATE_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  configure_file(\"${PROJECT_BINARY_DIR}/dilate.pc.install-in\"
                 \"${PROJECT_BINARY_DIR}/dilate.pc\" @ONLY)
" COMPONENT Development)
install(FILES "${PROJECT_BINARY_DIR}/dilate.pc"
  DESTINATION "${DILATE_INSTALL_PKGCONFIGDIR}"
  COMPONENT Development)
