//! Outbound HTTP on a user's behalf that cannot be turned against the
//! inside: feed sources, feed imports by URL and webhooks go through a
//! client built here.
//!
//! Only http and https URLs are fetched, and only from addresses on the
//! public internet: loopback, private (RFC 1918, fc00::/7), link-local
//! (169.254/16 — cloud metadata — and fe80::/10), shared CGNAT space,
//! unspecified, multicast, broadcast, reserved and documentation ranges
//! are refused, in every spelling (`2130706433`, `0x7f.1`, `::ffff:127.0.0.1`
//! and IPv6 forms that embed an IPv4 address).
//!
//! The check happens where the connection is made, not before it: the
//! client's DNS resolver ([`GuardedResolver`]) drops every internal
//! address from an answer and fails when none is left, and the client
//! connects only to what the resolver returned, so a name cannot resolve
//! to a public address for a check and to 127.0.0.1 for the connection
//! (DNS rebinding). Literal IP hosts never reach a resolver, so they are
//! checked on the URL itself ([`check_url`]) before the first request and
//! at every redirect hop ([`redirect_policy`]). Proxies from the
//! environment are not used: a proxy would do the resolving itself.
//!
//! [`Reach::Anywhere`] turns the address check off for deployments that
//! poll intranet feeds on purpose (`newsterm serve --allow-private-fetch`);
//! the scheme check stays. [`Reach::PublicAnd`] lets through only the
//! hosts an operator named (`--allow-fetch-host`), wherever they resolve:
//! a redirect from such a host to any other internal address is still
//! refused at the hop.
//!
//! Callers report every network failure to users with the one text
//! [`CONNECTION_FAILED`] and log the details ([`describe`]), so a fetch
//! cannot be used to tell an open port from a closed one or a refused
//! address from an unreachable one.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Once};

/// What users are told about any failure to connect, resolve or speak
/// TLS, whatever the cause.
pub const CONNECTION_FAILED: &str = "could not fetch: connection failed";

/// Which addresses outbound requests may reach.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Reach {
    /// Public internet addresses only.
    #[default]
    PublicOnly,
    /// Public addresses, and these hosts wherever they resolve (an
    /// operator's explicit choice of intranet feed hosts); every other
    /// internal address stays refused, at every redirect hop too.
    PublicAnd(AllowedHosts),
    /// Any address, internal ones included (an operator's explicit
    /// choice, for intranet feeds and local test servers).
    Anywhere,
}

/// Hosts an operator lets outbound requests reach though they may be
/// internal: names as a URL writes them, compared after the URL parser's
/// normalisation (lower case, `127.1` = `127.0.0.1`, `[::1]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AllowedHosts(Arc<[String]>);

impl AllowedHosts {
    /// The hosts named in `hosts` (such as `intranet.example`,
    /// `10.0.0.5` or `[fd00::5]`); an error names one that is no host.
    pub fn parse<S: AsRef<str>>(hosts: &[S]) -> Result<AllowedHosts, EgressError> {
        hosts
            .iter()
            .map(|h| {
                let h = h.as_ref().trim();
                url::Host::parse(h)
                    .map(|host| host.to_string())
                    .map_err(|_| EgressError::NotAHost(h.chars().take(200).collect()))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|hosts| AllowedHosts(hosts.into()))
    }

    fn allows(&self, host: &str) -> bool {
        self.0
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(host))
    }
}

impl Reach {
    /// Whether `host` (as a URL's parser wrote it) may be reached wherever
    /// it resolves.
    fn trusts(&self, host: &str) -> bool {
        match self {
            Reach::PublicOnly => false,
            Reach::PublicAnd(hosts) => hosts.allows(host),
            Reach::Anywhere => true,
        }
    }
}

/// Why a request was not made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EgressError {
    /// The URL is not http or https.
    #[error("`{0}` is not an http(s) URL")]
    NotHttp(String),
    /// An allowed host that is no host name or address.
    #[error("`{0}` is not a host name or IP address")]
    NotAHost(String),
    /// The host resolves to an address that is not public.
    #[error("`{host}` is {kind} address {addr}; newsterm fetches only public addresses")]
    Internal {
        /// The host as written.
        host: String,
        /// The address it resolved to.
        addr: IpAddr,
        /// What kind of internal address it is.
        kind: AddressKind,
    },
    /// The host has no address.
    #[error("`{host}` did not resolve: {message}")]
    Unresolved {
        /// The host as written.
        host: String,
        /// What the resolver said.
        message: String,
    },
}

