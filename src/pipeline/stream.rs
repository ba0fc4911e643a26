//! Encryption and decryption in one pass, for stores that can hand a file over in parts
//! ([`Store::parse_parts`]): each part is walked (encrypted or decrypted), its changed spans are
//! written, and it is dropped, so the whole tree is never in memory. The walk continues from part
//! to part, so the MAC and every additional-data path are those of the whole-tree walk of
//! [`sopsfile`](crate::pipeline::whole). Inputs that need the whole tree are reported as unsupported,
//! and the caller goes the whole-tree way.

use crate::crypto::auth::AuthWriter;
use crate::crypto::datakey::DataKey;
use crate::error::{Code, Failure, Result};
use crate::format::{Document, Edit, Kind, PartWriter, PartsEnd, PartsError, Store};
use crate::keys::groups::KeySource;
use crate::pipeline::metadata::Metadata;
use crate::pipeline::record::LosslessRecord;
use crate::pipeline::tree::Node;
use crate::pipeline::walk;
use crate::pipeline::whole::{
    AuthStatus, EncryptOptions, auth_placeholder, check_authenticator, data_key, new_file,
    open_layout, seal_mac, verify_mac, walk_failure, yaml_flow_closer_line,
};

/// How [`encrypt_stream`] ended.
#[derive(Debug)]
pub enum Streamed {
    /// The encrypted file was written.
    Written,
    /// Nothing usable was written: this input needs the whole tree (the reason says why), so
    /// it goes through [`encrypt_new`](crate::pipeline::whole::encrypt_new).
    Unsupported(String),
}

/// Encrypts a plaintext file in its own format in one pass, writing the encrypted file to `out`
/// as the input is read: the store hands the tree over in parts ([`Store::parse_parts`]), each
/// part is encrypted and written and then dropped, so memory stays near the input's size.
/// `doc` holds the input (and no tree). The output equals what [`encrypt_new`](crate::pipeline::whole::encrypt_new) writes (up to
/// the random IVs). On [`Streamed::Unsupported`], or an error, `out` holds a partial file that
/// the caller discards.
pub fn encrypt_stream(
    store: &'static dyn Store,
    doc: &mut Document,
    opts: &EncryptOptions,
    out: &mut dyn std::io::Write,
) -> Result<Streamed> {
    encrypt_in_parts(store, doc, opts, out, PART_VALUES)
}

/// Values per part in [`encrypt_stream`]: enough to make the per-part work negligible, few
/// enough that a part is a few hundred KB.
pub const PART_VALUES: usize = 2048;

/// [`encrypt_stream`] with parts of about `every` values.
pub fn encrypt_in_parts(
    store: &'static dyn Store,
    doc: &mut Document,
    opts: &EncryptOptions,
    out: &mut dyn std::io::Write,
    every: usize,
) -> Result<Streamed> {
    let unsupported = |why: &str| {
        tracing::debug!(reason = why, "encrypting the whole tree, not in one pass");
        Ok(Streamed::Unsupported(why.to_string()))
    };
    if store.kind() == Kind::Binary {
        return unsupported("binary files are one value");
    }
    if store.kind() == Kind::Yaml && yaml_flow_closer_line(&doc.src).is_some() {
        return unsupported("a line starts with a flow bracket");
    }
    let (key, mut meta, rule) = new_file(opts)?;
    let mut layout = LosslessRecord::default();
    // Everything written goes through the authenticator (format §9.6).
    let mut authed = AuthWriter::new(out, key.as_bytes());
    let mut writer = PartWriter::new(&mut authed);
    let doc_ref: &Document = doc;
    let Some(mut walker) = walk::PartWalker::encrypting(
        store,
        doc_ref,
        key.as_bytes(),
        &rule,
        meta.mac_only_encrypted,
        &mut layout,
    ) else {
        return unsupported("the selection rule looks at comments");
    };
    let end = match walk_parts(store, doc_ref, every, false, &mut walker, &mut writer)? {
        Ok(end) => end,
        Err(why) => return unsupported(&why),
    };
    let mac = walker.finish();
    seal_mac(&mut meta, &key, mac, None);
    meta.layout = layout.seal(key.as_bytes(), None);
    let placeholder = auth_placeholder(&mut meta);
    doc.metadata_at = end.metadata_at;
    let text = store.render_metadata(doc, &meta.to_value());
    let at = end.metadata_at;
    let last = vec![Edit {
        range: at..at,
        text,
    }];
    let Some(tail) = writer.finish_tail(doc, last) else {
        return unsupported("metadata position already written");
    };
    match authed.finish(tail, &placeholder).map_err(write_failure)? {
        true => Ok(Streamed::Written),
        false => unsupported("the authenticator's place is not in the metadata"),
    }
}

fn write_failure(e: std::io::Error) -> Failure {
    Failure::new(Code::CouldNotWriteOutput, format!("cannot write: {e}"))
}

