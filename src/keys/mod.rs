//! Master keys that wrap the sops data key.

pub mod age;
pub mod groups;
pub mod identities;
pub mod pq;
pub mod recipients;
