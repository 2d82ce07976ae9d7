//! Every breaking rule, one file each; each file's rule binds to its catalog entry
//! `rules/<ID>.md`.

use super::Rule;

mod field_no_delete;
mod file_no_delete;

/// Every rule, in no particular order: the catalog decides which run.
pub fn all() -> Vec<&'static dyn Rule> {
    vec![
        &field_no_delete::FieldNoDelete,
        &file_no_delete::FileNoDelete,
    ]
}
