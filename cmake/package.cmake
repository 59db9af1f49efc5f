# `cmake --install build` puts velo in CMAKE_INSTALL_PREFIX/bin
# (/usr/local/bin by default); scripts/package runs `cpack -G DEB` for a
# Debian package installing /usr/bin/velo.
install(TARGETS velo RUNTIME DESTINATION bin)

set(CPACK_PACKAGE_NAME velo)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "velo maintainers <velo@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "branch PostgreSQL databases with copy-on-write clones")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# RelWithDebInfo's debug info would make the package ten times larger.
set(CPACK_STRIP_FILES ON)

# velo_<version>_amd64.deb, as Debian names packages.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
# Depends comes from dpkg-shlibdeps, which reads the binary: libpq5,
# libsqlite3-0, libcurl4, libfmt9, libc6, libstdc++6 and libgcc-s1, each
# with the minimum version velo needs. A hand-written list would repeat
# them without versions.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Native branches run Debian's PostgreSQL 15 (project create's default);
# docker-only setups do without it.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "postgresql-15")

include(CPack)
