//! `gloss new article "Title"` and `gloss new entry "Name"`.

use super::today;
use std::path::Path;

pub(crate) fn article(root: &Path, title: &str) -> Result<(), u8> {
    let slug = gloss::content::slugify(title);
    let path = root.join("content/articles").join(format!("{slug}.md"));
    if path.exists() {
        eprintln!(
            "error: {} already exists\nhelp: choose another title",
            path.display()
        );
        return Err(1);
    }
    let today = today();
    let text = format!(
        "+++\ntitle = {title:?}\ndate = {today}\ntags = []\ndraft = true\n\n# [[sources]]\n# id = \"\"\n# title = \"\"\n# url = \"\"\n+++\nWrite here.\n"
    );
    if let Some(p) = path.parent() {
        let _ = std::fs::create_dir_all(p);
    }
    std::fs::write(&path, text).map_err(|e| {
        eprintln!("error: cannot write {}: {e}", path.display());
        1u8
    })?;
    println!("{}", path.display());
    Ok(())
}

/// `gloss new entry "Name"`: `content/glossary/<id>.md`, refusing to
/// replace a file or to reuse an id an entry already has.
pub(crate) fn entry(root: &Path, name: &str, kind: Option<&str>) -> Result<(), u8> {
    let id = gloss::content::slugify(name);
    let dir = root.join("content/glossary");
    let path = dir.join(format!("{id}.md"));
    // An entry's id is its file's stem, wherever it sits below glossary/.
    let taken = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| {
            e.file_type().is_file()
                && e.path().extension().is_some_and(|x| x == "md")
                && e.path()
                    .file_stem()
                    .is_some_and(|s| gloss::content::slugify(&s.to_string_lossy()) == id)
        });
    if let Some(e) = taken {
        eprintln!(
            "error: the glossary already has an entry with the id `{id}`: {}\nhelp: edit that entry, or give the new one a name that makes a different id",
            e.path().display()
        );
        return Err(1);
    }
    let kind = match kind {
        Some("organisation" | "organization") => "organisation",
        _ => "person",
    };
    let role = if kind == "person" {
        "role = \"\"\n"
    } else {
        ""
    };
    let text = format!(
        "+++\nname = {name:?}\nkind = \"{kind}\"\naliases = []\n{role}+++\nWho {name} is, in a sentence or two.\n"
    );
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("error: cannot create {}: {e}", dir.display());
        return Err(1);
    }
    // create_new: never replace a file, even one made since the check above.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
    if let Err(e) = written {
        eprintln!("error: cannot write {}: {e}", path.display());
        return Err(1);
    }
    println!("{}", path.display());
    Ok(())
}
