# The git commit is written into every run directory and checkpoint sidecar. It is refreshed at
# each build (cheaply: the file is rewritten only when the commit changes).
set(FERKIT_GIT_COMMIT_CPP ${CMAKE_BINARY_DIR}/generated/git_commit.cpp)
add_custom_target(ferkit_git_commit
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DOUTPUT=${FERKIT_GIT_COMMIT_CPP}
          -P ${CMAKE_SOURCE_DIR}/cmake/WriteGitCommit.cmake
  BYPRODUCTS ${FERKIT_GIT_COMMIT_CPP}
  COMMENT "" VERBATIM)

# Where the source and build trees are, for code that finds bundled files (configs/, data/sample,
# models/) and for tests. A generated header rather than -D flags: a flag with an absolute path would
# differ between checkouts and stop ccache from sharing the library's objects between them; only the
# few files that include this header depend on it.
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/generated/ferkit)
set(_paths "#pragma once\n#define FERKIT_SOURCE_DIR \"${PROJECT_SOURCE_DIR}\"\n#define FERKIT_BINARY_DIR \"${CMAKE_BINARY_DIR}\"\n")
set(_paths_file ${CMAKE_BINARY_DIR}/generated/ferkit/build_paths.h)
if(EXISTS ${_paths_file})
  file(READ ${_paths_file} _old_paths)
endif()
if(NOT _old_paths STREQUAL _paths)
  file(WRITE ${_paths_file} "${_paths}")
endif()
