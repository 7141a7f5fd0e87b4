//! Who a request comes from, for the rate limits: the client's address (the TCP peer, or
//! behind configured proxies the rightmost `X-Forwarded-For` entry that is not one of them),
//! and the key it is counted under, its network prefix (a /64 for IPv6, as one host or
//! subscriber gets at least that many addresses; a /32, the whole address, for IPv4).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use axum::http::HeaderMap;

/// An address and how many of its leading bits count: `2001:db8::/32`, `10.0.0.0/8`, or a
/// single address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Prefix {
    /// With the bits past `length` cleared.
    network: IpAddr,
    length: u8,
}

impl Prefix {
    /// `address`'s first `length` bits (at most the address's own length).
    pub fn of(address: IpAddr, length: u8) -> Prefix {
        match address.to_canonical() {
            IpAddr::V4(v4) => {
                let length = length.min(32);
                let mask = u32::MAX.checked_shl(32 - u32::from(length)).unwrap_or(0);
                Prefix { network: IpAddr::V4(Ipv4Addr::from(u32::from(v4) & mask)), length }
            }
            IpAddr::V6(v6) => {
                let length = length.min(128);
                let mask = u128::MAX.checked_shl(128 - u32::from(length)).unwrap_or(0);
                Prefix { network: IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask)), length }
            }
        }
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        address.is_ipv4() == self.network.is_ipv4() && Prefix::of(address, self.length) == *self
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.length)
    }
}

/// A proxy of `--trusted-proxies`: `192.0.2.7`, `10.0.0.0/8`, `::1`, `fd00::/8`.
pub fn parse_proxy(text: &str) -> Result<Prefix, String> {
    let text = text.trim();
    let refused = || format!("\"{text}\" is not an address or a prefix such as 10.0.0.0/8 or fd00::/8");
    let (address, length) = match text.split_once('/') {
        Some((address, length)) => (address, Some(length)),
        None => (text, None),
    };
    let address: IpAddr = address.parse().map_err(|_| refused())?;
    let address = address.to_canonical();
    let bits = if address.is_ipv4() { 32 } else { 128 };
    let length = match length {
        None => bits,
        Some(length) => length.parse::<u8>().ok().filter(|length| *length <= bits).ok_or_else(refused)?,
    };
    Ok(Prefix::of(address, length))
}

/// How requests are told apart: the proxies whose `X-Forwarded-For` is believed, and the
/// prefix lengths that make a key.
#[derive(Clone, Debug)]
pub struct Clients {
    pub trusted_proxies: Vec<Prefix>,
    pub ipv4_prefix: u8,
    pub ipv6_prefix: u8,
}

impl Clients {
    /// The key a request from `peer` is counted under.
    pub fn key(&self, peer: IpAddr, headers: &HeaderMap) -> Prefix {
        let address = self.address(peer, headers);
        let length = if address.is_ipv4() { self.ipv4_prefix } else { self.ipv6_prefix };
        Prefix::of(address, length)
    }

    /// The client's address: the peer, unless it is a trusted proxy; then, reading
    /// `X-Forwarded-For` from the right (each proxy appends the address it received from),
    /// the first entry that is not a trusted proxy. An entry that does not parse ends the
    /// walk: the address is then the proxy that wrote it, never one further left, which the
    /// client may have written itself. Entries all trusted: the leftmost proxy.
    pub fn address(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let trusted = |address: IpAddr| self.trusted_proxies.iter().any(|proxy| proxy.contains(address));
        let mut client = peer.to_canonical();
        // Later header lines were appended later: read them last first.
        let entries = headers
            .get_all("x-forwarded-for")
            .iter()
            .rev()
            .flat_map(|value| value.to_str().map_or_else(|_| vec![""], |text| text.rsplit(',').collect()));
        for entry in entries {
            if !trusted(client) {
                break;
            }
            match forwarded_address(entry) {
                Some(address) => client = address,
                None => break,
            }
        }
        client
    }
}

