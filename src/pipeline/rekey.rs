//! Changing the master keys of encrypted files: `rotate` (a new data key, every value
//! re-encrypted, keys added or removed) and `updatekeys` (the keys a `.sops.yaml` rule wants).
//! The command line only parses and prints; what changes, and whether a file changed, is
//! decided here. Every write is atomic, per file.

use std::path::Path;

use crate::config::Config;
use crate::crypto::datakey::DataKey;
use crate::error::{Code, Failure, Result};
use crate::format::{Kind, write_lossless};
use crate::fsio::Update;
use crate::keys::groups::{self, KeySource, Recipients, open_group, unusable_failure};
use crate::keys::keyring::Wrapper;
use crate::keys::master::Recipient;
use crate::keys::recipients::desired_recipients;
use crate::pipeline::metadata::{KeyGroup, Metadata};
use crate::pipeline::rewrite::{OpenFile, open_update, write_back};
use crate::pipeline::tree::{Entry, Node};
use crate::pipeline::whole::{self, DATA_KEY_CREATED_FIELD};

/// The keys `rotate` adds (to the first key group) and removes (from every group).
#[derive(Clone, Debug, Default)]
pub struct KeyChange {
    pub add: Vec<Recipient>,
    pub remove: Vec<Recipient>,
}

impl KeyChange {
    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.remove.is_empty()
    }
}

/// What a key change does to one file's recipients.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Keys added, with their group (0-based).
    pub added: Vec<(usize, Recipient)>,
    /// Keys removed, with their group.
    pub removed: Vec<(usize, Recipient)>,
    /// Keys asked to be removed that the file does not have.
    pub not_held: Vec<Recipient>,
    /// The Shamir threshold before and after, when it changes.
    pub threshold_change: Option<(Option<u32>, Option<u32>)>,
    /// The number of key groups changes.
    pub regrouped: bool,
    /// The recipients after the change.
    pub after: Recipients,
}

impl Plan {
    /// Nothing changes.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.threshold_change.is_none()
            && !self.regrouped
    }

    /// Removing a key, or changing the groups, needs a new data key (whoever held the old one
    /// could otherwise keep reading); only additions keep the data key.
    pub fn needs_new_data_key(&self) -> bool {
        !self.removed.is_empty() || self.threshold_change.is_some() || self.regrouped
    }
}

fn normalized_threshold(r: &Recipients) -> Option<u32> {
    let groups = r.groups.iter().filter(|g| !g.is_empty()).count();
    (groups > 1).then(|| r.threshold.unwrap_or(groups as u32))
}

/// The change from `current` to `desired`, group by group.
pub fn plan(current: &Recipients, desired: &Recipients) -> Plan {
    let mut p = Plan {
        after: desired.clone(),
        ..Plan::default()
    };
    let n = current.groups.len().max(desired.groups.len());
    let empty = Vec::new();
    for i in 0..n {
        let cur = current.groups.get(i).unwrap_or(&empty);
        let want = desired.groups.get(i).unwrap_or(&empty);
        p.added.extend(
            want.iter()
                .filter(|r| !cur.iter().any(|c| c.same(r)))
                .map(|r| (i, r.clone())),
        );
        p.removed.extend(
            cur.iter()
                .filter(|r| !want.iter().any(|w| w.same(r)))
                .map(|r| (i, r.clone())),
        );
    }
    let (a, b) = (normalized_threshold(current), normalized_threshold(desired));
    p.threshold_change = (a != b).then_some((a, b));
    let groups = |r: &Recipients| r.groups.iter().filter(|g| !g.is_empty()).count();
    p.regrouped = groups(current) != groups(desired);
    p
}

/// Whether removing `r` removes the file's key `x`: the same key, or for KMS the same ARN
/// (and role, when one is given) whatever its context and profile.
fn removes(r: &Recipient, x: &Recipient) -> bool {
    match (r, x) {
        (Recipient::Kms(a), Recipient::Kms(b)) => {
            a.arn == b.arn && (a.role.is_none() || a.role == b.role)
        }
        _ => r.same(x),
    }
}