/// The kind of an address that is not on the public internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressKind {
    /// 0.0.0.0/8 or ::.
    Unspecified,
    /// 127.0.0.0/8 or ::1.
    Loopback,
    /// 10/8, 172.16/12, 192.168/16 or fc00::/7.
    Private,
    /// 169.254/16 or fe80::/10.
    LinkLocal,
    /// 100.64/10, carrier-grade NAT.
    SharedCgnat,
    /// 224/4 or ff00::/8.
    Multicast,
    /// 255.255.255.255.
    Broadcast,
    /// 240/4, 192.0.0/24, 198.18/15 and other ranges set aside.
    Reserved,
    /// 192.0.2/24, 198.51.100/24, 203.0.113/24 or 2001:db8::/32.
    Documentation,
}

impl fmt::Display for AddressKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AddressKind::Unspecified => "an unspecified",
            AddressKind::Loopback => "a loopback",
            AddressKind::Private => "a private",
            AddressKind::LinkLocal => "a link-local",
            AddressKind::SharedCgnat => "a shared (CGNAT)",
            AddressKind::Multicast => "a multicast",
            AddressKind::Broadcast => "the broadcast",
            AddressKind::Reserved => "a reserved",
            AddressKind::Documentation => "a documentation",
        })
    }
}

/// `None` for an address on the public internet, else what it is.
pub fn internal_kind(ip: IpAddr) -> Option<AddressKind> {
    match ip {
        IpAddr::V4(v4) => v4_kind(v4),
        IpAddr::V6(v6) => v6_kind(v6),
    }
}

fn v4_kind(ip: Ipv4Addr) -> Option<AddressKind> {
    let [a, b, c, _] = ip.octets();
    Some(if a == 0 {
        // 0.0.0.0/8: "this network"; 0.0.0.0 itself reaches the local host.
        AddressKind::Unspecified
    } else if ip.is_loopback() {
        AddressKind::Loopback
    } else if ip.is_private() {
        AddressKind::Private
    } else if ip.is_link_local() {
        AddressKind::LinkLocal
    } else if a == 100 && (b & 0xC0) == 64 {
        AddressKind::SharedCgnat
    } else if ip.is_broadcast() {
        AddressKind::Broadcast
    } else if ip.is_multicast() {
        AddressKind::Multicast
    } else if a >= 240 || (a == 192 && b == 0 && c == 0) || (a == 198 && (b & 0xFE) == 18) {
        // 240/4 future use, 192.0.0/24 protocol assignments, 198.18/15
        // benchmarking.
        AddressKind::Reserved
    } else if ip.is_documentation() {
        AddressKind::Documentation
    } else {
        return None;
    })
}

fn v6_kind(ip: Ipv6Addr) -> Option<AddressKind> {
    let s = ip.segments();
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_kind(v4);
    }
    let embedded =
        |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    Some(if ip.is_unspecified() {
        AddressKind::Unspecified
    } else if ip.is_loopback() {
        AddressKind::Loopback
    } else if s[..6] == [0; 6] {
        // IPv4-compatible (::a.b.c.d), deprecated but still routed by
        // some stacks to the IPv4 address.
        return v4_kind(embedded(s[6], s[7])).or(Some(AddressKind::Reserved));
    } else if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        // NAT64 well-known prefix: reaches the embedded IPv4 address.
        return v4_kind(embedded(s[6], s[7]));
    } else if s[0] == 0x2002 {
        // 6to4: reaches the IPv4 address in bits 16..48.
        return v4_kind(embedded(s[1], s[2]));
    } else if (s[0] & 0xFE00) == 0xFC00 {
        AddressKind::Private
    } else if (s[0] & 0xFFC0) == 0xFE80 {
        AddressKind::LinkLocal
    } else if (s[0] & 0xFFC0) == 0xFEC0 {
        // Site-local, deprecated: private in all but name.
        AddressKind::Private
    } else if ip.is_multicast() {
        AddressKind::Multicast
    } else if s[0] == 0x2001 && s[1] == 0x0db8 {
        AddressKind::Documentation
    } else if s[0] == 0x0100 && s[1..4] == [0, 0, 0] {
        // 100::/64, the discard prefix.
        AddressKind::Reserved
    } else {
        return None;
    })
}

