# Runs at install time (install(SCRIPT) in IzdeInstall.cmake, which sets the IZDE_* variables
# used here): installs the systemd units, the settings and the cron example with the folders of
# the prefix being installed into written into them, so that `cmake --install build --prefix
# /usr`, the default /usr/local and cpack (prefix /usr) all get units naming their own
# programs. GNUInstallDirs' absolute paths are fixed when configuring and would be wrong then.

if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  # FHS: the settings of /usr are in /etc (as GNUInstallDirs does it); Debian 12 keeps the
  # units of packages in /lib/systemd/system.
  set(etc /etc)
  set(units /lib/systemd/system)
else()
  # systemd also reads units from /usr/local/lib/systemd/system.
  set(etc ${CMAKE_INSTALL_PREFIX}/etc)
  set(units ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
endif()
# Named in the templates (deploy/*.in).
set(IZDE_BINDIR ${CMAKE_INSTALL_PREFIX}/${IZDE_BINDIR_REL})
set(IZDE_DOCDIR ${CMAKE_INSTALL_PREFIX}/${IZDE_DOCDIR_REL})
set(IZDE_SYSCONFDIR ${etc})

set(src ${IZDE_SOURCE_DIR}/deploy)
set(out ${IZDE_CONFIGURED_DIR})
foreach(name izde-searchd.service izde-reindex.service reindex.env izde-reindex.cron)
  configure_file(${src}/${name}.in ${out}/${name} @ONLY)
endforeach()

file(INSTALL DESTINATION ${units} TYPE FILE
     FILES ${out}/izde-searchd.service ${out}/izde-reindex.service ${src}/izde-reindex.timer)
file(INSTALL DESTINATION ${IZDE_DOCDIR}/examples TYPE FILE FILES ${out}/izde-reindex.cron)

# Settings: never written over a file that differs (an administrator's changes); the new
# version then goes beside it as NAME.new. (dpkg asks instead: these are conffiles.)
function(install_setting file dir name)
  set(dest $ENV{DESTDIR}${dir}/${name})
  if(EXISTS ${dest})
    file(READ ${dest} old)
    file(READ ${file} new)
    if(NOT old STREQUAL new)
      message(STATUS "Keeping ${dest}, which differs; the new one is ${name}.new")
      set(name ${name}.new)
    endif()
  endif()
  file(INSTALL DESTINATION ${dir} TYPE FILE RENAME ${name} FILES ${file})
  # file(INSTALL) lists what it installed here, for install_manifest.txt
  set(CMAKE_INSTALL_MANIFEST_FILES ${CMAKE_INSTALL_MANIFEST_FILES} PARENT_SCOPE)
endfunction()
foreach(name IN LISTS IZDE_ETC_FILES)
  if(EXISTS ${src}/${name}.in)
    install_setting(${out}/${name} ${etc}/izde ${name})
  else()
    install_setting(${src}/${name} ${etc}/izde ${name})
  endif()
endforeach()
install_setting(${src}/logrotate ${etc}/logrotate.d izde)
