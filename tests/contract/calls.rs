//! One call per Engine operation, passing every parameter, for the contract
//! test. Values come from [`Samples`], which derives them from `spec/`.

use docker_engine_raw::{types, Client};

use crate::samples::Samples;

/// Calls the operation `op` (an upstream operation id) through the generated
/// client. Returns `false` if this file has no call for it.
pub async fn call(c: &Client, op: &str, s: &Samples) -> bool {
    match op {
        "SystemPing" => {
            drop(c.system_ping().await);
        }
        "SystemPingHead" => {
            drop(c.system_ping_head().await);
        }
        "SystemAuth" => {
            const OP: &str = "SystemAuth";
            let body: types::AuthConfig = s.body(OP);
            drop(c.system_auth(&body).await);
        }
        "ImageBuild" => {
            const OP: &str = "ImageBuild";
            drop(
                c.image_build(
                    Some(s.str(OP, "buildargs")),
                    Some(s.str(OP, "cachefrom")),
                    Some(7),
                    Some(7),
                    Some(s.str(OP, "cpusetcpus")),
                    Some(7),
                    Some(s.str(OP, "dockerfile")),
                    Some(s.list(OP, "extrahosts")),
                    Some(true),
                    Some(s.str(OP, "isolation")),
                    Some(s.str(OP, "labels")),
                    Some(7),
                    Some(7),
                    Some(s.str(OP, "networkmode")),
                    Some(true),
                    Some(s.str(OP, "outputs")),
                    Some(s.str(OP, "platform")),
                    Some(s.str(OP, "pull")),
                    Some(true),
                    Some(s.str(OP, "remote")),
                    Some(true),
                    Some(7),
                    Some(true),
                    Some(s.list(OP, "t")),
                    Some(s.str(OP, "target")),
                    Some(s.str(OP, "ulimits")),
                    Some(s.parse(OP, "version")),
                    Some(s.parse(OP, "content_type")),
                    Some(s.str(OP, "x_registry_config")),
                    s.bytes(),
                )
                .await,
            );
        }
        "BuildPrune" => {
            const OP: &str = "BuildPrune";
            drop(
                c.build_prune(
                    Some(true),
                    Some(s.str(OP, "filters")),
                    Some(7),
                    Some(7),
                    Some(7),
                )
                .await,
            );
        }
        "ImageCommit" => {
            const OP: &str = "ImageCommit";
            let body: types::ContainerConfig = s.body(OP);
            drop(
                c.image_commit(
                    Some(s.str(OP, "author")),
                    Some(s.str(OP, "changes")),
                    Some(s.str(OP, "comment")),
                    Some(s.str(OP, "container")),
                    Some(true),
                    Some(s.str(OP, "repo")),
                    Some(s.str(OP, "tag")),
                    &body,
                )
                .await,
            );
        }
        "ConfigList" => {
            const OP: &str = "ConfigList";
            drop(c.config_list(Some(s.str(OP, "filters"))).await);
        }
        "ConfigCreate" => {
            const OP: &str = "ConfigCreate";
            let body: types::ConfigSpec = s.body(OP);
            drop(c.config_create(&body).await);
        }
        "ConfigInspect" => {
            const OP: &str = "ConfigInspect";
            drop(c.config_inspect(s.str(OP, "id")).await);
        }
        "ConfigDelete" => {
            const OP: &str = "ConfigDelete";
            drop(c.config_delete(s.str(OP, "id")).await);
        }
        "ConfigUpdate" => {
            const OP: &str = "ConfigUpdate";
            let body: types::ConfigSpec = s.body(OP);
            drop(c.config_update(s.str(OP, "id"), 7, &body).await);
        }
        "ContainerCreate" => {
            const OP: &str = "ContainerCreate";
            let body: types::ContainerCreateBody = s.body(OP);
            drop(
                c.container_create(Some(s.str(OP, "name")), Some(s.str(OP, "platform")), &body)
                    .await,
            );
        }
        "ContainerList" => {
            const OP: &str = "ContainerList";
            drop(
                c.container_list(Some(true), Some(s.str(OP, "filters")), Some(7), Some(true))
                    .await,
            );
        }
        "ContainerPrune" => {
            const OP: &str = "ContainerPrune";
            drop(c.container_prune(Some(s.str(OP, "filters"))).await);
        }
        "ContainerDelete" => {
            const OP: &str = "ContainerDelete";
            drop(
                c.container_delete(s.str(OP, "id"), Some(true), Some(true), Some(true))
                    .await,
            );
        }
        "ContainerArchive" => {
            const OP: &str = "ContainerArchive";
            drop(
                c.container_archive(s.str(OP, "id"), s.str(OP, "path"))
                    .await,
            );
        }
        "PutContainerArchive" => {
            const OP: &str = "PutContainerArchive";
            drop(
                c.put_container_archive(
                    s.str(OP, "id"),
                    Some(s.str(OP, "copy_uidgid")),
                    Some(s.str(OP, "no_overwrite_dir_non_dir")),
                    s.str(OP, "path"),
                    s.bytes(),
                )
                .await,
            );
        }
        "ContainerArchiveInfo" => {
            const OP: &str = "ContainerArchiveInfo";
            drop(
                c.container_archive_info(s.str(OP, "id"), s.str(OP, "path"))
                    .await,
            );
        }
        "ContainerAttach" => {
            const OP: &str = "ContainerAttach";
            drop(
                c.container_attach(
                    s.str(OP, "id"),
                    Some(s.str(OP, "detach_keys")),
                    Some(true),
                    Some(true),
                    Some(true),
                    Some(true),
                    Some(true),
                )
                .await,
            );
        }
        "ContainerAttachWebsocket" => {
            const OP: &str = "ContainerAttachWebsocket";
            drop(
                c.container_attach_websocket(
                    s.str(OP, "id"),
                    Some(s.str(OP, "detach_keys")),
                    Some(true),
                    Some(true),
                    Some(true),
                    Some(true),
                    Some(true),
                )
                .await,
            );
        }
        "ContainerChanges" => {
            const OP: &str = "ContainerChanges";
            drop(c.container_changes(s.str(OP, "id")).await);
        }
        "ContainerExec" => {
            const OP: &str = "ContainerExec";
            let body: types::ContainerExecBody = s.body(OP);
            drop(c.container_exec(s.str(OP, "id"), &body).await);
        }
        "ContainerExport" => {
            const OP: &str = "ContainerExport";
            drop(c.container_export(s.str(OP, "id")).await);
        }
        "ContainerInspect" => {
            const OP: &str = "ContainerInspect";
            drop(c.container_inspect(s.str(OP, "id"), Some(true)).await);
        }
        "ContainerKill" => {
            const OP: &str = "ContainerKill";
            drop(
                c.container_kill(s.str(OP, "id"), Some(s.str(OP, "signal")))
                    .await,
            );
        }
        "ContainerLogs" => {
            const OP: &str = "ContainerLogs";
            drop(
                c.container_logs(
                    s.str(OP, "id"),
                    Some(true),
                    Some(7),
                    Some(true),
                    Some(true),
                    Some(s.str(OP, "tail")),
                    Some(true),
                    Some(7),
                )
                .await,
            );
        }
        "ContainerPause" => {
            const OP: &str = "ContainerPause";
            drop(c.container_pause(s.str(OP, "id")).await);
        }
        "ContainerRename" => {
            const OP: &str = "ContainerRename";
            drop(c.container_rename(s.str(OP, "id"), s.str(OP, "name")).await);
        }
        "ContainerResize" => {
            const OP: &str = "ContainerResize";
            drop(c.container_resize(s.str(OP, "id"), 7, 7).await);
        }
        "ContainerRestart" => {
            const OP: &str = "ContainerRestart";
            drop(
                c.container_restart(s.str(OP, "id"), Some(s.str(OP, "signal")), Some(7))
                    .await,
            );
        }
        "ContainerStart" => {
            const OP: &str = "ContainerStart";
            drop(
                c.container_start(s.str(OP, "id"), Some(s.str(OP, "detach_keys")))
                    .await,
            );
        }
        "ContainerStats" => {
            const OP: &str = "ContainerStats";
            drop(
                c.container_stats(s.str(OP, "id"), Some(true), Some(true))
                    .await,
            );
        }
        "ContainerStop" => {
            const OP: &str = "ContainerStop";
            drop(
                c.container_stop(s.str(OP, "id"), Some(s.str(OP, "signal")), Some(7))
                    .await,
            );
        }
        "ContainerTop" => {
            const OP: &str = "ContainerTop";
            drop(
                c.container_top(s.str(OP, "id"), Some(s.str(OP, "ps_args")))
                    .await,
            );
        }
        "ContainerUnpause" => {
            const OP: &str = "ContainerUnpause";
            drop(c.container_unpause(s.str(OP, "id")).await);
        }
        "ContainerUpdate" => {
            const OP: &str = "ContainerUpdate";
            let body: types::ContainerUpdateBody = s.body(OP);
            drop(c.container_update(s.str(OP, "id"), &body).await);
        }
        "ContainerWait" => {
            const OP: &str = "ContainerWait";
            drop(
                c.container_wait(s.str(OP, "id"), Some(s.parse(OP, "condition")))
                    .await,
            );
        }
        "DistributionInspect" => {
            const OP: &str = "DistributionInspect";
            drop(
                c.distribution_inspect(s.str(OP, "name"), Some(s.str(OP, "x_registry_auth")))
                    .await,
            );
        }
        "SystemEvents" => {
            const OP: &str = "SystemEvents";
            drop(
                c.system_events(
                    Some(s.str(OP, "filters")),
                    Some(s.str(OP, "since")),
                    Some(s.str(OP, "until")),
                )
                .await,
            );
        }
        "ExecInspect" => {
            const OP: &str = "ExecInspect";
            drop(c.exec_inspect(s.str(OP, "id")).await);
        }
        "ExecResize" => {
            const OP: &str = "ExecResize";
            drop(c.exec_resize(s.str(OP, "id"), 7, 7).await);
        }
        "ExecStart" => {
            const OP: &str = "ExecStart";
            let body: types::ExecStartBody = s.body(OP);
            drop(c.exec_start(s.str(OP, "id"), &body).await);
        }
        "ImageCreate" => {
            const OP: &str = "ImageCreate";
            drop(
                c.image_create(
                    Some(s.list(OP, "changes")),
                    Some(s.str(OP, "from_image")),
                    Some(s.str(OP, "from_src")),
                    Some(s.str(OP, "message")),
                    Some(s.str(OP, "platform")),
                    Some(s.str(OP, "repo")),
                    Some(s.str(OP, "tag")),
                    Some(s.str(OP, "x_registry_auth")),
                    s.bytes(),
                )
                .await,
            );
        }
        "ImageGetAll" => {
            const OP: &str = "ImageGetAll";
            drop(
                c.image_get_all(Some(s.list(OP, "names")), Some(s.list(OP, "platform")))
                    .await,
            );
        }
        "ImageList" => {
            const OP: &str = "ImageList";
            drop(
                c.image_list(
                    Some(true),
                    Some(true),
                    Some(s.str(OP, "filters")),
                    Some(true),
                    Some(true),
                    Some(true),
                )
                .await,
            );
        }
        "ImageLoad" => {
            const OP: &str = "ImageLoad";
            drop(
                c.image_load(Some(s.list(OP, "platform")), Some(true), s.bytes())
                    .await,
            );
        }
        "ImagePrune" => {
            const OP: &str = "ImagePrune";
            drop(c.image_prune(Some(s.str(OP, "filters"))).await);
        }
        "ImageSearch" => {
            const OP: &str = "ImageSearch";
            drop(
                c.image_search(Some(s.str(OP, "filters")), Some(7), s.str(OP, "term"))
                    .await,
            );
        }
        "ImageDelete" => {
            const OP: &str = "ImageDelete";
            drop(
                c.image_delete(
                    s.str(OP, "name"),
                    Some(true),
                    Some(true),
                    Some(s.list(OP, "platforms")),
                )
                .await,
            );
        }
        "ImageAttestations" => {
            const OP: &str = "ImageAttestations";
            drop(
                c.image_attestations(
                    s.str(OP, "name"),
                    Some(s.list(OP, "platform")),
                    Some(true),
                    Some(s.list(OP, "type_")),
                )
                .await,
            );
        }
        "ImageGet" => {
            const OP: &str = "ImageGet";
            drop(
                c.image_get(s.str(OP, "name"), Some(s.list(OP, "platform")))
                    .await,
            );
        }
        "ImageHistory" => {
            const OP: &str = "ImageHistory";
            drop(
                c.image_history(s.str(OP, "name"), Some(s.str(OP, "platform")))
                    .await,
            );
        }
        "ImageInspect" => {
            const OP: &str = "ImageInspect";
            drop(
                c.image_inspect(s.str(OP, "name"), Some(true), Some(s.str(OP, "platform")))
                    .await,
            );
        }
        "ImagePush" => {
            const OP: &str = "ImagePush";
            drop(
                c.image_push(
                    s.str(OP, "name"),
                    Some(s.str(OP, "platform")),
                    Some(s.str(OP, "tag")),
                    s.str(OP, "x_registry_auth"),
                )
                .await,
            );
        }
        "ImageTag" => {
            const OP: &str = "ImageTag";
            drop(
                c.image_tag(
                    s.str(OP, "name"),
                    Some(s.str(OP, "repo")),
                    Some(s.str(OP, "tag")),
                )
                .await,
            );
        }
        "SystemInfo" => {
            drop(c.system_info().await);
        }
        "NetworkList" => {
            const OP: &str = "NetworkList";
            drop(c.network_list(Some(s.str(OP, "filters"))).await);
        }
        "NetworkCreate" => {
            const OP: &str = "NetworkCreate";
            let body: types::NetworkCreateBody = s.body(OP);
            drop(c.network_create(&body).await);
        }
        "NetworkPrune" => {
            const OP: &str = "NetworkPrune";
            drop(c.network_prune(Some(s.str(OP, "filters"))).await);
        }
        "NetworkInspect" => {
            const OP: &str = "NetworkInspect";
            drop(
                c.network_inspect(s.str(OP, "id"), Some(s.str(OP, "scope")), Some(true))
                    .await,
            );
        }
        "NetworkDelete" => {
            const OP: &str = "NetworkDelete";
            drop(c.network_delete(s.str(OP, "id")).await);
        }
        "NetworkConnect" => {
            const OP: &str = "NetworkConnect";
            let body: types::NetworkConnectRequest = s.body(OP);
            drop(c.network_connect(s.str(OP, "id"), &body).await);
        }
        "NetworkDisconnect" => {
            const OP: &str = "NetworkDisconnect";
            let body: types::NetworkDisconnectRequest = s.body(OP);
            drop(c.network_disconnect(s.str(OP, "id"), &body).await);
        }
        "NodeList" => {
            const OP: &str = "NodeList";
            drop(c.node_list(Some(s.str(OP, "filters"))).await);
        }
        "NodeInspect" => {
            const OP: &str = "NodeInspect";
            drop(c.node_inspect(s.str(OP, "id")).await);
        }
        "NodeDelete" => {
            const OP: &str = "NodeDelete";
            drop(c.node_delete(s.str(OP, "id"), Some(true)).await);
        }
        "NodeUpdate" => {
            const OP: &str = "NodeUpdate";
            let body: types::NodeSpec = s.body(OP);
            drop(c.node_update(s.str(OP, "id"), 7, &body).await);
        }
        "PluginList" => {
            const OP: &str = "PluginList";
            drop(c.plugin_list(Some(s.str(OP, "filters"))).await);
        }
        "PluginCreate" => {
            const OP: &str = "PluginCreate";
            drop(c.plugin_create(s.str(OP, "name"), s.bytes()).await);
        }
        "GetPluginPrivileges" => {
            const OP: &str = "GetPluginPrivileges";
            drop(
                c.get_plugin_privileges(s.str(OP, "remote"), Some(s.str(OP, "x_registry_auth")))
                    .await,
            );
        }
        "PluginPull" => {
            const OP: &str = "PluginPull";
            let body: Vec<types::PluginPrivilege> = s.body(OP);
            drop(
                c.plugin_pull(
                    Some(s.str(OP, "name")),
                    s.str(OP, "remote"),
                    Some(s.str(OP, "x_registry_auth")),
                    Some(&body),
                )
                .await,
            );
        }
        "PluginDelete" => {
            const OP: &str = "PluginDelete";
            drop(c.plugin_delete(s.str(OP, "name"), Some(true)).await);
        }
        "PluginDisable" => {
            const OP: &str = "PluginDisable";
            drop(c.plugin_disable(s.str(OP, "name"), Some(true)).await);
        }
        "PluginEnable" => {
            const OP: &str = "PluginEnable";
            drop(c.plugin_enable(s.str(OP, "name"), Some(7)).await);
        }
        "PluginInspect" => {
            const OP: &str = "PluginInspect";
            drop(c.plugin_inspect(s.str(OP, "name")).await);
        }
        "PluginPush" => {
            const OP: &str = "PluginPush";
            drop(
                c.plugin_push(s.str(OP, "name"), Some(s.str(OP, "x_registry_auth")))
                    .await,
            );
        }
        "PluginSet" => {
            const OP: &str = "PluginSet";
            let body: Vec<::std::string::String> = s.body(OP);
            drop(c.plugin_set(s.str(OP, "name"), Some(&body)).await);
        }
        "PluginUpgrade" => {
            const OP: &str = "PluginUpgrade";
            let body: Vec<types::PluginPrivilege> = s.body(OP);
            drop(
                c.plugin_upgrade(
                    s.str(OP, "name"),
                    s.str(OP, "remote"),
                    Some(s.str(OP, "x_registry_auth")),
                    Some(&body),
                )
                .await,
            );
        }
        "SecretList" => {
            const OP: &str = "SecretList";
            drop(c.secret_list(Some(s.str(OP, "filters"))).await);
        }
        "SecretCreate" => {
            const OP: &str = "SecretCreate";
            let body: types::SecretSpec = s.body(OP);
            drop(c.secret_create(&body).await);
        }
        "SecretInspect" => {
            const OP: &str = "SecretInspect";
            drop(c.secret_inspect(s.str(OP, "id")).await);
        }
        "SecretDelete" => {
            const OP: &str = "SecretDelete";
            drop(c.secret_delete(s.str(OP, "id")).await);
        }
        "SecretUpdate" => {
            const OP: &str = "SecretUpdate";
            let body: types::SecretSpec = s.body(OP);
            drop(c.secret_update(s.str(OP, "id"), 7, &body).await);
        }
        "ServiceList" => {
            const OP: &str = "ServiceList";
            drop(c.service_list(Some(s.str(OP, "filters")), Some(true)).await);
        }
        "ServiceCreate" => {
            const OP: &str = "ServiceCreate";
            let body: types::ServiceSpec = s.body(OP);
            drop(
                c.service_create(Some(s.str(OP, "x_registry_auth")), &body)
                    .await,
            );
        }
        "ServiceInspect" => {
            const OP: &str = "ServiceInspect";
            drop(c.service_inspect(s.str(OP, "id"), Some(true)).await);
        }
        "ServiceDelete" => {
            const OP: &str = "ServiceDelete";
            drop(c.service_delete(s.str(OP, "id")).await);
        }
        "ServiceLogs" => {
            const OP: &str = "ServiceLogs";
            drop(
                c.service_logs(
                    s.str(OP, "id"),
                    Some(true),
                    Some(true),
                    Some(7),
                    Some(true),
                    Some(true),
                    Some(s.str(OP, "tail")),
                    Some(true),
                )
                .await,
            );
        }
        "ServiceUpdate" => {
            const OP: &str = "ServiceUpdate";
            let body: types::ServiceSpec = s.body(OP);
            drop(
                c.service_update(
                    s.str(OP, "id"),
                    Some(s.parse(OP, "registry_auth_from")),
                    Some(s.str(OP, "rollback")),
                    7,
                    Some(s.str(OP, "x_registry_auth")),
                    &body,
                )
                .await,
            );
        }
        "Session" => {
            drop(c.session().await);
        }
        "SwarmInspect" => {
            drop(c.swarm_inspect().await);
        }
        "SwarmInit" => {
            const OP: &str = "SwarmInit";
            let body: types::SwarmInitBody = s.body(OP);
            drop(c.swarm_init(&body).await);
        }
        "SwarmJoin" => {
            const OP: &str = "SwarmJoin";
            let body: types::SwarmJoinBody = s.body(OP);
            drop(c.swarm_join(&body).await);
        }
        "SwarmLeave" => {
            drop(c.swarm_leave(Some(true)).await);
        }
        "SwarmUnlock" => {
            const OP: &str = "SwarmUnlock";
            let body: types::SwarmUnlockBody = s.body(OP);
            drop(c.swarm_unlock(&body).await);
        }
        "SwarmUnlockkey" => {
            drop(c.swarm_unlockkey().await);
        }
        "SwarmUpdate" => {
            const OP: &str = "SwarmUpdate";
            let body: types::SwarmSpec = s.body(OP);
            drop(
                c.swarm_update(Some(true), Some(true), Some(true), 7, &body)
                    .await,
            );
        }
        "SystemDataUsage" => {
            const OP: &str = "SystemDataUsage";
            let type_: Vec<types::SystemDataUsageTypeItem> = s
                .list(OP, "type_")
                .iter()
                .map(|v| v.parse().unwrap())
                .collect();
            drop(c.system_data_usage(Some(&type_), Some(true)).await);
        }
        "TaskList" => {
            const OP: &str = "TaskList";
            drop(c.task_list(Some(s.str(OP, "filters"))).await);
        }
        "TaskInspect" => {
            const OP: &str = "TaskInspect";
            drop(c.task_inspect(s.str(OP, "id")).await);
        }
        "TaskLogs" => {
            const OP: &str = "TaskLogs";
            drop(
                c.task_logs(
                    s.str(OP, "id"),
                    Some(true),
                    Some(true),
                    Some(7),
                    Some(true),
                    Some(true),
                    Some(s.str(OP, "tail")),
                    Some(true),
                )
                .await,
            );
        }
        "SystemVersion" => {
            drop(c.system_version().await);
        }
        "VolumeList" => {
            const OP: &str = "VolumeList";
            drop(c.volume_list(Some(s.str(OP, "filters"))).await);
        }
        "VolumeCreate" => {
            const OP: &str = "VolumeCreate";
            let body: types::VolumeCreateRequest = s.body(OP);
            drop(c.volume_create(&body).await);
        }
        "VolumePrune" => {
            const OP: &str = "VolumePrune";
            drop(c.volume_prune(Some(s.str(OP, "filters"))).await);
        }
        "VolumeInspect" => {
            const OP: &str = "VolumeInspect";
            drop(c.volume_inspect(s.str(OP, "name")).await);
        }
        "VolumeUpdate" => {
            const OP: &str = "VolumeUpdate";
            let body: types::VolumeUpdateBody = s.body(OP);
            drop(c.volume_update(s.str(OP, "name"), 7, &body).await);
        }
        "VolumeDelete" => {
            const OP: &str = "VolumeDelete";
            drop(c.volume_delete(s.str(OP, "name"), Some(true)).await);
        }
        _ => return false,
    }
    true
}
