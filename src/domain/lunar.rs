//! Domain layer: the Vietnamese lunisolar calendar (âm lịch), computed for UTC+7.
//!
//! Two holidays (Tết Nguyên đán, Giỗ Tổ Hùng Vương) are fixed in the lunar calendar, so statutory deadlines
//! depend on it. The Vietnamese calendar follows the same rules as the Chinese one but is reckoned at UTC+7,
//! so a new moon just after midnight in Beijing still falls on the previous day in Hà Nội. That moves Tết by a
//! day in some years (2007: 17 Feb in Việt Nam, 18 Feb in China; 2030: 2 versus 3 Feb) and in 1985 by a
//! month (21 Jan versus 20 Feb, the leap month fell differently). Chinese tables and crates are wrong for us.
//!
//! This is Hồ Ngọc Đức's public algorithm ("Âm lịch Việt Nam"): new moons after Jean Meeus'
//! *Astronomical Algorithms*, and the sun's longitude to find the winter-solstice month (month 11) and the
//! leap month, the first month without a major solar term; his published tables cover 1800–2199. It was
//! preferred to the `amlich-core` crate (a young single-maintainer 0.1.x that pulls in `chrono` and
//! `serde_json`) because it is about 150 lines of arithmetic, checked here against published Tết dates.

use std::f64::consts::PI;
use std::ops::RangeInclusive;

use time::Date;

/// Years the new-moon formulas are accurate for; outside them a computed date could be a day off, and a
/// wrong holiday is worse than a missing one.
pub const SUPPORTED_YEARS: RangeInclusive<i32> = 1800..=2199;

/// Hours east of Greenwich at which the Vietnamese calendar is reckoned (the Hà Nội meridian, rounded).
const TIME_ZONE_HOURS: f64 = 7.0;

/// Julian day of the new moon that Meeus numbers k = 0 (1900-01-01 13:52 UT).
const EPOCH_NEW_MOON: f64 = 2_415_021.076_998_695;

/// Mean length of a synodic month in days.
const SYNODIC_MONTH: f64 = 29.530_588_853;

/// A day of the lunar calendar. `leap` marks the intercalary month (tháng nhuận) that repeats `month`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct LunarDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub leap: bool,
}

/// Why a lunar date has no solar counterpart; the codes are stable so forms can show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LunarError {
    /// The year is outside [`SUPPORTED_YEARS`].
    #[error("lunar.out_of_range")]
    OutOfRange,
    /// Month 13, day 31, day 30 of a 29-day month, or a leap flag on a month that is not repeated that year.
    #[error("lunar.no_such_date")]
    NoSuchDate,
}

impl LunarDate {
    /// A date in an ordinary (non-leap) month, the usual way holidays are written ("10/3 âm lịch").
    pub const fn new(year: i32, month: u8, day: u8) -> Self {
        Self {
            year,
            month,
            day,
            leap: false,
        }
    }

    /// The solar day this lunar day falls on in Việt Nam.
    pub fn to_solar(self) -> Result<Date, LunarError> {
        if !SUPPORTED_YEARS.contains(&self.year) {
            return Err(LunarError::OutOfRange);
        }
        if !(1..=12).contains(&self.month) || !(1..=30).contains(&self.day) {
            return Err(LunarError::NoSuchDate);
        }
        let (a11, b11) = if self.month < 11 {
            (month11(self.year - 1), month11(self.year))
        } else {
            (month11(self.year), month11(self.year + 1))
        };
        let k = lunation_index(a11);
        let mut offset = (i32::from(self.month) + 1) % 12;
        if b11 - a11 > 365 {
            let leap_offset = leap_month_offset(a11);
            if self.leap && i32::from(self.month) != month_after_offset(leap_offset - 1) {
                return Err(LunarError::NoSuchDate);
            }
            if self.leap || offset >= leap_offset {
                offset += 1;
            }
        } else if self.leap {
            return Err(LunarError::NoSuchDate);
        }
        let start = new_moon_day(k + offset);
        if i32::from(self.day) > new_moon_day(k + offset + 1) - start {
            return Err(LunarError::NoSuchDate);
        }
        Date::from_julian_day(start + i32::from(self.day) - 1).map_err(|_| LunarError::OutOfRange)
    }

