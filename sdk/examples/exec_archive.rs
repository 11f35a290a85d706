//! Runs a command in a container with `exec`, then copies a directory into
//! the container and back out (tarred and untarred on the fly).
//!
//! ```text
//! cargo run -p docker-engine --example exec_archive [IMAGE]
//! ```

use docker_engine::containers::{ContainerCreate, RemoveOptions};
use docker_engine::exec::ExecCreate;
use docker_engine::Docker;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let image = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "docker-engine-rs-test/busybox:2".into());
    let docker = Docker::from_env()?;
    let spec = ContainerCreate::new(&image)
        .label("org.docker-engine-rs.example", "exec_archive")
        .cmd(["sleep", "60"]);
    let id = docker.containers().create(&spec).await?.id;
    let outcome = async {
        docker.containers().start(&id).await?;
        let out = docker
            .exec()
            .run(
                &id,
                &ExecCreate::new(["sh", "-c", "uname -a; exit 3"]),
                None,
            )
            .await?;
        print!("exec said: {}", String::from_utf8_lossy(&out.stdout));
        println!("exec exit code: {}", out.exit_code);

        let host = tempfile::tempdir()?;
        let tree = host.path().join("notes");
        std::fs::create_dir_all(&tree)?;
        std::fs::write(tree.join("a.txt"), "written on the host\n")?;
        docker.containers().copy_into(&id, &tree, "/srv").await?;
        let back = host.path().join("back");
        std::fs::create_dir(&back)?;
        let stat = docker
            .containers()
            .copy_out(&id, "/srv/notes", &back)
            .await?;
        println!(
            "copied {} back ({} dir): {}",
            stat.name,
            if stat.is_dir() { "a" } else { "not a" },
            std::fs::read_to_string(back.join("notes/a.txt"))?.trim()
        );
        Ok::<_, Box<dyn std::error::Error>>(())
    }
    .await;
    docker
        .containers()
        .remove(&id, &RemoveOptions::default().force(true))
        .await?;
    outcome
}
