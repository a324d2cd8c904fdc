//! Template cycles, found before anything is rendered: a template that
//! includes itself (directly or through others) and a macro that calls
//! itself on every call. Tera follows both until the stack overflows and the
//! process aborts (issue 12), so the theme refuses them at load time.
//!
//! Takes the parsed templates of a [`tera::Tera`]; returns each cycle once,
//! sorted, with the text to look for in the template that closes it (Tera's
//! syntax tree has no positions).

use std::collections::{BTreeMap, BTreeSet};
use tera::ast::{Expr, ExprVal, Node};

/// One cycle, reported in the template where it closes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Cycle {
    /// The template holding the include or macro call that closes the cycle.
    pub template: String,
    /// What to look for in that template's text to place the report.
    pub needle: String,
    /// The cycle, as names joined by " -> ".
    pub path: String,
    pub kind: CycleKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum CycleKind {
    /// Templates that include (or extend and include) each other.
    Include,
    /// Macros that call each other outside any `if` or `for`.
    Macro,
}

/// Every include cycle and unconditional macro cycle among `tera`'s templates.
pub(super) fn find(tera: &tera::Tera) -> Vec<Cycle> {
    let mut names: Vec<&str> = tera.get_template_names().collect();
    names.sort_unstable();
    // Include graph: a template renders what it includes and what it extends.
    let mut includes: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    // Macro graph: (file, macro) -> the macros it calls on every call.
    let mut calls: BTreeMap<(String, String), Vec<(String, String)>> = BTreeMap::new();
    for name in &names {
        let Ok(t) = tera.get_template(name) else {
            continue;
        };
        let mut edges = Vec::new();
        collect_includes(&t.ast, &mut edges);
        let mut edges: Vec<(String, bool)> = edges.into_iter().map(|e| (e, true)).collect();
        if let Some(p) = &t.parent {
            edges.push((p.clone(), false));
        }
        includes.insert(name.to_string(), edges);
        let namespaces: BTreeMap<&str, &str> = t
            .imported_macro_files
            .iter()
            .map(|(file, ns)| (ns.as_str(), file.as_str()))
            .collect();
        let mut macros: Vec<_> = t.macros.iter().collect();
        macros.sort_by(|a, b| a.0.cmp(b.0));
        for (mname, def) in macros {
            let mut found = Vec::new();
            unconditional_calls(&def.body, &mut found);
            let targets = found
                .into_iter()
                .filter_map(|(ns, callee)| {
                    let file = if ns == "self" {
                        name.to_string()
                    } else {
                        namespaces.get(ns.as_str())?.to_string()
                    };
                    Some((file, callee))
                })
                .collect();
            calls.insert((name.to_string(), mname.clone()), targets);
        }
    }
    let mut cycles = BTreeSet::new();
    // Include cycles; a cycle of extends alone is Tera's to report.
    for start in includes.keys() {
        let mut stack = vec![start.clone()];
        walk(&includes, &mut stack, &mut |stack, closing| {
            // Every cycle with an include in it closes with an include when
            // walked from that include's target; cycles of extends alone
            // are Tera's to report.
            if closing.1 {
                let from = &stack[stack.len() - 1];
                cycles.insert(Cycle {
                    template: from.clone(),
                    needle: closing.0.clone(),
                    path: path_of(stack.iter().map(String::as_str), &closing.0),
                    kind: CycleKind::Include,
                });
            }
        });
    }
    for start in calls.keys() {
        let mut stack = vec![start.clone()];
        walk(&calls, &mut stack, &mut |stack, closing| {
            let from = &stack[stack.len() - 1];
            cycles.insert(Cycle {
                template: from.0.clone(),
                needle: closing.1.clone(),
                path: path_of(stack.iter().map(|(_, m)| m.as_str()), &closing.1),
                kind: CycleKind::Macro,
            });
        });
    }
    // One report per place: a cycle found from each of its members closes
    // at different edges; keep the one whose path starts at its own template.
    let mut seen = BTreeSet::new();
    cycles
        .into_iter()
        .filter(|c| seen.insert((c.template.clone(), c.needle.clone(), c.kind)))
        .collect()
}

fn path_of<'a>(names: impl Iterator<Item = &'a str>, last: &str) -> String {
    let mut v: Vec<&str> = names.collect();
    v.push(last);
    v.join(" -> ")
}

/// Depth-first from the top of `stack`; calls `found` with the stack and the
/// edge that returns to the stack's first node. Nodes already on the stack
/// are not entered again, so this ends on any graph.
fn walk<N: Ord + Clone, E: Clone + AsNode<N>>(
    graph: &BTreeMap<N, Vec<E>>,
    stack: &mut Vec<N>,
    found: &mut dyn FnMut(&[N], &E),
) where
    N: StackNode,
{
    let top = stack[stack.len() - 1].key();
    let Some(edges) = graph.get(&top) else {
        return;
    };
    for e in edges {
        let next = e.node();
        if next == stack[0].key() {
            found(stack, e);
        } else if !stack.iter().any(|n| n.key() == next) && stack.len() < 64 {
            stack.push(N::from_edge(e));
            walk(graph, stack, found);
            stack.pop();
        }
    }
}

/// The graph walker works on include edges (name, is_include) and macro
/// edges ((file, macro)); these traits let one walker serve both.
trait AsNode<N> {
    fn node(&self) -> N;
}
trait StackNode: Sized {
    fn key(&self) -> Self;
    fn from_edge<E: AsNode<Self>>(e: &E) -> Self {
        e.node()
    }
}

