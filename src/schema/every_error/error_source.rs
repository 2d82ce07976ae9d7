//! A failed file's compile error again, compiled from source so that it carries the text the
//! compiler needs to place it.
//!
//! A file is first compiled on its own (with its imports). If it compiles alone, its error came
//! from the definitions of files of its group opened before it; it is then opened after them,
//! in the same order, in a second compiler that reads every file from source. That compiler is
//! kept for the whole group and only ever moves forward, so each file of the group is opened in
//! it at most once: the work is linear in the group's size, where compiling every opened file
//! again for each failure was quadratic (a group of files that each reuse an extension number
//! did n²/2 opens). The compiles on their own are bounded too (see [`ALONE_BUDGET_PER_FILE`]),
//! and so are those for the errors of the compiler's later steps (see
//! [`LATER_BUDGET_PER_FILE`]), so that a group's failures cost work linear in its size.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use protox::file::{File, FileResolver};

use super::super::link::Resolver;

/// The compiles of failed files on their own may open, together, at most this many files per
/// file of the group (and at least [`ALONE_BUDGET_MIN`]); past that, errors come from the shared
/// compiler only.
const ALONE_BUDGET_PER_FILE: usize = 2;
const ALONE_BUDGET_MIN: usize = 256;

/// The compiles of failed files for the errors of the compiler's later steps (see
/// [`super::later_steps`]) may open, together, at most this many files per file of the group
/// (and at least [`LATER_BUDGET_MIN`]); past that, a file's first failing step is all that is
/// reported.
const LATER_BUDGET_PER_FILE: usize = 4;
const LATER_BUDGET_MIN: usize = 1024;

/// The compile errors of one group's failed files, with their source text.
pub(in crate::schema) struct ErrorSource {
    resolver: Counting,
    /// The shared compiler, once needed, and how many files of the group it has opened; `None`
    /// inside once it panicked (then it is not used again).
    shared: Option<Option<(protox::Compiler, usize)>>,
    /// What compiling alone may open, in all.
    alone_budget: usize,
    /// The resolver of the compiles for the errors of the compiler's later steps (see
    /// [`super::later_steps`]), counting apart, and what they may open in all.
    later: Counting,
    later_budget: usize,
}

impl ErrorSource {
    /// For a group of `group_len` files compiled with `resolver`.
    pub fn new(resolver: &Resolver, group_len: usize) -> ErrorSource {
        ErrorSource {
            resolver: Counting {
                inner: resolver.without_parsed(),
                opened: Arc::default(),
            },
            shared: None,
            alone_budget: (group_len * ALONE_BUDGET_PER_FILE).max(ALONE_BUDGET_MIN),
            later: Counting {
                inner: resolver.without_parsed(),
                opened: Arc::default(),
            },
            later_budget: (group_len * LATER_BUDGET_PER_FILE).max(LATER_BUDGET_MIN),
        }
    }

    /// The resolver for compiling one more failed file of the group for the errors of the
    /// compiler's later steps, while their budget lasts (see [`LATER_BUDGET_PER_FILE`]).
    pub fn later_steps(&self) -> Option<&Counting> {
        (self.later.opened.load(Ordering::Relaxed) < self.later_budget).then_some(&self.later)
    }

    /// The files handed to either compiler so far (imports, and files asked for again after
    /// failing, included): the work done.
    pub fn work(&self) -> usize {
        self.resolver.opened.load(Ordering::Relaxed)
    }

    /// The compile error of `opened`'s last file, opened after the others of the group (in this
    /// order, a prefix of every later call's `opened`).
    pub fn error(&mut self, opened: &[&str]) -> Option<protox::Error> {
        let (&name, before) = opened.split_last()?;
        if self.work() < self.alone_budget {
            if let Some(err) = self.alone(name) {
                return Some(err);
            }
        }
        self.shared(before, name)
    }

    /// `name` compiled on its own.
    fn alone(&mut self, name: &str) -> Option<protox::Error> {
        let mut compiler = compiler(&self.resolver);
        crate::schema::link::catching_silently(|| compiler.open_file(name).err())
            .ok()
            .flatten()
    }

    /// `name` opened in the shared compiler after the files `before` (those it has not opened
    /// yet are opened first).
    fn shared(&mut self, before: &[&str], name: &str) -> Option<protox::Error> {
        let resolver = &self.resolver;
        let slot = self
            .shared
            .get_or_insert_with(|| Some((compiler(resolver), 0)));
        let (compiler, done) = slot.as_mut()?;
        if *done > before.len() {
            // Not a prefix of what it opened: never the case for one group's failures in order.
            return None;
        }
        let pending = &before[*done..];
        let result = crate::schema::link::catching_silently(|| {
            for n in pending {
                let _ = compiler.open_file(n);
            }
            compiler.open_file(name).err()
        });
        match result {
            Ok(err) => {
                *done = before.len() + 1;
                err
            }
            Err(_) => {
                *slot = None;
                None
            }
        }
    }
}