    /// The lunar day of a solar date, for showing "ngày 10 tháng 3" beside a calendar page.
    pub fn from_solar(date: Date) -> Result<Self, LunarError> {
        let year = date.year();
        if !SUPPORTED_YEARS.contains(&year) {
            return Err(LunarError::OutOfRange);
        }
        let day_number = date.to_julian_day();
        let k = floor((f64::from(day_number) - EPOCH_NEW_MOON) / SYNODIC_MONTH);
        let mut month_start = new_moon_day(k + 1);
        if month_start > day_number {
            month_start = new_moon_day(k);
        }
        let mut a11 = month11(year);
        let mut b11 = a11;
        let mut lunar_year = year;
        if a11 >= month_start {
            a11 = month11(year - 1);
        } else {
            lunar_year = year + 1;
            b11 = month11(year + 1);
        }
        let day = day_number - month_start + 1;
        // Months since month 11: integer division by 29 is exact because 13 lunations never reach 29 * 14 days.
        let diff = (month_start - a11) / 29;
        let mut month = diff + 11;
        let mut leap = false;
        if b11 - a11 > 365 {
            let leap_offset = leap_month_offset(a11);
            if diff >= leap_offset {
                month = diff + 10;
                leap = diff == leap_offset;
            }
        }
        if month > 12 {
            month -= 12;
        }
        if month >= 11 && diff < 4 {
            lunar_year -= 1;
        }
        Ok(Self {
            year: lunar_year,
            month: u8::try_from(month).map_err(|_| LunarError::OutOfRange)?,
            day: u8::try_from(day).map_err(|_| LunarError::OutOfRange)?,
            leap,
        })
    }
}

/// The month repeated as a leap month in lunar `year`, if any; the PM's holiday decisions name it.
pub fn leap_month(year: i32) -> Option<u8> {
    if !SUPPORTED_YEARS.contains(&year) {
        return None;
    }
    // A leap month between month 11 of year-1 and month 11 of year belongs to `year` unless it is 11 or 12;
    // the next interval covers a leap 11 or 12 of `year` itself.
    [(year - 1, false), (year, true)]
        .into_iter()
        .find_map(|(y, late)| {
            let a11 = month11(y);
            if month11(y + 1) - a11 <= 365 {
                return None;
            }
            let month = month_after_offset(leap_month_offset(a11) - 1);
            (late == (month >= 11)).then_some(month)
        })
        .and_then(|m| u8::try_from(m).ok())
}

/// The month number `offset` months after month 11 (offset 1 is month 12, offset 2 month 1).
fn month_after_offset(offset: i32) -> i32 {
    (offset + 10).rem_euclid(12) + 1
}

/// `⌊x⌋` as an integer. Every value floored here is a Julian day (about 2.4 million), a lunation count or a
/// sector 0–11, far inside `i32`.
#[allow(clippy::cast_possible_truncation)]
fn floor(x: f64) -> i32 {
    x.floor() as i32
}

/// Meeus' index of the lunation starting on the Julian day `day`.
fn lunation_index(day: i32) -> i32 {
    floor(0.5 + (f64::from(day) - EPOCH_NEW_MOON) / SYNODIC_MONTH)
}