/// An `X-Forwarded-For` entry: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
/// `[2001:db8::1]` or `[2001:db8::1]:4711`, spaces around it ignored.
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let address = entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|socket| socket.ip()))
        .or_else(|| entry.strip_prefix('[')?.strip_suffix(']')?.parse::<Ipv6Addr>().ok().map(IpAddr::V6))?;
    Some(address.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn clients(proxies: &[&str]) -> Clients {
        Clients {
            trusted_proxies: proxies.iter().map(|proxy| parse_proxy(proxy).unwrap()).collect(),
            ipv4_prefix: 32,
            ipv6_prefix: 64,
        }
    }

    #[test]
    fn keys_are_a_v6_address_s_64_and_a_v4_address() {
        let clients = clients(&[]);
        let key = |peer: &str| clients.key(ip(peer), &HeaderMap::new()).to_string();
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:3::1"), "2001:db8:1:3::/64");
        assert_eq!(key("192.0.2.1"), "192.0.2.1/32");
        assert_eq!(key("::ffff:192.0.2.1"), "192.0.2.1/32", "an IPv4 address mapped into IPv6 is IPv4");
        let wider = Clients { ipv4_prefix: 24, ipv6_prefix: 48, ..clients.clone() };
        assert_eq!(wider.key(ip("192.0.2.77"), &HeaderMap::new()).to_string(), "192.0.2.0/24");
        assert_eq!(wider.key(ip("2001:db8:1:2::1"), &HeaderMap::new()).to_string(), "2001:db8:1::/48");
        let whole = Clients { ipv6_prefix: 128, ..clients };
        assert_eq!(whole.key(ip("2001:db8::1"), &HeaderMap::new()).to_string(), "2001:db8::1/128");
    }

    #[test]
    fn proxies_are_addresses_or_prefixes() {
        assert_eq!(parse_proxy(" 10.1.2.3/8 ").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(parse_proxy("::1").unwrap().to_string(), "::1/128");
        assert_eq!(parse_proxy("fd12:3456::/16").unwrap().to_string(), "fd12::/16");
        assert_eq!(parse_proxy("::ffff:127.0.0.1").unwrap().to_string(), "127.0.0.1/32");
        for bad in ["", "localhost", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.1:80", "[::1]"] {
            assert!(parse_proxy(bad).is_err(), "{bad}");
        }
        let proxies = parse_proxy("10.0.0.0/8").unwrap();
        assert!(proxies.contains(ip("10.255.0.1")) && proxies.contains(ip("::ffff:10.0.0.1")));
        assert!(!proxies.contains(ip("11.0.0.1")) && !proxies.contains(ip("::a00:1")));
    }

    /// The trusted proxies, the peer, the `X-Forwarded-For` lines, the address the request
    /// is counted for, and why.
    type Case = (&'static [&'static str], &'static str, &'static [&'static str], &'static str, &'static str);

    const CASES: &[Case] = &[
        (&[], "192.0.2.1", &["203.0.113.9"], "192.0.2.1", "no proxy configured: the header is anyone's"),
        (&["10.0.0.1"], "192.0.2.1", &["203.0.113.9"], "192.0.2.1", "a peer that is not a proxy wrote the header itself"),
        (&["10.0.0.1"], "10.0.0.1", &[], "10.0.0.1", "a proxy's request without the header is its own"),
        (&["10.0.0.1"], "10.0.0.1", &["203.0.113.9"], "203.0.113.9", "the address the proxy appended"),
        (&["10.0.0.1"], "10.0.0.1", &["198.51.100.7, 203.0.113.9"], "203.0.113.9", "what the client wrote, further left, is not read"),
        (&["10.0.0.0/8"], "10.0.0.1", &["198.51.100.7, 10.0.0.2"], "198.51.100.7", "a chain of proxies: the rightmost entry that is none"),
        (&["10.0.0.0/8"], "10.0.0.1", &["198.51.100.7", "10.0.0.2"], "198.51.100.7", "later header lines are read first"),
        (&["10.0.0.0/8"], "10.0.0.1", &["10.0.0.3, 10.0.0.2"], "10.0.0.3", "every entry a proxy: the leftmost"),
        (&["10.0.0.1"], "10.0.0.1", &["203.0.113.9:4711"], "203.0.113.9", "ip:port"),
        (&["10.0.0.1"], "10.0.0.1", &["[2001:db8::9]:4711"], "2001:db8::9", "[v6]:port"),
        (&["10.0.0.1"], "10.0.0.1", &["[2001:db8::9]"], "2001:db8::9", "[v6]"),
        (&["10.0.0.1"], "10.0.0.1", &[" 2001:db8::9 "], "2001:db8::9", "v6, spaces around"),
        (&["10.0.0.1"], "10.0.0.1", &["::ffff:203.0.113.9"], "203.0.113.9", "IPv4 mapped into IPv6"),
        (&["::1"], "::1", &["203.0.113.9"], "203.0.113.9", "an IPv6 proxy"),
        (&["127.0.0.1"], "::ffff:127.0.0.1", &["203.0.113.9"], "203.0.113.9", "a dual-stack socket's IPv4 peer"),
        (&["10.0.0.1"], "10.0.0.1", &["198.51.100.7, unknown"], "10.0.0.1", "unparsable: the proxy that wrote it, not the client's entry left of it"),
        (&["10.0.0.1"], "10.0.0.1", &["198.51.100.7, 203.0.113.9:x"], "10.0.0.1", "a bad port does not parse"),
        (&["10.0.0.1"], "10.0.0.1", &["198.51.100.7,"], "10.0.0.1", "an empty entry does not parse"),
        (&["10.0.0.0/8"], "10.0.0.1", &["198.51.100.7, _hidden, 10.0.0.2"], "10.0.0.2", "unparsable after a proxy: that proxy"),
        (&["10.0.0.1"], "10.0.0.1", &["198.51.100.7, [2001:db8::9"], "10.0.0.1", "an unclosed bracket does not parse"),
    ];

    #[test]
    fn forwarded_for_is_read_only_from_trusted_proxies() {
        for (proxies, peer, lines, expected, why) in CASES {
            let mut headers = HeaderMap::new();
            for line in *lines {
                headers.append("x-forwarded-for", HeaderValue::from_str(line).unwrap());
            }
            assert_eq!(clients(proxies).address(ip(peer), &headers), ip(expected), "{why}: {lines:?}");
        }
        let mut headers = HeaderMap::new();
        headers.append("x-forwarded-for", HeaderValue::from_static("198.51.100.7"));
        headers.append("x-forwarded-for", HeaderValue::from_bytes(b"203.0.113.\xff").unwrap());
        assert_eq!(clients(&["10.0.0.1"]).address(ip("10.0.0.1"), &headers), ip("10.0.0.1"), "a line that is not text");
    }
}