impl AsNode<String> for (String, bool) {
    fn node(&self) -> String {
        self.0.clone()
    }
}
impl AsNode<(String, String)> for (String, String) {
    fn node(&self) -> (String, String) {
        self.clone()
    }
}
impl StackNode for String {
    fn key(&self) -> String {
        self.clone()
    }
}
impl StackNode for (String, String) {
    fn key(&self) -> (String, String) {
        self.clone()
    }
}

/// The names every `{% include %}` in `nodes` may include, at any depth.
fn collect_includes(nodes: &[Node], out: &mut Vec<String>) {
    for n in nodes {
        match n {
            Node::Include(_, names, _) => out.extend(names.iter().cloned()),
            _ => {
                for body in bodies(n) {
                    collect_includes(body, out);
                }
            }
        }
    }
}

/// The bodies nested in a node.
fn bodies(n: &Node) -> Vec<&[Node]> {
    match n {
        Node::MacroDefinition(_, d, _) => vec![&d.body],
        Node::FilterSection(_, f, _) => vec![&f.body],
        Node::Block(_, b, _) => vec![&b.body],
        Node::Forloop(_, f, _) => {
            let mut v: Vec<&[Node]> = vec![&f.body];
            if let Some(e) = &f.empty_body {
                v.push(e);
            }
            v
        }
        Node::If(i, _) => {
            let mut v: Vec<&[Node]> = i.conditions.iter().map(|(_, _, b)| b.as_slice()).collect();
            if let Some((_, b)) = &i.otherwise {
                v.push(b);
            }
            v
        }
        _ => Vec::new(),
    }
}

/// Macro calls made on every run of `nodes`: outside any `if` or `for`
/// (a guarded recursion may end; an unguarded one never does).
fn unconditional_calls(nodes: &[Node], out: &mut Vec<(String, String)>) {
    for n in nodes {
        match n {
            Node::VariableBlock(_, e) => expr_calls(e, out),
            Node::Set(_, s) => expr_calls(&s.value, out),
            Node::FilterSection(_, f, _) => unconditional_calls(&f.body, out),
            Node::Block(_, b, _) => unconditional_calls(&b.body, out),
            _ => {}
        }
    }
}

fn expr_calls(e: &Expr, out: &mut Vec<(String, String)>) {
    match &e.val {
        ExprVal::MacroCall(c) => {
            out.push((c.namespace.clone(), c.name.clone()));
            let mut args: Vec<_> = c.args.iter().collect();
            args.sort_by(|a, b| a.0.cmp(b.0));
            for (_, a) in args {
                expr_calls(a, out);
            }
        }
        ExprVal::Math(m) => {
            expr_calls(&m.lhs, out);
            expr_calls(&m.rhs, out);
        }
        ExprVal::Array(items) => items.iter().for_each(|i| expr_calls(i, out)),
        _ => {}
    }
    for f in &e.filters {
        let mut args: Vec<_> = f.args.iter().collect();
        args.sort_by(|a, b| a.0.cmp(b.0));
        for (_, a) in args {
            expr_calls(a, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(templates: &[(&str, &str)]) -> tera::Tera {
        let mut t = tera::Tera::default();
        t.add_raw_templates(templates.iter().copied()).unwrap();
        t
    }

    fn found(templates: &[(&str, &str)]) -> Vec<(String, String, CycleKind)> {
        find(&tera(templates))
            .into_iter()
            .map(|c| (c.template, c.path, c.kind))
            .collect()
    }

    #[test]
    fn a_template_that_includes_itself_is_a_cycle() {
        assert_eq!(
            found(&[("a.html", "x {% include \"a.html\" %}")]),
            [(
                "a.html".into(),
                "a.html -> a.html".into(),
                CycleKind::Include
            )]
        );
    }

    #[test]
    fn templates_that_include_each_other_are_one_cycle_per_include() {
        let f = found(&[
            ("a.html", "{% include \"b.html\" %}"),
            ("b.html", "{% include \"a.html\" %}"),
        ]);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f.iter().all(|c| c.2 == CycleKind::Include));
    }

    #[test]
    fn a_parent_that_includes_its_child_is_a_cycle() {
        let f = found(&[
            (
                "base.html",
                "{% block b %}{% endblock %}{% include \"child.html\" %}",
            ),
            (
                "child.html",
                "{% extends \"base.html\" %}{% block b %}x{% endblock %}",
            ),
        ]);
        assert!(!f.is_empty());
    }

    #[test]
    fn an_unguarded_recursive_macro_is_a_cycle_and_a_guarded_one_is_not() {
        let f = found(&[(
            "m.html",
            "{% macro down(n) %}{{ self::down(n=n) }}{% endmacro down %}",
        )]);
        assert_eq!(
            f,
            [("m.html".into(), "down -> down".into(), CycleKind::Macro)]
        );
        let f = found(&[(
            "m.html",
            "{% macro down(n) %}{% if n > 0 %}{{ self::down(n=n - 1) }}{% endif %}{% endmacro down %}",
        )]);
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn includes_without_a_cycle_are_fine() {
        let f = found(&[
            ("a.html", "{% include \"b.html\" %}{% include \"b.html\" %}"),
            ("b.html", "b"),
        ]);
        assert!(f.is_empty());
    }
}
