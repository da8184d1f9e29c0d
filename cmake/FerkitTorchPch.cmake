# ferkit_torch_pch(target sources...): <torch/torch.h> precompiled once, for the ferkit library, and
# reused by every other target (CLI, tests, benchmarks); only the sources that mention torch use it.
# One TU including torch costs ~12 s and ~1.2 GB without it; building one PCH per target would cost
# that again for every test binary.
function(ferkit_torch_pch target)
  if(target STREQUAL "ferkit")
    target_precompile_headers(${target} PRIVATE ${PROJECT_SOURCE_DIR}/cmake/torch_pch.h)
  else()
    target_precompile_headers(${target} REUSE_FROM ferkit)
  endif()
  foreach(src IN LISTS ARGN)
    file(STRINGS ${src} uses_torch REGEX "torch" LIMIT_COUNT 1)
    if(NOT uses_torch)
      set_source_files_properties(${src} TARGET_DIRECTORY ${target} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
    endif()
  endforeach()
endfunction()