/// The recipients after `change`: additions go to the first group, removals leave every group.
pub fn plan_change(current: &Recipients, change: &KeyChange) -> Plan {
    let mut after = current.clone();
    if after.groups.is_empty() {
        after.groups.push(Vec::new());
    }
    for r in &change.add {
        if !after.all().any(|(_, x)| x.same(r)) {
            after.groups[0].push(r.clone());
        }
    }
    for g in &mut after.groups {
        g.retain(|x| !change.remove.iter().any(|r| removes(r, x)));
    }
    let mut p = plan(current, &after);
    // Removing a key does not regroup the others: an emptied group is an error below.
    p.regrouped = false;
    p.not_held = change
        .remove
        .iter()
        .filter(|r| !current.all().any(|(_, x)| removes(r, x)))
        .cloned()
        .collect();
    p.after = after;
    p
}

/// Refuses plans veil cannot carry out: keys of kinds it cannot wrap for, and groups left
/// without a key.
fn check_plan(name: &str, p: &Plan, rotating: bool) -> Result<()> {
    // Keys that are wrapped anew: every key when the data key changes, else only the added ones.
    let wrapped: Vec<&Recipient> = if rotating {
        p.after.all().map(|(_, r)| r).collect()
    } else {
        p.added.iter().map(|(_, r)| r).collect()
    };
    let unusable: Vec<&Recipient> = wrapped.into_iter().filter(|r| !r.kind().usable()).collect();
    if !unusable.is_empty() {
        let mut f = unusable_failure(&format!("{name}:"), &unusable);
        if rotating {
            f.message.push_str(
                " (a new data key would have to be wrapped for them: remove them with rotate --rm-… to migrate away)",
            );
        }
        return Err(f);
    }
    if p.after.groups.is_empty() || p.after.groups.iter().any(Vec::is_empty) {
        return Err(Failure::new(
            Code::NoEncryptionKey,
            format!("{name}: the change would leave a key group without any key"),
        ));
    }
    Ok(())
}

/// The paths of the encrypted values of a document (what a removed key could read).
pub fn encrypted_paths(file: &OpenFile) -> Vec<String> {
    let rule = file.opened.meta.selection_rule().unwrap_or_default();
    let mut out = Vec::new();
    fn walk(
        n: &Node,
        path: &mut Vec<String>,
        rule: &crate::pipeline::selector::Rule,
        out: &mut Vec<String>,
    ) {
        match n {
            Node::Map(entries) => {
                for e in entries {
                    if let Entry::Pair(k, v) = e {
                        path.push(k.clone());
                        walk(v, path, rule, out);
                        path.pop();
                    }
                }
            }
            Node::Seq(items) => items.iter().for_each(|i| walk(i, path, rule, out)),
            Node::Scalar(_) => {
                if rule.encrypts(path, Vec::new) {
                    let p = path.iter().map(|k| format!("[{k:?}]")).collect::<String>();
                    if !out.contains(&p) {
                        out.push(p);
                    }
                }
            }
            Node::Alias(a) => walk(&a.target, path, rule, out),
            Node::Null | Node::Comment(_) => {}
        }
    }
    for d in &file.opened.doc.docs {
        walk(d, &mut Vec::new(), &rule, &mut out);
    }
    out
}

