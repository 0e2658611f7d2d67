# Warnings apply to our own targets only; third-party headers come in as SYSTEM includes.
function(circlesim_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion -Wnon-virtual-dtor
                                           -Wold-style-cast -Woverloaded-virtual)
  # GCC 12 at -O3 reports -Wrestrict inside std::string concatenation, a known false positive
  # (GCC bug 105329, fixed in GCC 13): it would fail any file that builds strings with +.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  # Under sanitizer instrumentation GCC 12's flow analysis reports std::function members inside
  # std::regex (used by valijson) as maybe uninitialized; the same code is clean without it.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13
     AND CMAKE_CXX_FLAGS MATCHES "-fsanitize")
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
  if(CIRCLESIM_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# The sanitizer build (build type Sanitize) compiles at -O0 for compile time, but the simulation
# code itself at -O1: the validation tests spend nearly all their time in it, and at -O0 under
# ASan one of them alone ran for minutes (docs/performance.md, "Build time (CI)"). The files
# slowest to compile under the sanitizers, the scenario reader's, are not simulation code and
# stay at -O0. Pass a target, or SOURCES and a list of files.
function(circlesim_optimise_when_sanitizing)
  set(faster $<$<CONFIG:Sanitize>:-O1>)
  if(ARGV0 STREQUAL "SOURCES")
    list(SUBLIST ARGV 1 -1 files)
    set_property(SOURCE ${files} APPEND PROPERTY COMPILE_OPTIONS ${faster})
  else()
    target_compile_options(${ARGV0} PRIVATE ${faster})
  endif()
endfunction()
