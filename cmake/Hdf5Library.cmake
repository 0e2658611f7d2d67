# circlesim::hdf5: the HDF5 C library the traces link. By default Debian's static libhdf5.a,
# because the shared libhdf5.so pulls in libcurl (for its S3 driver, which circlesim never uses)
# and some twenty libraries behind it: loading them took 11 ms of every process's 20 ms start-up,
# in every command, test and batch (docs/performance.md, "Start-up"). The static archive adds only
# the objects circlesim calls, and libsz, libz and libm behind them.
option(CIRCLESIM_STATIC_HDF5 "Link Debian's static libhdf5.a instead of libhdf5.so (faster start-up)"
       ON)

set(circlesim_hdf5_archive "")
if(CIRCLESIM_STATIC_HDF5)
  foreach(library IN LISTS HDF5_C_LIBRARIES HDF5_LIBRARIES)
    if(library MATCHES "libhdf5(_serial)?\\.so$")
      string(REGEX REPLACE "\\.so$" ".a" archive ${library})
      if(EXISTS ${archive})
        set(circlesim_hdf5_archive ${archive})
        break()
      endif()
    endif()
  endforeach()
  if(NOT circlesim_hdf5_archive)
    message(STATUS "circlesim: no static libhdf5.a beside the shared library; linking libhdf5.so")
  endif()
endif()

add_library(circlesim_hdf5 INTERFACE)
add_library(circlesim::hdf5 ALIAS circlesim_hdf5)
if(circlesim_hdf5_archive)
  find_library(CIRCLESIM_SZIP_LIBRARY NAMES sz REQUIRED)  # libaec's szip, as libhdf5.so links it
  # The headers and definitions of FindHDF5's target, the archive instead of its libraries.
  get_target_property(hdf5_includes HDF5::HDF5 INTERFACE_INCLUDE_DIRECTORIES)
  get_target_property(hdf5_definitions HDF5::HDF5 INTERFACE_COMPILE_DEFINITIONS)
  target_include_directories(circlesim_hdf5 SYSTEM INTERFACE ${hdf5_includes})
  if(hdf5_definitions)
    target_compile_definitions(circlesim_hdf5 INTERFACE ${hdf5_definitions})
  endif()
  target_link_libraries(circlesim_hdf5 INTERFACE ${circlesim_hdf5_archive}
                        ${CIRCLESIM_SZIP_LIBRARY} ZLIB::ZLIB ${CMAKE_DL_LIBS} m Threads::Threads)
  message(STATUS "circlesim: HDF5 linked statically from ${circlesim_hdf5_archive}")
else()
  target_link_libraries(circlesim_hdf5 INTERFACE HDF5::HDF5)
endif()