/// Re-encrypts an opened file under a brand-new data key wrapped for `recipients`.
fn reseal_with_new_key(
    file: &mut OpenFile,
    recipients: &Recipients,
    wrapper: &Wrapper,
    out_kind: Option<Kind>,
) -> Result<Vec<u8>> {
    let key = DataKey::generate();
    let (key_groups, threshold) =
        groups::wrap_with(wrapper, recipients, key.as_bytes()).map_err(|f| file.fail(f.into()))?;
    let o = &mut file.opened;
    let mut meta = o.meta.clone();
    meta.key_groups = key_groups;
    meta.shamir_threshold = threshold;
    meta.extra.retain(|(k, _)| k != DATA_KEY_CREATED_FIELD);
    meta.extra.push((
        DATA_KEY_CREATED_FIELD.to_string(),
        serde_json::Value::String(whole::now_rfc3339()),
    ));
    meta.mac.clear();
    let rule = meta
        .selection_rule()
        .map_err(|e| Failure::new(Code::Generic, e.to_string()))?;
    let store = o.store;
    whole::seal(
        store,
        &mut o.doc,
        &key,
        meta,
        &rule,
        whole::SealOptions::fresh(out_kind.unwrap_or(store.kind())),
    )
    .map_err(|f| file.fail(f))
}

/// A file's metadata, read without decrypting anything.
fn read_metadata(
    path: &Path,
    input_type: Option<Kind>,
) -> Result<(Metadata, Vec<u8>, crate::format::Document)> {
    let name = crate::fsio::sanitize(&path.display().to_string());
    let original = std::fs::read(path)
        .map_err(|e| Failure::new(Code::CouldNotReadInput, format!("{name}: {e}")))?;
    parse_metadata(path, input_type, original)
}

/// The metadata of a file's bytes.
fn parse_metadata(
    path: &Path,
    input_type: Option<Kind>,
    original: Vec<u8>,
) -> Result<(Metadata, Vec<u8>, crate::format::Document)> {
    let name = crate::fsio::sanitize(&path.display().to_string());
    let kind = crate::fsio::kind_for(input_type, Some(path));
    let store = kind.reading_store();
    let doc = store
        .parse(original.clone())
        .map_err(|e| Failure::new(Code::CouldNotReadInput, format!("{name}: {e}")))?;
    let meta = whole::metadata_of(&doc)
        .map_err(|f| Failure::new(f.code, format!("{name}: {}", f.message)))?;
    Ok((meta, original, doc))
}

fn name_of(path: &Path) -> String {
    crate::fsio::sanitize(&path.display().to_string())
}

/// The result of rotating one file.
#[derive(Debug)]
pub struct Rotated {
    /// What changed in the recipients.
    pub plan: Plan,
    /// Whether the file was written (false on a dry run).
    pub written: bool,
    /// The paths of the values the removed keys could read (to rotate at their source).
    pub exposed: Vec<String>,
}

/// What rotating `path` with `change` would do (nothing is decrypted or written).
/// `input_type`: the file's format (default: from its name).
pub fn plan_rotation_as(path: &Path, input_type: Option<Kind>, change: &KeyChange) -> Result<Plan> {
    let (meta, _, _) = read_metadata(path, input_type)?;
    rotation_plan(path, &meta, change)
}

fn rotation_plan(path: &Path, meta: &Metadata, change: &KeyChange) -> Result<Plan> {
    let current = Recipients::from_metadata(meta).map_err(|f| name_failure(path, f.into()))?;
    let p = plan_change(&current, change);
    check_plan(&name_of(path), &p, true)?;
    Ok(p)
}

fn name_failure(path: &Path, f: Failure) -> Failure {
    Failure::new(f.code, format!("{}: {}", name_of(path), f.message))
}

/// Rotates one file: a new data key, wrapped for its keys after `change`, every value
/// re-encrypted; the file is locked from the read to the atomic write. A change veil cannot
/// carry out is refused before anything is decrypted.
pub fn rotate(
    path: &Path,
    input_type: Option<Kind>,
    change: &KeyChange,
    keys: &dyn KeySource,
    wrapper: &Wrapper,
) -> Result<Rotated> {
    let (r, mut file, bytes) = rotate_to_bytes(path, change, keys, wrapper, (input_type, None))?;
    let written = write_back(&mut file, &bytes)?;
    Ok(Rotated { written, ..r })
}

