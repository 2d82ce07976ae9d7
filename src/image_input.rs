//! `sous lint` and `sous breaking` when the input is a buf image (`buf build -o image.binpb`):
//! the image read by `input::image`, made a schema by `schema::image`, checked with the
//! configuration buf uses for an image.
//!
//! buf parity: an image carries no configuration, so buf checks it with the `buf.yaml` of the
//! current directory (not searched for upward, not the image's directory), or `--config`; of a
//! v2 file with `modules:`, the top-level `lint:` and `breaking:` (the defaults when absent),
//! whatever the modules say. Without a `buf.yaml`, buf's v1 defaults.

use std::path::Path;

use crate::catalog::Kind;
use crate::cli::{BreakingArgs, InputArgs, LintArgs};
use crate::config::{Version, Workspace, BUF_YAML};
use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::input::image::ImageRef;
use crate::input::Filter;
use crate::paths::clean;
use crate::schema::{Schema, Source};
use crate::{against, breaking, invocation, lint, schema};

/// What a check found, with the sources its findings are placed in (for the reporters).
pub type Checked = (Vec<Finding>, Vec<std::sync::Arc<Source>>);

/// The image `args.input` names, if it names one.
pub fn image_of(args: &InputArgs) -> Result<Option<ImageRef>> {
    ImageRef::parse(&args.input.to_string_lossy())
}

/// Lints the image's targets.
pub fn lint(args: &LintArgs, image: &ImageRef) -> Result<Checked> {
    let workspace = workspace_for_image(args.input.config.as_deref())?;
    workspace.check_rules_for(Kind::Lint)?;
    let filter = filter_of(&args.input);
    let schema = crate::trace::stage("read image", || {
        schema::image::from_image(image.read()?, &filter, true)
    })?;
    let allowed = args.input.allow_message_sets;
    schema::message_sets::refuse(&schema, schema::message_sets::Side::Input, allowed)?;
    for policy in &workspace.policies {
        policy.check_for(Kind::Lint)?;
    }
    let findings = crate::trace::stage("lint rules", || lint::run(&workspace, &schema));
    let sources = schema.sources.values().cloned().collect();
    discard(schema);
    Ok((findings, sources))
}

/// Compares the image with what `--against` names (an image, a directory, a git revision).
pub fn breaking(args: &BreakingArgs, image: &ImageRef) -> Result<Checked> {
    let workspace = workspace_for_image(args.input.config.as_deref())?;
    workspace.check_rules_for(Kind::Breaking)?;
    let filter = filter_of(&args.input);
    let new = schema::image::from_image(image.read()?, &filter, false)?;
    let prepared = against::load(
        &args.against,
        Path::new("."),
        args.against_config.as_deref(),
        |dir| invocation::resolve_against_dir(dir, args.against_config.as_deref()),
    )?;
    let old_modules = prepared.target_modules();
    if old_modules.as_ref().is_some_and(|m| m.len() != 1) {
        return Err(Error::Input(format!(
            "the input is one image and --against {} has {} modules: modules are compared in pairs, so give the one module's directory as --against",
            args.against,
            old_modules.map_or(0, |m| m.len())
        )));
    }
    let options = schema::CompileOptions {
        allow_message_sets: args.input.allow_message_sets,
        ..schema::CompileOptions::new(schema::Purpose::Breaking, &args.input.includes)
    };
    let mut old = prepared.compile(&options, &new)?;
    if !old.schema.errors.is_empty() {
        let errors = old.compile_findings();
        return Ok((errors, old.schema.sources.values().cloned().collect()));
    }
    against::narrow(&mut old, &filter, &new, args.limit_to_input_files);
    for policy in &workspace.policies {
        policy.check_for(Kind::Breaking)?;
    }
    let new_side = breaking::Side {
        workspace: Some(&workspace),
        schema: &new,
        modules: Some(vec![0]),
    };
    let old_side = breaking::Side {
        workspace: old.workspace.as_ref(),
        schema: &old.schema,
        modules: old_modules,
    };
    let options = breaking::Options {
        exclude_imports: args.exclude_imports,
    };
    let findings = crate::trace::stage("breaking rules", || {
        breaking::run(&new_side, &old_side, options)
    });
    let sources = (new.sources.values())
        .chain(old.schema.sources.values())
        .cloned()
        .collect();
    discard(new);
    discard(old.schema);
    Ok((findings, sources))
}

/// Lets go of a large schema without freeing it, as `app` does: the process exits right after.
fn discard(schema: Schema) {
    std::mem::forget(schema);
}

/// `--path` and `--exclude-path` name files of the image by their names in it.
fn filter_of(args: &InputArgs) -> Filter {
    Filter {
        paths: args.paths.iter().map(|p| clean(p)).collect(),
        exclude_paths: args.exclude_paths.iter().map(|p| clean(p)).collect(),
    }
}

/// The configuration an image is checked with (see the module's documentation): one module at
/// `.` whose file names are the image's.
fn workspace_for_image(config: Option<&str>) -> Result<Workspace> {
    let here = Path::new(".");
    let (path, text) = match config {
        Some(value) if Path::new(value).is_file() => {
            let text = std::fs::read_to_string(value).map_err(|e| Error::io(value, e))?;
            (Path::new(value).to_path_buf(), text)
        }
        Some(value) => (Path::new("--config").to_path_buf(), value.to_string()),
        None => match crate::config::read_disk(Path::new(BUF_YAML))? {
            Some(text) => (Path::new(BUF_YAML).to_path_buf(), text),
            None => return Ok(Workspace::default_at(here)),
        },
    };
    // Read as written first, so that a mistake is reported with its line.
    let ws = Workspace::from_text(here, &path, &text)?;
    if ws.version != Version::V2 || ws.modules.len() == 1 && ws.modules[0].dir == "." {
        return Ok(Workspace {
            modules: ws.modules.into_iter().take(1).collect(),
            ..ws
        });
    }
    // The top level alone: the same file without its modules.
    let mut value: serde_json::Value =
        serde_saphyr::from_str(&text).map_err(|e| Error::config(&path, e.to_string()))?;
    if let Some(map) = value.as_object_mut() {
        map.remove("modules");
    }
    Workspace::from_text(here, &path, &value.to_string())
}
