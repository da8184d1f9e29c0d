# The git commit is written into every run directory and checkpoint sidecar. It is refreshed at
# each build (cheaply: the file is rewritten only when the commit changes).
set(FERKIT_GIT_COMMIT_CPP ${CMAKE_BINARY_DIR}/generated/git_commit.cpp)
add_custom_target(ferkit_git_commit
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DOUTPUT=${FERKIT_GIT_COMMIT_CPP}
          -P ${CMAKE_SOURCE_DIR}/cmake/WriteGitCommit.cmake
  BYPRODUCTS ${FERKIT_GIT_COMMIT_CPP}
  COMMENT "" VERBATIM)
