//! The binary store (docs/format.md §10.5): the whole file is one string value under the key `data`.
//! Encrypted binary files are written and read with the JSON store.

use serde_json::Value;

use super::{Document, Kind, ParseError, Store};
use crate::pipeline::tree::{Entry, Leaf, Node, Scalar};

pub struct BinaryStore;

impl Store for BinaryStore {
    fn kind(&self) -> Kind {
        Kind::Binary
    }

    fn parse(&self, src: Vec<u8>) -> Result<Document, ParseError> {
        let value = match String::from_utf8(src.clone()) {
            Ok(s) => Scalar::Str(s),
            Err(_) => Scalar::Bytes(src.clone()),
        };
        let root = Node::Map(vec![Entry::Pair(
            "data".into(),
            Node::Scalar(Leaf::new(value, None, 0)),
        )]);
        Ok(Document::new(src, vec![root]))
    }

    fn render_value(&self, _doc: &Document, _leaf: &Leaf, value: &Scalar) -> String {
        String::from_utf8_lossy(&value.canonical_bytes()).into_owned()
    }

    fn render_comment(&self, _doc: &Document, _leaf: &Leaf, text: &str) -> String {
        text.to_string()
    }

    fn render_metadata(&self, _doc: &Document, _meta: &Value) -> String {
        String::new()
    }

    /// Writes the raw bytes of `data`; with metadata (an encrypted file) it is the JSON store's job.
    fn emit(&self, docs: &[Node], meta: Option<&Value>) -> Result<Vec<u8>, ParseError> {
        if meta.is_some() {
            return Kind::Json.store().emit(docs, meta);
        }
        match docs.first().and_then(|d| d.map_get("data")) {
            Some(Node::Scalar(l)) => Ok(l.value.canonical_bytes().into_owned()),
            _ => Err(ParseError::new(None, "no binary data found in tree")),
        }
    }
}
