//! YAML front matter read into a small tree whose every key and value keeps
//! its place in the text, and a serde deserializer over that tree whose
//! errors carry the place of the node they stop at.
//!
//! serde_yaml_ng, which gloss used before, gives a position only for the
//! first error and places a bad value at the start of its mapping (issue
//! 12). saphyr-parser's events carry spans, so the tree is built from them
//! and deserialized here; the front-matter loop in the parent module prunes
//! the tree at each error and runs again, as it does for TOML.

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

/// A YAML value with the byte range of its text in the document.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub span: Range<usize>,
    pub value: Value,
}

#[derive(Clone, Debug)]
pub(crate) enum Value {
    /// A scalar's text; `plain` when it was written without quotes, a block
    /// indicator or a tag, so that `true`, `2` and `~` are read as YAML reads them.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    /// Keys and values in the order written.
    Map(Vec<(Node, Node)>),
}

/// How many nodes aliases (`*name`) may expand a document to: each alias
/// copies what its anchor holds, so a few lines could otherwise expand to
/// billions of values.
const MAX_NODES: usize = 100_000;

/// Parses `text` (one YAML document) into a [`Node`]; an empty document is an
/// empty mapping. `Err` has the parser's message and the byte offset.
pub(crate) fn parse(text: &str) -> Result<Node, (String, usize)> {
    let bytes = ByteOffsets::new(text);
    let mut parser = Parser::new_from_str(text);
    // Open collections: the node under construction and, for a mapping,
    // the key waiting for its value.
    let mut stack: Vec<(Node, Option<Node>)> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut open_anchor: Vec<usize> = Vec::new();
    let mut nodes = 0usize;
    let mut root: Option<Node> = None;
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            (
                e.info().to_string(),
                bytes.at(e.marker().index()).min(text.len()),
            )
        })?;
        let range = bytes.at(span.start.index())..bytes.at(span.end.index());
        let done: Node = match event {
            Event::StreamEnd => break,
            Event::Scalar(value, style, anchor, tag) => {
                let node = Node {
                    span: range,
                    value: Value::Scalar {
                        text: value.into_owned(),
                        plain: style == ScalarStyle::Plain && tag.is_none(),
                    },
                };
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            Event::Alias(id) => {
                let node = anchors.get(&id).cloned().ok_or_else(|| {
                    (
                        "an alias names an anchor that is not defined".to_string(),
                        range.start,
                    )
                })?;
                nodes += size(&node);
                Node {
                    span: range,
                    value: node.value,
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let value = if matches!(event, Event::SequenceStart(..)) {
                    Value::Seq(Vec::new())
                } else {
                    Value::Map(Vec::new())
                };
                if stack.len() >= super::MAX_YAML_DEPTH {
                    return Err((
                        format!(
                            "collections nested more than {} deep",
                            super::MAX_YAML_DEPTH
                        ),
                        range.start,
                    ));
                }
                stack.push((Node { span: range, value }, None));
                open_anchor.push(anchor);
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (mut node, _) = stack.pop().expect("the parser balances collections");
                node.span.end = node.span.end.max(range.end);
                let anchor = open_anchor.pop().unwrap_or(0);
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            _ => continue,
        };
        nodes += 1;
        if nodes > MAX_NODES {
            return Err((
                format!("aliases expand the front matter past {MAX_NODES} values"),
                done.span.start,
            ));
        }
        match stack.last_mut() {
            None => {
                // One document: what follows a second one is not front matter.
                root.get_or_insert(done);
            }
            Some((parent, key)) => {
                parent.span.end = parent.span.end.max(done.span.end);
                match &mut parent.value {
                    Value::Seq(items) => items.push(done),
                    Value::Map(entries) => match key.take() {
                        None => *key = Some(done),
                        Some(k) => entries.push((k, done)),
                    },
                    Value::Scalar { .. } => unreachable!("only collections are pushed"),
                }
            }
        }
    }
    Ok(root.unwrap_or(Node {
        span: 0..0,
        value: Value::Map(Vec::new()),
    }))
}

fn size(n: &Node) -> usize {
    1 + match &n.value {
        Value::Scalar { .. } => 0,
        Value::Seq(items) => items.iter().map(size).sum(),
        Value::Map(entries) => entries.iter().map(|(k, v)| size(k) + size(v)).sum(),
    }
}

/// saphyr counts in characters; spans here are bytes.
struct ByteOffsets(Option<Vec<usize>>);

impl ByteOffsets {
    fn new(text: &str) -> ByteOffsets {
        if text.is_ascii() {
            return ByteOffsets(None);
        }
        let mut at: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        at.push(text.len());
        ByteOffsets(Some(at))
    }

    fn at(&self, chars: usize) -> usize {
        match &self.0 {
            None => chars,
            Some(at) => at[chars.min(at.len() - 1)],
        }
    }
}

/// What a plain scalar is, by YAML 1.2's core schema.
enum Plain<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(&'a str),
}

fn resolve(text: &str) -> Plain<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Plain::Null,
        "true" | "True" | "TRUE" => return Plain::Bool(true),
        "false" | "False" | "FALSE" => return Plain::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Plain::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Plain::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Plain::Float(f64::NAN),
        _ => {}
    }
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    if let Some(hex) = text.strip_prefix("0x").filter(|h| digits(h, 16)) {
        if let Ok(n) = u64::from_str_radix(hex, 16) {
            return Plain::Uint(n);
        }
    }
    if let Some(oct) = text.strip_prefix("0o").filter(|o| digits(o, 8)) {
        if let Ok(n) = u64::from_str_radix(oct, 8) {
            return Plain::Uint(n);
        }
    }
    if digits(unsigned, 10) {
        if let Ok(n) = unsigned.parse::<u64>() {
            return Plain::Uint(n);
        }
    }
    if let Some(neg) = text.strip_prefix('-').filter(|n| digits(n, 10)) {
        if let Ok(n) = format!("-{neg}").parse::<i64>() {
            return Plain::Int(n);
        }
    }
    let float_like = {
        let body = text.strip_prefix(['+', '-']).unwrap_or(text);
        let (mantissa, exp) = match body.find(['e', 'E']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        let (whole, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let mantissa_ok = (digits(whole, 10) || whole.is_empty())
            && (frac.is_empty() || digits(frac, 10))
            && !(whole.is_empty() && frac.is_empty());
        let exp_ok = exp.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e), 10));
        mantissa_ok && exp_ok && (mantissa.contains('.') || exp.is_some())
    };
    if float_like {
        if let Ok(f) = text.parse::<f64>() {
            return Plain::Float(f);
        }
    }
    Plain::Str(text)
}

