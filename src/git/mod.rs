//! Git and CI integration (README "Git and CI"): the three-way merge of encrypted files behind
//! `veil git merge`, the `.gitattributes` entries that `veil git setup` derives from the
//! creation rules of `.sops.yaml`, and the log masks of `veil ci mask`.

pub mod attributes;
pub mod mask;
pub mod merge;
