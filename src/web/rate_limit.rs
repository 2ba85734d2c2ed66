//! Per-address rate limits on the public endpoints a stranger could use to guess: the dossier lookup by code and the
//! verification of electronic results. A person looking up their own dossier never reaches the limit; a script
//! walking through codes is slowed to a few guesses a minute and gets 429 with a Vietnamese explanation.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Lookups allowed in a burst from one address.
pub const LOOKUP_BURST: u32 = 20;
/// After the burst, one more lookup every this many seconds.
pub const LOOKUP_REFILL_SECONDS: u64 = 3;

/// Keys kept before stale ones are dropped, so the map cannot grow without bound under a spray of addresses.
const RETAIN_AFTER: usize = 10_000;

pub struct RateLimits {
    lookup: DefaultKeyedRateLimiter<IpAddr>,
}

impl Default for RateLimits {
    fn default() -> Self {
        let burst = NonZeroU32::new(LOOKUP_BURST).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(std::time::Duration::from_secs(LOOKUP_REFILL_SECONDS))
            .map_or_else(|| Quota::per_minute(burst), |q| q.allow_burst(burst));
        Self {
            lookup: RateLimiter::keyed(quota),
        }
    }
}

impl RateLimits {
    /// Whether one more public lookup from `ip` may run now; an address that cannot be parsed shares one bucket.
    pub fn allow_lookup(&self, ip: &str) -> bool {
        if self.lookup.len() > RETAIN_AFTER {
            self.lookup.retain_recent();
        }
        let ip = ip.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        self.lookup.check_key(&ip).is_ok()
    }
}
