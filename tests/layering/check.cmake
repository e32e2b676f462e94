# The layering test (ctest -R Layering): both halves of cmake/layering.cmake must bite.
#   cmake -DBUILD_DIR=<build> -DSOURCE_DIR=<repo> -DSCRATCH=<dir> -P check.cmake
# 1. Headers: in the real build, a crawlers source may include a Kafka header (control) but not an
#    alerts header (probe).
# 2. Links: a stage linking another stage fails the configure step (scratch project), and the same
#    project without that link configures (control).
function(run expect_ok what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(all "${out}${err}")
  if(expect_ok AND NOT rc EQUAL 0)
    message(FATAL_ERROR "${what}: expected success, got exit ${rc}:\n${all}")
  elseif(NOT expect_ok AND rc EQUAL 0)
    message(FATAL_ERROR "${what}: expected a failure, but it succeeded — the layering is not enforced")
  endif()
  set(last_output "${all}" PARENT_SCOPE)
endfunction()

run(TRUE "crawlers including stream/kafka.h" ${CMAKE_COMMAND} --build ${BUILD_DIR} --target layering_control)
run(FALSE "crawlers including alerts/engine.h" ${CMAKE_COMMAND} --build ${BUILD_DIR} --target layering_probe)
if(NOT last_output MATCHES "alerts/engine.h: No such file or directory")
  message(FATAL_ERROR "the probe failed for another reason than the missing header:\n${last_output}")
endif()
message(STATUS "headers: crawlers cannot include alerts/engine.h")

file(REMOVE_RECURSE ${SCRATCH})
run(TRUE "a stage linking core" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/layering/deps -B ${SCRATCH}/ok
    -DYUQING_ROOT=${SOURCE_DIR} -DVIOLATE=OFF)
run(FALSE "a stage linking a stage" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/layering/deps -B ${SCRATCH}/bad
    -DYUQING_ROOT=${SOURCE_DIR} -DVIOLATE=ON)
if(NOT last_output MATCHES "layering: yuqing_crawlers \\(stage\\) may not link yuqing_alerts \\(stage\\)")
  message(FATAL_ERROR "the configure failed for another reason than the layering rule:\n${last_output}")
endif()
message(STATUS "links: a stage may not link another stage")
