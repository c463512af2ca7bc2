#!/usr/bin/env bash
# Builds Cairn's test images into the dockerd that DOCKER_HOST names, from root filesystems made on this host (no
# registry is needed or reachable). Idempotent: an image that exists is skipped.
#
#   build.sh                 cairn/busybox:latest only (well under a second)
#   build.sh --conformance   also the images the CWL conformance tests name (needs the Debian mirror; ~70 s each
#                            for debian and python the first time): docker.io/debian:stable-slim,
#                            docker.io/python:3-slim, docker.io/alpine:latest, docker.io/bash:4.4
#
# The docker.io/* images are LOCAL STAND-INS, not the upstream images: see README.md beside this script.
set -euo pipefail

: "${DOCKER_HOST:?DOCKER_HOST must name the dockerd, e.g. unix:///tmp/cairn-backends/docker/docker.sock}"
export DOCKER_HOST
DOCKER="$(command -v /usr/bin/docker || command -v docker)"
STD_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

say() { printf '%s\n' "test images: $*" >&2; }
exists() { "$DOCKER" image inspect "$1" > /dev/null 2>&1; }

apt_install() {
    local package=$1 file=$2
    [ -e "$file" ] && return 0
    say "installing $package"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$package" >&2 \
        || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$package" >&2; }
}

# import TAR NAME [CMD [ENTRYPOINT]]: a root filesystem tarball becomes an image with a standard PATH
import() {
    local changes=(--change "ENV PATH=$STD_PATH" --change "CMD [\"${3:-/bin/sh}\"]")
    [ -n "${4:-}" ] && changes+=(--change "ENTRYPOINT [\"$4\"]")
    "$DOCKER" import "${changes[@]}" \
        --message "Cairn test image, built locally by docker/test-images/build.sh" "$1" "$2" > /dev/null
    say "built $2"
}

# busybox_rootfs DIR: busybox-static with every applet linked at its usual place, root and nobody users, /tmp
busybox_rootfs() {
    local dir=$1 applet
    mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,tmp,root,home,var/tmp,proc,sys,dev}
    chmod 1777 "$dir/tmp" "$dir/var/tmp"
    cp /bin/busybox "$dir/bin/busybox"
    for applet in $(/bin/busybox --list-full); do
        [ -e "$dir/$applet" ] || ln -s /bin/busybox "$dir/$applet"
    done
    printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' > "$dir/etc/passwd"
    printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' > "$dir/etc/group"
}

busybox_image() {
    local name=$1 extra=${2:-}
    exists "$name" && return 0
    local dir="$WORK/rootfs-${name//[^a-z0-9]/_}"
    busybox_rootfs "$dir"
    if [ "$extra" = bash ]; then
        apt_install bash-static /bin/bash-static
        cp /bin/bash-static "$dir/bin/bash"
        ln -s /bin/bash "$dir/usr/local/bin/bash"
        # as the upstream image: arguments that start with '-' (and none at all) go to bash, so a
        # command such as ["-c", "echo moo"] runs (the conformance test docker_entrypoint)
        printf '%s\n' '#!/bin/bash' 'set -e' \
            'if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then set -- bash "$@"; fi' 'exec "$@"' \
            > "$dir/usr/local/bin/docker-entrypoint.sh"
        chmod 755 "$dir/usr/local/bin/docker-entrypoint.sh"
    fi
    tar -C "$dir" --numeric-owner -cf "$WORK/rootfs.tar" .
    if [ "$extra" = bash ]; then
        import "$WORK/rootfs.tar" "$name" bash docker-entrypoint.sh
    else
        import "$WORK/rootfs.tar" "$name" /bin/sh
    fi
}

debian_image() {
    local name=$1 include=${2:-}
    exists "$name" && return 0
    apt_install mmdebstrap /usr/bin/mmdebstrap
    say "bootstrapping $name (Debian bookworm minbase${include:+ + $include}); this takes a minute or two"
    mmdebstrap --quiet --variant=minbase ${include:+--include="$include"} bookworm "$WORK/debian.tar" >&2
    import "$WORK/debian.tar" "$name" "$([ -n "$include" ] && echo python3 || echo bash)"
}

apt_install busybox-static /bin/busybox
busybox_image cairn/busybox:latest
if [ "${1:-}" = --conformance ]; then
    busybox_image docker.io/alpine:latest
    busybox_image docker.io/bash:4.4 bash
    debian_image docker.io/debian:stable-slim
    debian_image docker.io/python:3-slim python3,python-is-python3
fi
