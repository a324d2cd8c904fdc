//! `gloss theme export` and `gloss new entry`: files a writer starts from.

use crate::support::*;

#[test]
fn theme_export_writes_the_built_in_theme_and_keeps_existing_files() {
    let t = SiteTest::new().file("templates/base.html", "mine");
    let o = t.run(&["theme", "export"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("kept 1 file that already existed"), "{err}");
    assert!(err.contains("templates/base.html"), "{err}");
    assert_eq!(
        std::fs::read_to_string(t.root.join("templates/base.html")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(t.root.join("templates/article.html")).unwrap(),
        include_str!("../../templates/article.html")
    );
    assert_eq!(
        std::fs::read(t.root.join("static/gloss.css")).unwrap(),
        include_bytes!("../../static/gloss.css")
    );
    // With the rest exported, the site builds as it did with the built-ins.
    let t = t.file(
        "templates/base.html",
        include_str!("../../templates/base.html"),
    );
    t.build();
    let o = t.run(&["theme", "export", "--force"]);
    assert!(o.status.success());
    assert!(!String::from_utf8_lossy(&o.stderr).contains("kept"));
}

#[test]
fn theme_export_into_a_folder() {
    let t = SiteTest::new();
    let o = t.run(&["theme", "export", "elsewhere"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(t.root.join("elsewhere/templates/base.html").is_file());
    assert!(!t.root.join("templates").exists());
}

#[test]
fn new_entry_scaffolds_a_glossary_file_that_builds() {
    let t = SiteTest::new();
    let o = t.run(&["new", "entry", "Mara Lind"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(t.root.join("content/glossary/mara-lind.md")).unwrap();
    assert!(text.contains("name = \"Mara Lind\""), "{text}");
    assert!(text.contains("kind = \"person\""), "{text}");
    let o = t.run(&["new", "entry", "Port Authority", "--kind", "organisation"]);
    assert!(o.status.success());
    let text = std::fs::read_to_string(t.root.join("content/glossary/port-authority.md")).unwrap();
    assert!(text.contains("kind = \"organisation\""), "{text}");
    let t = t.file(
        "content/articles/a.md",
        "+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nMara Lind met the Port Authority.\n",
    );
    let site = t.build();
    assert!(site.exists("glossary/mara-lind/index.html"));
}

#[test]
fn new_entry_refuses_an_id_that_exists() {
    let t = SiteTest::new().file(
        "content/glossary/people/mara-lind.md",
        "+++\nname = \"M. Lind\"\nkind = \"person\"\n+++\n",
    );
    let o = t.run(&["new", "entry", "Mara  Lind!"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("already has an entry with the id `mara-lind`"),
        "{err}"
    );
    assert!(!t.root.join("content/glossary/mara-lind.md").exists());
}
