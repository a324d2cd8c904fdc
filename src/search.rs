//! Full-text search: a Pagefind index of the articles, glossary entries and
//! quotes, built during the build and written under `/pagefind/`, with
//! Pagefind's own search UI. Nothing is fetched from elsewhere at run time.
//!
//! The index is built from resolved data, not from the rendered pages, so it
//! needs no second copy of the site in memory.

use crate::annotate::Site;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::index::Index;
use crate::markdown::escape;
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use std::collections::BTreeMap;

/// The index files, keyed by output path (`pagefind/...`).
pub fn build(
    config: &Config,
    site: &Site,
    index: &Index,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| Diagnostic::error(format!("cannot start the search indexer: {e}")))?;
    runtime.block_on(records(config, site, index))
}

fn page(lang: &str, title: &str, body: &str, kind: &str) -> String {
    format!(
        "<html lang=\"{}\"><head><title>{}</title></head><body><main data-pagefind-body><h1>{}</h1><span data-pagefind-filter=\"type\" hidden>{kind}</span>{body}</main></body></html>",
        escape(lang),
        escape(title),
        escape(title)
    )
}

async fn records(
    config: &Config,
    site: &Site,
    quotes: &Index,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let fail =
        |e: &dyn std::fmt::Display| Diagnostic::error(format!("search indexing failed: {e}"));
    let options = PagefindServiceConfig::builder()
        .keep_index_url(true)
        .force_language(config.language.clone())
        .build();
    let mut index = PagefindIndex::new(Some(options)).map_err(|e| fail(&e))?;
    for a in &site.articles {
        let html = page(&config.language, &a.title, &a.html, "Article");
        index
            .add_html_file(None, Some(site.base.href(&a.url()).into()), html)
            .await
            .map_err(|e| fail(&e))?;
    }
    for e in &site.glossary.entries {
        let body = format!("<p>{}</p>{}", escape(&e.role), e.description_html);
        let html = page(&config.language, &e.name, &body, "Glossary");
        index
            .add_html_file(None, Some(site.base.href(&e.url()).into()), html)
            .await
            .map_err(|e| fail(&e))?;
    }
    for at in &quotes.by_date {
        let a = &site.articles[at.article];
        let q = &a.quotes[at.quote];
        let speaker = &site.glossary.entries[q.speaker].name;
        let meta = BTreeMap::from([("title".to_string(), format!("{}: “{}”", speaker, q.text))]);
        let filters = BTreeMap::from([("type".to_string(), vec!["Quote".to_string()])]);
        let content = format!("{} {} {} {}", q.text, speaker, q.context, a.title);
        index
            .add_custom_record(
                format!("{}#{}", site.base.href(&a.url()), q.id),
                content,
                config.language.clone(),
                Some(meta),
                Some(filters),
                None,
            )
            .await
            .map_err(|e| fail(&e))?;
    }
    let files = index.get_files().await.map_err(|e| fail(&e))?;
    let mut out: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|f| {
            let name = f
                .filename
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            (format!("pagefind/{name}"), f.contents)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}
