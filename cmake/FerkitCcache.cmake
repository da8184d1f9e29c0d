# ccache makes rebuilds cheap; the sloppiness settings let it cache translation units that use the
# precompiled torch header (a clean build is otherwise dominated by <torch/torch.h>).
find_program(FERKIT_CCACHE ccache)
if(FERKIT_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER
      ${CMAKE_COMMAND} -E env
      "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
      "CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}"
      ${FERKIT_CCACHE})
endif()
