//! The client's address, as the sign-in throttle counts it: the socket's peer, unless that peer
//! is a proxy this service trusts (`KANOGAP_TRUSTED_PROXIES`: addresses or CIDR ranges); then
//! the right-most address of `X-Forwarded-For` that is not itself a trusted proxy. A header
//! from an untrusted peer is never read: any client can write one.

use std::net::IpAddr;

use actix_web::HttpRequest;

/// One trusted address or range, `10.0.0.0/8`, `127.0.0.1`, `fd00::/8`, `::1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let bad = || format!("{text:?} is not an IP address or CIDR range");
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().map_err(|_| bad())?)),
            None => (text, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| bad())?;
        let addr = addr.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return Err(bad());
        }
        Ok(IpRange {
            network: mask(addr, prefix),
            prefix,
        })
    }

    pub fn contains(&self, addr: IpAddr) -> bool {
        let addr = addr.to_canonical();
        addr.is_ipv4() == self.network.is_ipv4() && mask(addr, self.prefix) == self.network
    }
}

fn mask(addr: IpAddr, prefix: u8) -> IpAddr {
    match addr {
        IpAddr::V4(a) => {
            let bits = u32::from(a);
            let m = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4((bits & m).into())
        }
        IpAddr::V6(a) => {
            let bits = u128::from(a);
            let m = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6((bits & m).into())
        }
    }
}

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<IpRange>);

impl TrustedProxies {
    /// From a list of addresses and ranges, separated by commas or white space.
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(IpRange::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
            .map_err(|e| format!("KANOGAP_TRUSTED_PROXIES: {e}"))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn trusts(&self, addr: IpAddr) -> bool {
        self.0.iter().any(|r| r.contains(addr))
    }
}

/// One entry of `X-Forwarded-For`: an address, maybe with a port (`1.2.3.4:80`, `[::1]:80`).
fn forwarded_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim().trim_matches('"');
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Some(rest) = entry.strip_prefix('[') {
        return rest
            .split_once(']')?
            .0
            .parse::<IpAddr>()
            .ok()
            .map(|ip| ip.to_canonical());
    }
    let (host, port) = entry.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// The client's address, from the socket's peer and the `X-Forwarded-For` header values (in
/// the order received). Walks the header from the right while the hop is trusted; the first
/// untrusted address is the client. An entry that is not an address ends the walk at the last
/// trusted hop (what it says cannot be believed); so does a header made only of trusted hops.
pub fn client_address(peer: Option<IpAddr>, forwarded_for: &[&str], trusted: &TrustedProxies) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    if !trusted.trusts(peer) {
        return Some(peer);
    }
    let mut client = peer;
    let entries: Vec<&str> = forwarded_for.iter().flat_map(|v| v.split(',')).collect();
    for entry in entries.into_iter().rev() {
        match forwarded_entry(entry) {
            Some(ip) if trusted.trusts(ip) => client = ip,
            Some(ip) => return Some(ip),
            None => return Some(client),
        }
    }
    Some(client)
}

