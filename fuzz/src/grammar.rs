//! A small grammar of `.proto` files, generated with `arbitrary` and printed as text: packages,
//! imports between the generated files, messages (one level of nesting), fields of every kind
//! (scalars, messages, enums, maps, well-known types, oneofs, groups), enums, services, options
//! and comments (`buf:lint:ignore` too), with names drawn from a vocabulary that breaks and keeps
//! the naming rules. Most inputs compile, so the fuzzer spends its time in the rules.
//!
//! [`Mutation`] changes a generated schema the way a change to a schema does, for breaking.

use arbitrary::Arbitrary;

const NAMES: &[&str] = &[
    "foo",
    "Foo",
    "foo_bar",
    "FooBar",
    "fooBar",
    "FOO_BAR",
    "foo1",
    "Foo_Bar",
    "_foo",
    "foo__bar",
    "Request",
    "Response",
    "GetFooRequest",
    "GetFooResponse",
    "FooService",
    "FooAPI",
    "id",
    "name",
    "descriptor",
    "Descriptor",
    "value",
    "kind",
    "UNSPECIFIED",
    "v1",
    "x",
    "Bar",
    "BarBaz",
];

const PACKAGES: &[&str] = &[
    "acme.v1",
    "acme.v1beta1",
    "acme.foo.v1",
    "acme.v2",
    "acme",
    "Acme.V1",
    "acme.v1test",
    "acme_foo.v1alpha1",
    "google.protobuf",
];

const SCALARS: &[&str] = &[
    "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
    "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes",
];

const WELL_KNOWN: &[(&str, &str)] = &[
    (
        "google.protobuf.Timestamp",
        "google/protobuf/timestamp.proto",
    ),
    ("google.protobuf.Duration", "google/protobuf/duration.proto"),
    ("google.protobuf.Empty", "google/protobuf/empty.proto"),
    ("google.protobuf.Any", "google/protobuf/any.proto"),
    ("google.protobuf.Struct", "google/protobuf/struct.proto"),
];

