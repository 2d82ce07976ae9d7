//! Comparing only what changed. Between two revisions of a large tree most files are the same,
//! and the against side takes the input's compiled descriptor for each of them
//! ([`crate::schema::reuse`]): such a file is the very same descriptor on both sides. It cannot
//! produce a finding by itself, so the images index only the files that differ.
//!
//! Why that is sound (both sides compiled without errors, or there is no comparison):
//! - every key an element is paired by (a full name; a message and a number or name; an
//!   extendee and a number) names one element per side. An element of a file that is the same
//!   on both sides is therefore paired with itself, and an element of a file that differs never
//!   pairs with one of a file that is the same (that key would be defined twice on one side);
//!   for the same reason a deleted element was never in a file that is the same, and the
//!   enclosing message a deletion is placed at is never in one either;
//! - a pair of elements equal to themselves differs only in what a rule looks up beyond them:
//!   the type a field refers to (a map entry or not, an enum's values, an enum's first value as
//!   the implied default), never further. A file is therefore skipped only when every file whose
//!   types it can refer to (its imports, and what they import publicly) is the same on both
//!   sides too (or in neither image), so those lookups find the same elements on both sides;
//! - what the package rules need from the skipped files (which packages they declare, and
//!   whether they declare messages, enums or extensions there) is kept in a light index
//!   ([`Skipped`]), and the types the compared files refer to in skipped files stay resolvable
//!   ([`Lookup`]), as do editions features (a file is the same only with the same feature table).
//!
//! Inputs whose sides share nothing (a descriptor set, an image, an archive) compare every file,
//! as before.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto};

use super::image::{Enum, File, Image, Message, Name};
use crate::descriptor::walk::{walk, Flow, Site, Visitor};

/// The files of a comparison divided: those each image compares, and what is kept of the others.
pub struct Split<'a> {
    pub new: Sides<'a>,
    pub old: Sides<'a>,
    /// How many files were left out of both images, the same on both sides.
    pub skipped: usize,
}

/// One side's part of a [`Split`].
#[derive(Default)]
pub struct Sides<'a> {
    /// The files compared.
    pub compared: Vec<File<'a>>,
    /// Skipped files the compared ones import: their types stay resolvable.
    pub lookup: Vec<File<'a>>,
    /// Every skipped file: for the package rules.
    pub skipped: Vec<&'a FileDescriptorProto>,
}

/// Whether `a` and `b` are the same compiled file: one descriptor (not merely an equal one: a
/// shared descriptor costs nothing to check) and one feature table.
fn same(a: &File, b: &File) -> bool {
    std::ptr::eq(a.proto, b.proto)
        && match (a.editions, b.editions) {
            (None, None) => true,
            (Some(x), Some(y)) => std::ptr::eq(x, y),
            _ => false,
        }
}

/// Divides the files of the two sides of one module (see the module's documentation). `new_file`
/// and `old_file` give any compiled file of each side by import path, in an image or not.
pub fn split<'a>(
    new: Vec<File<'a>>,
    old: Vec<File<'a>>,
    new_file: &dyn Fn(&str) -> Option<&'a FileDescriptorProto>,
    old_file: &dyn Fn(&str) -> Option<&'a FileDescriptorProto>,
) -> Split<'a> {
    let old_by_name: HashMap<&str, &File> = old.iter().map(|f| (f.name, f)).collect();
    let new_names: HashSet<&str> = new.iter().map(|f| f.name).collect();
    let same_names: HashSet<&str> = new
        .iter()
        .filter(|f| old_by_name.get(f.name).is_some_and(|o| same(f, o)))
        .map(|f| f.name)
        .collect();
    let mut seen = Seen {
        in_images: &|name| new_names.contains(name) || old_by_name.contains_key(name),
        same: &same_names,
        new_file,
        old_file,
        memo: HashMap::new(),
    };
    let skip: HashSet<&str> = new
        .iter()
        .filter(|f| same_names.contains(f.name))
        .filter(|f| f.proto.dependency.iter().all(|d| seen.same_everywhere(d)))
        .map(|f| f.name)
        .collect();
    let skipped = skip.len();
    Split {
        new: sides(new, &skip),
        old: sides(old, &skip),
        skipped,
    }
}

/// Whether what a file sees through an import is the same on both sides.
struct Seen<'s, 'a> {
    in_images: &'s dyn Fn(&str) -> bool,
    same: &'s HashSet<&'a str>,
    new_file: &'s dyn Fn(&str) -> Option<&'a FileDescriptorProto>,
    old_file: &'s dyn Fn(&str) -> Option<&'a FileDescriptorProto>,
    memo: HashMap<String, bool>,
}

