//! `hullscan server` through its protocol: a client here spawns the binary and speaks LSP over
//! its stdin/stdout (initialize, didOpen, publishDiagnostics, codeAction, hover, didChange,
//! shutdown, exit), comparing what the server says with what `hullscan lint` and `hullscan
//! explain` print for the same file and configuration.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Long enough for a loaded CI machine; a server that hangs fails the test instead of hanging it.
const TIMEOUT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start(dir: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hullscan"))
            .arg("server")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn hullscan server");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length: ") {
                        length = Some(value.parse::<usize>().expect("Content-Length"));
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                reader.read_exact(&mut body).expect("message body");
                let message: Value = serde_json::from_slice(&body).expect("JSON message");
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response (notifications in between are dropped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|message| message["id"] == json!(id))
    }

    /// The next message `matches` accepts, failing after [`TIMEOUT`].
    fn wait_for(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) if matches(&message) => return message,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => panic!("no expected message from the server"),
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
            }
        }
    }

    /// The diagnostics the server publishes for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait_for(|message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
                && message["params"]["version"] == json!(version)
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    let mut codes: Vec<String> = diagnostics
        .iter()
        .map(|diagnostic| diagnostic["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Applies LSP text edits (UTF-16 positions; the texts here are ASCII) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        text.split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>()
            + character
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|edit| {
            (
                offset(&edit["range"]["start"]),
                offset(&edit["range"]["end"]),
                edit["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.0));
    let mut out = text.to_owned();
    for (start, end, new_text) in edits {
        out.replace_range(start..end, new_text);
    }
    out
}

fn hullscan(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_hullscan"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

/// `from-as-casing` (HS302, safe fix) fires on the lower-case `as`; the configuration ignores
/// `maintainer-deprecated` (HS307), which would fire on the MAINTAINER line.
const DOCKERFILE: &str = "FROM alpine:3.20 as build\nMAINTAINER someone\nUSER app\nCMD [\"app\"]\n";

#[test]
fn serves_diagnostics_fixes_and_docs_over_the_protocol() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(project.join("sub")).unwrap();
    std::fs::write(
        project.join("hullscan.toml"),
        "ignore = [\"maintainer-deprecated\"]\n",
    )
    .unwrap();
    let path = project.join("sub/Dockerfile");
    std::fs::write(&path, DOCKERFILE).unwrap();
    let uri = file_uri(&path);

    let mut client = Client::start(dir.path());
    let initialized = client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    let capabilities = &initialized["result"]["capabilities"];
    assert_eq!(capabilities["textDocumentSync"], json!(1), "{initialized}");
    assert_eq!(capabilities["hoverProvider"], json!(true));
    assert!(capabilities["codeActionProvider"].is_object());
    assert_eq!(initialized["result"]["serverInfo"]["name"], "hullscan");
    client.notify("initialized", json!({}));

    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1, "text": DOCKERFILE}}),
    );
    let diagnostics = client.diagnostics(&uri, 1);
    // The same findings as `hullscan lint` with the configuration it discovers for the file.
    let cli: Value = serde_json::from_str(&hullscan(
        dir.path(),
        &["lint", "-f", "json", "project/sub"],
    ))
    .unwrap();
    let mut cli_codes: Vec<String> = cli
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["code"].as_str().unwrap().to_owned())
        .collect();
    cli_codes.sort();
    assert_eq!(codes(&diagnostics), cli_codes, "server vs CLI\n{cli}");
    assert!(!codes(&diagnostics).contains(&"HS307".to_owned()));
    let as_casing = diagnostics
        .iter()
        .find(|diagnostic| diagnostic["code"] == "HS302")
        .unwrap_or_else(|| panic!("HS302 expected: {diagnostics:?}"));
    assert_eq!(as_casing["source"], "hullscan");
    assert_eq!(
        as_casing["range"],
        json!({"start": {"line": 0, "character": 17}, "end": {"line": 0, "character": 19}})
    );

    // The quick fix for the finding under the cursor.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 18}, "end": {"line": 0, "character": 18}},
            "context": {"diagnostics": [as_casing], "only": ["quickfix"]},
        }),
    );
    let actions = actions["result"].as_array().unwrap().clone();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], json!(true));
    let edits = actions[0]["edit"]["changes"][&uri].as_array().unwrap();
    let fixed = apply(DOCKERFILE, edits);
    assert!(fixed.starts_with("FROM alpine:3.20 AS build\n"), "{fixed}");

    // Every safe fix at once, as editors ask on save.
    let fix_all = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll"]},
        }),
    );
    let fix_all = fix_all["result"].as_array().unwrap().clone();
    assert_eq!(fix_all.len(), 1, "{fix_all:?}");
    assert_eq!(fix_all[0]["kind"], "source.fixAll.hullscan");
    let all_fixed = apply(
        DOCKERFILE,
        fix_all[0]["edit"]["changes"][&uri].as_array().unwrap(),
    );
    assert_eq!(all_fixed, fixed);

    // Hover on the finding: its message and `hullscan explain`'s text for the rule.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 18}}),
    );
    let shown = hover["result"]["contents"]["value"].as_str().unwrap();
    let explain = hullscan(dir.path(), &["explain", "HS302"]);
    assert!(explain.contains("from-as-casing"), "{explain}");
    assert!(
        shown.contains(explain.trim()),
        "hover:\n{shown}\nexplain:\n{explain}"
    );
    assert!(shown.contains(as_casing["message"].as_str().unwrap()));
    // Nowhere near a finding: nothing.
    let nothing = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 1}}),
    );
    assert_eq!(nothing["result"], Value::Null, "{nothing}");

    // The user applies the fix: the finding goes away on the next version.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let after = client.diagnostics(&uri, 2);
    assert!(!codes(&after).contains(&"HS302".to_owned()), "{after:?}");
    assert_eq!(after.len(), diagnostics.len() - 1, "{after:?}");

    // A syntax error while typing is a finding, not a crash.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": "FROM alpine:3.20\nRUN <<EOF\n"}]}),
    );
    let broken = client.diagnostics(&uri, 3);
    assert!(!broken.is_empty());

    // An unknown request gets an error response, and the server carries on.
    let unknown = client.request("textDocument/formatting", json!({}));
    assert_eq!(unknown["error"]["code"], json!(-32601), "{unknown}");

    let shutdown = client.request("shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null, "{shutdown}");
    client.notify("exit", Value::Null);
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = client.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
}

#[test]
fn reports_a_broken_configuration_as_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hullscan.toml"),
        "ignore = [\"no-such-rule\"]\n",
    )
    .unwrap();
    let path = dir.path().join("Dockerfile");
    let uri = file_uri(&path);
    let mut client = Client::start(dir.path());
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    // Opened unsaved: the text comes from the editor, not the disk.
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": 7, "text": "FROM alpine\n"}}),
    );
    let diagnostics = client.diagnostics(&uri, 7);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(message.contains("configuration error"), "{message}");
    assert!(message.contains("hullscan.toml"), "{message}");
    assert!(message.contains("no-such-rule"), "{message}");
    // A non-Dockerfile document is not linted: nothing is published for it before the answer
    // to the next request.
    let yaml = file_uri(&dir.path().join("notes.yaml"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": yaml, "languageId": "yaml", "version": 1, "text": "a: 1\n"}}),
    );
    client.send(&json!({"jsonrpc": "2.0", "id": 99, "method": "shutdown", "params": null}));
    client.wait_for(|message| {
        assert_ne!(message["params"]["uri"], json!(yaml), "{message}");
        message["id"] == json!(99)
    });
    client.notify("exit", Value::Null);
    let _ = client.child.wait();
}