/// Checks what can be checked on the URL alone: the scheme, and a host
/// written as an IP address (which no resolver sees).
pub fn check_url(url: &url::Url, reach: &Reach) -> Result<(), EgressError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(EgressError::NotHttp(
            url.as_str().chars().take(200).collect(),
        ));
    }
    if url
        .host()
        .is_some_and(|host| reach.trusts(&host.to_string()))
    {
        return Ok(());
    }
    let ip = match url.host() {
        Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
        Some(url::Host::Domain(_)) => return Ok(()),
        None => {
            return Err(EgressError::NotHttp(
                url.as_str().chars().take(200).collect(),
            ));
        }
    };
    match internal_kind(ip) {
        Some(kind) => Err(EgressError::Internal {
            host: url.host_str().unwrap_or_default().to_string(),
            addr: ip,
            kind,
        }),
        None => Ok(()),
    }
}

/// Parses `text` as an http(s) URL and [`check_url`]s it.
pub fn parse_url(text: &str, reach: &Reach) -> Result<url::Url, EgressError> {
    let url = url::Url::parse(text.trim())
        .map_err(|_| EgressError::NotHttp(text.chars().take(200).collect()))?;
    check_url(&url, reach)?;
    Ok(url)
}

/// A DNS resolver that answers only with addresses `reach` allows, so the
/// connection can only go where the check said it may.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    reach: Reach,
}

impl GuardedResolver {
    /// A resolver that lets through only the addresses `reach` allows.
    pub fn new(reach: Reach) -> GuardedResolver {
        GuardedResolver { reach }
    }