/// Rotates one file without writing it: the rotation, the file as opened (still locked) and the
/// bytes of the rotated file. `types` are the input and output formats (default: from the name;
/// the output is lossless when it is the input's format).
pub fn rotate_to_bytes(
    path: &Path,
    change: &KeyChange,
    keys: &dyn KeySource,
    wrapper: &Wrapper,
    types: (Option<Kind>, Option<Kind>),
) -> Result<(Rotated, OpenFile, Vec<u8>)> {
    let update = Update::open(path)?;
    let (meta, _, _) = parse_metadata(path, types.0, update.bytes().to_vec())?;
    let p = rotation_plan(path, &meta, change)?;
    let mut file = open_update(update, path, types.0, keys)?;
    let exposed = if p.removed.is_empty() {
        Vec::new()
    } else {
        encrypted_paths(&file)
    };
    let bytes = reseal_with_new_key(&mut file, &p.after, wrapper, types.1)?;
    let r = Rotated {
        plan: p,
        written: false,
        exposed,
    };
    Ok((r, file, bytes))
}

/// A file's planned update to the keys its creation rule wants. The file stays locked until
/// the update is applied or dropped.
pub struct PendingUpdate {
    pub plan: Plan,
    desired: Recipients,
    meta: Metadata,
    original: Vec<u8>,
    doc: crate::format::Document,
    input_type: Option<Kind>,
    update: Update,
}

/// Compares a file's keys with the keys its creation rule wants (nothing is decrypted).
/// Fails when the rule names a key veil cannot wrap for and the change would need it.
pub fn plan_update(cfg: &Config, path: &Path, input_type: Option<Kind>) -> Result<PendingUpdate> {
    let name = name_of(path);
    let desired = desired_recipients(cfg, path)?.ok_or_else(|| {
        Failure::new(
            Code::ConfigError,
            format!("{name}: the matching creation rule names no key"),
        )
    })?;
    // Locked from this read to the write.
    let update = Update::open(path)?;
    let (meta, original, doc) = parse_metadata(path, input_type, update.bytes().to_vec())?;
    let current = Recipients::from_metadata(&meta).map_err(|f| name_failure(path, f.into()))?;
    let p = plan(&current, &desired);
    if !p.is_empty() {
        check_plan(&name, &p, p.needs_new_data_key())?;
        // A kind veil cannot use, asked for by the rule, is refused even if the file has it.
        desired.require_usable(&format!("{name}: the creation rule"))?;
    }
    Ok(PendingUpdate {
        plan: p,
        desired,
        meta,
        original,
        doc,
        input_type,
        update,
    })
}

/// How an update ended.
#[derive(Debug)]
pub struct Updated {
    pub written: bool,
    /// The data key was replaced (a key was removed or the groups changed).
    pub new_data_key: bool,
    /// The paths of the values the removed keys could read.
    pub exposed: Vec<String>,
}

