# The Debian package: `cmake --build build --target package` (or `cd build && cpack`) writes
# build/izde_VERSION-1_ARCH.deb. It installs with the prefix /usr whatever the build's
# CMAKE_INSTALL_PREFIX (the units are written at install time, IzdeInstallDeploy.cmake), so
# any build folder makes the same package; build it from a normal build, not a sanitizer one.
# Depends is worked out by dpkg-shlibdeps (package dpkg-dev) from the programs' libraries.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME izde)
set(CPACK_PACKAGE_VENDOR "izde developers")
set(CPACK_PACKAGE_CONTACT "izde developers <dev@izde.kz>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "full-text search for news in English, Kazakh and Russian")
# The long description (CPack puts the summary above it and indents each line).
set(CPACK_PACKAGE_DESCRIPTION
    "izde indexes news entries (JSONL files and dated news pages) into a Xapian
index, with ICU text handling, Snowball stemming for English and Russian and
a lexicon-checked Kazakh analyser. It answers from the command line
(izde-query) and over HTTP with a JSON API and a demo search page
(izde-searchd). izde-reindex rebuilds the index every night from an export
folder, checks it and switches to it atomically (izde-reindex.timer).")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_LIST_DIR}/IzdePackageCheck.cmake)
# postinst creates the user with useradd (package passwd).
set(CPACK_DEBIAN_PACKAGE_DEPENDS passwd)
# procps: /bin/kill, for systemctl reload izde-searchd.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS procps)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "systemd | cron, logrotate")

set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

# Maintainer scripts (deploy/deb/) and the conffiles: every file installed into /etc.
set(IZDE_CONFFILES "")
foreach(name IN LISTS IZDE_ETC_FILES)
  string(APPEND IZDE_CONFFILES "/etc/izde/${name}\n")
endforeach()
string(APPEND IZDE_CONFFILES "/etc/logrotate.d/izde\n")
file(WRITE ${CMAKE_BINARY_DIR}/deb/conffiles "${IZDE_CONFFILES}")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_BINARY_DIR}/deb/conffiles
    ${PROJECT_SOURCE_DIR}/deploy/deb/postinst
    ${PROJECT_SOURCE_DIR}/deploy/deb/prerm
    ${PROJECT_SOURCE_DIR}/deploy/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