    /// The addresses `host` resolves to, less those `reach` refuses; an
    /// error when none is left.
    pub async fn resolve(&self, host: &str) -> Result<Vec<SocketAddr>, EgressError> {
        let unresolved = |message: String| EgressError::Unresolved {
            host: host.to_string(),
            message,
        };
        let all: Vec<SocketAddr> = tokio::net::lookup_host((host, 0))
            .await
            .map_err(|e| unresolved(e.to_string()))?
            .collect();
        if self.reach.trusts(host) {
            return if all.is_empty() {
                Err(unresolved("no addresses".into()))
            } else {
                Ok(all)
            };
        }
        let mut refused = None;
        let public: Vec<SocketAddr> = all
            .into_iter()
            .filter(|a| match internal_kind(a.ip()) {
                Some(kind) => {
                    refused.get_or_insert((a.ip(), kind));
                    false
                }
                None => true,
            })
            .collect();
        match (public.is_empty(), refused) {
            (false, _) => Ok(public),
            (true, Some((addr, kind))) => Err(EgressError::Internal {
                host: host.to_string(),
                addr,
                kind,
            }),
            (true, None) => Err(unresolved("no addresses".into())),
        }
    }
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let resolver = self.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs = resolver.resolve(&host).await?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Follows at most `max` redirects, each to an http(s) URL that
/// [`check_url`] accepts (a host name is checked when it is resolved).
pub fn redirect_policy(max: usize, reach: &Reach) -> reqwest::redirect::Policy {
    let limited = reqwest::redirect::Policy::limited(max);
    let reach = reach.clone();
    reqwest::redirect::Policy::custom(move |attempt| match check_url(attempt.url(), &reach) {
        Ok(()) => limited.redirect(attempt),
        Err(e) => attempt.error(e),
    })
}

/// A client builder whose connections can reach only what `reach` allows:
/// the guarded resolver, no proxies from the environment, rustls with the
/// *ring* provider. The caller adds timeouts and a redirect policy
/// ([`redirect_policy`], or none).
pub fn client_builder(reach: &Reach) -> reqwest::ClientBuilder {
    install_crypto_provider();
    reqwest::Client::builder()
        .dns_resolver(Arc::new(GuardedResolver::new(reach.clone())))
        .no_proxy()
}

/// The refusal behind a failed request, if the guard refused it.
pub fn refusal<'e>(e: &'e (dyn std::error::Error + 'static)) -> Option<&'e EgressError> {
    let mut source = Some(e);
    while let Some(s) = source {
        if let Some(refused) = s.downcast_ref::<EgressError>() {
            return Some(refused);
        }
        source = s.source();
    }
    None
}

/// Every cause of an error, joined, for the server log.
pub fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// reqwest is built without a crypto provider of its own so that only
/// *ring* is compiled in; rustls needs one installed before a client is
/// built. If the process already chose one, that one stays.
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> Option<AddressKind> {
        internal_kind(s.parse().unwrap())
    }

    #[test]
    fn internal_ranges_are_named_and_public_ones_pass() {
        use AddressKind::*;
        let cases = [
            ("127.0.0.1", Some(Loopback)),
            ("127.255.0.9", Some(Loopback)),
            ("0.0.0.0", Some(Unspecified)),
            ("0.1.2.3", Some(Unspecified)),
            ("10.0.0.1", Some(Private)),
            ("172.16.0.1", Some(Private)),
            ("172.31.255.255", Some(Private)),
            ("192.168.1.1", Some(Private)),
            ("169.254.169.254", Some(LinkLocal)),
            ("100.64.0.1", Some(SharedCgnat)),
            ("100.127.255.254", Some(SharedCgnat)),
            ("224.0.0.1", Some(Multicast)),
            ("255.255.255.255", Some(Broadcast)),
            ("240.0.0.1", Some(Reserved)),
            ("192.0.0.8", Some(Reserved)),
            ("198.18.0.1", Some(Reserved)),
            ("192.0.2.1", Some(Documentation)),
            ("::", Some(Unspecified)),
            ("::1", Some(Loopback)),
            ("::ffff:127.0.0.1", Some(Loopback)),
            ("::ffff:169.254.169.254", Some(LinkLocal)),
            ("::127.0.0.1", Some(Loopback)),
            ("64:ff9b::10.0.0.1", Some(Private)),
            ("2002:7f00:1::", Some(Loopback)),
            ("fc00::1", Some(Private)),
            ("fd12:3456::1", Some(Private)),
            ("fe80::1", Some(LinkLocal)),
            ("fec0::1", Some(Private)),
            ("ff02::1", Some(Multicast)),
            ("2001:db8::1", Some(Documentation)),
            ("8.8.8.8", None),
            ("93.184.215.14", None),
            ("100.128.0.1", None),
            ("172.32.0.1", None),
            ("2606:4700::1111", None),
            ("64:ff9b::808:808", None),
        ];
        for (addr, want) in cases {
            assert_eq!(kind(addr), want, "{addr}");
        }
    }

    #[test]
    fn odd_spellings_of_loopback_are_refused_on_the_url() {
        for url in [
            "http://2130706433/",
            "http://0x7f.1/",
            "http://0177.0.0.1/",
            "http://127.1/",
            "http://[::1]:8080/feed",
            "http://[::ffff:7f00:1]/",
            "http://0.0.0.0:7171/",
            "https://169.254.169.254/latest/meta-data/",
        ] {
            let e = parse_url(url, &Reach::PublicOnly).unwrap_err();
            assert!(matches!(e, EgressError::Internal { .. }), "{url}: {e}");
            assert!(parse_url(url, &Reach::Anywhere).is_ok(), "{url}");
        }
        assert!(parse_url("https://example.org/feed", &Reach::PublicOnly).is_ok());
        let e = parse_url("http://2130706433/", &Reach::PublicOnly).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`127.0.0.1` is a loopback address 127.0.0.1; newsterm fetches only public addresses"
        );
    }

