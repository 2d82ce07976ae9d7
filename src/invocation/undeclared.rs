//! buf's warning for an import that only a transitive dependency provides: a file of the
//! workspace imports a file found in a module that `buf.lock` pins (as the dependency of a
//! declared dependency) but that the file's `buf.yaml` does not declare in `deps:`. buf builds
//! all the same and prints, on stderr, one `WARN` line per such import; sous does too, so that
//! a script watching buf's stderr sees the same lines, in words of our own.

use std::path::PathBuf;

use crate::config::Workspace;
use crate::deps::cache::module_of_files_dir;
use crate::input::FileSet;
use crate::schema::Schema;

/// The warnings for `schema` (compiled from `set`), in file path order and then import order.
/// `dep_includes` are the include directories of the locked dependencies, in the order the
/// compiler searches them.
pub fn undeclared_imports(
    workspace: &Workspace,
    set: &FileSet,
    schema: &Schema,
    dep_includes: &[PathBuf],
) -> Vec<String> {
    if dep_includes.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (name, file) in &set.files {
        let Some(module) = file.module.and_then(|m| workspace.modules.get(m)) else {
            continue;
        };
        let Some(proto) = schema.by_name.get(name).map(|&i| &schema.files[i]) else {
            continue;
        };
        for import in &proto.dependency {
            // An import of the workspace itself (or of an include directory, searched first).
            if set.files.contains_key(import) {
                continue;
            }
            let Some(dep) = dep_includes
                .iter()
                .find(|dir| dir.join(import).is_file())
                .and_then(|dir| module_of_files_dir(dir))
            else {
                continue;
            };
            let declared = module
                .deps
                .iter()
                .any(|d| d.split_once(':').map_or(d.as_str(), |(n, _)| n) == dep);
            if !declared {
                out.push(format!(
                    "WARN\tFile \"{name}\" imports \"{import}\", which is not in the workspace nor in a dependency its buf.yaml declares: only \"{dep}\", a dependency of a declared dependency, provides it.\nAdd \"{dep}\" to the deps of that buf.yaml (buf warns the same way)."
                ));
            }
        }
    }
    out
}
