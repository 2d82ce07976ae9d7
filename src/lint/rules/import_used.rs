//! IMPORT_USED: every import is used by the file that imports it.
//!
//! A file uses an import when a name it refers to is defined there: field types, extendees, RPC
//! request and response types, custom options (including extensions and `Any` type URLs
//! inside an option's message literal), and in editions the language features set
//! (`features.(pb.cpp)` uses `google/protobuf/cpp_features.proto`). An import that re-exports the defining file through
//! `import public` is used too, but only when the defining file is not imported directly, and
//! then only the first such import (buf parity). Which imports are unused is
//! [`crate::schema::imports_used::unused`]'s to say: `sous build` writes the same list into buf's
//! image extension.

use super::prelude::*;
use crate::schema::imports_used::unused;

declare_rule!(ImportUsed, "IMPORT_USED");

impl Rule for ImportUsed {
    fn check_file(&self, cx: &mut Context, file: &FileNode) {
        let proto = file.proto;
        for i in unused(cx.schema(), proto) {
            let dep = &proto.dependency[i];
            cx.report(
                &[tag::FILE_DEPENDENCY, i as i32],
                format!("import {dep:?} is not used: remove it"),
            );
        }
    }
}
