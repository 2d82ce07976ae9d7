//! What every rule of both engines is: an identity bound to its catalog entry.
//!
//! Lint and breaking rules implement their own engine's `Rule` trait on top of [`Meta`];
//! [`declare_rule!`](crate::declare_rule) writes the struct and its `Meta` in one line.

/// A rule's identity; `declare_rule!` implements it and binds the rule to its catalog entry.
pub trait Meta {
    fn id(&self) -> &'static str;
}

/// Declares a rule's struct and binds it to `rules/<ID>.md`: a rule without a catalog entry does
/// not compile.
#[macro_export]
macro_rules! declare_rule {
    ($name:ident, $id:literal) => {
        pub struct $name;
        impl $crate::rule::Meta for $name {
            fn id(&self) -> &'static str {
                const _DOC: &str =
                    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $id, ".md"));
                $id
            }
        }
    };
}

/// The rule list of an engine, one line per rule (`module_name::StructName,`): declares each
/// rule's module and lists the rule in `all()`. Used inside an engine's `rules` module, whose
/// parent defines that engine's `Rule` trait.
#[macro_export]
macro_rules! registry {
    ($($module:ident::$rule:ident),* $(,)?) => {
        $(mod $module;)*

        /// Every rule of the engine, in module order: the catalog decides which run.
        pub fn all() -> Vec<&'static dyn super::Rule> {
            vec![$(&$module::$rule),*]
        }
    };
}