/// The resolver of both compilers, counting the files it hands out.
#[derive(Clone)]
pub(in crate::schema) struct Counting {
    pub inner: Resolver,
    opened: Arc<AtomicUsize>,
}

impl Counting {
    /// The same resolver, counting with this one, with the imports `missing` standing in as
    /// empty files (as a broken file does, see [`Resolver::broken`]).
    pub fn with_missing(&self, missing: &std::collections::HashSet<String>) -> Counting {
        let mut broken: std::collections::HashSet<String> =
            self.inner.broken.iter().cloned().collect();
        broken.extend(missing.iter().cloned());
        Counting {
            inner: Resolver {
                broken: Arc::new(broken),
                ..self.inner.clone()
            },
            opened: self.opened.clone(),
        }
    }
}

impl FileResolver for Counting {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        self.opened.fetch_add(1, Ordering::Relaxed);
        self.inner.open_file(name)
    }
}

fn compiler(resolver: &Counting) -> protox::Compiler {
    let mut compiler = protox::Compiler::with_file_resolver(resolver.clone());
    compiler.include_source_info(true).include_imports(true);
    compiler
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use super::ErrorSource;
    use crate::input::ProtoFile;
    use crate::schema::link::Resolver;
    use crate::schema::Source;

    fn resolver(files: &[(String, String)]) -> Resolver {
        let sources = files
            .iter()
            .map(|(name, text)| {
                let file = ProtoFile {
                    name: name.clone(),
                    module: Some(0),
                    workspace_path: name.clone(),
                    display: name.clone(),
                    disk: name.into(),
                    bytes: None,
                    is_target: true,
                };
                (name.clone(), Arc::new(Source::new(file, text.clone())))
            })
            .collect::<HashMap<_, _>>();
        Resolver {
            sources: Arc::new(sources),
            parsed: Arc::default(),
            compiled: Arc::default(),
            broken: Arc::default(),
            stand_ins: Arc::default(),
            non_finite: Arc::default(),
            includes: Vec::new(),
            widened: Default::default(),
        }
    }

    /// A chain of `n` library files (each imports the one before) and `n` files that each
    /// import the last library and use an undefined name. The old code compiled each failed file
    /// again on its own, with its whole chain of imports: n·(n+1) files. This stays linear.
    #[test]
    fn the_work_is_linear_in_the_group() {
        let n = 150;
        let mut files = Vec::new();
        for i in 0..n {
            let import = match i {
                0 => String::new(),
                _ => format!("import \"lib{}.proto\";\n", i - 1),
            };
            files.push((
                format!("lib{i}.proto"),
                format!("syntax = \"proto3\";\npackage lib{i};\n{import}message L {{}}\n"),
            ));
        }
        for i in 0..n {
            files.push((
                format!("bad{i}.proto"),
                format!(
                    "syntax = \"proto3\";\npackage bad{i};\nimport \"lib{}.proto\";\n\
                     message B {{ Missing m = 1; }}\n",
                    n - 1
                ),
            ));
        }
        let resolver = resolver(&files);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        // What the old code did for each failure: the file alone, with its imports.
        let mut one = ErrorSource::new(&resolver, 1);
        assert!(one.alone("bad0.proto").is_some());
        let old_each = one.work();
        assert_eq!(old_each, n + 1);
        let mut source = ErrorSource::new(&resolver, names.len());
        let mut main = protox::Compiler::with_file_resolver(resolver.clone());
        let mut failed = 0;
        for i in 0..names.len() {
            if main.open_file(names[i]).is_err() {
                failed += 1;
                let err = source
                    .error(&names[..=i])
                    .expect("an error with its source");
                assert!(err.to_string().contains("Missing"), "{}: {err}", names[i]);
                assert_eq!(err.file(), Some(names[i]));
            }
        }
        assert_eq!(failed, n);
        let old_work = failed * old_each;
        let work = source.work();
        assert!(work <= 8 * n, "work {work} for {} files: not linear", 2 * n);
        assert!(old_work >= 10 * work, "old {old_work}, new {work}");
    }

    #[test]
    fn an_error_of_the_file_alone_needs_no_shared_compiler() {
        let files = vec![(
            "a.proto".to_string(),
            "syntax = \"proto3\";\nmessage A { Missing m = 1; }\n".to_string(),
        )];
        let resolver = resolver(&files);
        let mut source = ErrorSource::new(&resolver, 1);
        let err = source.error(&["a.proto"]).expect("an error");
        assert!(err.to_string().contains("Missing"), "{err}");
        assert!(source.shared.is_none());
    }
}