/// Carries out a planned update: a new data key when keys are removed or the groups change,
/// else the existing data key (or each group's share) wrapped for the added keys.
pub fn apply_update(
    path: &Path,
    mut u: PendingUpdate,
    keys: &dyn KeySource,
    wrapper: &Wrapper,
) -> Result<Updated> {
    if u.plan.is_empty() {
        return Ok(Updated {
            written: false,
            new_data_key: false,
            exposed: Vec::new(),
        });
    }
    if u.plan.needs_new_data_key() {
        let mut file = open_update(u.update, path, u.input_type, keys)?;
        let exposed = encrypted_paths(&file);
        let bytes = reseal_with_new_key(&mut file, &u.desired, wrapper, None)?;
        let written = write_back(&mut file, &bytes)?;
        return Ok(Updated {
            written,
            new_data_key: true,
            exposed,
        });
    }
    let mut new_meta =
        add_keys(&u.meta, &u.plan, keys, wrapper).map_err(|f| name_failure(path, f))?;
    let kind = crate::fsio::kind_for(u.input_type, Some(path));
    let store = kind.reading_store();
    // The authenticator covers the metadata (format §9.6): the file is opened and verified with
    // its data key, and the new metadata authenticated.
    let opened = whole::open_file_bytes(store, u.original.clone(), keys, false, false)
        .map_err(|f| name_failure(path, f))?;
    whole::auth_notice(&path.display().to_string(), opened.auth);
    whole::seal_mac(
        &mut new_meta,
        &opened.key,
        opened.mac.clone(),
        Some(&opened.mac),
    );
    let placeholder = whole::auth_placeholder(&mut new_meta);
    let mut layout = crate::pipeline::record::LosslessRecord::default();
    let mut bytes = write_lossless(store, &u.doc, Some(&new_meta.to_value()), &mut layout);
    whole::stamp(&opened.key, &mut bytes, &placeholder).map_err(|f| name_failure(path, f))?;
    if bytes == u.original {
        return Ok(Updated {
            written: false,
            new_data_key: false,
            exposed: Vec::new(),
        });
    }
    u.update.commit(&bytes)?;
    Ok(Updated {
        written: true,
        new_data_key: false,
        exposed: Vec::new(),
    })
}

/// A change of a file's key groups (sops's `groups add` and `groups delete`).
#[derive(Clone, Debug)]
pub enum GroupEdit {
    /// A new key group with these master keys.
    Add(Vec<Recipient>),
    /// Remove the key group at this index (0-based).
    Remove(usize),
}

/// Adds or removes a key group. The data key, the values and the MAC stay as they are; the data
/// key is wrapped anew for every group (split again into Shamir shares when there are several).
/// `threshold` replaces the file's Shamir threshold. `original` is the file's content; returns
/// the bytes of the changed file (nothing is written).
pub fn regroup(
    path: &Path,
    original: Vec<u8>,
    input_type: Option<Kind>,
    edit: &GroupEdit,
    threshold: Option<u32>,
    keys: &dyn KeySource,
    wrapper: &Wrapper,
) -> Result<Vec<u8>> {
    let name = name_of(path);
    let (mut meta, _, doc) = parse_metadata(path, input_type, original)?;
    let mut recipients =
        Recipients::from_metadata(&meta).map_err(|f| name_failure(path, f.into()))?;
    match edit {
        GroupEdit::Add(group) => {
            if group.is_empty() {
                return Err(Failure::new(
                    Code::NoEncryptionKey,
                    format!("{name}: the new key group has no key"),
                ));
            }
            recipients.groups.push(group.clone());
        }
        GroupEdit::Remove(i) => {
            if *i >= recipients.groups.len() {
                return Err(Failure::new(
                    Code::Generic,
                    format!(
                        "{name}: no key group {i}: the file has {} (numbered from 0)",
                        recipients.groups.len()
                    ),
                ));
            }
            recipients.groups.remove(*i);
        }
    }
    if threshold.is_some() {
        recipients.threshold = threshold;
    }
    let n = recipients.groups.len();
    if let Some(t) = recipients.threshold
        && (t as usize) > n
    {
        return Err(Failure::new(
            Code::ConflictingParameters,
            format!("{name}: the Shamir threshold is {t} but the file would have {n} key group(s)"),
        ));
    }
    if n < 2 {
        recipients.threshold = None;
    }
    let key = whole::data_key(&meta, keys).map_err(|f| name_failure(path, f))?;
    let (key_groups, t) = groups::wrap_with(wrapper, &recipients, key.as_bytes())
        .map_err(|f| name_failure(path, f.into()))?;
    meta.key_groups = key_groups;
    meta.shamir_threshold = t;
    let store = crate::fsio::kind_for(input_type, Some(path)).reading_store();
    let mut layout = crate::pipeline::record::LosslessRecord::default();
    Ok(write_lossless(
        store,
        &doc,
        Some(&meta.to_value()),
        &mut layout,
    ))
}

