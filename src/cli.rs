//! The command line, as clap definitions only. Flags keep buf's names so scripts switch by
//! changing one word.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "sous",
    version,
    about = "Lint Protocol Buffers and catch breaking changes: a drop-in for buf lint and buf breaking",
    after_help = "Examples:\n  sous lint                        lint the workspace in the current directory\n  sous lint proto --error-format json\n  sous lint --path proto/foo/v1/foo.proto\n  sous lint -I vendor/googleapis   resolve deps: imports from a vendored copy\n  sous lint --since main           only findings that main does not have\n  sous breaking --against main     compare with branch main, read from git\n  sous breaking proto --against '.git#branch=main,subdir=proto'\n  sous config ls-lint-rules --version v2\n  sous explain FIELD_LOWER_SNAKE_CASE\n  sous lsp                         the findings in your editor, as you type (a language server)\n\nExit codes: 0 no findings, 100 findings, 1 error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint .proto files with buf's rules and buf.yaml
    Lint(LintArgs),
    /// Compare with a git revision, directory or descriptor set and report breaking changes
    Breaking(BreakingArgs),
    /// Compile the input and write it as a descriptor set (a baseline for breaking --against)
    Build(BuildArgs),
    /// Inspect configuration
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Serve the findings to an editor: a language server over stdin and stdout (diagnostics,
    /// hover, go to definition, references, code actions)
    Lsp,
    /// Print a rule's documentation from the catalog
    Explain {
        /// A rule ID such as FIELD_LOWER_SNAKE_CASE
        rule: String,
    },
}

#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// A directory (workspace or module root) or a single .proto file
    /// (FILE.proto#include_package_files=true for its whole package), a git repository
    /// (.git#branch=main,subdir=proto), an archive (.tar, .tar.gz, .tgz, .tar.zst, .zip;
    /// #strip_components=N,subdir=DIR), or a buf image (.binpb, .bin, .json, .txtpb, .yaml,
    /// optionally .gz or .zst; `#format=` for any other name)
    #[arg(default_value = ".")]
    pub input: PathBuf,
    /// The buf.yaml file or data (YAML or JSON) to use instead of the one found
    #[arg(long)]
    pub config: Option<String>,
    /// Limit to these files or directories (relative to the current directory)
    #[arg(long = "path")]
    pub paths: Vec<PathBuf>,
    /// Exclude these files or directories (relative to the current directory)
    #[arg(long = "exclude-path")]
    pub exclude_paths: Vec<PathBuf>,
    /// Extra import directory for dependencies (repeatable), like protoc's -I
    #[arg(short = 'I', long = "include")]
    pub includes: Vec<PathBuf>,
    /// Never download: a dependency buf.lock pins that buf's module cache lacks is an error
    /// naming it (also SOUS_OFFLINE=1)
    #[arg(long)]
    pub offline: bool,
    /// Set from lint's and breaking's `--allow-message-sets` (see [`Cli::settled`]); `sous
    /// build` has no such flag, as buf has none.
    #[arg(skip)]
    pub allow_message_sets: bool,
}

/// Checking files with message sets, beyond buf: an argument of lint and breaking only.
#[derive(Args, Debug, Clone, Default)]
pub struct MessageSetArgs {
    /// Check files that set `message_set_wire_format = true` (a legacy proto1 feature) instead
    /// of refusing them with an error as buf does (beyond buf)
    #[arg(long)]
    pub allow_message_sets: bool,
}

impl Cli {
    /// The parsed command line with lint's and breaking's own input flags moved into their
    /// [`InputArgs`], where the stages that read the input find them.
    pub fn settled(mut self) -> Cli {
        match &mut self.command {
            Command::Lint(args) => args.input.allow_message_sets = args.sets.allow_message_sets,
            Command::Breaking(args) => {
                args.input.allow_message_sets = args.sets.allow_message_sets;
            }
            _ => {}
        }
        self
    }
}

#[derive(Args, Debug)]
pub struct LintArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub sets: MessageSetArgs,
    /// Report only findings not already present at git revision REV (a branch, tag, SHA or
    /// HEAD~N), matched by rule and element, not by line
    #[arg(long, value_name = "REV", conflicts_with_all = ["fix", "diff", "add_ignores"])]
    pub since: Option<String>,
    #[command(flatten)]
    pub fixes: FixArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
    /// Insert a `// buf:lint:ignore RULE_ID` comment above each finding, so that a legacy tree
    /// adopts the rules one file at a time (needs comment ignores on in buf.yaml); with --diff,
    /// print them instead
    #[arg(long)]
    pub add_ignores: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Fixing what can be fixed, ruff's way: only safe fixes unless `--unsafe-fixes`.
