//! The json store (work in progress).

use serde_json::Value;

use super::{Document, Kind, ParseError, Store};
use crate::tree::{Leaf, Node, Scalar};

pub struct JsonStore;

impl Store for JsonStore {
    fn kind(&self) -> Kind {
        Kind::Json
    }

    fn parse(&self, _src: Vec<u8>) -> Result<Document, ParseError> {
        Err(ParseError::new(
            None,
            "the json store is not implemented yet",
        ))
    }

    fn render_value(&self, _doc: &Document, _leaf: &Leaf, _value: &Scalar) -> String {
        unimplemented!()
    }

    fn render_comment(&self, _doc: &Document, _leaf: &Leaf, _text: &str) -> String {
        unimplemented!()
    }

    fn render_metadata(&self, _doc: &Document, _meta: &Value) -> String {
        unimplemented!()
    }

    fn emit(&self, _docs: &[Node], _meta: Option<&Value>) -> Result<Vec<u8>, ParseError> {
        Err(ParseError::new(
            None,
            "the json store is not implemented yet",
        ))
    }
}