    #[test]
    fn only_http_and_https_are_fetched_even_when_anywhere_is_allowed() {
        for url in [
            "file:///etc/passwd",
            "gopher://example.org/",
            "ftp://example.org/x",
        ] {
            for reach in [Reach::PublicOnly, Reach::Anywhere] {
                assert!(
                    matches!(parse_url(url, &reach), Err(EgressError::NotHttp(_))),
                    "{url}"
                );
            }
        }
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_loopback_is_refused_by_the_resolver() {
        let e = GuardedResolver::new(Reach::PublicOnly)
            .resolve("localhost")
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                EgressError::Internal {
                    kind: AddressKind::Loopback,
                    ..
                }
            ),
            "{e}"
        );
        let any = GuardedResolver::new(Reach::Anywhere)
            .resolve("localhost")
            .await
            .unwrap();
        assert!(any.iter().all(|a| a.ip().is_loopback()), "{any:?}");
    }

    /// A loopback server answering `/` with "inside" and `/hop` with a
    /// redirect to the URL given in the query.
    async fn inside_server() -> SocketAddr {
        use axum::extract::RawQuery;
        use axum::response::Redirect;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new()
            .route("/", axum::routing::get(|| async { "inside" }))
            .route(
                "/hop",
                axum::routing::get(|RawQuery(q): RawQuery| async move {
                    Redirect::temporary(&q.unwrap_or_default())
                }),
            );
        tokio::spawn(async move { axum::serve(listener, app).await });
        addr
    }

    fn client(reach: Reach) -> reqwest::Client {
        client_builder(&reach)
            .redirect(redirect_policy(5, &reach))
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn a_guarded_client_cannot_reach_a_loopback_server_by_name() {
        let addr = inside_server().await;
        let by_name = format!("http://localhost:{}/", addr.port());
        let e = client(Reach::PublicOnly)
            .get(&by_name)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(refusal(&e), Some(EgressError::Internal { .. })),
            "{}",
            describe(&e)
        );
        let ok = client(Reach::Anywhere).get(&by_name).send().await.unwrap();
        assert_eq!(ok.text().await.unwrap(), "inside");
    }

    #[test]
    fn allowed_hosts_are_written_as_urls_write_them() {
        let hosts = AllowedHosts::parse(&["Intranet.Example", "127.1", "[::1]"]).unwrap();
        let reach = Reach::PublicAnd(hosts);
        for url in [
            "http://intranet.example/feed",
            "http://127.0.0.1:8080/",
            "http://[0:0::1]/",
        ] {
            assert!(parse_url(url, &reach).is_ok(), "{url}");
        }
        for url in [
            "http://127.0.0.2/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::2]/",
        ] {
            assert!(parse_url(url, &reach).is_err(), "{url}");
        }
        let e = AllowedHosts::parse(&["::1"]).unwrap_err();
        assert_eq!(e.to_string(), "`::1` is not a host name or IP address");
    }

    #[tokio::test]
    async fn an_allowed_host_reaches_only_itself_through_redirects() {
        let addr = inside_server().await;
        let port = addr.port();
        let reach = Reach::PublicAnd(AllowedHosts::parse(&["localhost"]).unwrap());
        let allowed = client(reach);
        // The named host is reached by name, and a redirect back to it is
        // followed.
        let ok = allowed
            .get(format!(
                "http://localhost:{port}/hop?http://localhost:{port}/"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(ok.text().await.unwrap(), "inside");
        // The same server under another spelling is another host: refused
        // at the hop.
        for target in [
            format!("http://127.0.0.1:{port}/"),
            format!("http://[::1]:{port}/"),
            format!("http://[::ffff:127.0.0.1]:{port}/"),
        ] {
            let e = allowed
                .get(format!("http://localhost:{port}/hop?{target}"))
                .send()
                .await
                .unwrap_err();
            assert!(
                matches!(refusal(&e), Some(EgressError::Internal { .. })),
                "{target}: {}",
                describe(&e)
            );
        }
    }

    #[tokio::test]
    async fn a_redirect_into_loopback_is_refused_at_the_hop() {
        let addr = inside_server().await;
        // Allowed to reach the first server (as an operator would be), but
        // the redirect's target is checked on its own: a literal loopback
        // address in the Location is refused before any connection.
        let hop = format!(
            "http://localhost:{}/hop?http://127.0.0.1:{}/",
            addr.port(),
            addr.port()
        );
        // Whichever test runs first, this client needs the process's
        // crypto provider too.
        install_crypto_provider();
        let guarded_hop = reqwest::Client::builder()
            .redirect(redirect_policy(5, &Reach::PublicOnly))
            .build()
            .unwrap();
        let e = guarded_hop.get(&hop).send().await.unwrap_err();
        assert!(
            matches!(refusal(&e), Some(EgressError::Internal { .. })),
            "{}",
            describe(&e)
        );
        // reqwest itself never follows a redirect to another scheme.
        let stopped = guarded_hop
            .get(format!(
                "http://localhost:{}/hop?file:///etc/passwd",
                addr.port()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(stopped.status(), 307);
        let followed = client(Reach::Anywhere).get(&hop).send().await.unwrap();
        assert_eq!(followed.text().await.unwrap(), "inside");
    }
}