/// Inputs from this size on are parsed on a thread of their own (below it, a second thread and
/// its allocator heap cost more than they save).
const PIPELINE_MIN_BYTES: usize = 4 << 20;

/// Runs a streaming parse of `doc`: each part is walked, then written. A large input is parsed
/// on its own thread, a few parts ahead of the walk and the writes, so both cores work; parts
/// still come in document order. The answer is Err(why) (inside Ok) when the input needs the
/// whole tree or its parts do not come in source order; what was written is then to be
/// discarded.
fn walk_parts(
    store: &'static dyn Store,
    doc: &Document,
    every: usize,
    encrypted: bool,
    walker: &mut walk::PartWalker<'_>,
    writer: &mut PartWriter<'_>,
) -> Result<std::result::Result<PartsEnd, String>> {
    // Walks and writes a part; false (with the reason in `stopped`) ends the walk.
    let mut stopped: Option<Result<String>> = None;
    let mut step = |mut node: Node, stopped: &mut Option<Result<String>>| -> bool {
        let done = walker
            .part(&mut node)
            .map_err(|e| walk_failure(e, !encrypted))
            .and_then(|_| writer.part(store, doc, &mut node).map_err(write_failure));
        match done {
            Ok(true) => true,
            Ok(false) => {
                *stopped = Some(Ok("values out of source order".to_string()));
                false
            }
            Err(f) => {
                *stopped = Some(Err(f));
                false
            }
        }
    };
    let src: &[u8] = &doc.src;
    let parsed = if src.len() < PIPELINE_MIN_BYTES {
        store.parse_parts(src, every, encrypted, &mut |node| {
            if step(node, &mut stopped) {
                Ok(())
            } else {
                Err("stopped".into())
            }
        })
    } else {
        std::thread::scope(|scope| {
            let (parts, received) = crossbeam_channel::bounded::<Node>(4);
            let parser = scope.spawn(move || {
                // A closed channel means the walk stopped: so does the parse.
                let mut send = |node| parts.send(node).map_err(|_| "stopped".to_string());
                store.parse_parts(src, every, encrypted, &mut send)
            });
            for node in received.iter() {
                if !step(node, &mut stopped) {
                    break;
                }
            }
            drop(received);
            parser
                .join()
                .unwrap_or_else(|_| Err(PartsError::Sink("the parser stopped unexpectedly".into())))
        })
    };
    let mut end = match (stopped.take(), parsed) {
        (Some(Err(f)), _) => return Err(f),
        (Some(Ok(why)), _) => return Ok(Err(why)),
        (None, Err(PartsError::Unsupported(why) | PartsError::Sink(why))) => {
            return Ok(Err(why));
        }
        (None, Ok(end)) => end,
    };
    let last = std::mem::replace(&mut end.last, Node::Null);
    if step(last, &mut stopped) {
        return Ok(Ok(end));
    }
    match stopped {
        Some(Err(f)) => Err(f),
        Some(Ok(why)) => Ok(Err(why)),
        None => Ok(Err("stopped".into())),
    }
}

/// How [`decrypt_stream`] ended.
pub enum StreamedOpen {
    /// The plaintext file, its MAC verified (unless asked not to), and what became of its
    /// authenticator.
    Plaintext(Vec<u8>, AuthStatus),
    /// This input needs the whole tree; the data key, when it was already recovered, so that
    /// [`open_known`](crate::pipeline::whole::open_known) does not ask for it again (passphrases).
    Unsupported(Option<(serde_json::Value, DataKey)>),
}

/// Decrypts an encrypted file in its own format in one pass: the metadata is read first
/// ([`Store::peek_metadata`]), then the store hands the tree over in parts, each decrypted and
/// written to memory, and the MAC is verified before anything is returned. `doc` holds the
/// input (and no tree).
pub fn decrypt_stream(
    store: &'static dyn Store,
    doc: &Document,
    keys: &dyn KeySource,
    ignore_mac: bool,
) -> Result<StreamedOpen> {
    decrypt_in_parts(store, doc, keys, ignore_mac, PART_VALUES)
}

