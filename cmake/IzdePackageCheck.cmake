# Read by cpack before it packs (CPACK_PROJECT_CONFIG_FILE, set in IzdePackage.cmake). Without
# dpkg-shlibdeps CPack would make a .deb without its libraries in Depends, which installs
# cleanly and then cannot start: stop instead.
if(CPACK_GENERATOR STREQUAL "DEB")
  find_program(IZDE_SHLIBDEPS dpkg-shlibdeps)
  if(NOT IZDE_SHLIBDEPS)
    message(FATAL_ERROR "dpkg-shlibdeps not found: install the Debian package dpkg-dev, which "
                        "works out the libraries the .deb depends on")
  endif()
endif()
