//! A real editor: neovim from Debian's packages (`$SOUS_NVIM`, else `/usr/bin/nvim`; `.ci/run`
//! installs it), headless, configured with the README's snippet, opens a fixture file; a few
//! lines of Lua write the diagnostics it received to a file, which must hold what `sous lint`
//! and buf report. The VS Code and Helix setups of the README are read and started too.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::client::{cells, Client};
use super::{lint_of, workspace, ORDER};

/// neovim: `$SOUS_NVIM`, else `/usr/bin/nvim`. Missing is a failure that says how to install
/// it, never a skip.
fn nvim() -> PathBuf {
    let path = std::env::var_os("SOUS_NVIM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/nvim"));
    assert!(
        path.is_file(),
        "neovim not found at {}: install it with `apt-get install -y neovim` (or run .ci/run, or set SOUS_NVIM)",
        path.display()
    );
    path
}

/// The README block that starts with `first`.
fn readme_block(first: &str) -> String {
    let found: Vec<String> = crate::snippets::blocks()
        .into_iter()
        .map(|(_, body)| body)
        .filter(|body| body.starts_with(first))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "README.md: one block starting with {first:?}"
    );
    found.into_iter().next().unwrap()
}

/// What the editor runs after opening the file: waits for diagnostics, writes them as JSON.
const HARNESS: &str = r#"
local out = vim.env.SOUS_TEST_OUT
local ok = vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local f = io.open(out, "w")
f:write(ok and vim.fn.json_encode(vim.diagnostic.get(0)) or "timeout")
f:close()
vim.cmd("qa!")
"#;

#[test]
fn neovim_with_the_readme_setup_receives_the_diagnostics() {
    let nvim = nvim();
    let (dir, _repo) = workspace();
    let root = dir.path().canonicalize().unwrap();
    let config = tempfile::tempdir().unwrap();
    let init = config.path().join("init.lua");
    std::fs::write(&init, readme_block("-- init.lua (neovim)\n")).unwrap();
    let harness = config.path().join("harness.lua");
    std::fs::write(&harness, HARNESS).unwrap();
    let out = config.path().join("diagnostics.json");
    // `sous` on PATH, as the snippet runs it.
    let bin = config.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_sous"), bin.join("sous")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let home = config.path().join("home");
    let mut child = Command::new(&nvim)
        .args(["--headless", "-n", "-i", "NONE", "-u"])
        .arg(&init)
        .arg(ORDER)
        .arg("-c")
        .arg(format!("luafile {}", harness.display()))
        .current_dir(&root)
        .env("PATH", path)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("SOUS_TEST_OUT", &out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn nvim");
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("neovim did not exit");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let written = std::fs::read_to_string(&out).expect("neovim wrote no diagnostics");
    assert_ne!(written, "timeout", "neovim received no diagnostics");
    let diagnostics: Vec<Value> = serde_json::from_str(&written).unwrap();
    let text = std::fs::read_to_string(root.join(ORDER)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // neovim counts columns in bytes, 0-based.
    let column = |line: &Value, col: &Value| {
        let line = lines[line.as_u64().unwrap() as usize];
        let col = (col.as_u64().unwrap() as usize).min(line.len());
        cells(&line[..col])
    };
    let got: std::collections::BTreeSet<super::Key> = diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d["source"], "sous", "{d}");
            (
                d["lnum"].as_u64().unwrap() as u32 + 1,
                column(&d["lnum"], &d["col"]),
                d["end_lnum"].as_u64().unwrap() as u32 + 1,
                column(&d["end_lnum"], &d["end_col"]),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let (expected, _) = lint_of(&root, ORDER);
    assert_eq!(got, expected);
}

#[test]
fn vs_code_and_helix_setups_start_the_server() {
    // VS Code's settings.json allows `//` comments.
    let vscode = readme_block("// .vscode/settings.json (VS Code)\n");
    let json_text: String = vscode
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let settings: Value = serde_json::from_str(&json_text).unwrap();
    assert_eq!(settings["glspc.server.command"], "sous");
    assert_eq!(settings["glspc.server.commandArguments"], json!(["lsp"]));
    let options = settings["glspc.server.initializationOptions"].clone();

    let helix = readme_block("# .helix/languages.toml (Helix)\n");
    let value = |key: &str| {
        helix
            .lines()
            .find_map(|l| l.strip_prefix(key)?.trim_start().strip_prefix('='))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no {key} in the Helix setup"))
    };
    assert_eq!(value("command"), "\"sous\"");
    assert_eq!(value("args"), "[\"lsp\"]");
    assert!(
        helix.contains("name = \"protobuf\""),
        "Helix calls the language protobuf"
    );

    // `sous lsp` answers the handshake with the options they send.
    let (dir, _repo) = workspace();
    let client = {
        let mut client = Client::start(dir.path(), &[]);
        let init = client.initialize(options);
        assert_eq!(init["serverInfo"]["name"], "sous");
        client
    };
    assert_eq!(client.shutdown(), 0);
}
