//! The GitHub Action (`action.yml`) run outside GitHub. The harness reads `action.yml`, evaluates
//! the `${{ }}` expressions it uses, and runs each `run:` step the way a runner does (`bash
//! --noprofile --norc -eo pipefail`, a fresh `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` per step,
//! the event as JSON at `GITHUB_EVENT_PATH`); `uses:` steps (actions/cache) are recorded, not run.
//! The sous under test is given as `sous-path`, so nothing is built. Repositories are built in
//! temporary directories and checked out as actions/checkout does: one commit, fetched by SHA.
//! The README's workflow is run through the same harness.

use crate::snippets as readme;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use git2::{Oid, Repository, Signature};
use serde::Deserialize;
use serde_json::{json, Value};

const ZERO: &str = "0000000000000000000000000000000000000000";
const V1: &str = "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  int32 id = 1;\n  string note = 2;\n}\n";
/// V1 plus a field: neither a lint finding nor a breaking change.
const ADDED: &str = "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  int32 id = 1;\n  string note = 2;\n  string label = 3;\n}\n";
/// V1 with `note` deleted (FIELD_NO_DELETE) and a field named against the style
/// (FIELD_LOWER_SNAKE_CASE).
const BROKEN: &str = "syntax = \"proto3\";\npackage acme.v1;\nmessage Order {\n  int32 id = 1;\n  int32 OtherId = 3;\n}\n";
const ORDER: &str = "proto/acme/v1/order.proto";

