//! veil: keep secrets in git safely.