/// The moment (Julian day, UT) of the k-th new moon after 1900-01-01 (Meeus, chapter 49, shortened).
fn new_moon(k: i32) -> f64 {
    let k = f64::from(k);
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = PI / 180.0;
    let mut jd1 = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd1 += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;
    let mut c1 = (0.1734 - 0.000_393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    // ΔT, the difference between terrestrial and universal time, from polynomial fits.
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd1 + c1 - delta_t
}

/// The sun's apparent longitude in radians, normalised to [0, 2π), at Julian day `jdn` (UT).
fn sun_longitude(jdn: f64) -> f64 {
    let t = (jdn - 2_451_545.0) / 36525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let mut dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin();
    dl += (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin() + 0.000_290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l - PI * 2.0 * (l / (PI * 2.0)).floor()
}

/// The local civil day (Julian day number) of the k-th new moon at UTC+7.
fn new_moon_day(k: i32) -> i32 {
    floor(new_moon(k) + 0.5 + TIME_ZONE_HOURS / 24.0)
}

/// Which of the twelve 30° sectors the sun is in at the start of local day `day_number`; sector 9 begins
/// at the winter solstice, and a month in which the sector does not change has no major term.
fn sun_sector(day_number: i32) -> i32 {
    floor(sun_longitude(f64::from(day_number) - 0.5 - TIME_ZONE_HOURS / 24.0) / PI * 6.0)
}

/// The first day of lunar month 11 (the month containing the winter solstice) of solar `year`.
fn month11(year: i32) -> i32 {
    let Ok(dec31) = Date::from_calendar_date(year, time::Month::December, 31) else {
        return 0;
    };
    let off = f64::from(dec31.to_julian_day()) - 2_415_021.0;
    let k = floor(off / SYNODIC_MONTH);
    let nm = new_moon_day(k);
    if sun_sector(nm) >= 9 {
        new_moon_day(k - 1)
    } else {
        nm
    }
}

/// Months after month 11 (starting at `a11`) of the first month without a major solar term: the leap month.
fn leap_month_offset(a11: i32) -> i32 {
    let k = lunation_index(a11);
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            return i - 1;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use time::macros::date;

    fn solar(year: i32, month: u8, day: u8) -> Date {
        LunarDate::new(year, month, day).to_solar().unwrap()
    }

    #[test]
    fn tet_falls_on_the_published_vietnamese_dates() {
        let expected = [
            date!(1985 - 01 - 21),
            date!(2007 - 02 - 17),
            date!(2020 - 01 - 25),
            date!(2021 - 02 - 12),
            date!(2022 - 02 - 01),
            date!(2023 - 01 - 22),
            date!(2024 - 02 - 10),
            date!(2025 - 01 - 29),
            date!(2026 - 02 - 17),
            date!(2027 - 02 - 06),
            date!(2028 - 01 - 26),
            // New moon at 23:07 in Hà Nội, 00:07 on 3 Feb in Beijing: the Chinese Tết is a day later.
            date!(2030 - 02 - 02),
        ];
        for tet in expected {
            assert_eq!(solar(tet.year(), 1, 1), tet, "Tết {}", tet.year());
        }
    }

    #[test]
    fn hung_kings_day_falls_on_the_published_dates() {
        for day in [
            date!(2023 - 04 - 29),
            date!(2024 - 04 - 18),
            date!(2025 - 04 - 07),
            date!(2026 - 04 - 26),
            date!(2027 - 04 - 16),
        ] {
            assert_eq!(solar(day.year(), 3, 10), day);
        }
    }

    #[test]
    fn leap_months_are_found_and_only_they_accept_the_leap_flag() {
        assert_eq!(leap_month(2020), Some(4));
        assert_eq!(leap_month(2023), Some(2));
        assert_eq!(leap_month(2025), Some(6));
        assert_eq!(leap_month(2024), None);
        let leap = |year, month| LunarDate {
            leap: true,
            ..LunarDate::new(year, month, 1)
        };
        assert_eq!(leap(2023, 2).to_solar(), Ok(date!(2023 - 03 - 22)));
        assert_eq!(leap(2020, 4).to_solar(), Ok(date!(2020 - 05 - 23)));
        assert_eq!(leap(2023, 3).to_solar(), Err(LunarError::NoSuchDate));
        assert_eq!(leap(2024, 2).to_solar(), Err(LunarError::NoSuchDate));
    }

    #[test]
    fn impossible_or_unsupported_dates_are_refused() {
        assert_eq!(
            LunarDate::new(2024, 13, 1).to_solar(),
            Err(LunarError::NoSuchDate)
        );
        assert_eq!(
            LunarDate::new(2024, 1, 31).to_solar(),
            Err(LunarError::NoSuchDate)
        );
        assert_eq!(
            LunarDate::new(1799, 1, 1).to_solar(),
            Err(LunarError::OutOfRange)
        );
        assert_eq!(
            LunarDate::new(2200, 1, 1).to_solar(),
            Err(LunarError::OutOfRange)
        );
        // Month 12 of Giáp Thìn (2024) has 29 days: Tết Ất Tỵ is 29 Jan 2025.
        assert_eq!(
            LunarDate::new(2024, 12, 30).to_solar(),
            Err(LunarError::NoSuchDate)
        );
        assert_eq!(solar(2024, 12, 29), date!(2025 - 01 - 28));
    }

    #[test]
    fn every_day_converts_to_lunar_and_back() {
        let mut day = date!(1995 - 01 - 01);
        for _ in 0..(366 * 40) {
            let lunar = LunarDate::from_solar(day).unwrap();
            assert_eq!(lunar.to_solar(), Ok(day), "{day} as {lunar:?}");
            day = day.next_day().unwrap();
        }
        assert_eq!(
            LunarDate::from_solar(date!(2026 - 02 - 16)).unwrap(),
            LunarDate::new(2025, 12, 29)
        );
    }
}
