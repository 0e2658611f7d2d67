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
