//! The list of lint rules: one line per rule. A rule lives in its own file, named after its ID.

#[allow(unused_imports)]
mod prelude {
    pub use crate::declare_rule;
    pub use crate::lint::case;
    pub use crate::lint::{
        at, tag, Context, EnumNode, EnumValueNode, FieldNode, FileNode, MessageNode, MethodNode,
        OneofNode, Rule, ServiceNode,
    };
}

mod field_lower_snake_case;
mod message_pascal_case;

use super::Rule;

pub fn all() -> Vec<&'static dyn Rule> {
    vec![
        &field_lower_snake_case::FieldLowerSnakeCase,
        &message_pascal_case::MessagePascalCase,
    ]
}