impl Seen<'_, '_> {
    /// Whether the types a file importing `name` can refer to are the same on both sides: those
    /// of `name` itself (the same file on both sides, or in neither image, where a lookup finds
    /// nothing on either side) and of every file it imports publicly, in turn. A rule looks at
    /// the types a field refers to, never further (see the module's documentation).
    fn same_everywhere(&mut self, name: &str) -> bool {
        if let Some(&known) = self.memo.get(name) {
            return known;
        }
        // An import cycle does not compile; should one get here, it counts as a difference.
        self.memo.insert(name.to_string(), false);
        let here = !(self.in_images)(name) || self.same.contains(name);
        let publicly = |file: Option<&FileDescriptorProto>| -> Vec<String> {
            let Some(file) = file else {
                return Vec::new();
            };
            (file.public_dependency.iter())
                .filter_map(|&i| file.dependency.get(usize::try_from(i).ok()?).cloned())
                .collect()
        };
        let mut public = publicly((self.new_file)(name));
        public.extend(publicly((self.old_file)(name)));
        let known = here && public.iter().all(|p| self.same_everywhere(p));
        self.memo.insert(name.to_string(), known);
        known
    }
}

/// One side's files divided by `skip`: the skipped files that a compared one imports (or that
/// such a file imports publicly, whose types it sees too) are kept for lookups.
fn sides<'a>(files: Vec<File<'a>>, skip: &HashSet<&str>) -> Sides<'a> {
    let mut wanted: HashSet<&str> = HashSet::new();
    let mut stack: Vec<&str> = Vec::new();
    let by_name: HashMap<&str, &File> = files.iter().map(|f| (f.name, f)).collect();
    for f in files.iter().filter(|f| !skip.contains(f.name)) {
        stack.extend(f.proto.dependency.iter().map(String::as_str));
    }
    while let Some(name) = stack.pop() {
        if !skip.contains(name) || !wanted.insert(name) {
            continue;
        }
        if let Some(f) = by_name.get(name) {
            let public = f.proto.public_dependency.iter();
            stack.extend(public.filter_map(|&i| {
                let i = usize::try_from(i).ok()?;
                f.proto.dependency.get(i).map(String::as_str)
            }));
        }
    }
    let wanted: HashSet<String> = wanted.into_iter().map(str::to_string).collect();
    let mut out = Sides::default();
    for f in files {
        if !skip.contains(f.name) {
            out.compared.push(f);
            continue;
        }
        out.skipped.push(f.proto);
        if wanted.contains(f.name) {
            out.lookup.push(f);
        }
    }
    out
}

impl<'a> Sides<'a> {
    /// Sets the files named in `imports` aside with `--exclude-imports`: none is compared, and
    /// the package rules see none, but the types of each stay resolvable for the files that are.
    pub fn imports_for_lookup_only(&mut self, imports: &HashSet<&str>) {
        let (aside, compared) = std::mem::take(&mut self.compared)
            .into_iter()
            .partition(|f| imports.contains(f.name));
        self.compared = compared;
        self.lookup.extend::<Vec<File<'a>>>(aside);
        self.skipped.retain(|p| !imports.contains(p.name()));
    }
}

/// The messages and enums of the skipped files the compared ones import, by full name: a field
/// of a compared file may refer to them. Their files are numbered after the image's own.
#[derive(Default)]
pub struct Lookup<'a> {
    pub files: Vec<File<'a>>,
    pub messages: HashMap<Name, Message<'a>>,
    pub enums: HashMap<Name, Enum<'a>>,
}

impl<'a> Lookup<'a> {
    /// Indexes `files`, the first numbered `first`.
    pub fn new(files: Vec<File<'a>>, first: usize) -> Lookup<'a> {
        let mut lookup = Lookup::default();
        for (i, f) in files.iter().enumerate() {
            walk(
                f.proto,
                &mut Types {
                    lookup: &mut lookup,
                    file: first + i,
                },
            );
        }
        lookup.files = files;
        lookup
    }
}

/// Puts the messages and enums of one file into a [`Lookup`].
struct Types<'l, 'a> {
    lookup: &'l mut Lookup<'a>,
    file: usize,
}

impl<'a> Visitor<'a> for Types<'_, 'a> {
    fn message(&mut self, message: &'a DescriptorProto, at: &Site) -> Flow {
        let full_name: Name = at.full_name.into();
        self.lookup.messages.insert(
            full_name.clone(),
            Message {
                file: self.file,
                proto: message,
                path: at.path.into(),
                full_name,
            },
        );
        Flow::Into
    }

    fn enum_(&mut self, e: &'a EnumDescriptorProto, at: &Site) {
        let full_name: Name = at.full_name.into();
        self.lookup.enums.insert(
            full_name.clone(),
            Enum {
                file: self.file,
                proto: e,
                path: at.path.into(),
                full_name,
            },
        );
    }
}

/// What the package rules need to know of the skipped files: the packages they declare, and
/// whether they declare messages, enums or extensions there (nested ones included). Built when
/// a package rule first asks.
#[derive(Default)]
pub struct Skipped<'a> {
    files: Vec<&'a FileDescriptorProto>,
    packages: OnceLock<BTreeMap<&'a str, Declares>>,
}

/// What the skipped files of one package declare.
#[derive(Default, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Declares {
    pub messages: bool,
    pub enums: bool,
    pub extensions: bool,
}

