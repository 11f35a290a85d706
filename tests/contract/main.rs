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
    let _ = rustls::crypto::ring::default_provider().install_default();
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
        let problems = check::check_request(spec, op, &samples, req);
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