#[derive(Args, Debug, Clone, Default)]
pub struct FixArgs {
    /// Apply the safe fixes to the files (each verified first), then report what is left
    #[arg(long)]
    pub fix: bool,
    /// Print the unified diff the fixes would apply and change nothing (exit 100 if there is
    /// something to fix, 0 otherwise)
    #[arg(long)]
    pub diff: bool,
    /// With --fix or --diff, also the fixes that change behaviour: lint's renames (fields,
    /// oneofs, enum values; messages, enums and services with every reference to them), which
    /// change JSON names and generated code; breaking's deleted fields and values put back with
    /// `[deprecated = true]` instead of reserved
    #[arg(long)]
    pub unsafe_fixes: bool,
}

/// Where the findings of a run are kept, so that the same run on the same files replays them.
#[derive(Args, Debug, Clone, Default)]
pub struct CacheArgs {
    /// Keep and reuse results in DIR [default: $SOUS_CACHE_DIR, else $XDG_CACHE_HOME/sous, else
    /// the platform's cache directory]
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Neither read nor write the cache (also SOUS_NO_CACHE=1, unless --cache-dir is given)
    #[arg(long)]
    pub no_cache: bool,
}

/// How a report leaves the program.
#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// How findings are printed [default: pretty on a terminal, text otherwise]
    #[arg(long, value_enum)]
    pub error_format: Option<ErrorFormat>,
    /// When to colour pretty output (NO_COLOR in the environment also turns colour off)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Write the report to FILE (atomically) instead of stdout; the exit code is the same
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
pub struct BreakingArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub sets: MessageSetArgs,
    /// What to compare with: a git revision (main, HEAD~1, a tag or SHA), buf's git syntax
    /// (.git#branch=main,subdir=proto), a directory, a .proto file, an archive (.tar, .tar.gz,
    /// .tgz, .tar.zst, .zip), or a buf image or descriptor set file (.binpb, .bin, .pb, .json,
    /// .txtpb, .yaml, optionally .gz or .zst)
    #[arg(long)]
    pub against: String,
    /// The buf.yaml file or data for the against side instead of the one found there
    #[arg(long)]
    pub against_config: Option<String>,
    /// Compare only the input's own files, not the files they import
    #[arg(long)]
    pub exclude_imports: bool,
    /// Only compare files present in the input: files deleted from it are not reported
    #[arg(long)]
    pub limit_to_input_files: bool,
    #[command(flatten)]
    pub fixes: FixArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Where to write the FileDescriptorSet (binary protobuf, like `buf build -o x.binpb`)
    #[arg(short = 'o', long)]
    pub output: PathBuf,
    /// Leave out the files the input imports
    #[arg(long)]
    pub exclude_imports: bool,
    /// Leave out source code info (comments and positions)
    #[arg(long)]
    pub exclude_source_info: bool,
    /// How compile errors are printed
    #[arg(long, value_enum, default_value_t = ErrorFormat::Text)]
    pub error_format: ErrorFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorFormat {
    /// buf's `path:line:column:message`
    Text,
    /// buf's JSON Lines, one finding per line
    Json,
    /// Visual Studio's `path(line,column) : error RULE : message`
    Msvs,
    /// JUnit XML, one test case per finding
    Junit,
    /// GitHub Actions workflow commands (annotations on the pull request)
    GithubActions,
    /// GitLab Code Quality report (JSON)
    GitlabCodeQuality,
    /// An `ignore_only` block for buf.yaml that silences every finding (lint only)
    ConfigIgnoreYaml,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// The source snippet, the rule, our message and how to fix it
    Pretty,
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// List lint rules
    LsLintRules(LsRulesArgs),
    /// List breaking rules
    LsBreakingRules(LsRulesArgs),
}

#[derive(Args, Debug)]
pub struct LsRulesArgs {
    /// List every rule of this configuration version: v1beta1, v1 or v2 (default: the buf.yaml
    /// here, else v2); not with --configured-only
    // Checked by `invocation`, not clap: as in buf, an empty value means the default.
    #[arg(long)]
    pub version: Option<String>,
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    /// List the rules the configuration enables instead of every rule
    #[arg(long)]
    pub configured_only: bool,
    /// Also list deprecated rules
    #[arg(long)]
    pub include_deprecated: bool,
    /// The buf.yaml file or data to read (with --configured-only)
    #[arg(long)]
    pub config: Option<String>,
    /// The module (as its path in buf.yaml) whose configuration to list
    #[arg(long)]
    pub module_path: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    Text,
    Json,
}
