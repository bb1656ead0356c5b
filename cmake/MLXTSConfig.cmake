# CMake package of mlx-ts: find_package(MLXTS CONFIG) with MLXTS_DIR set to
# the output of `npx mlx-ts --cmake-dir`.
#
# Gives:
#   mlxts::mlxts          the runtime library (libmlxts) and the public headers
#                         (native/include: mlx/*.h, mlx_ts/extension.h)
#   MLXTS_ROOT            the mlx-ts package folder
#   MLXTS_LIBRARY_DIR     the folder of libmlxts (the build mlx-ts' addon loads)
#   mlxts_add_extension(<target> <sources>...)
#                         a Node addon (<target>.node) built by cmake-js, linked to
#                         libmlxts with an rpath to MLXTS_LIBRARY_DIR relative to
#                         the addon ($ORIGIN/...), so that it loads the same
#                         libmlxts as mlx-ts' addon (arrays pass between them)
#                         also after both folders are copied elsewhere together.
#   mlxts_add_cuda_kernels(<target> <name> SOURCE <file.cu> ...)
#                         CUDA kernels for the extension GPU API
#                         (mlx/backend/cuda/extension.h): nvcc's fatbin when a
#                         CUDA compiler is found, and the source for NVRTC
#                         (MLXTSCudaKernels.cmake).
#
# The build folder is ${MLXTS_BUILD_DIR}, else $ENV{MLX_TS_BUILD_DIR}, else
# "build" (as for the SDK, which loads <root>/<build dir>/Release/mlx_ts.node).
get_filename_component(MLXTS_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)

if(NOT MLXTS_BUILD_DIR)
  if(DEFINED ENV{MLX_TS_BUILD_DIR} AND NOT "$ENV{MLX_TS_BUILD_DIR}" STREQUAL "")
    set(MLXTS_BUILD_DIR "$ENV{MLX_TS_BUILD_DIR}")
  else()
    set(MLXTS_BUILD_DIR build)
  endif()
endif()
if(IS_ABSOLUTE "${MLXTS_BUILD_DIR}")
  set(MLXTS_LIBRARY_DIR "${MLXTS_BUILD_DIR}/Release")
else()
  set(MLXTS_LIBRARY_DIR "${MLXTS_ROOT}/${MLXTS_BUILD_DIR}/Release")
endif()
set(MLXTS_INCLUDE_DIRS "${MLXTS_ROOT}/native/include")

set(MLXTS_LIBRARY "${MLXTS_LIBRARY_DIR}/${CMAKE_SHARED_LIBRARY_PREFIX}mlxts${CMAKE_SHARED_LIBRARY_SUFFIX}")
if(NOT EXISTS "${MLXTS_LIBRARY}")
  set(MLXTS_FOUND FALSE)
  set(MLXTS_NOT_FOUND_MESSAGE
      "libmlxts not found in ${MLXTS_LIBRARY_DIR}: build mlx-ts first (npm install / npm run build:native there).")
  return()
endif()

if(NOT TARGET mlxts::mlxts)
  find_package(Threads REQUIRED)
  add_library(mlxts::mlxts SHARED IMPORTED)
  set_target_properties(mlxts::mlxts PROPERTIES
    IMPORTED_LOCATION "${MLXTS_LIBRARY}"
    IMPORTED_SONAME "libmlxts.so"
    INTERFACE_INCLUDE_DIRECTORIES "${MLXTS_INCLUDE_DIRS}"
    INTERFACE_COMPILE_FEATURES cxx_std_17
    INTERFACE_LINK_LIBRARIES Threads::Threads)
endif()

include("${CMAKE_CURRENT_LIST_DIR}/MLXTSCudaKernels.cmake")

# node-addon-api's headers, from the mlx-ts package's dependencies.
function(_mlxts_node_addon_api_dir out)
  execute_process(COMMAND node -p "require('node-addon-api').include_dir"
                  WORKING_DIRECTORY "${MLXTS_ROOT}"
                  OUTPUT_VARIABLE dir OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT IS_ABSOLUTE "${dir}")
    set(dir "${MLXTS_ROOT}/${dir}")
  endif()
  set(${out} "${dir}" PARENT_SCOPE)
endfunction()

function(mlxts_add_extension target)
  if(NOT CMAKE_JS_VERSION)
    message(FATAL_ERROR "mlxts_add_extension: build with cmake-js (it provides Node's headers).")
  endif()
  _mlxts_node_addon_api_dir(napi_dir)
  add_library(${target} SHARED ${ARGN} ${CMAKE_JS_SRC})
  # The rpath: libmlxts' folder relative to the folder the addon is written to.
  get_target_property(out_dir ${target} LIBRARY_OUTPUT_DIRECTORY)
  if(NOT out_dir)
    set(out_dir "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  get_filename_component(out_dir "${out_dir}" REALPATH)
  get_filename_component(lib_dir "${MLXTS_LIBRARY_DIR}" REALPATH)
  file(RELATIVE_PATH rel "${out_dir}" "${lib_dir}")
  if(rel STREQUAL "")
    set(rpath "$ORIGIN")
  else()
    set(rpath "$ORIGIN/${rel}")
  endif()
  if(APPLE)
    string(REPLACE "$ORIGIN" "@loader_path" rpath "${rpath}")
  endif()
  # Only that rpath (CMake would add the absolute folder of libmlxts too).
  set_target_properties(${target} PROPERTIES PREFIX "" SUFFIX ".node"
                        BUILD_WITH_INSTALL_RPATH ON INSTALL_RPATH "${rpath}")
  target_include_directories(${target} PRIVATE ${CMAKE_JS_INC} "${napi_dir}")
  target_compile_definitions(${target} PRIVATE NAPI_VERSION=8 NAPI_CPP_EXCEPTIONS)
  target_link_libraries(${target} PRIVATE mlxts::mlxts ${CMAKE_JS_LIB})
endfunction()

set(MLXTS_FOUND TRUE)
