//! buf's warning for an import that only a transitive dependency provides: a file of the
//! workspace imports a file found in a module that `buf.lock` pins (as the dependency of a
//! declared dependency) but that the file's `buf.yaml` does not declare in `deps:`. buf builds
//! all the same and prints, on stderr, one `WARN` line per such import; sous does too, so that
//! a script watching buf's stderr sees the same lines, in words of our own.

use std::path::{Path, PathBuf};

use crate::config::Workspace;
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
                .and_then(|dir| module_name(dir))
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

/// The module name (`registry/owner/module`) of a cached module's files directory, which buf's
/// cache lays out as `.../v3/modules/<kind>/<registry>/<owner>/<module>/<commit>/<files_dir>`
/// (see [`super::cache::Cache::module_dir`]).
fn module_name(files_dir: &Path) -> Option<String> {
    let parts: Vec<&str> = files_dir
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<_>>()?;
    let at = parts.windows(2).rposition(|w| w == ["v3", "modules"])?;
    match parts.get(at + 3..at + 6)? {
        [registry, owner, module] => Some(format!("{registry}/{owner}/{module}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_comes_from_the_cache_layout() {
        assert_eq!(
            module_name(Path::new(
                "/c/v3/modules/b5/buf.build/acme/units/0123456789abcdef0123456789abcdef/files"
            ))
            .as_deref(),
            Some("buf.build/acme/units")
        );
        assert_eq!(
            module_name(Path::new(
                "/c/v3/modules/b5/r.example/o/m/0123/deeper/files"
            ))
            .as_deref(),
            Some("r.example/o/m")
        );
        assert_eq!(module_name(Path::new("/vendor/units")), None);
    }
}
