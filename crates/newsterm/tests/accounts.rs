//! Users and tokens as an operator manages them: `newsterm user` and
//! `newsterm token` on a data directory, with and without a server
//! running on it, and `--token` / `$NEWSTERM_TOKEN` sent by every client
//! command.

mod common;

use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use common::{BIN, Server, newsterm, stdout_of, with_stdin};

fn failed(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn users_and_tokens_are_managed_on_the_data_directory_beside_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();

    // The first admin, before the server ever ran: the directory is made
    // owner-only.
    let out = with_stdin(
        &[
            "user",
            "add",
            "ana",
            "--role",
            "admin",
            "--password-stdin",
            "--data",
            d,
        ],
        "correct horse\n",
    );
    assert!(stdout_of(&out).contains("added user ana (admin)"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&data).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
    }

    // The server runs on it while accounts change.
    let _server = Server::start(&data);
    stdout_of(&newsterm(&[
        "user", "add", "bo", "--role", "reader", "--data", d,
    ]));
    let list = stdout_of(&newsterm(&["user", "list", "--data", d]));
    assert!(list.contains("ana\tadmin\tpassword"), "{list}");
    assert!(list.contains("bo\treader\ttokens only"), "{list}");

    let out = newsterm(&[
        "token",
        "create",
        "--user",
        "ana",
        "--scope",
        "publish,read",
        "--expires",
        "30d",
        "--name",
        "ci",
        "--data",
        d,
    ]);
    let token = stdout_of(&out);
    assert_eq!(
        token.lines().count(),
        1,
        "the token alone on stdout: {token}"
    );
    let token = token.trim();
    assert!(token.starts_with("nt_") && token.len() > 80, "{token}");
    let listed = stdout_of(&newsterm(&["token", "list", "--data", d]));
    let id = listed.split('\t').next().unwrap().to_string();
    assert!(token.starts_with(&format!("nt_{id}_")), "{listed}");
    assert!(listed.contains("\tana\tci\tpublish,read\t"), "{listed}");
    assert!(listed.contains("expires "), "{listed}");
    assert!(
        !listed.contains(&token[20..]),
        "a secret was listed: {listed}"
    );
    // The store keeps only a hash.
    let stored = std::fs::read(data.join("accounts.db")).unwrap();
    assert!(!stored.windows(64).any(|w| w == &token.as_bytes()[20..]));

    // Mistakes are named.
    let err = failed(&newsterm(&[
        "token", "create", "--user", "bo", "--scope", "publish", "--data", d,
    ]));
    assert!(
        err.contains("the reader role does not allow the publish scope"),
        "{err}"
    );
    let err = failed(&newsterm(&[
        "user", "add", "cy", "--role", "root", "--data", d,
    ]));
    assert!(err.contains("`root` is not a role"), "{err}");
    let err = failed(&newsterm(&[
        "token", "create", "--user", "nobody", "--data", d,
    ]));
    assert!(err.contains("there is no user `nobody`"), "{err}");
    let err = failed(&with_stdin(
        &["user", "passwd", "bo", "--password-stdin", "--data", d],
        "short\n",
    ));
    assert!(err.contains("at least 8"), "{err}");
    stdout_of(&with_stdin(
        &["user", "passwd", "bo", "--password-stdin", "--data", d],
        "battery staple\n",
    ));

    stdout_of(&newsterm(&["token", "revoke", &id, "--data", d]));
    assert!(stdout_of(&newsterm(&["token", "list", "--data", d])).is_empty());
    stdout_of(&newsterm(&["user", "rm", "bo", "--data", d]));
    let list = stdout_of(&newsterm(&["user", "list", "--data", d]));
    assert!(!list.contains("bo"), "{list}");

    // Every file the server and the CLI made there (stories, alerts with
    // webhook secrets, sources, accounts, their WAL files) is the owner's
    // alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut files = Vec::new();
        for entry in std::fs::read_dir(&data).unwrap() {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            if meta.is_file() {
                let name = entry.file_name().to_string_lossy().into_owned();
                assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{name}");
                files.push(name);
            }
        }
        for db in ["accounts.db", "alerts.db", "sources.db", "store.db"] {
            assert!(files.iter().any(|f| f == db), "{db} missing: {files:?}");
        }
    }
}

/// A stand-in server that records the Authorization header it is sent.
async fn recording_server() -> (String, Arc<Mutex<Vec<Option<String>>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |headers: axum::http::HeaderMap| {
        let record = record.clone();
        async move {
            record.lock().unwrap().push(
                headers
                    .get("authorization")
                    .map(|v| v.to_str().unwrap().to_string()),
            );
            (
                [("content-type", "application/json")],
                r#"{"total":0,"hits":[],"next_cursor":null,"took_ms":0}"#,
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

// The CLI runs blocking beside the stand-in server: two worker threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_commands_send_the_token_as_a_bearer() {
    let (url, seen) = recording_server().await;
    let run = |token_arg: bool, env: Option<&str>| {
        let mut cmd = Command::new(BIN);
        cmd.args(["search", "--server", &url]);
        if token_arg {
            cmd.args(["--token", "nt_from_flag"]);
        }
        // Options go before the query: what follows it is query words.
        cmd.arg("anything");
        cmd.env_remove("NEWSTERM_TOKEN");
        if let Some(v) = env {
            cmd.env("NEWSTERM_TOKEN", v);
        }
        cmd.stdin(Stdio::null()).output().unwrap()
    };
    let outputs = [
        run(true, None),
        run(false, Some("nt_from_env")),
        run(false, None),
    ];
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            Some("Bearer nt_from_flag".to_string()),
            Some("Bearer nt_from_env".to_string()),
            None
        ],
        "{:?}",
        outputs
            .iter()
            .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
            .collect::<Vec<_>>()
    );
}
