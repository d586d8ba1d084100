# Shared by scripts/quickstart and scripts/test: install the Debian 12 packages izde needs,
# skipping the apt-get run entirely when they are all present already.
# Usage: . scripts/deps.sh; izde_install_packages PKG...

izde_install_packages() {
    missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    echo "izde: installing:$missing"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            $missing >/dev/null
}

# Build and runtime dependencies (see README: why each one is there). quickstart installs
# these alone, so nothing here may be needed only by the tests.
IZDE_BUILD_PACKAGES="build-essential cmake pkg-config libxapian-dev libicu-dev
    libmicrohttpd-dev libjansson-dev libxml2-dev libzstd-dev hunspell-kk wordnet-base
    hunspell-en-us hunspell-en-gb"
# What the unit, end-to-end and browser tests need on top (scripts/test installs both lists).
# dpkg-dev, systemd, procps and passwd: the package test (cpack's dpkg-shlibdeps, systemd-analyze,
# /bin/kill named by the searchd unit, useradd in the postinst). groff-base: the manual pages
# must render without a warning (e2e_manual). clang-14 and libclang-rt-14-dev (libFuzzer and the
# sanitizer runtimes, only recommended by clang-14): the fuzz targets of fuzz/. xapian-tools:
# xapian-tcpsrv serves the shards of e2e_shards on loopback (and xapian-delve inspects indexes).
# hunspell-ru: the word list whose paradigms judge the Russian open-vocabulary evaluation.
# apertium-eng-spa and lttoolbox: the English analyser (and lt-proc to run it) that judges the
# English one. sphinxsearch, sqlite3, libsqlite3-dev and wamerican: the small benchmark runs
# (bench_small, bench_long_scale_small) search beside Sphinx and SQLite FTS5 over a corpus made
# from wamerican's words; installed here, so that two tests running at once never both call
# apt-get (one would fail on dpkg's lock).
IZDE_TEST_PACKAGES="libcmocka-dev python3 curl chromium xapian-tools dpkg-dev systemd procps
    passwd groff-base file nginx-light clang-14 libclang-rt-14-dev clang-format hunspell-ru
    apertium-eng-spa lttoolbox sphinxsearch sqlite3 libsqlite3-dev wamerican"

# Configures and builds into the given folder with extra CMake arguments.
izde_build() {
    dir=$1
    shift
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null &&
        cmake --build "$dir" -j "$(nproc)" >/dev/null
}