/// A deserialization error with the byte range of the node it stopped at.
#[derive(Debug)]
pub(crate) struct Error {
    pub message: String,
    pub span: Option<Range<usize>>,
}

impl Error {
    fn at(mut self, span: &Range<usize>) -> Error {
        self.span.get_or_insert_with(|| span.clone());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Error {
        Error {
            message: msg.to_string(),
            span: None,
        }
    }
}

impl<'de> de::Deserializer<'de> for &'de Node {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let r = match &self.value {
            Value::Scalar { text, plain: true } => match resolve(text) {
                Plain::Null => visitor.visit_unit(),
                Plain::Bool(b) => visitor.visit_bool(b),
                Plain::Int(n) => visitor.visit_i64(n),
                Plain::Uint(n) => visitor.visit_u64(n),
                Plain::Float(f) => visitor.visit_f64(f),
                Plain::Str(s) => visitor.visit_borrowed_str(s),
            },
            Value::Scalar { text, .. } => visitor.visit_borrowed_str(text),
            Value::Seq(items) => visitor.visit_seq(Items(items.iter())),
            Value::Map(entries) => {
                let mut access = Entries {
                    entries: entries.iter(),
                    value: None,
                    last_key: None,
                };
                let r = visitor.visit_map(&mut access);
                // serde's derive reports a repeated key after reading it:
                // place it there rather than at the mapping.
                match (r, access.last_key) {
                    (Err(e), Some(k)) if e.span.is_none() && e.message.starts_with("duplicate") => {
                        Err(e.at(&k.span))
                    }
                    (r, _) => r,
                }
            }
        };
        r.map_err(|e| e.at(&self.span))
    }

    /// Any scalar reads as text, as serde_yaml reads it: `title: 1984` is a title.
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.value {
            Value::Scalar { text, .. } => visitor
                .visit_borrowed_str(text)
                .map_err(|e: Error| e.at(&self.span)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.value {
            Value::Scalar { text, plain: true } if matches!(resolve(text), Plain::Null) => {
                visitor.visit_none()
            }
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.value {
            Value::Scalar { text, .. } => visitor
                .visit_enum(text.as_str().into_deserializer())
                .map_err(|e: Error| e.at(&self.span)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct
    }
}

struct Items<'a>(std::slice::Iter<'a, Node>);

impl<'de> de::SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        match self.0.next() {
            None => Ok(None),
            Some(n) => seed.deserialize(n).map(Some).map_err(|e| e.at(&n.span)),
        }
    }
}

