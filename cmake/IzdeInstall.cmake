# The installed layout (FHS, through GNUInstallDirs), besides the programs, which install
# themselves into bin/ from their folders. Under the prefix (/usr/local for `cmake --install`,
# /usr in the .deb):
#
#   bin/izde-indexer izde-query izde-searchd izde-reindex
#   share/izde/synonyms.conf         the shipped synonym groups, found from bin/ (izde/config.h)
#   share/man/manN/*.N.gz            every man/*.[1-8] of the source tree, compressed
#   share/doc/izde/                  README.md, operations.md, searchd.md, examples/ (cron line,
#                                    nginx-izde.conf)
#   lib/systemd/system/              the units (/lib/systemd/system for the prefix /usr)
#   etc/izde/                        reindex.env, and izde.conf when deploy/ has one
#   etc/logrotate.d/izde             (etc/ is /etc for the prefix /usr)
#
# At run time the programs read share/izde/synonyms.conf beside their bin/ and
# /etc/izde/izde.conf (whatever the prefix); the demo page, the Kazakh lexicon and the stop
# words are compiled in.
# The index (/var/lib/izde) and the log (/var/log/izde) belong to the system user izde; the
# package's postinst creates them (deploy/deb/), and so does izde-reindex.service.

install(FILES ${PROJECT_SOURCE_DIR}/data/synonyms.conf DESTINATION ${CMAKE_INSTALL_DATADIR}/izde)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/operations.md
              ${PROJECT_SOURCE_DIR}/docs/searchd.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/deploy/nginx/izde.conf
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples RENAME nginx-izde.conf)

# Man pages, by glob so that pages added to man/ are installed without editing this file.
# Debian wants them compressed (gzip -9n: no name or time stamp, the same bytes every build).
file(GLOB IZDE_MAN_PAGES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/man/*.[1-8])
set(IZDE_MAN_GZ "")
foreach(page IN LISTS IZDE_MAN_PAGES)
  get_filename_component(name ${page} NAME)
  string(REGEX REPLACE ".*\\.([1-8])$" "\\1" section ${name})
  set(gz ${CMAKE_BINARY_DIR}/man/${name}.gz)
  add_custom_command(OUTPUT ${gz}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND sh -c "gzip -9n < \"$1\" > \"$2\"" sh ${page} ${gz}
    DEPENDS ${page}
    VERBATIM)
  list(APPEND IZDE_MAN_GZ ${gz})
  install(FILES ${gz} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
if(IZDE_MAN_GZ)
  add_custom_target(izde-man ALL DEPENDS ${IZDE_MAN_GZ})
endif()

# The settings installed into etc/izde/; the .deb marks them as conffiles (IzdePackage.cmake).
# A deploy/izde.conf is installed too once there is one (the glob is checked at every build).
file(GLOB IZDE_CONF CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/deploy/izde.conf)
set(IZDE_ETC_FILES reindex.env)
if(IZDE_CONF)
  list(APPEND IZDE_ETC_FILES izde.conf)
endif()

# The units, the settings and the cron example name the folders of the installation, which
# are known for certain only when installing (`cmake --install build --prefix /usr`, or cpack,
# which installs with the prefix /usr): IzdeInstallDeploy.cmake writes them then.
install(CODE "
  set(IZDE_SOURCE_DIR \"${PROJECT_SOURCE_DIR}\")
  set(IZDE_CONFIGURED_DIR \"${CMAKE_BINARY_DIR}/deploy\")
  set(IZDE_BINDIR_REL \"${CMAKE_INSTALL_BINDIR}\")
  set(IZDE_DOCDIR_REL \"${CMAKE_INSTALL_DOCDIR}\")
  set(IZDE_ETC_FILES \"${IZDE_ETC_FILES}\")")
install(SCRIPT ${PROJECT_SOURCE_DIR}/cmake/IzdeInstallDeploy.cmake)
