# ferkit_torch_pch(target sources...): precompile <torch/torch.h> for the target and apply it only to
# the sources that mention torch. One TU including torch costs ~12 s and ~1.2 GB without it.
function(ferkit_torch_pch target)
  target_precompile_headers(${target} PRIVATE ${PROJECT_SOURCE_DIR}/cmake/torch_pch.h)
  foreach(src IN LISTS ARGN)
    file(STRINGS ${src} uses_torch REGEX "torch" LIMIT_COUNT 1)
    if(NOT uses_torch)
      set_source_files_properties(${src} TARGET_DIRECTORY ${target} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
    endif()
  endforeach()
endfunction()
