//! Every parser of the user's own strings: engine addresses, API versions,
//! port publications, binds, sizes, command lines, mounts, image
//! references. Never a panic; what
//! parses prints back to something that parses the same.
#![no_main]
use docker_engine::types::{Bind, ByteSize, CommandLine, PortPublish};
use docker_engine::versions::ApiVersion;
use docker_engine::Host;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Ok(s) = std::str::from_utf8(input) else {
        return;
    };
    if let Ok(h) = Host::parse(s) {
        let again = Host::parse(&h.to_string()).expect("a host prints as a host");
        assert_eq!(h, again);
    }
    if let Ok(v) = s.parse::<ApiVersion>() {
        assert_eq!(v.to_string().parse::<ApiVersion>().ok(), Some(v));
    }
    let _ = s.parse::<PortPublish>();
    if let Ok(b) = s.parse::<Bind>() {
        let _ = b.to_bind_string().parse::<Bind>().expect("a bind prints as a bind");
    }
    let _ = s.parse::<ByteSize>();
    let _ = s.parse::<CommandLine>();
    let _ = s.parse::<docker_engine::types::Mount>();
    if let Ok(r) = docker_engine::reference::Reference::parse(s) {
        // A normalised reference parses to itself.
        let again = docker_engine::reference::Reference::parse(&r.to_string())
            .expect("a reference prints as a reference");
        assert_eq!(r.to_string(), again.to_string());
    }
    let _ = docker_engine::reference::parse_repository_tag(s);
});