/// [`client_address`] of a request, as text (empty when the peer is unknown).
pub fn of_request(req: &HttpRequest, trusted: &TrustedProxies) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    let values: Vec<&str> = if trusted.is_empty() {
        Vec::new()
    } else {
        req.headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .collect()
    };
    client_address(peer, &values, trusted)
        .map(|ip| ip.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn trusted(list: &str) -> TrustedProxies {
        TrustedProxies::parse(list).unwrap()
    }

    #[test]
    fn ranges_parse_and_match() {
        let r = IpRange::parse("10.1.2.3/8").unwrap();
        assert!(r.contains(ip("10.200.0.1")));
        assert!(!r.contains(ip("11.0.0.1")));
        assert!(IpRange::parse("127.0.0.1").unwrap().contains(ip("127.0.0.1")));
        assert!(!IpRange::parse("127.0.0.1").unwrap().contains(ip("127.0.0.2")));
        assert!(IpRange::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(IpRange::parse("fd00::/8").unwrap().contains(ip("fd12::1")));
        assert!(!IpRange::parse("fd00::/8").unwrap().contains(ip("fe80::1")));
        assert!(IpRange::parse("::1").unwrap().contains(ip("::1")));
        // An IPv4-mapped IPv6 peer is its IPv4 address.
        assert!(IpRange::parse("127.0.0.1").unwrap().contains(ip("::ffff:127.0.0.1")));
        assert!(!IpRange::parse("::/0").unwrap().contains(ip("127.0.0.1")));
        for bad in ["", "10.0.0.0/33", "::/129", "10.0.0.0/x", "example.com", "10.0.0"] {
            assert!(IpRange::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn lists_split_on_commas_and_spaces() {
        let t = trusted(" 127.0.0.1, 10.0.0.0/8  ::1 ");
        assert!(t.trusts(ip("127.0.0.1")) && t.trusts(ip("10.9.9.9")) && t.trusts(ip("::1")));
        assert!(trusted("").is_empty());
        assert!(TrustedProxies::parse("127.0.0.1, nonsense").is_err());
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let none = TrustedProxies::default();
        assert_eq!(
            client_address(Some(ip("203.0.113.9")), &["1.2.3.4"], &none),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(client_address(None, &["1.2.3.4"], &none), None);
    }

    #[test]
    fn a_spoofed_header_from_an_untrusted_peer_is_ignored() {
        let t = trusted("10.0.0.0/8");
        assert_eq!(
            client_address(Some(ip("198.51.100.7")), &["1.2.3.4, 10.0.0.1"], &t),
            Some(ip("198.51.100.7"))
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let t = trusted("10.0.0.0/8, 127.0.0.1");
        // The client forged "6.6.6.6" in front; the proxies appended the real hops.
        assert_eq!(
            client_address(Some(ip("127.0.0.1")), &["6.6.6.6, 203.0.113.5, 10.0.0.2"], &t),
            Some(ip("203.0.113.5"))
        );
        // Several header lines count as one list, in order.
        assert_eq!(
            client_address(Some(ip("127.0.0.1")), &["6.6.6.6", "203.0.113.5", "10.0.0.2"], &t),
            Some(ip("203.0.113.5"))
        );
        // Ports are tolerated.
        assert_eq!(
            client_address(Some(ip("127.0.0.1")), &["203.0.113.5:4711"], &t),
            Some(ip("203.0.113.5"))
        );
    }

    #[test]
    fn a_trusted_peer_without_a_usable_header_is_the_client() {
        let t = trusted("127.0.0.1, 10.0.0.0/8");
        assert_eq!(client_address(Some(ip("127.0.0.1")), &[], &t), Some(ip("127.0.0.1")));
        // Only trusted hops: the left-most of them.
        assert_eq!(
            client_address(Some(ip("127.0.0.1")), &["10.0.0.3, 10.0.0.2"], &t),
            Some(ip("10.0.0.3"))
        );
        // Garbage right of the real hops stops the walk at the last trusted one.
        assert_eq!(
            client_address(Some(ip("127.0.0.1")), &["203.0.113.5, garbage"], &t),
            Some(ip("127.0.0.1"))
        );
    }

    #[test]
    fn ipv6_clients_and_proxies() {
        let t = trusted("fd00::/8");
        assert_eq!(
            client_address(Some(ip("fd00::1")), &["2001:db8::7, fd00::2"], &t),
            Some(ip("2001:db8::7"))
        );
        assert_eq!(
            client_address(Some(ip("fd00::1")), &["[2001:db8::7]:443"], &t),
            Some(ip("2001:db8::7"))
        );
        assert_eq!(
            client_address(Some(ip("2001:db8::9")), &["2001:db8::7"], &t),
            Some(ip("2001:db8::9")),
            "an untrusted IPv6 peer's header is ignored"
        );
        // A mapped IPv4 peer is matched and reported as IPv4.
        let t = trusted("127.0.0.1");
        assert_eq!(
            client_address(Some(ip("::ffff:127.0.0.1")), &["::ffff:192.0.2.1"], &t),
            Some(ip("192.0.2.1"))
        );
    }
}
