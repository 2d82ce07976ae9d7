//! A broken file compiled with its errors fixed (see [`super::later_steps`]), and without its
//! options when those cannot be fixed: buf checks symbol visibility past other errors, which
//! needs the file's types resolved.

use prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
};

use super::error_source::Counting;

/// `base` compiled in place of file `name`: the compiled file, or the compiler's error (none
/// if it panicked).
pub(super) fn compile(
    counting: &Counting,
    name: &str,
    base: &FileDescriptorProto,
) -> Result<Option<FileDescriptorProto>, Option<protox::Error>> {
    let mut compiler = protox::Compiler::with_file_resolver(counting.clone());
    compiler.include_source_info(true).include_imports(true);
    let result = crate::schema::link::catching_silently(|| {
        protox_parse::substituting(base.clone(), || compiler.open_file(name).map(|_| ()))
    });
    match result {
        Ok(Ok(())) => Ok(compiler
            .file_descriptor_set()
            .file
            .into_iter()
            .find(|f| f.name() == name)),
        Ok(Err(err)) => Err(Some(err)),
        Err(_) => Err(None),
    }
}

/// Takes every option not yet interpreted out of `file`; whether it had any.
pub(super) fn without_options(file: &mut FileDescriptorProto) -> bool {
    fn clear(options: Option<&mut Vec<prost_types::UninterpretedOption>>, any: &mut bool) {
        if let Some(options) = options {
            *any |= !options.is_empty();
            options.clear();
        }
    }
    fn field(f: &mut FieldDescriptorProto, any: &mut bool) {
        clear(f.options.as_mut().map(|o| &mut o.uninterpreted_option), any);
    }
    fn enumeration(e: &mut EnumDescriptorProto, any: &mut bool) {
        clear(e.options.as_mut().map(|o| &mut o.uninterpreted_option), any);
        for v in &mut e.value {
            clear(v.options.as_mut().map(|o| &mut o.uninterpreted_option), any);
        }
    }
    fn message(m: &mut DescriptorProto, any: &mut bool) {
        clear(m.options.as_mut().map(|o| &mut o.uninterpreted_option), any);
        m.field
            .iter_mut()
            .chain(&mut m.extension)
            .for_each(|f| field(f, any));
        for o in &mut m.oneof_decl {
            clear(o.options.as_mut().map(|o| &mut o.uninterpreted_option), any);
        }
        for r in &mut m.extension_range {
            clear(r.options.as_mut().map(|o| &mut o.uninterpreted_option), any);
        }
        m.enum_type.iter_mut().for_each(|e| enumeration(e, any));
        m.nested_type.iter_mut().for_each(|n| message(n, any));
    }
    let mut any = false;
    clear(
        file.options.as_mut().map(|o| &mut o.uninterpreted_option),
        &mut any,
    );
    file.message_type
        .iter_mut()
        .for_each(|m| message(m, &mut any));
    file.enum_type
        .iter_mut()
        .for_each(|e| enumeration(e, &mut any));
    file.extension.iter_mut().for_each(|f| field(f, &mut any));
    for s in &mut file.service {
        clear(
            s.options.as_mut().map(|o| &mut o.uninterpreted_option),
            &mut any,
        );
        for m in &mut s.method {
            clear(
                m.options.as_mut().map(|o| &mut o.uninterpreted_option),
                &mut any,
            );
        }
    }
    any
}
