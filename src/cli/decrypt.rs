//! `veil decrypt`.

use clap::Args;

use super::FileIo;
use crate::error::{Code, Failure, Result};
use crate::format::{Document, Kind, write_lossless};
use crate::fsio::{Input, kind_for, open_io};
use crate::pipeline::stream::{self, StreamedOpen};
use crate::pipeline::tree::Node;
use crate::pipeline::treepath;
use crate::pipeline::whole;

#[derive(Debug, Args)]
pub struct DecryptArgs {
    #[command(flatten)]
    pub io: FileIo,

    /// Print only the value at this tree path, e.g. '["database"]["password"]'
    #[arg(long, value_name = "PATH")]
    pub extract: Option<String>,

    /// Do not verify the MAC (values are still authenticated one by one)
    #[arg(long)]
    pub ignore_mac: bool,
}

pub fn run(args: DecryptArgs) -> Result<()> {
    let io = &args.io;
    let input = Input::from_arg(io.file.as_deref());
    let name = io.filename_override.as_deref().or(input.path());
    let in_kind = kind_for(io.input_type, name);
    // Like sops, the output format follows the file name unless given.
    let out_kind = io
        .output_type
        .unwrap_or_else(|| name.map(Kind::from_path).unwrap_or(in_kind));
    let what = input.display();
    // In place, the file is read under the lock its write is made under.
    let (mut src, mut out) = open_io(&input, io.in_place, io.output.as_deref())?;
    let keys = crate::keys::from_process();
    let store = in_kind.reading_store();
    let with_name = |f: Failure| Failure::new(f.code, format!("{what}: {}", f.message));
    // In one pass when the store can and the whole file is written; else parsed whole.
    let mut known = None;
    if args.extract.is_none() && out_kind == store.kind() {
        let doc = Document::new(src, Vec::new());
        match stream::decrypt_stream(store, &doc, &keys, args.ignore_mac).map_err(with_name)? {
            StreamedOpen::Plaintext(bytes, auth) => {
                whole::auth_notice(&what, auth);
                return out.write(&bytes);
            }
            StreamedOpen::Unsupported(key) => known = key,
        }
        src = doc.src;
    }
    let mut opened =
        whole::open_known(store, src, &keys, args.ignore_mac, false, known).map_err(with_name)?;
    whole::auth_notice(&what, opened.auth);
    let bytes = if let Some(path) = &args.extract {
        extract(&opened.doc.docs, path, out_kind)
            .map_err(|f| Failure::new(f.code, format!("{what}: {}", f.message)))?
    } else if out_kind == store.kind() {
        write_lossless(store, &opened.doc, None, &mut opened.layout)
    } else {
        out_kind
            .store()
            .emit(&opened.doc.docs, None)
            .map_err(|e| Failure::new(Code::Generic, format!("{what}: {e}")))?
    };
    out.write(&bytes)
}

/// `--extract`: a mapping is printed as a document of the output format, a string raw, other
/// values as the output format renders them.
fn extract(docs: &[Node], path: &str, out_kind: Kind) -> Result<Vec<u8>> {
    let steps =
        treepath::parse(path).map_err(|e| Failure::new(Code::InvalidTreePath, e.to_string()))?;
    let root = docs
        .first()
        .ok_or_else(|| Failure::new(Code::InvalidTreePath, "the file has no document"))?;
    let node = treepath::get(root, &steps)
        .map_err(|e| Failure::new(Code::InvalidTreePath, e.to_string()))?;
    let emit = |n: &Node| {
        out_kind
            .store()
            .emit(std::slice::from_ref(n), None)
            .map_err(|e| Failure::new(Code::Generic, e.to_string()))
    };
    match node {
        Node::Scalar(l) => match &l.value {
            crate::pipeline::tree::Scalar::Str(s) => Ok(s.clone().into_bytes()),
            crate::pipeline::tree::Scalar::Bytes(b) => Ok(b.clone()),
            // As sops writes a value: YAML's rendering with a line break.
            _ if out_kind == Kind::Yaml => Ok(crate::format::yaml::emit_value(node).into_bytes()),
            other => Ok(
                serde_json::to_string(&crate::format::scalar_to_value(other))
                    .unwrap_or_default()
                    .into_bytes(),
            ),
        },
        Node::Map(_) => emit(node),
        Node::Null if out_kind == Kind::Yaml => Ok(b"null\n".to_vec()),
        Node::Null => Ok(b"null".to_vec()),
        Node::Seq(_) if out_kind == Kind::Yaml => {
            Ok(crate::format::yaml::emit_value(node).into_bytes())
        }
        other => {
            // Sequences: wrapped in a one-key document would change them; printed as JSON, with
            // the indentation of re-rendered JSON (a tab, as sops).
            let v = crate::format::node_to_value(other);
            let unit = crate::format::emit_json_unit();
            let mut out = Vec::new();
            let fmt = serde_json::ser::PrettyFormatter::with_indent(unit.as_bytes());
            let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
            serde::Serialize::serialize(&v, &mut ser)
                .map_err(|e| Failure::new(Code::Generic, e.to_string()))?;
            Ok(out)
        }
    }
}
