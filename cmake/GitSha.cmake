# Writes the version header with the current git commit. Run at every build (not only at
# configure time) so that --version and provenance never name a stale commit; configure_file
# rewrites the header only when its content changes, so nothing recompiles needlessly.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE CIRCLESIM_GIT_SHA OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET RESULT_VARIABLE git_result)
if(NOT git_result EQUAL 0 OR CIRCLESIM_GIT_SHA STREQUAL "")
  set(CIRCLESIM_GIT_SHA "unknown")
else()
  execute_process(COMMAND git status --porcelain --untracked-files=no
                  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE git_dirty ERROR_QUIET)
  if(NOT git_dirty STREQUAL "")
    string(APPEND CIRCLESIM_GIT_SHA "-dirty")
  endif()
endif()
configure_file(${INPUT} ${OUTPUT} @ONLY)
