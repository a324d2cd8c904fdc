//! Embeds the built-in theme (templates/ and static/) into the binary, so any
//! site builds without a theme of its own.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&root);
    let mut out = String::new();
    for (dir, name, text) in [
        ("templates", "TEMPLATES", true),
        ("static", "STATIC", false),
    ] {
        println!("cargo:rerun-if-changed={dir}");
        let base = root.join(dir);
        let mut files: Vec<_> = walkdir::WalkDir::new(&base)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        files.sort();
        let ty = if text { "&str" } else { "&[u8]" };
        let mac = if text { "include_str" } else { "include_bytes" };
        writeln!(out, "pub(crate) static {name}: &[(&str, {ty})] = &[").unwrap();
        for f in files {
            println!("cargo:rerun-if-changed={}", f.display());
            let rel = f
                .strip_prefix(&base)
                .expect("walked below base")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            writeln!(out, "    ({rel:?}, {mac}!({:?})),", f.display().to_string()).unwrap();
        }
        writeln!(out, "];").unwrap();
    }
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("theme.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}
