//! Contract test: every operation of `spec/`, driven through the generated
//! client against an in-process capture server, and the request it sends
//! checked against the description: method, path template and encoding,
//! query parameters and their encodings, headers, and the body (validated
//! against its schema and compared with what it was built from).
//!
//! Prints `contract: N/M operations checked` and fails unless N == M.

mod calls;
mod capture;
mod check;
mod samples;
mod spec;

use std::time::Duration;

fn main() {
    let spec: &'static spec::Spec = Box::leak(Box::new(spec::Spec::load()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let failures = runtime.block_on(run(spec));
    if !failures.is_empty() {
        eprintln!("\ncontract failures:");
        for f in &failures {
            eprintln!("- {f}");
        }
        std::process::exit(1);
    }
}

async fn run(spec: &'static spec::Spec) -> Vec<String> {
    let (addr, mut captured) = capture::start().await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("reqwest client");
    let client = docker_engine_raw::Client::new_with_client(
        &format!("http://{addr}/v{}", spec.version()),
        http,
        docker_engine_raw::exec::Executor::default(),
    );
    let samples = samples::Samples::new(spec);

    let total = spec.operations().len();
    let mut checked = 0;
    let mut failures = Vec::new();
    for op in spec.operations() {
        if !calls::call(&client, &op.id, &samples).await {
            failures.push(format!("{}: no call in tests/contract/calls.rs", op.id));
            continue;
        }
        let mut requests = Vec::new();
        while let Ok(r) = captured.try_recv() {
            requests.push(r);
        }
        let [req] = requests.as_slice() else {
            failures.push(format!(
                "{}: {} requests captured instead of 1",
                op.id,
                requests.len()
            ));
            continue;
        };
        let mut problems = check::check_request(spec, op, &samples, req);
        problems.extend(upgrade_headers(&op.id, req));
        if problems.is_empty() {
            checked += 1;
        } else {
            failures.extend(
                problems
                    .into_iter()
                    .map(|p| format!("{} {} {}: {p}", op.id, op.method, op.path)),
            );
        }
    }
    println!("contract: {checked}/{total} operations checked");
    failures
}

/// The `Upgrade` header the Docker CLI sent on the first request to a path
/// of `tests/fixtures/cli/hijack-requests.txt` (recorded through a proxy)
/// that contains `path_part` and asked for an upgrade.
fn recorded_upgrade(path_part: &str) -> String {
    let text = include_str!("../fixtures/cli/hijack-requests.txt");
    text.split("\n\n")
        .filter(|block| {
            block
                .lines()
                .next()
                .is_some_and(|line| line.contains(path_part))
        })
        .find_map(|block| {
            block
                .lines()
                .find_map(|l| l.strip_prefix("Upgrade: ").map(str::to_string))
        })
        .unwrap_or_else(|| panic!("no recorded upgrade for {path_part}"))
}

/// What the Docker CLI sends to switch protocols: Docker's own hijack for
/// attach and exec start (as recorded from the CLI), `h2c` for the BuildKit
/// session (as the CLI's client library asks for it); only `attach/ws` is
/// a WebSocket handshake. Every other operation asks for no upgrade.
fn upgrade_headers(id: &str, req: &capture::Captured) -> Vec<String> {
    let expected = match id {
        "ContainerAttach" => Some(recorded_upgrade("/attach?")),
        "ExecStart" => Some(recorded_upgrade("/start")),
        "Session" => Some("h2c".to_string()),
        "ContainerAttachWebsocket" => Some("websocket".to_string()),
        _ => None,
    };
    let expected = expected.as_deref();
    let mut problems = Vec::new();
    let upgrade = req.header_values("upgrade");
    let connection = req.header_values("connection");
    let ws_key = req.header_values("sec-websocket-key");
    match expected {
        Some(protocol) => {
            if upgrade != [protocol] {
                problems.push(format!("Upgrade is {upgrade:?}, expected [{protocol:?}]"));
            }
            if !connection.iter().any(|c| c.eq_ignore_ascii_case("upgrade")) {
                problems.push(format!("Connection is {connection:?}, expected Upgrade"));
            }
            if (protocol == "websocket") != (ws_key.len() == 1) {
                problems.push(format!(
                    "Sec-WebSocket-Key is {ws_key:?} for a {protocol} upgrade"
                ));
            }
        }
        None => {
            if !upgrade.is_empty() || !ws_key.is_empty() {
                problems.push(format!(
                    "asks for an upgrade ({upgrade:?}) it has no use for"
                ));
            }
        }
    }
    problems
}
