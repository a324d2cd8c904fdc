//! `gloss import`: a saved news page turned into a draft article.

use std::path::Path;

/// `gloss import`: the draft and the report; exit 1 on bad input.
pub(crate) fn run(root: &Path, args: &gloss::cli::ImportArgs, quiet: bool) -> Result<(), u8> {
    let fail = |e: gloss::import::ImportError| {
        eprintln!("{e}");
        1u8
    };
    let bytes = std::fs::read(&args.file).map_err(|e| {
        eprintln!(
            "error: cannot read {}: {e}\nhelp: check the path",
            args.file.display()
        );
        1u8
    })?;
    let glossary = gloss::import::Glossary::load(root);
    let imported = gloss::import::import(&args.file, &bytes, &glossary).map_err(fail)?;
    let json = args.format == "json";
    if args.dry_run {
        if json {
            println!("{}", imported.report.to_json());
        } else {
            println!("--- {}", imported.draft.article.path);
            print!("{}", imported.draft.article.text);
            for e in &imported.draft.entries {
                println!("--- {}", e.path);
                print!("{}", e.text);
            }
            eprint!("{}", imported.report.to_text());
            eprintln!("dry run: nothing was written");
        }
        return Ok(());
    }
    let written = gloss::import::write(root, &imported.draft).map_err(fail)?;
    if json {
        let mut v = serde_json::to_value(&imported.report).expect("a report is plain data");
        v["written"] = serde_json::to_value(&written).expect("plain data");
        println!("{}", serde_json::to_string_pretty(&v).expect("plain data"));
    } else if !quiet {
        eprint!("{}", imported.report.to_text());
        for w in &written {
            eprintln!("{}: {}", w.outcome, w.path);
        }
        eprintln!("next: edit the draft, then `gloss build --drafts` (or `gloss serve --drafts`)");
    }
    Ok(())
}
