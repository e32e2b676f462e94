# Layering, enforced by the build (docs/ARCHITECTURE.md):
#   app (cli, compositions) → stage (crawlers, processors, storage, alerts, reports, server, sandbox)
#   → adapter (stream = Kafka, ClickHouse, mail = SMTP) → core.
# A library may link libraries of a lower layer, or of its own PART (the libraries of one stage, such as
# processors' text, taggers and training); anything else stops the configure step. And a library
# exports only its own headers: each gets a private include root under build/include/<name>/ holding
# links to the headers of its own source folders, so including a header of a library it does not
# link fails to compile ("No such file or directory") instead of linking by accident.
set(YUQING_LAYER_RANK_core 0)
set(YUQING_LAYER_RANK_adapter 1)
set(YUQING_LAYER_RANK_stage 2)
set(YUQING_LAYER_RANK_app 3)

# yuqing_export_headers(target): the include root with the target's own headers (see above).
function(yuqing_export_headers target)
  set(root ${CMAKE_BINARY_DIR}/include/${target})
  get_target_property(sources ${target} SOURCES)
  set(dirs "")
  foreach(src IN LISTS sources)
    cmake_path(ABSOLUTE_PATH src BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} OUTPUT_VARIABLE abs)
    cmake_path(GET abs PARENT_PATH dir)
    cmake_path(IS_PREFIX PROJECT_SOURCE_DIR "${dir}" inside)
    if(inside)
      list(APPEND dirs ${dir})
    endif()
  endforeach()
  list(REMOVE_DUPLICATES dirs)
  foreach(dir IN LISTS dirs)
    file(GLOB headers CONFIGURE_DEPENDS ${dir}/*.h)
    foreach(header IN LISTS headers)
      cmake_path(RELATIVE_PATH header BASE_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE rel)
      cmake_path(GET rel PARENT_PATH rel_dir)
      file(MAKE_DIRECTORY ${root}/${rel_dir})
      file(CREATE_LINK ${header} ${root}/${rel} SYMBOLIC)
    endforeach()
  endforeach()
  target_include_directories(${target} PUBLIC ${root})
endfunction()

# yuqing_library(name LAYER core|adapter|stage|app [PART part] SOURCES ... DEPS ...): one static
# library per folder; DEPS are checked against the layering above.
function(yuqing_library name)
  cmake_parse_arguments(ARG "" "LAYER;PART" "SOURCES;DEPS" ${ARGN})
  if(NOT DEFINED YUQING_LAYER_RANK_${ARG_LAYER})
    message(FATAL_ERROR "yuqing_library(${name}): LAYER must be core, adapter, stage or app, not '${ARG_LAYER}'")
  endif()
  if(NOT ARG_PART)
    set(ARG_PART ${name})
  endif()
  add_library(${name} STATIC ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES YUQING_LAYER ${ARG_LAYER} YUQING_PART ${ARG_PART})
  foreach(dep IN LISTS ARG_DEPS)
    if(dep MATCHES "^yuqing_")
      if(NOT TARGET ${dep})
        message(FATAL_ERROR "yuqing_library(${name}): ${dep} is not defined yet (add_subdirectory order in CMakeLists.txt)")
      endif()
      get_target_property(dep_layer ${dep} YUQING_LAYER)
      get_target_property(dep_part ${dep} YUQING_PART)
      if(NOT dep_part STREQUAL ARG_PART AND NOT YUQING_LAYER_RANK_${dep_layer} LESS YUQING_LAYER_RANK_${ARG_LAYER})
        message(FATAL_ERROR "layering: ${name} (${ARG_LAYER}) may not link ${dep} (${dep_layer}); "
                            "dependencies point down: app → stage → adapter → core (docs/ARCHITECTURE.md)")
      endif()
    endif()
  endforeach()
  yuqing_export_headers(${name})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  yuqing_warnings(${name})
endfunction()
