//! Leak scanning (`veil scan`).

pub mod rules;
