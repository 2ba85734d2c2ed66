//! Per-address rate limits on public endpoints: those a stranger could use to guess (the dossier lookup by code and
//! the verification of electronic results) and those that cost a large share of a core each (the public statistics,
//! counted over every dossier of the year). A person never reaches the limits; a script walking through codes or
//! hammering a costly page is slowed down and gets 429 with a Vietnamese explanation.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Lookups allowed in a burst from one address.
pub const LOOKUP_BURST: u32 = 20;
/// After the burst, one more lookup every this many seconds.
pub const LOOKUP_REFILL_SECONDS: u64 = 3;

/// Costly public pages allowed in a burst from one address, then one every [`COSTLY_REFILL_SECONDS`].
pub const COSTLY_BURST: u32 = 10;
pub const COSTLY_REFILL_SECONDS: u64 = 2;

/// Keys kept before stale ones are dropped, so the map cannot grow without bound under a spray of addresses.
const RETAIN_AFTER: usize = 10_000;

pub struct RateLimits {
    lookup: DefaultKeyedRateLimiter<IpAddr>,
    costly: DefaultKeyedRateLimiter<IpAddr>,
}

fn keyed(burst: u32, refill_seconds: u64) -> DefaultKeyedRateLimiter<IpAddr> {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    let quota = Quota::with_period(std::time::Duration::from_secs(refill_seconds))
        .map_or_else(|| Quota::per_minute(burst), |q| q.allow_burst(burst));
    RateLimiter::keyed(quota)
}

fn allow(limiter: &DefaultKeyedRateLimiter<IpAddr>, ip: &str) -> bool {
    if limiter.len() > RETAIN_AFTER {
        limiter.retain_recent();
    }
    let ip = ip.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
    limiter.check_key(&ip).is_ok()
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            lookup: keyed(LOOKUP_BURST, LOOKUP_REFILL_SECONDS),
            costly: keyed(COSTLY_BURST, COSTLY_REFILL_SECONDS),
        }
    }
}

impl RateLimits {
    /// Whether one more public lookup from `ip` may run now; an address that cannot be parsed shares one bucket.
    pub fn allow_lookup(&self, ip: &str) -> bool {
        allow(&self.lookup, ip)
    }

    /// Whether one more costly public page (the statistics) may be computed for `ip` now.
    pub fn allow_costly(&self, ip: &str) -> bool {
        allow(&self.costly, ip)
    }
}
