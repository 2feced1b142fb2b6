# Cross toolchain: Debian bookworm x86-64 host -> aarch64 (arm64) Linux.
#
# Needs (see tools/run.sh, which installs them):
#   g++-aarch64-linux-gnu qemu-user
#   dpkg --add-architecture arm64 && apt-get install libhwy-dev:arm64 libgtest-dev:arm64
#
# The arm64 -dev packages install into the multiarch directories
# /usr/lib/aarch64-linux-gnu (libraries, CMake package files) and /usr/include
# (headers shared by every architecture), while the cross compiler's own
# sysroot (libc, libstdc++) is /usr/aarch64-linux-gnu. Tests run under
# qemu-aarch64 through CMAKE_CROSSCOMPILING_EMULATOR, which ctest honours for
# every add_test() whose command is a target. Choose the emulated CPU with
# QEMU_CPU in the environment, e.g. QEMU_CPU=cortex-a72 (NEON only) or
# QEMU_CPU=max (SVE, SVE2).
#
#   cmake -S . -B build/aarch64 --toolchain cmake/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(DILATE_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${DILATE_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${DILATE_CROSS_TRIPLE}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${DILATE_CROSS_TRIPLE})

# Search the cross sysroot and the host's multiarch arm64 tree; never pick up
# x86-64 libraries. Programs (qemu, pkg-config...) come from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${DILATE_CROSS_TRIPLE} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# find_package(hwy) / find_package(GTest) read only the arm64 package files.
set(CMAKE_PREFIX_PATH /usr/lib/${DILATE_CROSS_TRIPLE}/cmake)

# pkg-config (FindPkgConfig) for the target, not the host.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${DILATE_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig)

# Run target binaries (ctest, try_run) under user-mode qemu. -L makes qemu
# look up the ELF interpreter (and every absolute path, falling back to the
# real one) under the cross sysroot, so the cross libc's loader runs; the
# loader then searches the sysroot's libc/libstdc++ first and the multiarch
# arm64 directory for the rest (libhwy.so.1 from libhwy1:arm64).
find_program(DILATE_QEMU_AARCH64 NAMES qemu-aarch64 qemu-aarch64-static)
if(DILATE_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR
      ${DILATE_QEMU_AARCH64};-L;/usr/${DILATE_CROSS_TRIPLE};-E;LD_LIBRARY_PATH=/usr/${DILATE_CROSS_TRIPLE}/lib:/usr/lib/${DILATE_CROSS_TRIPLE})
endif()