const COMMENTS: &[&str] = &[
    "A comment.",
    "buf:lint:ignore FIELD_LOWER_SNAKE_CASE",
    "buf:lint:ignore COMMENT_MESSAGE",
    "buf:lint:ignore",
    "",
    "TODO: \u{1F600} wide \t tab",
];

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list[i as usize % list.len()]
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Schema {
    pub files: Vec<File>,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct File {
    /// 0: none, 1: proto2, else proto3.
    pub syntax: u8,
    pub package: Option<u8>,
    /// Indexes of other files of the schema.
    pub imports: Vec<(u8, Option<bool>)>,
    pub options: Vec<FileOption>,
    pub decls: Vec<Decl>,
}

#[derive(Arbitrary, Debug, Clone)]
pub enum FileOption {
    GoPackage(u8),
    JavaPackage(u8),
    JavaMultipleFiles(bool),
    OptimizeFor(u8),
    CcEnableArenas(bool),
    Deprecated(bool),
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Decl {
    Message(Message),
    Enum(Enum),
    Service(Service),
    Extend { message: u8, fields: Vec<Field> },
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Message {
    pub name: u8,
    pub comment: Option<u8>,
    pub fields: Vec<Field>,
    pub oneofs: Vec<(u8, Vec<Field>)>,
    pub nested: Vec<Nested>,
    pub reserved: Vec<(u16, Option<u16>)>,
    pub reserved_names: Vec<u8>,
    pub extensions: Option<(u16, u16)>,
    pub deprecated: Option<bool>,
}

/// A message or enum inside a message (no deeper).
#[derive(Arbitrary, Debug, Clone)]
pub enum Nested {
    Message { name: u8, fields: Vec<Field> },
    Enum(Enum),
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Field {
    /// 0: none, 1: optional, 2: repeated, 3: required.
    pub label: u8,
    pub ty: Type,
    pub name: u8,
    pub number: u16,
    pub comment: Option<u8>,
    pub json_name: Option<u8>,
    pub deprecated: Option<bool>,
    pub default: Option<i8>,
    pub packed: Option<bool>,
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Type {
    Scalar(u8),
    /// A message or enum declared in the schema, by name.
    Named(u8),
    Map(u8, Box<Type>),
    WellKnown(u8),
    Group(Vec<Field>),
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Enum {
    pub name: u8,
    pub comment: Option<u8>,
    pub values: Vec<(u8, i8, Option<bool>)>,
    pub allow_alias: Option<bool>,
    pub reserved: Vec<(i8, Option<i8>)>,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Service {
    pub name: u8,
    pub comment: Option<u8>,
    pub methods: Vec<Method>,
}

#[derive(Arbitrary, Debug, Clone)]
pub struct Method {
    pub name: u8,
    pub request: Type,
    pub response: Type,
    pub client_streaming: bool,
    pub server_streaming: bool,
    pub idempotency: Option<u8>,
    pub comment: Option<u8>,
}

/// A change to a schema, as a developer makes one.
#[derive(Arbitrary, Debug, Clone)]
pub enum Mutation {
    DeleteFile(u8),
    DeleteDecl(u8, u8),
    DeleteField(u8, u8, u8),
    FieldNumber(u8, u8, u8, u16),
    FieldName(u8, u8, u8, u8),
    FieldType(u8, u8, u8, Type),
    FieldLabel(u8, u8, u8, u8),
    Package(u8, Option<u8>),
    Syntax(u8, u8),
    AddDecl(u8, Decl),
    FileOption(u8, FileOption),
    MethodStreaming(u8, u8, u8, bool, bool),
    EnumValue(u8, u8, u8, i8),
}

/// The workspace path of file `index`: in a directory of its package, as buf's layout rules
/// expect, mostly.
pub fn path_of(file: &File, index: usize) -> String {
    match file.package {
        Some(p) if index % 4 != 3 => {
            format!("{}/file{index}.proto", pick(PACKAGES, p).replace('.', "/"))
        }
        _ => format!("file{index}.proto"),
    }
}

impl Schema {
    /// The files as (workspace path, text), at most 6.
    pub fn render(&self) -> Vec<(String, Vec<u8>)> {
        let files = &self.files[..self.files.len().min(6)];
        let paths: Vec<String> = files
            .iter()
            .enumerate()
            .map(|(i, f)| path_of(f, i))
            .collect();
        files
            .iter()
            .enumerate()
            .map(|(i, f)| (paths[i].clone(), f.render(i, &paths).into_bytes()))
            .collect()
    }

    /// Applies `mutation`, where it finds something to change.
    pub fn mutate(&mut self, mutation: &Mutation) {
        let n = self.files.len().min(6);
        if n == 0 {
            return;
        }
        let file = |i: u8| i as usize % n;
        match mutation {
            Mutation::DeleteFile(f) => {
                self.files.remove(file(*f));
            }
            Mutation::DeleteDecl(f, d) => {
                let decls = &mut self.files[file(*f)].decls;
                if !decls.is_empty() {
                    decls.remove(*d as usize % decls.len());
                }
            }
            Mutation::DeleteField(f, d, x) => {
                if let Some(fields) = fields_of(&mut self.files[file(*f)], *d) {
                    if !fields.is_empty() {
                        fields.remove(*x as usize % fields.len());
                    }
                }
            }
            Mutation::FieldNumber(f, d, x, v) => {
                with_field(&mut self.files[file(*f)], *d, *x, |fl| fl.number = *v)
            }
            Mutation::FieldName(f, d, x, v) => {
                with_field(&mut self.files[file(*f)], *d, *x, |fl| fl.name = *v)
            }
            Mutation::FieldType(f, d, x, t) => {
                with_field(&mut self.files[file(*f)], *d, *x, |fl| fl.ty = t.clone())
            }
            Mutation::FieldLabel(f, d, x, v) => {
                with_field(&mut self.files[file(*f)], *d, *x, |fl| fl.label = *v)
            }
            Mutation::Package(f, p) => self.files[file(*f)].package = *p,
            Mutation::Syntax(f, s) => self.files[file(*f)].syntax = *s,
            Mutation::AddDecl(f, d) => self.files[file(*f)].decls.push(d.clone()),
            Mutation::FileOption(f, o) => self.files[file(*f)].options.push(o.clone()),
            Mutation::MethodStreaming(f, d, m, c, s) => {
                let decls = &mut self.files[file(*f)].decls;
                if decls.is_empty() {
                    return;
                }
                let len = decls.len();
                if let Decl::Service(service) = &mut decls[*d as usize % len] {
                    if !service.methods.is_empty() {
                        let len = service.methods.len();
                        let method = &mut service.methods[*m as usize % len];
                        method.client_streaming = *c;
                        method.server_streaming = *s;
                    }
                }
            }
            Mutation::EnumValue(f, d, v, number) => {
                let decls = &mut self.files[file(*f)].decls;
                if decls.is_empty() {
                    return;
                }
                let len = decls.len();
                if let Decl::Enum(e) = &mut decls[*d as usize % len] {
                    if !e.values.is_empty() {
                        let len = e.values.len();
                        e.values[*v as usize % len].1 = *number;
                    }
                }
            }
        }
    }
}

fn fields_of(file: &mut File, d: u8) -> Option<&mut Vec<Field>> {
    if file.decls.is_empty() {
        return None;
    }
    let len = file.decls.len();
    match &mut file.decls[d as usize % len] {
        Decl::Message(m) => Some(&mut m.fields),
        Decl::Extend { fields, .. } => Some(fields),
        _ => None,
    }
}

fn with_field(file: &mut File, d: u8, x: u8, change: impl FnOnce(&mut Field)) {
    if let Some(fields) = fields_of(file, d) {
        if !fields.is_empty() {
            let len = fields.len();
            change(&mut fields[x as usize % len]);
        }
    }
}

/// Text being printed, with the imports the types used need.
struct Out {
    text: String,
    imports: Vec<String>,
    proto3: bool,
}

impl Out {
    fn line(&mut self, indent: usize, line: &str) {
        for _ in 0..indent {
            self.text.push_str("  ");
        }
        self.text.push_str(line);
        self.text.push('\n');
    }

    fn comment(&mut self, indent: usize, comment: Option<u8>) {
        if let Some(c) = comment {
            let line = format!("// {}", pick(COMMENTS, c));
            self.line(indent, &line);
        }
    }

    fn ty(&mut self, ty: &Type, depth: usize) -> String {
        match ty {
            Type::Scalar(i) => pick(SCALARS, *i).to_string(),
            Type::Named(i) => pick(NAMES, *i).to_string(),
            Type::Map(k, v) if depth == 0 => {
                let value = match &**v {
                    Type::Map(..) | Type::Group(_) => "string".to_string(),
                    v => self.ty(v, depth + 1),
                };
                format!("map<{}, {value}>", pick(&SCALARS[2..], *k))
            }
            Type::WellKnown(i) => {
                let (name, file) = WELL_KNOWN[*i as usize % WELL_KNOWN.len()];
                if !self.imports.iter().any(|f| f == file) {
                    self.imports.push(file.to_string());
                }
                name.to_string()
            }
            _ => "string".to_string(),
        }
    }

    fn field(&mut self, indent: usize, field: &Field, in_oneof: bool) {
        self.comment(indent, field.comment);
        let label = match (in_oneof, field.label % 4, self.proto3) {
            (true, ..) => "",
            (_, 1, _) => "optional ",
            (_, 2, _) => "repeated ",
            (_, 3, false) => "required ",
            (_, _, false) => "optional ",
            _ => "",
        };
        let name = pick(NAMES, field.name);
        let number = field.number % 600 + 1;
        let mut options = Vec::new();
        if let Some(j) = field.json_name {
            options.push(format!("json_name = \"{}\"", pick(NAMES, j)));
        }
        if let Some(d) = field.deprecated {
            options.push(format!("deprecated = {d}"));
        }
        if let Some(p) = field.packed {
            options.push(format!("packed = {p}"));
        }
        if let (Some(d), false) = (field.default, self.proto3) {
            options.push(format!("default = {d}"));
        }
        let options = if options.is_empty() {
            String::new()
        } else {
            format!(" [{}]", options.join(", "))
        };
        if let Type::Group(fields) = &field.ty {
            if !self.proto3 {
                let group = format!("Group{}", pick(NAMES, field.name).replace('_', ""));
                let label = if label.is_empty() && !in_oneof {
                    "optional "
                } else {
                    label
                };
                self.line(
                    indent,
                    &format!("{label}group {group} = {number}{options} {{"),
                );
                for f in fields.iter().take(4) {
                    if !matches!(f.ty, Type::Group(_)) {
                        self.field(indent + 1, f, false);
                    }
                }
                self.line(indent, "}");
                return;
            }
        }
        let ty = self.ty(&field.ty, 0);
        let label = if ty.starts_with("map<") { "" } else { label };
        self.line(indent, &format!("{label}{ty} {name} = {number}{options};"));
    }

    fn enum_(&mut self, indent: usize, e: &Enum) {
        self.comment(indent, e.comment);
        self.line(indent, &format!("enum {} {{", pick(NAMES, e.name)));
        if let Some(a) = e.allow_alias {
            self.line(indent + 1, &format!("option allow_alias = {a};"));
        }
        for (name, number, deprecated) in e.values.iter().take(8) {
            let options = deprecated.map_or(String::new(), |d| format!(" [deprecated = {d}]"));
            self.line(
                indent + 1,
                &format!("{} = {number}{options};", pick(NAMES, *name).to_uppercase()),
            );
        }
        for (from, to) in e.reserved.iter().take(3) {
            match to {
                Some(to) => self.line(indent + 1, &format!("reserved {from} to {to};")),
                None => self.line(indent + 1, &format!("reserved {from};")),
            }
        }
        self.line(indent, "}");
    }

    fn message(&mut self, indent: usize, m: &Message) {
        self.comment(indent, m.comment);
        self.line(indent, &format!("message {} {{", pick(NAMES, m.name)));
        if let Some(d) = m.deprecated {
            self.line(indent + 1, &format!("option deprecated = {d};"));
        }
        for f in m.fields.iter().take(10) {
            self.field(indent + 1, f, false);
        }
        for (name, fields) in m.oneofs.iter().take(2) {
            self.line(indent + 1, &format!("oneof {} {{", pick(NAMES, *name)));
            for f in fields.iter().take(4) {
                self.field(indent + 2, f, true);
            }
            self.line(indent + 1, "}");
        }
        for nested in m.nested.iter().take(3) {
            match nested {
                Nested::Message { name, fields } => {
                    self.line(indent + 1, &format!("message {} {{", pick(NAMES, *name)));
                    for f in fields.iter().take(5) {
                        self.field(indent + 2, f, false);
                    }
                    self.line(indent + 1, "}");
                }
                Nested::Enum(e) => self.enum_(indent + 1, e),
            }
        }
        for (from, to) in m.reserved.iter().take(3) {
            let from = from % 1000 + 1;
            match to {
                Some(to) => self.line(
                    indent + 1,
                    &format!("reserved {from} to {};", to % 1000 + 1),
                ),
                None => self.line(indent + 1, &format!("reserved {from};")),
            }
        }
        for name in m.reserved_names.iter().take(2) {
            self.line(indent + 1, &format!("reserved \"{}\";", pick(NAMES, *name)));
        }
        if let (Some((from, to)), false) = (m.extensions, self.proto3) {
            self.line(
                indent + 1,
                &format!("extensions {} to {};", from % 1000 + 1000, to % 1000 + 1500),
            );
        }
        self.line(indent, "}");
    }
}

impl File {
    /// The text of this file, the `index`-th of files at `paths`.
    pub fn render(&self, index: usize, paths: &[String]) -> String {
        let mut out = Out {
            text: String::new(),
            imports: Vec::new(),
            proto3: self.syntax >= 2,
        };
        for decl in self.decls.iter().take(8) {
            match decl {
                Decl::Message(m) => out.message(0, m),
                Decl::Enum(e) => out.enum_(0, e),
                Decl::Service(s) => {
                    out.comment(0, s.comment);
                    out.line(0, &format!("service {} {{", pick(NAMES, s.name)));
                    for m in s.methods.iter().take(5) {
                        out.comment(1, m.comment);
                        let request = out.ty(&m.request, 1);
                        let response = out.ty(&m.response, 1);
                        let stream = |s: bool| if s { "stream " } else { "" };
                        let head = format!(
                            "rpc {}({}{request}) returns ({}{response})",
                            pick(NAMES, m.name),
                            stream(m.client_streaming),
                            stream(m.server_streaming)
                        );
                        match m.idempotency {
                            Some(i) => {
                                let level =
                                    ["IDEMPOTENCY_UNKNOWN", "NO_SIDE_EFFECTS", "IDEMPOTENT"]
                                        [i as usize % 3];
                                out.line(1, &format!("{head} {{"));
                                out.line(2, &format!("option idempotency_level = {level};"));
                                out.line(1, "}");
                            }
                            None => out.line(1, &format!("{head};")),
                        }
                    }
                    out.line(0, "}");
                }
                Decl::Extend { message, fields } => {
                    out.line(0, &format!("extend {} {{", pick(NAMES, *message)));
                    for f in fields.iter().take(3) {
                        out.field(1, f, false);
                    }
                    out.line(0, "}");
                }
            }
        }
        let body = std::mem::take(&mut out.text);
        match self.syntax {
            0 => {}
            1 => out.line(0, "syntax = \"proto2\";"),
            _ => out.line(0, "syntax = \"proto3\";"),
        }
        if let Some(p) = self.package {
            out.line(0, &format!("package {};", pick(PACKAGES, p)));
        }
        let mut imports = out.imports.clone();
        for (i, public) in self.imports.iter().take(4) {
            let target = *i as usize % paths.len();
            if target != index {
                imports.push(paths[target].clone());
                if let Some(true) = public {
                    out.line(0, &format!("import public \"{}\";", paths[target]));
                    imports.pop();
                }
            }
        }
        imports.sort();
        imports.dedup();
        for import in imports {
            out.line(0, &format!("import \"{import}\";"));
        }
        for option in self.options.iter().take(4) {
            let line = match option {
                FileOption::GoPackage(p) => format!(
                    "option go_package = \"example.com/{}\";",
                    pick(PACKAGES, *p).replace('.', "/")
                ),
                FileOption::JavaPackage(p) => {
                    format!("option java_package = \"com.{}\";", pick(PACKAGES, *p))
                }
                FileOption::JavaMultipleFiles(b) => format!("option java_multiple_files = {b};"),
                FileOption::OptimizeFor(o) => format!(
                    "option optimize_for = {};",
                    ["SPEED", "CODE_SIZE", "LITE_RUNTIME"][*o as usize % 3]
                ),
                FileOption::CcEnableArenas(b) => format!("option cc_enable_arenas = {b};"),
                FileOption::Deprecated(b) => format!("option deprecated = {b};"),
            };
            out.line(0, &line);
        }
        out.text.push('\n');
        out.text.push_str(&body);
        out.text
    }
}