/// Adds master keys without changing the data key: each group's secret (the key, or the group's
/// Shamir share) is recovered from one of its existing master keys and wrapped for the new ones.
fn add_keys(
    meta: &Metadata,
    p: &Plan,
    keys: &dyn KeySource,
    wrapper: &Wrapper,
) -> Result<Metadata> {
    let mut out = meta.clone();
    while out.key_groups.len() < p.after.groups.len() {
        out.key_groups.push(KeyGroup::default());
    }
    for (i, group) in out.key_groups.iter_mut().enumerate() {
        let new: Vec<&Recipient> = p
            .added
            .iter()
            .filter(|(g, _)| *g == i)
            .map(|(_, r)| r)
            .collect();
        if new.is_empty() {
            continue;
        }
        let secret = open_group(group, keys).map_err(|tried| {
            Failure::new(
                Code::CouldNotRetrieveKey,
                format!(
                    "no key opens key group {} to add keys to it: {}",
                    i + 1,
                    tried.join("; ")
                ),
            )
        })?;
        for r in new {
            let k = wrapper.wrap(r, &secret).map_err(|e| {
                Failure::new(
                    Code::CouldNotWrapKey,
                    format!("cannot wrap the data key for {e}"),
                )
            })?;
            group.keys.push(k);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::master::{KeyKind, PgpRecipient, parse_pgp_list};

    fn age(n: u8) -> Recipient {
        let (_, r) = crate::keys::age::keygen();
        let _ = n;
        Recipient::Age(crate::keys::age::AgeRecipient::parse(&r).unwrap())
    }

    #[test]
    fn plans_compare_by_kind_and_id() {
        let a = age(1);
        let pgp = parse_pgp_list("abcd")[0].clone();
        let current = Recipients {
            groups: vec![vec![a.clone(), pgp.clone()]],
            threshold: None,
        };
        let same = Recipients {
            groups: vec![vec![
                a.clone(),
                Recipient::Pgp(PgpRecipient { fp: "ABCD".into() }),
            ]],
            threshold: None,
        };
        assert!(plan(&current, &same).is_empty());

        let change = KeyChange {
            add: vec![age(2)],
            remove: parse_pgp_list("ABCD,FFFF"),
        };
        let p = plan_change(&current, &change);
        assert_eq!(p.added.len(), 1);
        assert_eq!(p.removed.len(), 1);
        assert_eq!(p.not_held.len(), 1);
        assert!(p.needs_new_data_key());
        assert!(p.after.groups[0].iter().all(|r| r.kind() == KeyKind::Age));
        check_plan("f", &p, true).unwrap();

        // removing the only key leaves an empty group
        let p = plan_change(
            &Recipients {
                groups: vec![vec![pgp.clone()]],
                threshold: None,
            },
            &KeyChange {
                add: vec![],
                remove: vec![pgp],
            },
        );
        assert_eq!(
            check_plan("f", &p, true).unwrap_err().code,
            Code::NoEncryptionKey
        );
    }

    #[test]
    fn kept_keys_block_a_rotation_unless_removed() {
        let kept = crate::keys::master::parse_kept_list(KeyKind::GcpKms, "gcp_kms", "projects/p/k")
            [0]
        .clone();
        let current = Recipients {
            groups: vec![vec![age(1), kept.clone()]],
            threshold: None,
        };
        let p = plan_change(&current, &KeyChange::default());
        let e = check_plan("f", &p, true).unwrap_err();
        assert_eq!(e.code, Code::UnusableKeyType);
        assert!(e.message.contains("gcp_kms"), "{}", e.message);
        let p = plan_change(
            &current,
            &KeyChange {
                add: vec![],
                remove: vec![kept],
            },
        );
        check_plan("f", &p, true).unwrap();
    }
}
