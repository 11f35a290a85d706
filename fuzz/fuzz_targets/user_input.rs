//! Every parser of the user's own strings: engine addresses, API versions,
//! port publications, binds, sizes, command lines. Never a panic; what
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
});
