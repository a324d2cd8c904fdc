//! `gloss theme export [DIR]`: the built-in theme, copied out to be edited.

use super::count;
use std::path::Path;

/// `gloss theme export [DIR]`: the built-in templates and static files into
/// `DIR/templates` and `DIR/static`. A file that exists is left alone (and
/// listed) unless `force`.
pub(crate) fn export(dir: &Path, force: bool, quiet: bool) -> Result<(), u8> {
    let mut written = 0;
    let mut skipped = Vec::new();
    for (rel, bytes) in gloss::render::theme::builtin_files() {
        let path = dir.join(&rel);
        if path.exists() && !force {
            skipped.push(rel);
            continue;
        }
        if let Some(p) = path.parent() {
            if let Err(e) = std::fs::create_dir_all(p) {
                eprintln!("error: cannot create {}: {e}", p.display());
                return Err(1);
            }
        }
        if let Err(e) = std::fs::write(&path, bytes) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return Err(1);
        }
        written += 1;
    }
    if !quiet {
        eprintln!(
            "wrote {} of the built-in theme to {}",
            count(written, "file", "files"),
            dir.display()
        );
        if !skipped.is_empty() {
            eprintln!(
                "kept {} that already existed:",
                count(skipped.len(), "file", "files")
            );
            for s in &skipped {
                eprintln!("  {s}");
            }
            eprintln!("help: pass --force to replace them with the built-in versions");
        }
    }
    Ok(())
}
