//! Entity candidates: takes the parties the speaker pass named, returns the
//! ones worth a glossary entry, each with an id no entry has, its kind, role,
//! aliases, the sentence it came from and why it was kept.
//!
//! Precision first: a person needs evidence (quoted, a title, a role word
//! before the name, an appositive after it); an organisation needs an
//! organisation word or to be an acronym; places and outlets are never
//! proposed (outlets become sources), and nothing an existing entry or alias
//! already names.

use super::names;
use super::speakers::{self, Attributed};
use super::Glossary;
use crate::content::{slugify, Kind};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Clone, Debug, Serialize)]
pub struct Candidate {
    pub name: String,
    /// Unused by any existing entry or other candidate.
    pub id: String,
    #[serde(serialize_with = "kind_str")]
    pub kind: Kind,
    pub role: Option<String>,
    pub aliases: Vec<String>,
    pub sentence: String,
    pub evidence: Vec<&'static str>,
    /// Index into [`Attributed::parties`].
    #[serde(skip)]
    pub party: usize,
}

fn kind_str<S: serde::Serializer>(k: &Kind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(k.as_str())
}

/// Candidates, and the glossary id (existing or proposed) of every party.
#[derive(Clone, Debug, Default)]
pub struct Entities {
    pub candidates: Vec<Candidate>,
    /// Per party: its glossary id, existing or proposed; `None` if neither.
    pub ids: Vec<Option<String>>,
}

pub fn find(_doc: &super::document::Document, a: &Attributed, glossary: &Glossary) -> Entities {
    let mut ids = vec![None; a.parties.len()];
    let mut taken: BTreeSet<String> = glossary.entries.iter().map(|e| e.id.clone()).collect();
    let mut names_taken: BTreeSet<String> = glossary
        .entries
        .iter()
        .flat_map(|e| e.names.iter().cloned())
        .collect();
    let mut candidates = Vec::new();
    for (i, p) in a.parties.iter().enumerate() {
        if let Some(id) = &p.id {
            ids[i] = Some(id.clone());
            continue;
        }
        if let Some(known) = std::iter::once(&p.name)
            .chain(&p.aliases)
            .find_map(|n| glossary.find(n))
        {
            ids[i] = Some(known.id.clone());
            continue;
        }
        // An outlet is a source; an organisation that published a report
        // ("a report by the Coastal Research Institute") is still an entry.
        if p.is_outlet
            && !p.is_speaker
            && (names::has_media_word(&p.name) || !names::has_org_word(&p.name))
        {
            continue;
        }
        let keep = match p.kind {
            Some(Kind::Person) => !p.evidence.is_empty() && !speakers::is_place(&p.name),
            Some(Kind::Organisation) => true,
            None => false,
        };
        if !keep || names_taken.contains(&p.name) {
            continue;
        }
        let base = slugify(&p.name);
        let mut id = base.clone();
        let mut n = 2;
        while taken.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(id.clone());
        names_taken.insert(p.name.clone());
        ids[i] = Some(id.clone());
        let mut evidence = p.evidence.clone();
        if evidence.is_empty() {
            evidence.push(if names::is_acronym(&p.name) {
                "acronym"
            } else {
                "organisation word"
            });
        }
        candidates.push(Candidate {
            name: p.name.clone(),
            id,
            kind: p.kind.expect("kept parties have a kind"),
            role: p.role.clone(),
            aliases: p.aliases.clone(),
            sentence: p.sentence.clone(),
            evidence,
            party: i,
        });
    }
    // An alias shared by two candidates, or already some entry's name, is
    // dropped from both: it would link to the wrong one.
    let all_names: Vec<String> = candidates.iter().map(|c| c.name.clone()).collect();
    let alias_counts = candidates.iter().flat_map(|c| c.aliases.iter()).fold(
        std::collections::BTreeMap::<&str, usize>::new(),
        |mut m, a| {
            *m.entry(a.as_str()).or_default() += 1;
            m
        },
    );
    let drop: BTreeSet<String> = alias_counts
        .iter()
        .filter(|(a, n)| {
            **n > 1 || glossary.find(a).is_some() || all_names.iter().any(|x| x.as_str() == **a)
        })
        .map(|(a, _)| a.to_string())
        .collect();
    for c in &mut candidates {
        c.aliases.retain(|a| !drop.contains(a));
        c.aliases.sort();
        c.aliases.dedup();
    }
    Entities { candidates, ids }
}