// ---------------------------------------------------------------------------------------------
// action.yml and its expressions

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Action {
    name: String,
    description: String,
    #[allow(dead_code)]
    author: String,
    #[allow(dead_code)]
    branding: BTreeMap<String, String>,
    inputs: BTreeMap<String, InputDef>,
    outputs: BTreeMap<String, OutputDef>,
    runs: Runs,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InputDef {
    description: String,
    default: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutputDef {
    description: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Runs {
    using: String,
    steps: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    id: Option<String>,
    #[serde(rename = "if")]
    condition: Option<String>,
    uses: Option<String>,
    #[serde(default)]
    with: BTreeMap<String, String>,
    shell: Option<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    run: Option<String>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn action(dir: &Path) -> Action {
    let text = std::fs::read_to_string(dir.join("action.yml")).expect("action.yml");
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("action.yml: {e}"))
}

/// What `${{ }}` can see: the inputs as given (defaults filled in), the steps run so far, and
/// the `github` and `runner` values the action reads.
struct Context {
    inputs: BTreeMap<String, String>,
    steps: BTreeMap<String, BTreeMap<String, String>>,
    github: BTreeMap<&'static str, String>,
}

impl Context {
    fn lookup(&self, path: &str) -> String {
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["inputs", name] => self
                .inputs
                .get(*name)
                .unwrap_or_else(|| panic!("action.yml reads undefined input {name}"))
                .clone(),
            ["steps", id, "outputs", name] => self
                .steps
                .get(*id)
                .and_then(|o| o.get(*name))
                .cloned()
                .unwrap_or_default(),
            ["github", name] => self
                .github
                .get(name)
                .unwrap_or_else(|| panic!("the harness does not know github.{name}"))
                .clone(),
            _ => panic!("the harness cannot evaluate `{path}`: teach tests/cli/action.rs or simplify action.yml"),
        }
    }

    /// An expression: a context path, a `'literal'`, or `a == b` / `a != b` of those.
    fn eval(&self, expr: &str) -> String {
        let expr = expr.trim();
        for (op, equal) in [("==", true), ("!=", false)] {
            if let Some((a, b)) = expr.split_once(op) {
                return ((self.eval(a) == self.eval(b)) == equal).to_string();
            }
        }
        match expr.strip_prefix('\'').and_then(|e| e.strip_suffix('\'')) {
            Some(literal) => literal.to_string(),
            None => self.lookup(expr),
        }
    }

    /// Text with every `${{ expr }}` replaced by its value.
    fn interpolate(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("unclosed ${{") + start;
            out.push_str(&self.eval(&rest[start + 3..end]));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    fn condition(&self, condition: &str) -> bool {
        let c = condition.trim();
        let c = c
            .strip_prefix("${{")
            .and_then(|c| c.strip_suffix("}}"))
            .unwrap_or(c);
        self.eval(c) == "true"
    }
}

/// `name=value` lines and `name<<DELIMITER` blocks, as GitHub reads `GITHUB_OUTPUT`.
fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delimiter).collect();
            out.insert(name.to_string(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            out.insert(name.to_string(), value.to_string());
        } else if !line.is_empty() {
            panic!("GITHUB_OUTPUT line {line:?} is neither name=value nor name<<DELIMITER");
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Running the action

/// One run of the action on a runner.
struct Runner {
    /// The directory holding action.yml (the repository root, or a copy).
    action_path: PathBuf,
    workspace: PathBuf,
    home: PathBuf,
    event_name: String,
    event: Value,
    inputs: BTreeMap<String, String>,
    /// Prepended to PATH.
    path: Option<PathBuf>,
}

struct Ran {
    stdout: String,
    stderr: String,
    /// The exit status of the last step run (a failing step ends the run).
    status: i32,
    outputs: BTreeMap<String, String>,
    summary: String,
    /// `uses:` steps whose condition held, with their evaluated `with:`.
    uses: Vec<(String, BTreeMap<String, String>)>,
}

impl Runner {
    fn new(workspace: &Path, home: &Path, event_name: &str, event: Value) -> Runner {
        Runner {
            action_path: root(),
            workspace: workspace.to_path_buf(),
            home: home.to_path_buf(),
            event_name: event_name.to_string(),
            event,
            inputs: BTreeMap::from([(
                "sous-path".to_string(),
                env!("CARGO_BIN_EXE_sous").to_string(),
            )]),
            path: None,
        }
    }

    fn with(mut self, name: &str, value: &str) -> Runner {
        self.inputs.insert(name.to_string(), value.to_string());
        self
    }

    fn run(&self) -> Ran {
        let action = action(&self.action_path);
        assert_eq!(action.runs.using, "composite");
        let runner_dir = self.home.join("runner");
        std::fs::create_dir_all(&runner_dir).unwrap();
        let event_path = runner_dir.join("event.json");
        std::fs::write(
            &event_path,
            serde_json::to_string_pretty(&self.event).unwrap(),
        )
        .unwrap();

        let mut inputs = BTreeMap::new();
        for (name, def) in &action.inputs {
            inputs.insert(name.clone(), def.default.clone().unwrap_or_default());
        }
        for (name, value) in &self.inputs {
            assert!(
                action.inputs.contains_key(name),
                "input {name} is not in action.yml"
            );
            inputs.insert(name.clone(), value.clone());
        }
        let mut ctx = Context {
            inputs,
            steps: BTreeMap::new(),
            github: BTreeMap::from([
                ("action_path", self.action_path.display().to_string()),
                ("event_name", self.event_name.clone()),
                ("workspace", self.workspace.display().to_string()),
            ]),
        };
        let mut ran = Ran {
            stdout: String::new(),
            stderr: String::new(),
            status: 0,
            outputs: BTreeMap::new(),
            summary: String::new(),
            uses: Vec::new(),
        };
        for (n, step) in action.runs.steps.iter().enumerate() {
            if let Some(c) = &step.condition {
                if !ctx.condition(c) {
                    continue;
                }
            }
            if let Some(uses) = &step.uses {
                assert!(step.run.is_none(), "step {n} has both uses and run");
                let with = step
                    .with
                    .iter()
                    .map(|(k, v)| (k.clone(), ctx.interpolate(v)))
                    .collect();
                ran.uses.push((uses.clone(), with));
                continue;
            }
            let script = step.run.as_deref().expect("a step has uses or run");
            assert_eq!(step.shell.as_deref(), Some("bash"), "step {n}: shell");
            let script_path = runner_dir.join(format!("step{n}.sh"));
            std::fs::write(&script_path, ctx.interpolate(script)).unwrap();
            let output_file = runner_dir.join(format!("output{n}"));
            let summary_file = runner_dir.join(format!("summary{n}"));
            std::fs::write(&output_file, "").unwrap();
            std::fs::write(&summary_file, "").unwrap();

            let mut cmd = Command::new("bash");
            cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
                .arg(&script_path)
                .current_dir(&self.workspace);
            for (key, _) in std::env::vars_os() {
                let k = key.to_string_lossy();
                if k.starts_with("GITHUB_")
                    || k.starts_with("RUNNER_")
                    || k.starts_with("INPUT_")
                    || k.starts_with("SOUS")
                    || k.starts_with("GIT_")
                    // Where buf's module cache is: the runner's HOME decides, as on GitHub.
                    || k.starts_with("BUF_")
                    || k == "XDG_CACHE_HOME"
                {
                    cmd.env_remove(&key);
                }
            }
            if let Some(dir) = &self.path {
                let path = std::env::var("PATH").unwrap_or_default();
                cmd.env("PATH", format!("{}:{path}", dir.display()));
            }
            cmd.env("HOME", &self.home)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("CI", "true")
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_EVENT_NAME", &self.event_name)
                .env("GITHUB_EVENT_PATH", &event_path)
                .env("GITHUB_ACTION_PATH", &self.action_path)
                .env("GITHUB_WORKSPACE", &self.workspace)
                .env("GITHUB_OUTPUT", &output_file)
                .env("GITHUB_STEP_SUMMARY", &summary_file)
                .env("RUNNER_OS", "Linux")
                .env("RUNNER_ARCH", "X64")
                .env("RUNNER_TEMP", &runner_dir);
            for (k, v) in &step.env {
                cmd.env(k, ctx.interpolate(v));
            }
            let out = cmd.output().expect("run bash");
            ran.stdout += &String::from_utf8_lossy(&out.stdout);
            ran.stderr += &String::from_utf8_lossy(&out.stderr);
            ran.summary += &std::fs::read_to_string(&summary_file).unwrap();
            let outputs = parse_outputs(&std::fs::read_to_string(&output_file).unwrap());
            if let Some(id) = &step.id {
                ctx.steps.insert(id.clone(), outputs);
            }
            ran.status = out.status.code().unwrap_or(-1);
            if ran.status != 0 {
                break;
            }
        }
        for (name, def) in &action.outputs {
            ran.outputs
                .insert(name.clone(), ctx.interpolate(&def.value));
        }
        ran
    }
}

impl Ran {
    fn output(&self, name: &str) -> &str {
        self.outputs
            .get(name)
            .unwrap_or_else(|| panic!("no output {name}"))
    }

    fn annotations(&self, level: &str) -> Vec<&str> {
        let prefix = format!("::{level} ");
        self.stdout
            .lines()
            .filter(|l| l.starts_with(&prefix))
            .collect()
    }
}

impl std::fmt::Debug for Ran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "status {}\n--- stdout\n{}--- stderr\n{}--- outputs {:?}\n--- summary\n{}",
            self.status, self.stdout, self.stderr, self.outputs, self.summary
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Repositories

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// The GitHub side: a repository whose `main` has the schema at V1 then an unrelated commit
/// (the base), and a commit on top of the base that sets order.proto to `change` (the head).
struct Origin {
    dir: tempfile::TempDir,
    repo: Repository,
    base: Oid,
    head: Oid,
}

impl Origin {
    fn new(change: &str) -> Origin {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_opts(
            dir.path(),
            git2::RepositoryInitOptions::new().initial_head("main"),
        )
        .unwrap();
        write(
            dir.path(),
            "buf.yaml",
            "version: v2\nmodules:\n  - path: proto\n",
        );
        write(dir.path(), ORDER, V1);
        let first = commit(&repo, Some("HEAD"), "schema", &[]);
        write(dir.path(), "README.md", "protos\n");
        let base = commit(&repo, Some("HEAD"), "readme", &[first]);
        write(dir.path(), ORDER, change);
        let head = commit(&repo, Some("refs/heads/feature"), "change", &[base]);
        Origin {
            dir,
            repo,
            base,
            head,
        }
    }

    /// GitHub's `refs/pull/N/merge`: the head merged into the base.
    fn merge(&self, number: u32) -> Oid {
        let tree = self.repo.find_commit(self.head).unwrap().tree_id();
        commit_tree(
            &self.repo,
            Some(&format!("refs/pull/{number}/merge")),
            &format!("Merge {} into {}", self.head, self.base),
            tree,
            &[self.base, self.head],
        )
    }

    fn url(&self) -> String {
        format!("file://{}", self.dir.path().display())
    }

    fn repository(&self) -> Value {
        json!({
            "id": 1296269,
            "name": "protos",
            "full_name": "acme/protos",
            "private": false,
            "owner": {"login": "acme", "type": "Organization"},
            "default_branch": "main",
            "clone_url": self.url(),
        })
    }

    /// A `pull_request` event (`synchronize`), shaped as GitHub sends it.
    fn pull_request_event(&self, number: u32, merge: Oid) -> Value {
        json!({
            "action": "synchronize",
            "number": number,
            "before": self.base.to_string(),
            "after": self.head.to_string(),
            "pull_request": {
                "number": number,
                "state": "open",
                "title": "Change the schema",
                "user": {"login": "octocat"},
                "merge_commit_sha": merge.to_string(),
                "head": {
                    "label": "acme:feature",
                    "ref": "feature",
                    "sha": self.head.to_string(),
                    "repo": self.repository(),
                },
                "base": {
                    "label": "acme:main",
                    "ref": "main",
                    "sha": self.base.to_string(),
                    "repo": self.repository(),
                },
            },
            "repository": self.repository(),
            "sender": {"login": "octocat"},
        })
    }

    /// A `push` event moving `branch` from `before` to the head.
    fn push_event(&self, branch: &str, before: &str) -> Value {
        let head = self.head.to_string();
        json!({
            "ref": format!("refs/heads/{branch}"),
            "before": before,
            "after": head,
            "base_ref": null,
            "created": before == ZERO,
            "deleted": false,
            "forced": false,
            "compare": format!("https://github.com/acme/protos/compare/{}...{}", &before[..12], &head[..12]),
            "commits": [{"id": head, "message": "change", "distinct": true}],
            "head_commit": {"id": head, "message": "change"},
            "repository": self.repository(),
            "pusher": {"name": "octocat"},
            "sender": {"login": "octocat"},
        })
    }

    /// A checkout as actions/checkout makes it with its defaults: a new repository, `origin`
    /// set, exactly one commit fetched (`--depth=1`) into `refspec`'s destination, checked out.
    fn checkout(&self, sha: Oid, dest: &str) -> tempfile::TempDir {
        let ws = tempfile::tempdir().unwrap();
        let sha = sha.to_string();
        git(ws.path(), &["init", "-q"]);
        git(ws.path(), &["remote", "add", "origin", &self.url()]);
        git(
            ws.path(),
            &[
                "fetch",
                "-q",
                "--no-tags",
                "--prune",
                "--no-recurse-submodules",
                "--depth=1",
                "origin",
                &format!("+{sha}:{dest}"),
            ],
        );
        git(ws.path(), &["checkout", "-q", "--force", dest]);
        ws
    }
}

fn commit(repo: &Repository, update: Option<&str>, message: &str, parents: &[Oid]) -> Oid {
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = index.write_tree().unwrap();
    commit_tree(repo, update, message, tree, parents)
}

fn commit_tree(
    repo: &Repository,
    update: Option<&str>,
    message: &str,
    tree: Oid,
    parents: &[Oid],
) -> Oid {
    let sig = Signature::now("t", "t@example.com").unwrap();
    let tree = repo.find_tree(tree).unwrap();
    let parents: Vec<git2::Commit> = parents
        .iter()
        .map(|p| repo.find_commit(*p).unwrap())
        .collect();
    let parents: Vec<&git2::Commit> = parents.iter().collect();
    repo.commit(update, &sig, &sig, message, &tree, &parents)
        .unwrap()
}

fn git(cwd: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(cwd)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn has_commit(ws: &Path, sha: Oid) -> bool {
    Command::new("git")
        .args(["cat-file", "-e", &format!("{sha}^{{commit}}")])
        .current_dir(ws)
        .status()
        .unwrap()
        .success()
}

/// A pull request of `change` onto the base, checked out as actions/checkout does on a
/// `pull_request` event: the merge commit alone, without the base.
fn pull_request(change: &str) -> (Origin, tempfile::TempDir, Value) {
    let origin = Origin::new(change);
    let merge = origin.merge(7);
    let ws = origin.checkout(merge, "refs/remotes/pull/7/merge");
    assert!(
        !has_commit(ws.path(), origin.base),
        "the checkout must lack the base, as GitHub's does"
    );
    let event = origin.pull_request_event(7, merge);
    (origin, ws, event)
}

// ---------------------------------------------------------------------------------------------
// The scenarios

#[test]
fn pull_request_with_a_breaking_change_fetches_the_base_annotates_and_fails() {
    let (origin, ws, event) = pull_request(BROKEN);
    let home = tempfile::tempdir().unwrap();
    let ran = Runner::new(ws.path(), home.path(), "pull_request", event)
        .with("sarif-file", "results/sous.sarif")
        .run();

    assert_eq!(ran.status, 100, "{ran:?}");
    assert!(has_commit(ws.path(), origin.base), "the base was fetched");
    let errors = ran.annotations("error");
    assert_eq!(errors.len(), 2, "{ran:?}");
    assert!(
        errors[0].starts_with(&format!("::error file={ORDER},line=5,")),
        "{ran:?}"
    );
    assert!(
        errors[0].contains("title=FIELD_LOWER_SNAKE_CASE::"),
        "{ran:?}"
    );
    assert!(
        errors[1].starts_with(&format!("::error file={ORDER},")),
        "{ran:?}"
    );
    assert!(errors[1].contains("title=FIELD_NO_DELETE::"), "{ran:?}");

    assert_eq!(ran.output("findings"), "2");
    assert_eq!(ran.output("lint-findings"), "1");
    assert_eq!(ran.output("breaking-findings"), "1");
    assert_eq!(ran.output("against"), origin.base.to_string());
    assert_eq!(ran.output("sarif-file"), "results/sous.sarif");

    assert!(
        ran.summary.contains("### sous lint: 1 finding\n"),
        "{ran:?}"
    );
    assert!(
        ran.summary.contains("### sous breaking: 1 finding\n"),
        "{ran:?}"
    );
    assert!(ran.summary.contains("| FIELD_NO_DELETE | 1 |"), "{ran:?}");
    assert!(
        ran.summary.contains("| FIELD_LOWER_SNAKE_CASE | 1 |"),
        "{ran:?}"
    );

    let sarif: Value = serde_json::from_str(
        &std::fs::read_to_string(ws.path().join("results/sous.sarif")).unwrap(),
    )
    .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    for (run, (id, rule)) in runs.iter().zip([
        ("sous/lint/", "FIELD_LOWER_SNAKE_CASE"),
        ("sous/breaking/", "FIELD_NO_DELETE"),
    ]) {
        assert_eq!(run["automationDetails"]["id"], id);
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 1);
        assert_eq!(results[0]["ruleId"], rule);
    }
}

#[test]
fn pull_request_without_a_breaking_change_passes() {
    let (origin, ws, event) = pull_request(ADDED);
    let home = tempfile::tempdir().unwrap();
    let ran = Runner::new(ws.path(), home.path(), "pull_request", event).run();
    assert_eq!(ran.status, 0, "{ran:?}");
    assert!(ran.annotations("error").is_empty(), "{ran:?}");
    assert_eq!(ran.output("findings"), "0");
    assert_eq!(ran.output("against"), origin.base.to_string());
    assert_eq!(ran.output("sarif-file"), "");
    assert!(
        ran.summary.contains("### sous lint: 0 findings\n"),
        "{ran:?}"
    );
    assert!(
        ran.summary.contains("### sous breaking: 0 findings\n"),
        "{ran:?}"
    );
}

#[test]
fn push_compares_with_the_commit_before_it() {
    let origin = Origin::new(BROKEN);
    let ws = origin.checkout(origin.head, "refs/remotes/origin/main");
    assert!(!has_commit(ws.path(), origin.base));
    let event = origin.push_event("main", &origin.base.to_string());
    let home = tempfile::tempdir().unwrap();
    // Another format, paths, and findings that do not fail the step.
    let ran = Runner::new(ws.path(), home.path(), "push", event)
        .with("lint", "false")
        .with("format", "text")
        .with("paths", &format!("\n  {ORDER}\n\n"))
        .with("fail-on-findings", "false")
        .run();
    assert_eq!(ran.status, 0, "{ran:?}");
    assert_eq!(ran.output("against"), origin.base.to_string());
    assert_eq!(ran.output("findings"), "1");
    assert_eq!(ran.output("lint-findings"), "0");
    assert!(
        ran.stdout.contains(&format!(
            "{ORDER}:3:1:field 2 \"note\" of message \"acme.v1.Order\" was deleted"
        )),
        "text format on stdout: {ran:?}"
    );
    assert!(ran.summary.contains("| FIELD_NO_DELETE | 1 |"), "{ran:?}");
    assert!(!ran.summary.contains("sous lint"), "{ran:?}");
}

#[test]
fn push_creating_a_branch_lints_and_skips_breaking_with_a_notice() {
    let origin = Origin::new(ADDED);
    let ws = origin.checkout(origin.head, "refs/remotes/origin/feature");
    let event = origin.push_event("feature", ZERO);
    let home = tempfile::tempdir().unwrap();
    let ran = Runner::new(ws.path(), home.path(), "push", event).run();
    assert_eq!(ran.status, 0, "{ran:?}");
    let notices = ran.annotations("notice");
    assert_eq!(
        notices,
        ["::notice title=sous::breaking skipped: this push creates the branch, so there is no earlier commit to compare with"],
        "{ran:?}"
    );
    assert_eq!(ran.output("against"), "");
    assert_eq!(ran.output("findings"), "0");
    assert!(
        ran.summary.contains("### sous lint: 0 findings\n"),
        "{ran:?}"
    );
    assert!(
        ran.summary.contains("### sous breaking: skipped\n"),
        "{ran:?}"
    );
}

#[test]
fn other_events_need_against_and_say_so() {
    let origin = Origin::new(BROKEN);
    let ws = origin.checkout(origin.head, "refs/remotes/origin/main");
    let home = tempfile::tempdir().unwrap();
    let event = json!({"inputs": {}, "ref": "refs/heads/main", "repository": origin.repository()});
    let runner = || Runner::new(ws.path(), home.path(), "workflow_dispatch", event.clone());

    let ran = runner().with("breaking", "true").run();
    assert_eq!(ran.status, 1, "{ran:?}");
    assert_eq!(
        ran.annotations("error"),
        ["::error title=sous::breaking: a workflow_dispatch event has no base commit: set the action's against input (for example against: main) to compare with"],
        "{ran:?}"
    );

    // By default breaking runs only where there is a base: lint alone, and a notice.
    let ran = runner().run();
    assert_eq!(ran.status, 100, "lint finds OtherId: {ran:?}");
    assert_eq!(ran.output("breaking-findings"), "0");
    assert_eq!(ran.annotations("notice").len(), 1, "{ran:?}");

    // `against` names a branch the checkout lacks: fetched, then compared.
    let ran = runner().with("lint", "false").with("against", "main").run();
    assert_eq!(ran.status, 100, "{ran:?}");
    assert_eq!(ran.output("against"), origin.base.to_string());
    assert_eq!(ran.output("breaking-findings"), "1");
}

/// A copy of the action with a `cargo` that records its arguments and installs the test binary,
/// so that the build step runs without building; `log` lists the calls.
struct ActionCopy {
    dir: tempfile::TempDir,
    bin: tempfile::TempDir,
    log: PathBuf,
}

fn action_copy() -> ActionCopy {
    let action_dir = tempfile::tempdir().unwrap();
    for file in [
        "action.yml",
        "scripts/action.sh",
        "Cargo.toml",
        "Cargo.lock",
    ] {
        write(
            action_dir.path(),
            file,
            &std::fs::read_to_string(root().join(file)).unwrap(),
        );
    }
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("cargo.log");
    write(
        bin.path(),
        "cargo",
        &format!(
            "#!/bin/sh\necho \"CARGO_TARGET_DIR=$CARGO_TARGET_DIR $*\" >> {log}\nwhile [ \"$1\" != --root ]; do shift; done\nmkdir -p \"$2/bin\" && cp {sous} \"$2/bin/sous\"\n",
            log = log.display(),
            sous = env!("CARGO_BIN_EXE_sous")
        ),
    );
    Command::new("chmod")
        .arg("+x")
        .arg(bin.path().join("cargo"))
        .status()
        .unwrap();
    ActionCopy {
        dir: action_dir,
        bin,
        log,
    }
}

impl ActionCopy {
    /// A runner of this copy, without sous-path, with its `cargo` first on the PATH.
    fn runner(&self, ws: &Path, home: &Path, event: Value) -> Runner {
        let mut runner = Runner::new(ws, home, "pull_request", event);
        runner.inputs.remove("sous-path");
        runner.action_path = self.dir.path().to_path_buf();
        runner.path = Some(self.bin.path().to_path_buf());
        runner
    }

    fn cargo_calls(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

#[test]
fn without_sous_path_it_builds_from_its_own_source_once() {
    let copy = action_copy();
    let (action_dir, log) = (&copy.dir, &copy.log);
    let (_origin, ws, event) = pull_request(ADDED);
    let home = tempfile::tempdir().unwrap();
    let runner = copy
        .runner(ws.path(), home.path(), event)
        .with("build-from-source", "true");

    let ran = runner.run();
    assert_eq!(ran.status, 0, "{ran:?}");
    let dir = home.path().join(".cache/sous-action");
    let calls = std::fs::read_to_string(log).unwrap();
    assert_eq!(
        calls,
        format!(
            "CARGO_TARGET_DIR={dir}/target install --locked --force --root {dir} --path {action}\n",
            dir = dir.display(),
            action = action_dir.path().display()
        )
    );
    let [(uses, with)] = ran.uses.as_slice() else {
        panic!("one uses step: {:?}", ran.uses)
    };
    assert_eq!(uses, "actions/cache@v4");
    assert!(
        with["path"].contains(&dir.display().to_string()),
        "{with:?}"
    );
    let key = &with["key"];
    let restore = &with["restore-keys"];
    assert!(restore.starts_with("sous-Linux-X64-"), "{restore}");
    assert!(
        key.starts_with(restore.as_str()) && key.len() > restore.len(),
        "{key} {restore}"
    );

    // The cache restored what the first run built (here: the same HOME): no build.
    let ran = runner.run();
    assert_eq!(ran.status, 0, "{ran:?}");
    assert_eq!(std::fs::read_to_string(log).unwrap(), calls, "built again");
    assert!(ran.stdout.contains("sous: the cached build"), "{ran:?}");
}

/// A release directory as the release workflow publishes it (scripts/package-release), holding
/// the test binary as the runner's (Linux X64) asset of the action's version.
fn release_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let cargo = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let version = cargo
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .unwrap()
        .trim_end_matches('"');
    let out = dir.path().join(format!("v{version}"));
    let packed = Command::new(root().join("scripts/package-release"))
        .arg("x86_64-unknown-linux-musl")
        .arg(env!("CARGO_BIN_EXE_sous"))
        .arg(&out)
        .output()
        .unwrap();
    assert!(packed.status.success(), "{packed:?}");
    let asset = out.join("sous-x86_64-unknown-linux-musl.tar.gz");
    assert!(
        asset.is_file()
            && out
                .join("sous-x86_64-unknown-linux-musl.tar.gz.sha256")
                .is_file()
    );
    (dir, asset)
}

fn file_url(dir: &Path) -> String {
    format!("file://{}", dir.display())
}

/// Without sous-path, the release binary of the action's version is downloaded, its checksum
/// checked, and used: nothing is built; the next run takes it from the cache.
#[test]
fn without_sous_path_it_downloads_the_release_binary_when_the_checksum_matches() {
    let copy = action_copy();
    let (release, _) = release_dir();
    let (_origin, ws, event) = pull_request(ADDED);
    let home = tempfile::tempdir().unwrap();
    let runner = copy
        .runner(ws.path(), home.path(), event)
        .with("release-url", &file_url(release.path()));
    let ran = runner.run();
    assert_eq!(ran.status, 0, "{ran:?}");
    assert_eq!(copy.cargo_calls(), "", "built instead of downloading");
    assert!(
        ran.stdout.contains("sous: release binary file://"),
        "{ran:?}"
    );
    let installed = home.path().join(".cache/sous-action/bin/sous");
    assert_eq!(ran.output("findings"), "0", "{ran:?}");
    assert_eq!(
        std::fs::read(&installed).unwrap(),
        std::fs::read(env!("CARGO_BIN_EXE_sous")).unwrap()
    );
    let ran = runner.run();
    assert_eq!(ran.status, 0, "{ran:?}");
    assert!(ran.stdout.contains("sous: the cached build"), "{ran:?}");
    assert!(!ran.stdout.contains("sous: release binary"), "{ran:?}");
}

/// A release asset whose SHA-256 is not the one its .sha256 file gives is refused with an
/// error that says so: neither used nor silently replaced by a build.
#[test]
fn a_release_binary_with_a_wrong_checksum_is_refused() {
    let copy = action_copy();
    let (release, asset) = release_dir();
    let sum = asset.with_file_name("sous-x86_64-unknown-linux-musl.tar.gz.sha256");
    std::fs::write(
        &sum,
        format!(
            "{}  sous-x86_64-unknown-linux-musl.tar.gz\n",
            "0".repeat(64)
        ),
    )
    .unwrap();
    let (_origin, ws, event) = pull_request(ADDED);
    let home = tempfile::tempdir().unwrap();
    let ran = copy
        .runner(ws.path(), home.path(), event)
        .with("release-url", &file_url(release.path()))
        .run();
    assert_eq!(ran.status, 1, "{ran:?}");
    let errors = ran.annotations("error");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("SHA-256") && e.contains(&"0".repeat(64))),
        "{ran:?}"
    );
    assert_eq!(copy.cargo_calls(), "", "built after a refused download");
    assert!(!home.path().join(".cache/sous-action/bin/sous").exists());
}

/// No release asset for this version (here: an empty release directory): the action builds
/// from its own source, as before releases existed.
#[test]
fn without_a_release_asset_it_builds_from_source() {
    let copy = action_copy();
    let release = tempfile::tempdir().unwrap();
    let (_origin, ws, event) = pull_request(ADDED);
    let home = tempfile::tempdir().unwrap();
    let ran = copy
        .runner(ws.path(), home.path(), event)
        .with("release-url", &file_url(release.path()))
        .run();
    assert_eq!(ran.status, 0, "{ran:?}");
    assert!(ran.stdout.contains("building from source"), "{ran:?}");
    assert!(
        copy.cargo_calls()
            .contains(" install --locked --force --root "),
        "{ran:?}"
    );
}

/// A workspace with deps pinned by buf.lock: the action caches buf's module cache with
/// actions/cache, keyed by the buf.lock files, and sous reads it (here as actions/cache restored
/// it, from a download sous made from a test registry); the runner has no registry to reach.
#[test]
fn deps_are_read_from_bufs_module_cache_cached_by_the_buf_lock_files() {
    use crate::registry::{server::Behaviour, setup, LINT};
    let s = setup(sous::deps::DigestKind::B5, Behaviour::Serve);
    let direct = s.sous(&LINT, &[]);
    assert_eq!(direct.code, 100, "{}", direct.stderr);
    let findings = direct.stdout.lines().count().to_string();

    let home = tempfile::tempdir().unwrap();
    let restored = home.path().join(".cache/buf");
    let run = |home: &Path, inputs: &[(&str, &str)]| {
        let mut runner =
            Runner::new(&s.ws, home, "workflow_dispatch", json!({})).with("breaking", "false");
        for (k, v) in inputs {
            runner = runner.with(k, v);
        }
        runner.run()
    };
    // A cold runner: the cache step is there, and sous cannot download.
    let ran = run(home.path(), &[]);
    assert_eq!(ran.status, 1, "{ran:?}");
    assert!(ran.stderr.contains("buf.build/acme/money"), "{ran:?}");
    let [(uses, with)] = ran.uses.as_slice() else {
        panic!("one uses step: {:?}", ran.uses)
    };
    assert_eq!(uses, "actions/cache@v4");
    assert_eq!(with["path"], format!("{}/v3/modules", restored.display()));
    let key = with["key"].clone();
    assert!(key.starts_with("sous-buf-modules-Linux-"), "{key}");
    assert_eq!(with["restore-keys"], "sous-buf-modules-Linux-");

    // What actions/cache restores: sous reads it, with no registry.
    copy_tree(&s.cache, &restored);
    let ran = run(home.path(), &[]);
    assert_eq!(ran.status, 100, "{ran:?}");
    assert_eq!(ran.output("lint-findings"), findings);
    assert_eq!(ran.uses[0].1["key"], key, "same locks, same key");

    // Another lock, another key; no buf.lock or cache-dependencies: false, no cache step.
    let lock = s.ws.join("buf.lock");
    let text = std::fs::read_to_string(&lock).unwrap();
    std::fs::write(&lock, format!("{text}# edited\n")).unwrap();
    assert_ne!(run(home.path(), &[]).uses[0].1["key"], key);
    assert!(run(home.path(), &[("cache-dependencies", "false")])
        .uses
        .is_empty());
    std::fs::remove_file(&lock).unwrap();
    assert!(run(home.path(), &[]).uses.is_empty());
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

#[test]
fn action_yml_is_complete() {
    let action = action(&root());
    assert_eq!(action.name, "sous");
    assert!(!action.description.is_empty());
    for (name, input) in &action.inputs {
        assert!(!input.description.is_empty(), "input {name}");
    }
    for (name, output) in &action.outputs {
        assert!(!output.description.is_empty(), "output {name}");
        assert!(
            output.value == format!("${{{{ steps.run.outputs.{name} }}}}"),
            "output {name} = {}",
            output.value
        );
    }
    let expected = [
        "input",
        "lint",
        "breaking",
        "against",
        "paths",
        "exclude-paths",
        "config",
        "format",
        "sarif-file",
        "fail-on-findings",
        "sous-path",
        "build-from-source",
        "release-url",
        "cache-dependencies",
    ];
    let names: Vec<&str> = action.inputs.keys().map(String::as_str).collect();
    let mut expected = expected.to_vec();
    expected.sort();
    assert_eq!(names, expected);
    // Every step that runs something runs the script the tests run.
    for step in &action.runs.steps {
        if let Some(run) = &step.run {
            assert!(
                run.starts_with("bash \"$GITHUB_ACTION_PATH/scripts/action.sh\" "),
                "{run}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The README's workflow

#[test]
fn readme_workflow_runs() {
    let text = readme::block(".github/workflows/protobuf.yml");
    let workflow: Value = serde_saphyr::from_str(&text).unwrap();
    assert!(workflow["on"].get("pull_request").is_some(), "{workflow}");
    assert!(workflow["on"].get("push").is_some(), "{workflow}");
    let job = workflow["jobs"]
        .as_object()
        .and_then(|jobs| jobs.values().next())
        .expect("a job");
    // upload-sarif needs security-events: write; checkout needs contents: read.
    assert_eq!(job["permissions"]["security-events"], "write", "{job}");
    assert_eq!(job["permissions"]["contents"], "read", "{job}");
    let steps = job["steps"].as_array().unwrap();
    let uses = |prefix: &str| {
        steps
            .iter()
            .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(prefix)))
            .unwrap_or_else(|| panic!("a step uses {prefix}"))
    };
    assert!(
        uses("actions/checkout@")["with"].is_null(),
        "default checkout"
    );
    let sous = uses("sous-dev/sous@");
    let upload = uses("github/codeql-action/upload-sarif@");
    assert_eq!(
        upload["with"]["sarif_file"],
        format!(
            "${{{{ steps.{}.outputs.sarif-file }}}}",
            sous["id"].as_str().unwrap()
        )
    );
    // Upload even when sous fails the job, as long as the file was written.
    let condition = upload["if"].as_str().unwrap();
    assert!(condition.contains("always()"), "{condition}");
    assert!(
        condition.contains("steps.sous.outputs.sarif-file != ''"),
        "{condition}"
    );

    // Run the sous step as the workflow gives it, on a pull request.
    let with: BTreeMap<String, String> = sous["with"]
        .as_object()
        .map(|w| {
            w.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or(&v.to_string()).to_string()))
                .collect()
        })
        .unwrap_or_default();
    let (origin, ws, event) = pull_request(BROKEN);
    let home = tempfile::tempdir().unwrap();
    let mut runner = Runner::new(ws.path(), home.path(), "pull_request", event);
    for (k, v) in &with {
        runner = runner.with(k, v);
    }
    let ran = runner.run();
    assert_eq!(ran.status, 100, "{ran:?}");
    assert_eq!(ran.output("against"), origin.base.to_string());
    assert_eq!(ran.output("findings"), "2");
    let sarif = ran.output("sarif-file");
    assert!(ws.path().join(sarif).is_file(), "{ran:?}");
}

// ---------------------------------------------------------------------------------------------
// The README's GitLab CI job

/// The job's `script` run as GitLab's shell executor runs it (one bash session with `set -eo
/// pipefail`), on a merge request checked out shallow, with the sous under test on PATH (the
/// job's `before_script` is the README's install command, which tests/cli/precommit.rs runs).
fn gitlab_job(change: &str) -> (i32, String, String) {
    let text = readme::block(".gitlab-ci.yml");
    let ci: Value = serde_saphyr::from_str(&text).unwrap();
    let job = &ci["protobuf"];
    assert_eq!(
        job["rules"][0]["if"],
        "$CI_PIPELINE_SOURCE == \"merge_request_event\""
    );
    assert_eq!(
        job["before_script"],
        json!(["cargo install --locked --git https://github.com/sous-dev/sous sous"])
    );
    let script: Vec<&str> = job["script"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_sous"), bin.path().join("sous")).unwrap();

    let origin = Origin::new(change);
    let ws = origin.checkout(origin.head, "refs/remotes/origin/feature");
    assert!(!has_commit(ws.path(), origin.base));
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args(["-c", &format!("set -eo pipefail\n{}", script.join("\n"))])
        .current_dir(ws.path())
        .env("PATH", path)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("CI_PIPELINE_SOURCE", "merge_request_event")
        .env("CI_MERGE_REQUEST_DIFF_BASE_SHA", origin.base.to_string())
        .env("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main")
        .output()
        .unwrap();
    let reports = job["artifacts"]["reports"]["codequality"]
        .as_array()
        .unwrap();
    assert_eq!(job["artifacts"]["when"], "always");
    let mut findings = String::new();
    for report in reports {
        let text = std::fs::read_to_string(ws.path().join(report.as_str().unwrap()))
            .unwrap_or_else(|e| panic!("{report}: {e}"));
        let issues: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{report}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
        for issue in issues.as_array().unwrap() {
            findings += issue["check_name"].as_str().unwrap();
            findings += "\n";
        }
    }
    let status = out.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (status, findings, stderr)
}

#[test]
fn readme_gitlab_job_reports_code_quality_and_fails_on_findings() {
    let (status, findings, stderr) = gitlab_job(BROKEN);
    assert_eq!(status, 1, "{stderr}");
    assert_eq!(findings, "FIELD_LOWER_SNAKE_CASE\nFIELD_NO_DELETE\n");

    // No findings: each report is still the JSON array GitLab requires.
    let (status, findings, stderr) = gitlab_job(ADDED);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(findings, "");
}
