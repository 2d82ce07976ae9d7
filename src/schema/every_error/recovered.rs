//! A broken file compiled with its errors fixed (see [`super::later_steps`]), and without its
//! options when those cannot be fixed, and then without its extensions when those cannot be
//! either (a number outside the extendee's ranges): buf checks symbol visibility past other
//! errors, which needs the file's types resolved.

use prost_types::FileDescriptorProto;

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
    let mut any = false;
    for options in crate::schema::accept::options(file) {
        any |= !options.is_empty();
        options.clear();
    }
    any
}

/// Takes every extension out of `file` (file-level and nested); whether it had any.
pub(super) fn without_extensions(file: &mut FileDescriptorProto) -> bool {
    fn in_message(message: &mut prost_types::DescriptorProto) -> bool {
        let mut any = !message.extension.is_empty();
        message.extension.clear();
        for nested in &mut message.nested_type {
            any |= in_message(nested);
        }
        any
    }
    let mut any = !file.extension.is_empty();
    file.extension.clear();
    for message in &mut file.message_type {
        any |= in_message(message);
    }
    any
}
