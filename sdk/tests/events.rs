//! Events: a container's life seen in order with filters, a live stream
//! ending at `until` (real engine); and, on a fake engine, a stream that
//! outlives the response timeout, unknown types and actions kept, and the
//! connection closed when the stream is dropped.

mod common;

use std::time::{Duration, Instant, SystemTime};

use docker_engine::containers::{ContainerCreate, RemoveOptions};
use docker_engine::system::{EventAction, EventType, EventsOptions, Timestamp};
use docker_engine::versions::ApiVersion;
use docker_engine::{Docker, VersionSetting};
use futures_util::StreamExt;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use common::{docker, unique, IMAGE, LABEL};

async fn life_of_a_container(docker: &Docker, mark: &str) -> String {
    let c = docker
        .containers()
        .create(
            &ContainerCreate::new(IMAGE)
                .name(unique("sdk-events"))
                .label(LABEL, "true")
                .label("events-mark", mark)
                .cmd(["sh", "-c", "exit 3"]),
        )
        .await
        .unwrap();
    docker.containers().start(&c.id).await.unwrap();
    docker
        .containers()
        .wait(&c.id, &Default::default())
        .await
        .unwrap();
    docker
        .containers()
        .remove(&c.id, &RemoveOptions::default())
        .await
        .unwrap();
    c.id
}

#[tokio::test]
async fn a_containers_life_in_order_with_filters() {
    let Some(docker) = docker().await else { return };
    let mark = unique("mark");
    // Event times have second resolution on the engine's side.
    let before = SystemTime::now() - Duration::from_secs(1);
    let id = life_of_a_container(&docker, &mark).await;
    let until = SystemTime::now() + Duration::from_secs(1);

    let window = EventsOptions::default().since(before).until(until);
    let collect = |opts: EventsOptions| {
        let docker = docker.clone();
        async move {
            let stream = docker.system().events(&opts).await.unwrap();
            // The stream ends by itself: `until` is reached.
            tokio::time::timeout(Duration::from_secs(30), stream.collect::<Vec<_>>())
                .await
                .expect("the stream ends at until")
                .into_iter()
                .map(|e| e.unwrap())
                .collect::<Vec<_>>()
        }
    };
    let events = collect(window.clone().container(&id).kind(EventType::Container)).await;
    let actions: Vec<_> = events.iter().map(|e| e.action.clone()).collect();
    assert_eq!(
        actions,
        [
            EventAction::Create,
            EventAction::Start,
            EventAction::Die,
            EventAction::Destroy
        ],
        "{events:#?}"
    );
    for e in &events {
        assert_eq!(e.kind, EventType::Container);
        assert_eq!(e.actor_id, id);
        assert_eq!(e.attributes["events-mark"], mark);
        assert_eq!(e.attributes["image"], IMAGE);
        let t = e.time.unwrap();
        assert!(t >= before - Duration::from_secs(1) && t <= until, "{t:?}");
    }
    let die = &events[2];
    assert_eq!(die.attributes["exitCode"], "3");

    // The label and action filters select the same container's die alone.
    let dies = collect(
        window
            .clone()
            .label(format!("events-mark={mark}"))
            .action(EventAction::Die),
    )
    .await;
    assert_eq!(dies.len(), 1, "{dies:#?}");
    assert_eq!(
        (dies[0].action.clone(), dies[0].actor_id.clone()),
        (EventAction::Die, id.clone())
    );

    // Another kind of object: nothing of this container.
    let none = collect(window.container(&id).kind(EventType::Network)).await;
    assert!(none.is_empty(), "{none:#?}");
}

#[tokio::test]
async fn a_live_stream_ends_at_until() {
    let Some(docker) = docker().await else { return };
    let mark = unique("mark");
    let started = Instant::now();
    let opts = EventsOptions::default()
        .until(Timestamp::FromNow(Duration::from_secs(4)))
        .label(format!("events-mark={mark}"));
    let mut stream = docker.system().events(&opts).await.unwrap();
    let id = life_of_a_container(&docker, &mark).await;
    let mut seen = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(e) = stream.next().await {
            seen.push(e.unwrap());
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream did not end at until");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(3),
        "ended early, after {took:?}"
    );
    let actions: Vec<_> = seen
        .iter()
        .filter(|e| e.actor_id == id)
        .map(|e| e.action.as_str().to_string())
        .collect();
    assert_eq!(actions, ["create", "start", "die", "destroy"], "{seen:#?}");
}

/// A fake engine that answers one events request with `lines`, sent
/// `gap` apart, then keeps the connection open; it reports when the
/// client closes it.
async fn fake_events(
    lines: Vec<&'static str>,
    gap: Duration,
) -> (String, tokio::sync::oneshot::Receiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (conn, _) = listener.accept().await.unwrap();
        let mut conn = BufReader::new(conn);
        let mut request = String::new();
        loop {
            let mut line = String::new();
            conn.read_line(&mut line).await.unwrap();
            if line.trim().is_empty() {
                break;
            }
            request.push_str(&line);
        }
        conn.get_mut()
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            .await
            .unwrap();
        for line in lines {
            tokio::time::sleep(gap).await;
            let chunk = format!("{:x}\r\n{line}\n\r\n", line.len() + 1);
            conn.get_mut().write_all(chunk.as_bytes()).await.unwrap();
        }
        // Wait for the client to close its end.
        let mut rest = Vec::new();
        let _ = conn.read_to_end(&mut rest).await;
        let _ = tx.send(request);
    });
    (format!("tcp://{addr}"), rx)
}

#[tokio::test]
async fn outlives_the_response_timeout_keeps_unknowns_and_closes_when_dropped() {
    let (host, closed) = fake_events(
        vec![
            r#"{"Type":"container","Action":"exec_start: sh -c true","Actor":{"ID":"c1","Attributes":{"name":"x"}},"scope":"local","time":1,"timeNano":1000000001}"#,
            r#"{"Type":"teleporter","Action":"beam","Actor":{"ID":"t1"},"scope":"galaxy"}"#,
        ],
        Duration::from_millis(400),
    )
    .await;
    let docker = Docker::builder()
        .host(&host)
        .unwrap()
        .version(VersionSetting::Fixed(ApiVersion::new(1, 41)))
        .response_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let mut stream = docker
        .system()
        .events(&EventsOptions::default().kind(EventType::Container))
        .await
        .unwrap();
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.action, EventAction::ExecStart);
    assert_eq!(first.action_detail.as_deref(), Some("sh -c true"));
    assert_eq!(
        (first.actor_id.as_str(), first.attributes["name"].as_str()),
        ("c1", "x")
    );
    // Second item 800 ms after the answer began: beyond the response
    // timeout, which covers only the headers.
    let second = stream.next().await.unwrap().unwrap();
    assert_eq!(second.kind, EventType::Other("teleporter".into()));
    assert_eq!(second.action, EventAction::Other("beam".into()));
    assert_eq!(second.scope.unwrap().as_str(), "galaxy");

    let mut closed = closed;
    // Still open while the stream is held.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(closed.try_recv().is_err(), "closed while still held");
    drop(stream);
    let request = tokio::time::timeout(Duration::from_secs(5), closed)
        .await
        .expect("the connection is closed when the stream is dropped")
        .unwrap();
    assert!(
        request.starts_with("GET /v1.41/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D "),
        "{request}"
    );
}