impl<'a> Skipped<'a> {
    pub fn new(files: Vec<&'a FileDescriptorProto>) -> Skipped<'a> {
        Skipped {
            files,
            packages: OnceLock::new(),
        }
    }

    /// How many files were skipped.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The packages of the skipped files, with what they declare there.
    pub fn packages(&self) -> &BTreeMap<&'a str, Declares> {
        self.packages.get_or_init(|| {
            let mut packages: BTreeMap<&str, Declares> = BTreeMap::new();
            for f in &self.files {
                let d = packages.entry(f.package()).or_default();
                d.messages |= !f.message_type.is_empty();
                d.enums |= !f.enum_type.is_empty() || f.message_type.iter().any(has_enum);
                d.extensions |= !f.extension.is_empty() || f.message_type.iter().any(has_extension);
            }
            packages
        })
    }
}

fn has_enum(m: &DescriptorProto) -> bool {
    !m.enum_type.is_empty() || m.nested_type.iter().any(has_enum)
}

fn has_extension(m: &DescriptorProto) -> bool {
    !m.extension.is_empty() || m.nested_type.iter().any(has_extension)
}

/// The accessors of an image that also see the files kept for lookups.
impl<'a> Image<'a> {
    /// Indexes `files`, the files of one side that differ from the other's; `lookup` and
    /// `skipped` are what is kept of the others (see the module's documentation).
    pub fn of_delta(
        files: Vec<File<'a>>,
        lookup: Vec<File<'a>>,
        skipped: Vec<&'a FileDescriptorProto>,
    ) -> Image<'a> {
        let mut image = Image::new(files);
        image.lookup = Lookup::new(lookup, image.files.len());
        image.skipped = Skipped::new(skipped);
        image
    }

    /// File `index` of the image (the files kept for lookups are numbered after its own).
    pub fn file(&self, index: usize) -> &File<'a> {
        match index.checked_sub(self.files.len()) {
            Some(i) => &self.lookup.files[i],
            None => &self.files[index],
        }
    }

    /// Resolves a field's `type_name` (`.pkg.Msg`) to a message of the image.
    pub fn message(&self, type_name: &str) -> Option<&Message<'a>> {
        let name = type_name.trim_start_matches('.');
        (self.messages.get(name)).or_else(|| self.lookup.messages.get(name))
    }

    /// Resolves a field's `type_name` (`.pkg.Enum`) to an enum of the image.
    pub fn enum_(&self, type_name: &str) -> Option<&Enum<'a>> {
        let name = type_name.trim_start_matches('.');
        (self.enums.get(name)).or_else(|| self.lookup.enums.get(name))
    }
}

#[cfg(test)]
mod tests {
    use crate::breaking::{images, module_files, Options, Side};
    use crate::schema::compile_texts;

    const HEAD: &str = "syntax = \"proto3\";\npackage p;\n";

    /// The files that are the same on both sides (`c`, and `d` that imports only it) are left
    /// out of both images; `a` changed, and `b` is the same text but imports `a`, so both are
    /// compared; `c`'s types stay resolvable for `a`, which imports it.
    #[test]
    fn the_images_hold_only_the_files_that_differ() {
        let a_new = format!("{HEAD}import \"p/c.proto\";\nmessage A {{\n  C c = 1;\n}}\n");
        let a_old =
            format!("{HEAD}import \"p/c.proto\";\nmessage A {{\n  C c = 1;\n  string x = 2;\n}}\n");
        let b = format!("{HEAD}import \"p/a.proto\";\nmessage B {{\n  A a = 1;\n}}\n");
        let c = format!("{HEAD}enum C {{\n  C_UNSPECIFIED = 0;\n}}\n");
        let d = format!("{HEAD}import \"p/c.proto\";\nmessage D {{\n  C c = 1;\n}}\n");
        let with_a = |a: &'_ str| {
            [
                ("p/a.proto", a.to_string()),
                ("p/b.proto", b.clone()),
                ("p/c.proto", c.clone()),
                ("p/d.proto", d.clone()),
            ]
        };
        let (new_files, old_files) = (with_a(&a_new), with_a(&a_old));
        let new = compile_texts(&new_files, None);
        let old = compile_texts(&old_files, Some(&new));
        let side = |schema| Side {
            workspace: None,
            schema,
            modules: None,
        };
        let (new_side, old_side) = (side(&new), side(&old));
        let (new_image, old_image) = images(
            (&new_side, module_files(&new_side, None)),
            (&old_side, module_files(&old_side, None)),
            Options::default(),
        );
        let names = |image: &crate::breaking::Image| -> Vec<String> {
            image.files.iter().map(|f| f.name.to_string()).collect()
        };
        assert_eq!(names(&new_image), ["p/a.proto", "p/b.proto"]);
        assert_eq!(names(&old_image), ["p/a.proto", "p/b.proto"]);
        assert_eq!(new_image.skipped.len(), 2);
        assert!(new_image.enum_(".p.C").is_some(), "a refers to C in c");
        assert!(new_image.message(".p.D").is_none(), "nothing refers to d");
        assert!(new_image.messages.contains_key("p.A"));
    }
}
