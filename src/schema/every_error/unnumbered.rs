//! buf parity: a file with two extensions of one message under one number is reported (see
//! `errors::extension_numbers_used_twice_in`) and compiled all the same, without the later
//! extensions, so that its other errors are found too, as buf finds them. The compiler does not
//! check extension numbers within a file (and failed on such a file when an option set one of
//! them: `fixtures/projects/extension_number_twice_in_a_file`), so it never sees them.

use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto, SourceCodeInfo};

use crate::descriptor::tag;

/// Removes the extensions at `paths` (descriptor paths, as `walk::extensions` gives them) from
/// `file`, and their locations from `info`; the locations of the extensions after them in the
/// same list move up by one, as their paths do.
pub(in crate::schema) fn remove(
    file: &mut FileDescriptorProto,
    info: &mut SourceCodeInfo,
    paths: &[Vec<i32>],
) {
    let mut paths: Vec<&Vec<i32>> = paths.iter().collect();
    // The last first, so that the paths still to remove stay right.
    paths.sort();
    for path in paths.into_iter().rev() {
        let Some((&index, list)) = path.split_last() else {
            continue;
        };
        let Some(extensions) = extensions_at(file, list) else {
            continue;
        };
        let Ok(at) = usize::try_from(index) else {
            continue;
        };
        if at >= extensions.len() {
            continue;
        }
        extensions.remove(at);
        info.location.retain_mut(|location| {
            let p = &mut location.path;
            if p.len() <= list.len() || p[..list.len()] != *list {
                return true;
            }
            let i = &mut p[list.len()];
            if *i == index {
                return false;
            }
            if *i > index {
                *i -= 1;
            }
            true
        });
    }
}

/// The list of extensions at `path` (`[7]` for the file's, `[4, m, (3, n)*, 6]` for a
/// message's).
fn extensions_at<'a>(
    file: &'a mut FileDescriptorProto,
    path: &[i32],
) -> Option<&'a mut Vec<FieldDescriptorProto>> {
    match path {
        [tag::FILE_EXTENSION] => Some(&mut file.extension),
        [tag::FILE_MESSAGE_TYPE, m, rest @ ..] => {
            let message = file.message_type.get_mut(usize::try_from(*m).ok()?)?;
            in_message(message, rest)
        }
        _ => None,
    }
}

fn in_message<'a>(
    message: &'a mut DescriptorProto,
    path: &[i32],
) -> Option<&'a mut Vec<FieldDescriptorProto>> {
    match path {
        [tag::MESSAGE_EXTENSION] => Some(&mut message.extension),
        [tag::MESSAGE_NESTED_TYPE, n, rest @ ..] => {
            let nested = message.nested_type.get_mut(usize::try_from(*n).ok()?)?;
            in_message(nested, rest)
        }
        _ => None,
    }
}