/// [`decrypt_stream`] with parts of about `every` values.
pub fn decrypt_in_parts(
    store: &'static dyn Store,
    doc: &Document,
    keys: &dyn KeySource,
    ignore_mac: bool,
    every: usize,
) -> Result<StreamedOpen> {
    // Anything unusual in the metadata is left to the whole-file path, which reports it.
    let whole =
        |why: &str| tracing::debug!(reason = why, "decrypting the whole tree, not in one pass");
    let Some(value) = store.peek_metadata(&doc.src) else {
        whole("the metadata cannot be read ahead of the values");
        return Ok(StreamedOpen::Unsupported(None));
    };
    let Ok(meta) = Metadata::from_value(&value) else {
        whole("the metadata is unusual");
        return Ok(StreamedOpen::Unsupported(None));
    };
    if meta.validate_for_decryption().is_err() {
        whole("the metadata is unusual");
        return Ok(StreamedOpen::Unsupported(None));
    }
    let key = data_key(&meta, keys)?;
    let unsupported = |why: &str, value, key| {
        whole(why);
        Ok(StreamedOpen::Unsupported(Some((value, key))))
    };
    let Ok(rule) = meta.selection_rule() else {
        return unsupported("the selection rule is unusual", value, key);
    };
    let layout = open_layout(&meta, &key)?;
    if layout.has_aliases() {
        return unsupported("the file has YAML aliases", value, key);
    }
    let mut out = Vec::with_capacity(doc.src.len() / 4);
    let mut writer = PartWriter::new(&mut out);
    let Some(mut walker) =
        walk::PartWalker::decrypting(doc, key.as_bytes(), &rule, meta.mac_only_encrypted, &layout)
    else {
        return unsupported("the selection rule looks at comments", value, key);
    };
    let end = match walk_parts(store, doc, every, true, &mut walker, &mut writer)? {
        Ok(end) if end.metadata.as_ref() == Some(&value) => end,
        Ok(_) => return unsupported("the metadata read ahead is not the file's", value, key),
        Err(why) => return unsupported(&why, value, key),
    };
    let mac = walker.finish();
    let auth = if ignore_mac {
        AuthStatus::Skipped
    } else {
        verify_mac(&meta, &key, &mac)?;
        check_authenticator(&meta, &key, &doc.src, &mac)?
    };
    let removals = end
        .metadata_spans
        .iter()
        .map(|r| Edit {
            range: r.clone(),
            text: String::new(),
        })
        .collect();
    match writer.finish(doc, removals).map_err(write_failure)? {
        true => Ok(StreamedOpen::Plaintext(out, auth)),
        false => unsupported("metadata position already written", value, key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::testkit::{DemoKeys as Keys, demo};
    use crate::format::{Kind, write_lossless};
    use crate::pipeline::whole;

    /// Encrypts in parts of `every` values, then checks that the whole-tree path opens the
    /// result (same MAC, same additional data) and gives back `src`, and that the one-pass
    /// decryption does too.
    fn round_trip(
        store: &'static dyn Store,
        src: &[u8],
        every: usize,
        keys: &Keys,
        opts: &EncryptOptions,
        name: &str,
    ) -> bool {
        let mut doc = Document::new(src.to_vec(), Vec::new());
        let mut out = Vec::new();
        match encrypt_in_parts(store, &mut doc, opts, &mut out, every).unwrap() {
            Streamed::Written => {}
            Streamed::Unsupported(_) => return false,
        }
        let mut opened = whole::open(store, out.clone(), keys, false)
            .unwrap_or_else(|e| panic!("{name}, parts of {every}: {}", e.message));
        let back = write_lossless(store, &opened.doc, None, &mut opened.layout);
        assert!(
            back == src,
            "{name}, parts of {every}: whole-tree decryption differs"
        );
        let enc = Document::new(out, Vec::new());
        match decrypt_in_parts(store, &enc, keys, false, every).unwrap() {
            StreamedOpen::Plaintext(p, _) => assert!(p == src, "{name}, parts of {every}: differs"),
            StreamedOpen::Unsupported(_) => panic!("{name}: written in parts, not read in parts"),
        }
        true
    }

    /// Every YAML, JSON and TOML testdata file, in parts of 1, 3 and 2048 values: what one pass writes,
    /// the whole-tree path reads, and the other way round.
    #[test]
    fn parts_and_whole_tree_agree_on_testdata() {
        let (keys, opts) = demo();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/lossless");
        let mut streamed = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let kind = Kind::from_path(&path);
            if !matches!(kind, Kind::Yaml | Kind::Json | Kind::Toml) {
                continue;
            }
            let src = std::fs::read(&path).unwrap();
            let name = path.display().to_string();
            for every in [1, 3, PART_VALUES] {
                if round_trip(kind.store(), &src, every, &keys, &opts, &name) {
                    streamed += 1;
                }
            }
        }
        assert!(streamed >= 3 * 30, "only {streamed} one-pass encryptions");
    }

    /// A file large enough to be parsed on a thread of its own, encrypting and decrypting.
    #[test]
    fn large_files_use_the_parser_thread() {
        let (keys, opts) = demo();
        let mut yaml = String::from("# large\nitems:\n");
        let mut i = 0;
        while yaml.len() < PIPELINE_MIN_BYTES + 1000 {
            yaml.push_str(&format!(
                "  item-{i}:\n    # note {i}\n    name: \"value {i}\"\n    list: [a, {i}]\n    on: {}\n",
                i % 2 == 0
            ));
            i += 1;
        }
        assert!(round_trip(
            Kind::Yaml.store(),
            yaml.as_bytes(),
            PART_VALUES,
            &keys,
            &opts,
            "large YAML"
        ));
    }
}
