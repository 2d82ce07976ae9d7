//! buf parity: a file imported with `import option "x.proto";` (edition 2024 on) is there for
//! options only. A type of it used anywhere else (a field's type, a map's value, an extendee, a
//! method's input or output) is a `COMPILE` finding at the reference, and an option import none
//! of whose extensions the file sets makes buf 1.75.0 fail outright, as [`super::import_option`]
//! says; for a file other than the language feature files that is known once it is compiled,
//! and checked here.

use std::collections::HashMap;

use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto};

use super::import_option;
use super::visibility::{uses_in, Hidden, Local};
use crate::descriptor::walk::{extensions, walk, Flow, Site, Visitor};
use crate::finding::Finding;
use crate::schema::{Locations, Schema};

/// The findings of uses of option-only imports' types in the schema's files.
pub(crate) fn in_schema(schema: &Schema) -> Vec<Finding> {
    let mut findings = Vec::new();
    let compiled = schema.files.iter().map(|f| &**f);
    for file in compiled.chain(&schema.recovered) {
        let Some(source) = schema.sources.get(file.name()) else {
            continue;
        };
        let imports = import_option::option_imports(&source.text);
        if imports.is_empty() {
            continue;
        }
        let mut hidden: HashMap<String, Local> = HashMap::new();
        for (_, name) in &imports {
            if let Some(imported) = schema.file(name) {
                types_of(imported, name, &mut hidden);
            }
        }
        let locations = Locations::new(file);
        uses_in(
            file,
            source,
            &locations,
            (&hidden, Hidden::OptionOnly),
            &mut findings,
        );
    }
    findings
}

/// buf's failure for the first option import of a compiled file that the file sets no option
/// of (a language feature file's are checked before compiling, from the text).
pub(crate) fn unused(schema: &Schema) -> crate::error::Result<()> {
    for file in &schema.files {
        let Some(source) = schema.sources.get(file.name()) else {
            continue;
        };
        let imports = import_option::option_imports(&source.text);
        if imports.is_empty() {
            continue;
        }
        let written = option_names(&source.text);
        for (at, name) in imports {
            let Some(imported) = schema.file(&name) else {
                continue;
            };
            if super::features::is_language_file(&name) {
                continue;
            }
            // buf parity: what the imported file imports publicly counts as its own.
            let mut extensions = Vec::new();
            let mut files: Vec<&FileDescriptorProto> = vec![imported];
            while let Some(file) = files.pop() {
                extensions_of(file, &mut extensions);
                let public = file.public_dependency.iter();
                let named = public.filter_map(|&i| file.dependency.get(i as usize));
                files.extend(named.filter_map(|n| schema.file(n)).map(|p| &**p));
            }
            let used = written.iter().any(|w| {
                extensions
                    .iter()
                    .any(|e| e == w || e.ends_with(&format!(".{w}")))
            });
            if !used {
                return Err(import_option::unused(source, at));
            }
        }
    }
    Ok(())
}

/// The names written in parentheses in `text` (custom option names, `(acme.v1.opt)`), without
/// a leading dot.
fn option_names(text: &str) -> Vec<String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    compact
        .split('(')
        .skip(1)
        .filter_map(|rest| {
            let name = &rest[..rest.find(')')?];
            let is_name = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
            is_name.then(|| name.trim_start_matches('.').to_string())
        })
        .collect()
}

/// The full names (no leading dot) of the extensions `file` declares, nested ones too.
fn extensions_of(file: &FileDescriptorProto, out: &mut Vec<String>) {
    out.extend(extensions(file).into_iter().map(|(_, _, name)| name));
}

/// The messages and enums `file` (named `name`) declares, by full name with a leading dot.
fn types_of(file: &FileDescriptorProto, name: &str, out: &mut HashMap<String, Local>) {
    struct Types<'o> {
        file: &'o str,
        out: &'o mut HashMap<String, Local>,
    }
    impl Types<'_> {
        fn insert(&mut self, full_name: &str, kind: &'static str) {
            let local = Local {
                file: self.file.to_string(),
                kind,
            };
            self.out.insert(format!(".{full_name}"), local);
        }
    }
    impl<'a> Visitor<'a> for Types<'_> {
        fn message(&mut self, message: &'a DescriptorProto, at: &Site) -> Flow {
            if message.options.as_ref().is_some_and(|o| o.map_entry()) {
                return Flow::Over;
            }
            self.insert(at.full_name, "message");
            Flow::Into
        }
        fn enum_(&mut self, _enum: &'a EnumDescriptorProto, at: &Site) {
            self.insert(at.full_name, "enum");
        }
    }
    walk(file, &mut Types { file: name, out });
}
