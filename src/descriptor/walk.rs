//! The one walk over a file's descriptors, shared by lint, breaking's image indexing and the
//! schema checks.
//!
//! [`walk`] visits every element of a `FileDescriptorProto` kind by kind (in the order below;
//! within a kind, in declaration order) and hands it to a [`Visitor`] with its [`Site`]: its descriptor path and full name, computed once. The walk
//! reuses one path buffer and two name buffers for the whole file, so visiting allocates nothing
//! per element; a visitor that keeps a path or a name copies it.
//!
//! The order, within a file: the file, then each message (see below), each enum (then its
//! values), each service (then its methods), each extension declared at file level. Within a
//! message: the message, its fields, its oneofs, its nested messages (recursively), its enums,
//! the extensions declared in it.

use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FileDescriptorProto, MethodDescriptorProto, OneofDescriptorProto, ServiceDescriptorProto,
};

use super::tag;

/// Where an element is, as the walk hands it out. Borrowed from the walk: copy what you keep.
#[derive(Clone, Copy, Debug)]
pub struct Site<'w> {
    /// Descriptor path in the file (`[4, 0, 2, 1]`: second field of the first message).
    pub path: &'w [i32],
    /// Full name without the leading dot (`pkg.Outer.Inner.field`). Enum values are scoped
    /// beside their enum, as protobuf scopes them (`pkg.Outer.VALUE`, not `pkg.Outer.Enum.VALUE`).
    pub full_name: &'w str,
    /// Full name of the element the walk found this one in: the package (empty when there is
    /// none) for top-level elements and file-level extensions, the message for its fields,
    /// oneofs, nested types and extensions, the enum for its values, the service for its methods.
    pub parent: &'w str,
    /// Position among the siblings of its kind (the last component of `path`).
    pub index: usize,
}

/// Whether the walk goes into a message's fields, oneofs, nested types, enums and extensions.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flow {
    Into,
    Over,
}

/// Hooks the walk calls, one per kind of element; each defaults to doing nothing. `'a` is the
/// lifetime of the file's descriptors, so a visitor may keep references to them.
pub trait Visitor<'a> {
    fn file(&mut self, _file: &'a FileDescriptorProto) {}
    /// Every message, nested ones and map entries included. [`Flow::Over`] skips what it
    /// contains (nested messages included).
    fn message(&mut self, _message: &'a DescriptorProto, _at: &Site) -> Flow {
        Flow::Into
    }
    /// A field of `message` (not an extension).
    fn field(
        &mut self,
        _field: &'a FieldDescriptorProto,
        _message: &'a DescriptorProto,
        _at: &Site,
    ) {
    }
    /// An oneof of `message`, synthetic ones included (see
    /// [`is_synthetic_oneof`](super::is_synthetic_oneof)).
    fn oneof(
        &mut self,
        _oneof: &'a OneofDescriptorProto,
        _message: &'a DescriptorProto,
        _at: &Site,
    ) {
    }
    /// An extension, declared at file level or in a message (`at.parent` is that scope).
    fn extension(&mut self, _extension: &'a FieldDescriptorProto, _at: &Site) {}
    fn enum_(&mut self, _enum: &'a EnumDescriptorProto, _at: &Site) {}
    fn enum_value(
        &mut self,
        _value: &'a EnumValueDescriptorProto,
        _enum: &'a EnumDescriptorProto,
        _at: &Site,
    ) {
    }
    fn service(&mut self, _service: &'a ServiceDescriptorProto, _at: &Site) {}
    fn method(
        &mut self,
        _method: &'a MethodDescriptorProto,
        _service: &'a ServiceDescriptorProto,
        _at: &Site,
    ) {
    }
}

/// Visits every element of `file`, kind by kind as the module documentation lists them (within a
/// kind, in declaration order).
pub fn walk<'a>(file: &'a FileDescriptorProto, visitor: &mut impl Visitor<'a>) {
    let mut walker = Walker {
        visitor,
        path: Vec::with_capacity(16),
        scope: String::with_capacity(128),
        leaf: String::with_capacity(128),
    };
    walker.file(file);
}

/// Every extension of `file`, declared at file level or in a message (nested ones included), in
/// descriptor-path order: its descriptor path and full name (`scope.name`).
pub fn extensions(file: &FileDescriptorProto) -> Vec<(Vec<i32>, &FieldDescriptorProto, String)> {
    struct Extensions<'a>(Vec<(Vec<i32>, &'a FieldDescriptorProto, String)>);
    impl<'a> Visitor<'a> for Extensions<'a> {
        fn extension(&mut self, extension: &'a FieldDescriptorProto, at: &Site) {
            self.0
                .push((at.path.to_vec(), extension, at.full_name.to_string()));
        }
    }
    let mut out = Extensions(Vec::new());
    walk(file, &mut out);
    // No sort needed: the walk goes into a message's nested types (field 3) before its own
    // extensions (6), and visits file-level extensions (7) after every message (4), so the
    // extensions come out in path order.
    out.0
}