struct Entries<'a> {
    entries: std::slice::Iter<'a, (Node, Node)>,
    value: Option<&'a Node>,
    last_key: Option<&'a Node>,
}

impl<'de> de::MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.entries.next() {
            None => Ok(None),
            Some((k, v)) => {
                self.value = Some(v);
                self.last_key = Some(k);
                seed.deserialize(k).map(Some).map_err(|e| e.at(&k.span))
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let v = self
            .value
            .take()
            .expect("serde asks for a value after its key");
        seed.deserialize(v).map_err(|e| e.at(&v.span))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Front {
        title: String,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        draft: bool,
        #[serde(default)]
        occurrence: Option<usize>,
    }

    fn at(text: &str, span: Option<Range<usize>>) -> &str {
        let s = span.expect("a span");
        &text[s]
    }

    #[test]
    fn values_keep_their_place_and_read_as_yaml_reads_them() {
        let text = "title: 1984\ntags: [a, \"b\"]\ndraft: true\noccurrence: 2\n";
        let node = parse(text).unwrap();
        let f = Front::deserialize(&node).unwrap();
        assert_eq!(
            (f.title.as_str(), f.draft, f.occurrence),
            ("1984", true, Some(2))
        );
        assert_eq!(f.tags, ["a", "b"]);
        let Value::Map(entries) = &node.value else {
            panic!()
        };
        assert_eq!(&text[entries[1].1.span.clone()], "[a, \"b\"]");
    }

    #[test]
    fn an_error_carries_the_place_of_its_node() {
        let text = "title: Story\ndraft: maybe\n";
        let e = Front::deserialize(&parse(text).unwrap()).unwrap_err();
        assert_eq!(at(text, e.span), "maybe");
        let text = "title: Story\ntitel: again\n";
        let e = Front::deserialize(&parse(text).unwrap()).unwrap_err();
        assert_eq!(at(text, e.span), "titel");
        let text = "title: a\ntitle: b\n";
        let e = Front::deserialize(&parse(text).unwrap()).unwrap_err();
        assert!(e.message.contains("duplicate"), "{}", e.message);
        assert_eq!(e.span.map(|s| s.start), Some(9));
    }

    #[test]
    fn places_are_bytes_after_non_ascii_text() {
        let text = "title: Café résumé\ndraft: nope\n";
        let e = Front::deserialize(&parse(text).unwrap()).unwrap_err();
        assert_eq!(at(text, e.span), "nope");
    }

    #[test]
    fn aliases_cannot_expand_without_bound() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let (msg, _) = parse(&text).unwrap_err();
        assert!(msg.contains("aliases expand"), "{msg}");
    }
}
