# Toolchain file for the sanitizer presets (asan, tsan): the host's clang.
#
# Clang links its (static) sanitizer runtime into executables only; a shared
# library built with -fsanitize=... leaves the runtime's symbols undefined
# and gets them from the executable at load time. lib/CMakeLists.txt links
# libdilate.so.1 with -Wl,--no-undefined, which rejects exactly that, so
# clang-sanitize-rules.cmake appends -Wl,-z,undefs (which cancels it) to the
# shared-library link rule, for sanitizer builds only.
# (clang's -shared-libsan would avoid that, but clang 14's shared TSan
# runtime crashes at startup on this kernel; the static runtimes work.)
set(CMAKE_C_COMPILER clang)
set(CMAKE_CXX_COMPILER clang++)
set(CMAKE_USER_MAKE_RULES_OVERRIDE "${CMAKE_CURRENT_LIST_DIR}/clang-sanitize-rules.cmake")
# A C program linked by the clang (not clang++) driver against the C++
# libdilate.so.1 also needs the sanitizers' C++ runtime parts (UBSan's vptr
# checks, operator new interception), which need libstdc++ on the link line.
set(CMAKE_C_STANDARD_LIBRARIES_INIT "-fsanitize-link-c++-runtime -lstdc++")
