# Sourced by bin/backends/*: loopback_preload DIR builds the bind shim (loopback-bind.c) into DIR
# once and prints its path, for LD_PRELOAD of a daemon that cannot be told to listen on loopback.
loopback_preload() {
    local dir=$1 src so
    src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/loopback-bind.c"
    so=$dir/libcairn-loopback.so
    mkdir -p "$dir"
    if [[ ! -s $so || $src -nt $so ]]; then
        command -v cc >/dev/null || { echo "cc is missing: apt-get install gcc" >&2; return 1; }
        cc -shared -fPIC -O2 -Wall -Werror -o "$so.tmp" "$src" -ldl && mv -f "$so.tmp" "$so"
    fi
    printf '%s\n' "$so"
}
