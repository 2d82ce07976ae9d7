//! Chains of `import public`: `a` imports `b`, `b` publicly imports `c`, `c` publicly imports
//! `d`, and `a` uses a type of `d`. buf (like protoc) follows the chain to its end; prost-reflect
//! 0.16 stops after the first public step (`resolve_public_dependencies` recurses only into a
//! file it has already seen), so `a` fails with "'x.D' is defined in 'd.proto', which is not
//! imported by 'a.proto'".
//!
//! The compiler is therefore handed every file that imports anything publicly with the whole
//! public closure of those imports as public imports of its own ("widened"): `b` publicly imports
//! `c` and `d`, which is what it exports anyway, so no name resolves differently. What comes out
//! of the compiler is cut back to the imports the file wrote ([`Widened::restore`]).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use prost_types::FileDescriptorProto;

/// What a widened file wrote: how many imports, and the indexes of the public ones.
type Written = (usize, Vec<i32>);

/// The files handed to the compiler widened, with how many imports each wrote.
#[derive(Clone, Default)]
pub(super) struct Widened {
    /// By file name: the number of imports it wrote (the rest were added), and which of them
    /// it made public.
    written: Arc<Mutex<HashMap<String, Written>>>,
    /// By file name: what it imports publicly, once looked up.
    publics: Arc<Mutex<HashMap<String, Vec<String>>>>,
}

impl Widened {
    /// Adds to `file`'s public imports everything they publicly import in turn, to the end of
    /// each chain; `public_imports` says what a file (other than `file`) imports publicly.
    /// Whether anything was added.
    pub fn widen(
        &self,
        file: &mut FileDescriptorProto,
        public_imports: impl Fn(&str) -> Vec<String>,
    ) -> bool {
        if file.public_dependency.is_empty() {
            return false;
        }
        let publics = self::public_imports(file);
        let mut seen: HashSet<String> = publics.iter().cloned().collect();
        seen.insert(file.name().to_string());
        let mut stack = publics;
        let mut added = Vec::new();
        while let Some(name) = stack.pop() {
            let publics = self.public_imports_of(&name, &public_imports);
            for next in publics {
                if seen.insert(next.clone()) {
                    added.push(next.clone());
                    stack.push(next);
                }
            }
        }
        if added.is_empty() {
            return false;
        }
        if let Ok(mut written) = self.written.lock() {
            written
                .entry(file.name().to_string())
                .or_insert((file.dependency.len(), file.public_dependency.clone()));
        }
        for name in added {
            // An import the file makes already (not publicly) is made public; another is added.
            let index = match file.dependency.iter().position(|d| *d == name) {
                Some(index) => index,
                None => {
                    file.dependency.push(name);
                    file.dependency.len() - 1
                }
            };
            file.public_dependency.push(index as i32);
        }
        true
    }

    /// What `name` imports publicly, looked up once.
    fn public_imports_of(
        &self,
        name: &str,
        public_imports: &impl Fn(&str) -> Vec<String>,
    ) -> Vec<String> {
        if let Some(known) = self.publics.lock().ok().and_then(|p| p.get(name).cloned()) {
            return known;
        }
        let found = public_imports(name);
        if let Ok(mut publics) = self.publics.lock() {
            publics.insert(name.to_string(), found.clone());
        }
        found
    }

    /// Whether the compiler was given `name` widened.
    pub fn contains(&self, name: &str) -> bool {
        self.written.lock().is_ok_and(|w| w.contains_key(name))
    }

    /// Cuts a compiled file back to the imports it wrote.
    pub fn restore(&self, file: &mut FileDescriptorProto) {
        let Some((count, public)) = self
            .written
            .lock()
            .ok()
            .and_then(|w| w.get(file.name()).cloned())
        else {
            return;
        };
        file.dependency.truncate(count);
        file.public_dependency = public;
        file.weak_dependency.retain(|&i| (i as usize) < count);
    }
}

/// The public imports of a parsed file.
pub(super) fn public_imports(file: &FileDescriptorProto) -> Vec<String> {
    file.public_dependency
        .iter()
        .filter_map(|&i| file.dependency.get(usize::try_from(i).ok()?).cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, deps: &[&str], public: &[i32]) -> FileDescriptorProto {
        FileDescriptorProto {
            name: Some(name.into()),
            dependency: deps.iter().map(|d| d.to_string()).collect(),
            public_dependency: public.to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn widens_to_the_end_of_the_chain_and_restores() {
        let widened = Widened::default();
        let others = |name: &str| match name {
            "c.proto" => vec!["d.proto".to_string()],
            "d.proto" => vec!["e.proto".to_string()],
            _ => vec![],
        };
        let mut b = file("b.proto", &["x.proto", "c.proto"], &[1]);
        assert!(widened.widen(&mut b, others));
        assert_eq!(b.dependency, ["x.proto", "c.proto", "d.proto", "e.proto"]);
        assert_eq!(b.public_dependency, [1, 2, 3]);
        assert!(widened.contains("b.proto"));
        widened.restore(&mut b);
        assert_eq!(b, file("b.proto", &["x.proto", "c.proto"], &[1]));
        // An import made already, not publicly, is made public, and back.
        let mut shadowed = file("s.proto", &["d.proto", "c.proto"], &[1]);
        assert!(widened.widen(&mut shadowed, others));
        assert_eq!(shadowed.dependency, ["d.proto", "c.proto", "e.proto"]);
        assert_eq!(shadowed.public_dependency, [1, 0, 2]);
        widened.restore(&mut shadowed);
        assert_eq!(shadowed, file("s.proto", &["d.proto", "c.proto"], &[1]));
        // Nothing public: nothing to do.
        let mut a = file("a.proto", &["b.proto"], &[]);
        assert!(!widened.widen(&mut a, others));
        assert!(!widened.contains("a.proto"));
    }
}