struct Walker<'v, V> {
    visitor: &'v mut V,
    /// The current element's descriptor path.
    path: Vec<i32>,
    /// Full name of the current scope (package, then message names); elements that contain
    /// others push their name here.
    scope: String,
    /// Full name of the current leaf element (field, oneof, value, method, extension).
    leaf: String,
}

/// `name` appended to `scope` with a dot (none after an empty scope).
fn push_name(scope: &mut String, name: &str) {
    if !scope.is_empty() {
        scope.push('.');
    }
    scope.push_str(name);
}

impl<'a, V: Visitor<'a>> Walker<'_, V> {
    fn file(&mut self, file: &'a FileDescriptorProto) {
        self.visitor.file(file);
        self.scope.push_str(file.package());
        for (i, message) in file.message_type.iter().enumerate() {
            self.message(message, tag::FILE_MESSAGE_TYPE, i);
        }
        for (i, e) in file.enum_type.iter().enumerate() {
            self.enum_(e, tag::FILE_ENUM_TYPE, i);
        }
        for (i, service) in file.service.iter().enumerate() {
            self.service(service, i);
        }
        for (i, extension) in file.extension.iter().enumerate() {
            self.extension(extension, tag::FILE_EXTENSION, i);
        }
    }

    /// Enters element `index` of repeated field `field` and names it in `self.leaf`.
    fn enter_leaf(&mut self, field: i32, index: usize, scope_len: usize, name: &str) {
        self.path.extend([field, index as i32]);
        self.leaf.clear();
        self.leaf.push_str(&self.scope[..scope_len]);
        push_name(&mut self.leaf, name);
    }

    fn leave(&mut self) {
        self.path.truncate(self.path.len() - 2);
    }

    fn message(&mut self, message: &'a DescriptorProto, field: i32, index: usize) {
        let parent_len = self.scope.len();
        self.path.extend([field, index as i32]);
        push_name(&mut self.scope, message.name());
        let site = Site {
            path: &self.path,
            full_name: &self.scope,
            parent: &self.scope[..parent_len],
            index,
        };
        if self.visitor.message(message, &site) == Flow::Into {
            let len = self.scope.len();
            for (i, f) in message.field.iter().enumerate() {
                self.enter_leaf(tag::MESSAGE_FIELD, i, len, f.name());
                let site = Site {
                    path: &self.path,
                    full_name: &self.leaf,
                    parent: &self.scope,
                    index: i,
                };
                self.visitor.field(f, message, &site);
                self.leave();
            }
            for (i, o) in message.oneof_decl.iter().enumerate() {
                self.enter_leaf(tag::MESSAGE_ONEOF_DECL, i, len, o.name());
                let site = Site {
                    path: &self.path,
                    full_name: &self.leaf,
                    parent: &self.scope,
                    index: i,
                };
                self.visitor.oneof(o, message, &site);
                self.leave();
            }
            for (i, nested) in message.nested_type.iter().enumerate() {
                self.message(nested, tag::MESSAGE_NESTED_TYPE, i);
            }
            for (i, e) in message.enum_type.iter().enumerate() {
                self.enum_(e, tag::MESSAGE_ENUM_TYPE, i);
            }
            for (i, x) in message.extension.iter().enumerate() {
                self.extension(x, tag::MESSAGE_EXTENSION, i);
            }
        }
        self.scope.truncate(parent_len);
        self.leave();
    }

    fn enum_(&mut self, e: &'a EnumDescriptorProto, field: i32, index: usize) {
        let parent_len = self.scope.len();
        self.path.extend([field, index as i32]);
        push_name(&mut self.scope, e.name());
        let site = Site {
            path: &self.path,
            full_name: &self.scope,
            parent: &self.scope[..parent_len],
            index,
        };
        self.visitor.enum_(e, &site);
        for (i, value) in e.value.iter().enumerate() {
            // Values are scoped beside their enum.
            self.enter_leaf(tag::ENUM_VALUE, i, parent_len, value.name());
            let site = Site {
                path: &self.path,
                full_name: &self.leaf,
                parent: &self.scope,
                index: i,
            };
            self.visitor.enum_value(value, e, &site);
            self.leave();
        }
        self.scope.truncate(parent_len);
        self.leave();
    }

    fn service(&mut self, service: &'a ServiceDescriptorProto, index: usize) {
        let parent_len = self.scope.len();
        self.path.extend([tag::FILE_SERVICE, index as i32]);
        push_name(&mut self.scope, service.name());
        let site = Site {
            path: &self.path,
            full_name: &self.scope,
            parent: &self.scope[..parent_len],
            index,
        };
        self.visitor.service(service, &site);
        let len = self.scope.len();
        for (i, method) in service.method.iter().enumerate() {
            self.enter_leaf(tag::SERVICE_METHOD, i, len, method.name());
            let site = Site {
                path: &self.path,
                full_name: &self.leaf,
                parent: &self.scope,
                index: i,
            };
            self.visitor.method(method, service, &site);
            self.leave();
        }
        self.scope.truncate(parent_len);
        self.leave();
    }

    fn extension(&mut self, extension: &'a FieldDescriptorProto, field: i32, index: usize) {
        let len = self.scope.len();
        self.enter_leaf(field, index, len, extension.name());
        let site = Site {
            path: &self.path,
            full_name: &self.leaf,
            parent: &self.scope,
            index,
        };
        self.visitor.extension(extension, &site);
        self.leave();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records every visit as `kind path full_name < parent`.
    #[derive(Default)]
    struct Log(Vec<String>);

    impl Log {
        fn push(&mut self, kind: &str, at: &Site) {
            assert_eq!(at.path.last().copied(), Some(at.index as i32));
            self.0.push(format!(
                "{kind} {:?} {} < {}",
                at.path, at.full_name, at.parent
            ));
        }
    }

    impl<'a> Visitor<'a> for Log {
        fn message(&mut self, m: &'a DescriptorProto, at: &Site) -> Flow {
            self.push("message", at);
            if crate::descriptor::is_map_entry(m) {
                Flow::Over
            } else {
                Flow::Into
            }
        }
        fn field(&mut self, _: &'a FieldDescriptorProto, _: &'a DescriptorProto, at: &Site) {
            self.push("field", at);
        }
        fn oneof(&mut self, _: &'a OneofDescriptorProto, _: &'a DescriptorProto, at: &Site) {
            self.push("oneof", at);
        }
        fn extension(&mut self, _: &'a FieldDescriptorProto, at: &Site) {
            self.push("extension", at);
        }
        fn enum_(&mut self, _: &'a EnumDescriptorProto, at: &Site) {
            self.push("enum", at);
        }
        fn enum_value(
            &mut self,
            _: &'a EnumValueDescriptorProto,
            _: &'a EnumDescriptorProto,
            at: &Site,
        ) {
            self.push("value", at);
        }
        fn service(&mut self, _: &'a ServiceDescriptorProto, at: &Site) {
            self.push("service", at);
        }
        fn method(
            &mut self,
            _: &'a MethodDescriptorProto,
            _: &'a ServiceDescriptorProto,
            at: &Site,
        ) {
            self.push("method", at);
        }
    }

    fn named<T: Default>(name: &str, set: impl FnOnce(&mut T, String)) -> T {
        let mut t = T::default();
        set(&mut t, name.to_string());
        t
    }

    #[test]
    fn visits_in_declaration_order_with_paths_and_full_names() {
        let field = |n: &str| named(n, |f: &mut FieldDescriptorProto, n| f.name = Some(n));
        let value = |n: &str| named(n, |v: &mut EnumValueDescriptorProto, n| v.name = Some(n));
        let entry = DescriptorProto {
            name: Some("MEntry".into()),
            field: vec![field("key")],
            options: Some(prost_types::MessageOptions {
                map_entry: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        };
        let inner = DescriptorProto {
            name: Some("Inner".into()),
            field: vec![field("x")],
            ..Default::default()
        };
        let outer = DescriptorProto {
            name: Some("Outer".into()),
            field: vec![field("a"), field("b")],
            oneof_decl: vec![named("o", |o: &mut OneofDescriptorProto, n| {
                o.name = Some(n)
            })],
            nested_type: vec![inner, entry],
            enum_type: vec![EnumDescriptorProto {
                name: Some("E".into()),
                value: vec![value("E_ZERO")],
                ..Default::default()
            }],
            extension: vec![field("ext")],
            ..Default::default()
        };
        let file = FileDescriptorProto {
            package: Some("p.q".into()),
            message_type: vec![outer],
            enum_type: vec![EnumDescriptorProto {
                name: Some("Top".into()),
                value: vec![value("TOP_ZERO"), value("TOP_ONE")],
                ..Default::default()
            }],
            service: vec![ServiceDescriptorProto {
                name: Some("S".into()),
                method: vec![named("Get", |m: &mut MethodDescriptorProto, n| {
                    m.name = Some(n)
                })],
                ..Default::default()
            }],
            extension: vec![field("top_ext")],
            ..Default::default()
        };
        let mut log = Log::default();
        walk(&file, &mut log);
        assert_eq!(
            log.0,
            [
                "message [4, 0] p.q.Outer < p.q",
                "field [4, 0, 2, 0] p.q.Outer.a < p.q.Outer",
                "field [4, 0, 2, 1] p.q.Outer.b < p.q.Outer",
                "oneof [4, 0, 8, 0] p.q.Outer.o < p.q.Outer",
                "message [4, 0, 3, 0] p.q.Outer.Inner < p.q.Outer",
                "field [4, 0, 3, 0, 2, 0] p.q.Outer.Inner.x < p.q.Outer.Inner",
                "message [4, 0, 3, 1] p.q.Outer.MEntry < p.q.Outer",
                "enum [4, 0, 4, 0] p.q.Outer.E < p.q.Outer",
                "value [4, 0, 4, 0, 2, 0] p.q.Outer.E_ZERO < p.q.Outer.E",
                "extension [4, 0, 6, 0] p.q.Outer.ext < p.q.Outer",
                "enum [5, 0] p.q.Top < p.q",
                "value [5, 0, 2, 0] p.q.TOP_ZERO < p.q.Top",
                "value [5, 0, 2, 1] p.q.TOP_ONE < p.q.Top",
                "service [6, 0] p.q.S < p.q",
                "method [6, 0, 2, 0] p.q.S.Get < p.q.S",
                "extension [7, 0] p.q.top_ext < p.q",
            ]
        );
        let extensions: Vec<(Vec<i32>, String)> = extensions(&file)
            .into_iter()
            .map(|(path, _, name)| (path, name))
            .collect();
        assert_eq!(
            extensions,
            [
                (vec![4, 0, 6, 0], "p.q.Outer.ext".to_string()),
                (vec![7, 0], "p.q.top_ext".to_string())
            ]
        );
    }

    #[test]
    fn no_package_means_no_leading_dot() {
        let file = FileDescriptorProto {
            enum_type: vec![EnumDescriptorProto {
                name: Some("E".into()),
                value: vec![named("V", |v: &mut EnumValueDescriptorProto, n| {
                    v.name = Some(n)
                })],
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut log = Log::default();
        walk(&file, &mut log);
        assert_eq!(log.0, ["enum [5, 0] E < ", "value [5, 0, 2, 0] V < E"]);
    }
}
