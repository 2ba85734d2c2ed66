//! Seeds a data directory made by `motcua demo` with many dossiers and their history, for
//! `scripts/bench/dossiers.sh` (docs/PERFORMANCE.md).
//!
//! ```sh
//! cargo run --release --example bench_seed_dossiers -- --data /tmp/bench/data --count 1000000
//! ```
//!
//! The server must be stopped (the data directory's lock is taken). What it writes, for the office found in the
//! database (the demo district `H40.12`, its one-stop section, specialist units, heads, specialists and leaders)
//! and the published catalogue (the 46 demo procedures):
//!
//! - `--count` dossiers received over the last `--years` years on the office calendar's working days, during
//!   office hours, in order of receipt, the daily volume growing by half over the period with ±25 % noise; each
//!   with a code `<agency>-YYMMDD-XXXX` from the day's sequence and a register number from the year's, so
//!   `dossier_code_seq` and `register_seq` end where later receipts continue;
//! - procedures weighted as a district's one-stop section sees them (certification and civil status most, then
//!   land, household businesses, construction …, a Zipf order inside each sector); channels counter 60 %,
//!   online 30 %, postal 10 % among those the procedure offers; generated Vietnamese applicants (10 %
//!   organisations) with ID or tax numbers, phones, some e-mail addresses;
//! - the history a dossier goes through in the service, each event with the stage and national status it left
//!   the dossier in: submit, (supplement at receipt), receive or refuse, transfer to the sector's unit, assign to
//!   its specialist, (consultation, supplement with the clock restarted, extension), approve, approve, (fee request
//!   and payment with the clock paused), complete or reject, (notify), return; immediate procedures are completed
//!   at the counter; a few are withdrawn or stopped. Times follow the working calendar, deadlines are computed
//!   like the service computes them, outcomes (early, on time, late) follow from them;
//! - the checklist of components (copied from the procedure), documents (files submitted online, scans, results;
//!   rows only, no file contents), consultations, and one audit-log entry per action, chained like the service's;
//! - a share of still-active dossiers (`--active-share`, default 4 %): those still in progress because they are
//!   recent, plus older ones stuck at some step (mostly overdue), waiting for a supplement, or with a result not yet
//!   collected.
//!
//! `--intake-desks K` also adds K small agencies (`H40.12.40`, `H40.12.41` …, marked as demo data), each with a
//! one-stop unit and an officer `thutai.motcua01` … with the demo password (`MOTCUA_DEMO_PASSWORD`): a receipt
//! benchmark spreads its receipts over them, because one agency can issue at most 9,999 codes a day.
//!
//! Fast because it writes through prepared statements in transactions of `--batch` dossiers with
//! `journal_mode=OFF`, `synchronous=OFF` and foreign-key checks off (for seeding only: a crash midway leaves a
//! database to throw away); then it puts the database back in WAL mode, checks the foreign keys of the new rows
//! and runs `ANALYZE`. Deterministic for a given `--seed`, `--now` and database.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use clap::Parser;
use rusqlite::{Connection, OptionalExtension, params};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime};

use motcua::domain::calendar::{WorkCalendar, from_local, to_local};
use motcua::domain::catalogue::{Procedure, TimeUnit};
use motcua::domain::dossier::{Outcome, Stage, step_hours};
use motcua::domain::text::fold_ascii;
use motcua::store::audit::{self, NewAuditEntry, Outcome as AuditOutcome};
use motcua::store::{format_time, parse_time};

#[derive(Parser, Debug)]
#[command(
    about = "Seed a motcua demo data directory with dossiers and their history (benchmark data)"
)]
struct Args {
    /// The data directory (made by `motcua demo`; the server must be stopped).
    #[arg(long)]
    data: PathBuf,
    /// Number of dossiers to add.
    #[arg(long, default_value_t = 1_000_000)]
    count: u64,
    /// Receipts are spread over this many years up to now.
    #[arg(long, default_value_t = 3.0)]
    years: f64,
    /// Share of the new dossiers still active (in the office's hands) at the end.
    #[arg(long, default_value_t = 0.04)]
    active_share: f64,
    /// Random seed.
    #[arg(long, default_value_t = 20261129)]
    seed: u64,
    /// "Now" as stored times are written (`2026-11-29T10:00:00.000Z`); default the current time.
    #[arg(long)]
    now: Option<String>,
    /// Dossiers per transaction.
    #[arg(long, default_value_t = 20_000)]
    batch: u64,
    /// Agency receiving the dossiers; default the one whose one-stop unit has officers.
    #[arg(long)]
    agency: Option<String>,
    /// Extra intake desks (agency + one-stop unit + officer) for receipt benchmarks.
    #[arg(long, default_value_t = 0)]
    intake_desks: u32,
    /// Password of the intake-desk officers.
    #[arg(long, env = "MOTCUA_DEMO_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Do not write audit-log entries for the seeded actions.
    #[arg(long)]
    no_audit: bool,
    /// Skip ANALYZE at the end.
    #[arg(long)]
    no_analyze: bool,
}

// ----------------------------------------------------------------------------------------------------------------
// Random numbers: SplitMix64, enough for generated data and free of dependencies.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn f64(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
    /// Uniform in `lo..hi` (`hi` excluded; `lo` when the range is empty).
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            lo + (self.next() % (hi - lo) as u64) as i64
        }
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.next() % 10) as u8))
            .collect()
    }
    fn hex(&mut self, bytes: usize) -> String {
        let mut s = String::with_capacity(bytes * 2);
        for _ in 0..bytes / 8 {
            s.push_str(&format!("{:016x}", self.next()));
        }
        s
    }
}

/// Picks an index with probability proportional to its weight.
struct Weighted(Vec<f64>);

impl Weighted {
    fn new(weights: &[f64]) -> Self {
        let mut acc = 0.0;
        Weighted(
            weights
                .iter()
                .map(|w| {
                    acc += w.max(0.0);
                    acc
                })
                .collect(),
        )
    }
    fn pick(&self, rng: &mut Rng) -> usize {
        let total = *self.0.last().unwrap_or(&0.0);
        let x = rng.f64() * total;
        self.0.partition_point(|c| *c <= x).min(self.0.len() - 1)
    }
}

// ----------------------------------------------------------------------------------------------------------------
// The office as stored.

#[derive(Clone, Debug)]
struct Person {
    id: i64,
    username: String,
    name: String,
    unit: Option<String>,
}

struct UnitStaff {
    code: String,
    heads: Vec<Person>,
    specialists: Vec<Person>,
}

struct Office {
    agency: String,
    officers: Vec<Person>,
    leaders: Vec<Person>,
    units: Vec<UnitStaff>,
}

struct Proc {
    code: String,
    version: i64,
    name: String,
    body: Procedure,
    unit: usize,
    immediate: bool,
    has_fee: bool,
    uses_leader: bool,
    components: Vec<(i64, String, String, bool)>,
}

fn load_office(conn: &Connection, agency: Option<&str>) -> Result<Office> {
    let mut units: Vec<(String, String, String)> = Vec::new(); // code, agency, kind
    {
        let mut stmt = conn.prepare("SELECT code, agency_code, kind FROM units ORDER BY code")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        for row in rows {
            units.push(row?);
        }
    }
    let mut people: Vec<(Person, Vec<String>)> = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT s.id, s.username, s.full_name, s.unit_code,
                    (SELECT group_concat(role) FROM staff_roles r WHERE r.staff_id = s.id)
             FROM staff s WHERE s.locked_at IS NULL ORDER BY s.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let roles: Option<String> = r.get(4)?;
            Ok((
                Person {
                    id: r.get(0)?,
                    username: r.get(1)?,
                    name: r.get(2)?,
                    unit: r.get(3)?,
                },
                roles
                    .unwrap_or_default()
                    .split(',')
                    .map(str::to_owned)
                    .collect::<Vec<_>>(),
            ))
        })?;
        for row in rows {
            people.push(row?);
        }
    }
    let agency_of = |unit: &Option<String>| {
        unit.as_ref().and_then(|u| {
            units
                .iter()
                .find(|(code, _, _)| code == u)
                .map(|(_, a, _)| a.clone())
        })
    };
    let agency = match agency {
        Some(a) => a.to_owned(),
        None => people
            .iter()
            .filter(|(p, roles)| {
                roles.iter().any(|r| r == "officer")
                    && !p.username.starts_with("thutai.")
                    && agency_of(&p.unit).is_some()
            })
            .find_map(|(p, _)| agency_of(&p.unit))
            .context("no officer in any unit: is this a demo data directory?")?,
    };
    let ours = |p: &Person| {
        agency_of(&p.unit).as_deref() == Some(agency.as_str()) && !p.username.starts_with("thutai.")
    };
    let with_role = |role: &str| -> Vec<Person> {
        people
            .iter()
            .filter(|(p, roles)| ours(p) && roles.iter().any(|r| r == role))
            .map(|(p, _)| p.clone())
            .collect()
    };
    let officers = with_role("officer");
    let leaders = with_role("leader");
    let heads = with_role("head");
    let specialists = with_role("specialist");
    let units: Vec<UnitStaff> = units
        .iter()
        .filter(|(_, a, kind)| *a == agency && kind == "specialist")
        .map(|(code, _, _)| UnitStaff {
            code: code.clone(),
            heads: heads
                .iter()
                .filter(|p| p.unit.as_deref() == Some(code))
                .cloned()
                .collect(),
            specialists: specialists
                .iter()
                .filter(|p| p.unit.as_deref() == Some(code))
                .cloned()
                .collect(),
        })
        .filter(|u| !u.heads.is_empty() && !u.specialists.is_empty())
        .collect();
    if officers.is_empty() || units.is_empty() {
        bail!("agency {agency} needs officers and specialist units with a head and a specialist");
    }
    Ok(Office {
        agency,
        officers,
        leaders,
        units,
    })
}

/// Sector (the part after the province prefix) → the unit that handles it, as a district's offices split the work;
/// sectors without a matching unit go to one chosen by the sector's name.
fn unit_for_sector(sector: &str, office: &Office) -> usize {
    let short = sector.rsplit('-').next().unwrap_or(sector);
    let preferred = match short {
        "HT" | "CT" | "TG" => 0,    // Tư pháp
        "HKD" | "TDKT" => 1,        // Tài chính - Kế hoạch
        "XD" | "NN" | "GT" => 2,    // Kinh tế và Hạ tầng
        "DD" | "MT" | "TNMT" => 3,  // Tài nguyên và Môi trường
        "BTXH" | "NCC" | "LD" => 4, // Lao động - Thương binh và Xã hội
        "VHCS" | "GDDT" => 4,
        other => other.bytes().map(usize::from).sum::<usize>(),
    };
    preferred % office.units.len()
}

/// How often a district's one-stop section sees each sector (certification and civil status dominate).
fn sector_weight(sector: &str) -> f64 {
    match sector.rsplit('-').next().unwrap_or(sector) {
        "CT" => 30.0,
        "HT" => 24.0,
        "DD" => 12.0,
        "HKD" => 8.0,
        "XD" => 6.0,
        "BTXH" => 5.0,
        "NCC" => 2.5,
        "VHCS" => 2.0,
        "GDDT" => 2.0,
        "MT" => 1.5,
        "NN" => 1.5,
        "TG" => 1.0,
        "TDKT" => 1.0,
        _ => 1.0,
    }
}

fn load_procedures(conn: &Connection, office: &Office) -> Result<(Vec<Proc>, Weighted)> {
    let versions = motcua::store::procedures::all_published(conn)?;
    if versions.is_empty() {
        bail!("no published procedure: is this a demo data directory?");
    }
    let mut procs: Vec<Proc> = versions
        .into_iter()
        .filter(|v| v.body.channels.counter || v.body.channels.online || v.body.channels.postal)
        .map(|v| {
            let body = v.body;
            let components = body
                .components
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    (
                        i as i64 + 1,
                        c.name.clone(),
                        motcua::services::dossiers::intake::copies_label(c.originals, c.copies),
                        c.required,
                    )
                })
                .collect();
            Proc {
                code: v.code,
                version: v.version,
                name: body.name.clone(),
                unit: unit_for_sector(&body.sector, office),
                immediate: body.immediate_result || body.processing_time.amount == 0,
                has_fee: !body.fees.is_empty(),
                uses_leader: body.workflow.iter().any(|s| s.role == "leader"),
                components,
                body,
            }
        })
        .collect();
    procs.sort_by(|a, b| a.code.cmp(&b.code));
    // Zipf inside each sector, in code order.
    let mut rank_in_sector: HashMap<String, usize> = HashMap::new();
    let weights: Vec<f64> = procs
        .iter()
        .map(|p| {
            let rank = rank_in_sector.entry(p.body.sector.clone()).or_insert(0);
            *rank += 1;
            sector_weight(&p.body.sector) / *rank as f64
        })
        .collect();
    Ok((procs, Weighted::new(&weights)))
}

// ----------------------------------------------------------------------------------------------------------------
// Names and people.

const FAMILY: [(&str, f64); 16] = [
    ("Nguyễn", 38.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.0),
    ("Hoàng", 5.0),
    ("Huỳnh", 2.0),
    ("Phan", 4.5),
    ("Vũ", 4.0),
    ("Võ", 2.0),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
];
const MIDDLE_M: [&str; 10] = [
    "Văn", "Đức", "Minh", "Hữu", "Quang", "Công", "Đình", "Thanh", "Xuân", "Ngọc",
];
const MIDDLE_F: [&str; 8] = [
    "Thị", "Thị", "Thị", "Ngọc", "Thu", "Hồng", "Thanh", "Phương",
];
const GIVEN_M: [&str; 20] = [
    "An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Long", "Minh", "Nam", "Phong", "Quân", "Sơn",
    "Thắng", "Trung", "Tuấn", "Việt", "Khánh", "Hiếu", "Đạt", "Toàn",
];
const GIVEN_F: [&str; 20] = [
    "Anh", "Giang", "Hà", "Hạnh", "Hòa", "Hương", "Lan", "Linh", "Mai", "Nga", "Ngọc", "Phương",
    "Tâm", "Thảo", "Trang", "Yến", "Thủy", "Dung", "Huyền", "Nhung",
];
const ORG_KIND: [&str; 4] = [
    "Công ty TNHH",
    "Công ty cổ phần",
    "Hợp tác xã",
    "Doanh nghiệp tư nhân",
];
const ORG_WORDS: [&str; 14] = [
    "Thương mại",
    "Dịch vụ",
    "Xây dựng",
    "Nông nghiệp",
    "Vận tải",
    "Đầu tư",
    "Kỹ thuật",
    "Sản xuất",
    "Gốm sứ",
    "Thực phẩm",
    "Cơ khí",
    "Môi trường",
    "Du lịch",
    "Điện tử",
];
const PLACES: [&str; 12] = [
    "Phú Lâm",
    "Nội Duệ",
    "Lim",
    "Liên Bão",
    "Hiên Vân",
    "Hoàn Sơn",
    "Lạc Vệ",
    "Việt Đoàn",
    "Phật Tích",
    "Tân Chi",
    "Đại Đồng",
    "Minh Đạo",
];
const VILLAGES: [&str; 10] = [
    "Thôn Đông",
    "Thôn Đoài",
    "Thôn Trung",
    "Thôn Nam",
    "Thôn Bắc",
    "Khu phố 1",
    "Khu phố 2",
    "Thôn Lũng Giang",
    "Thôn Ngọ Xá",
    "Thôn Duệ Đông",
];

struct Applicant {
    kind: &'static str,
    name: String,
    key: String,
    id_number: String,
    phone: String,
    email: String,
    address: String,
}

fn applicant(rng: &mut Rng, family: &Weighted) -> Applicant {
    let commune = *rng.pick(&PLACES);
    let address = format!(
        "{}, xã {commune}, huyện Tiên Du, tỉnh Bắc Ninh",
        rng.pick(&VILLAGES)
    );
    let phone = if rng.chance(0.9) {
        format!("{}{}", rng.pick(&["09", "03", "08", "07"]), rng.digits(8))
    } else {
        String::new()
    };
    if rng.chance(0.1) {
        let name = format!(
            "{} {} {} {}",
            rng.pick(&ORG_KIND),
            rng.pick(&ORG_WORDS),
            rng.pick(&ORG_WORDS),
            rng.pick(&PLACES)
        );
        let key = fold_ascii(&name);
        let email = format!(
            "lienhe{}@{}.vn",
            rng.digits(3),
            key.split(' ').next_back().unwrap_or("congty")
        );
        return Applicant {
            kind: "organisation",
            id_number: format!("2300{}", rng.digits(6)),
            name,
            key,
            phone,
            email,
            address,
        };
    }
    let female = rng.chance(0.5);
    let family_name = FAMILY[family.pick(rng)].0;
    let (middle, given) = if female {
        (*rng.pick(&MIDDLE_F), *rng.pick(&GIVEN_F))
    } else {
        (*rng.pick(&MIDDLE_M), *rng.pick(&GIVEN_M))
    };
    let name = format!("{family_name} {middle} {given}");
    let key = fold_ascii(&name);
    let born_2000s = rng.chance(0.25);
    let century_sex = match (born_2000s, female) {
        (false, false) => 0,
        (false, true) => 1,
        (true, false) => 2,
        (true, true) => 3,
    };
    let yy = if born_2000s {
        rng.range(0, 8)
    } else {
        rng.range(45, 100)
    };
    let email = if rng.chance(0.25) {
        format!("{}{}@gmail.com", key.replace(' ', ""), rng.digits(2))
    } else {
        String::new()
    };
    Applicant {
        kind: "person",
        id_number: format!("027{century_sex}{yy:02}{}", rng.digits(6)),
        name,
        key,
        phone,
        email,
        address,
    }
}

// ----------------------------------------------------------------------------------------------------------------
// The lifecycle of one dossier.

/// Who took an action: a staff member or the provincial portal relaying the applicant.
#[derive(Clone)]
struct Who {
    name: String,
    reference: String,
    unit: Option<String>,
    audit_actor: String,
}

impl Who {
    fn staff(p: &Person) -> Who {
        Who {
            name: p.name.clone(),
            reference: format!("staff:{}", p.id),
            unit: p.unit.clone(),
            audit_actor: p.username.clone(),
        }
    }
    fn portal() -> Who {
        Who {
            name: "Cổng Dịch vụ công tỉnh Bắc Ninh".to_owned(),
            reference: "token:cong-dvc-tinh".to_owned(),
            unit: None,
            audit_actor: "token:cong-dvc-tinh".to_owned(),
        }
    }
}

struct Event {
    at: String,
    who: Who,
    action: &'static str,
    stage: Stage,
    comment: String,
    data: String,
}

struct Document {
    component: Option<i64>,
    kind: &'static str,
    file_name: String,
    size: i64,
    uploaded_by: String,
    uploaded_at: String,
}

struct Consultation {
    agencies: &'static str,
    content: &'static str,
    due_at: String,
    asked_at: String,
    replied_at: Option<String>,
    reply: &'static str,
}

/// The dossier as it ends up, with everything written for it.
#[derive(Default)]
struct Dossier {
    code: Option<String>,
    stage: Option<Stage>,
    resume: Option<Stage>,
    active: bool,
    unit: Option<String>,
    assignee: Option<i64>,
    received_at: Option<String>,
    received_by: Option<i64>,
    clock_started_at: Option<String>,
    due: Option<PrimitiveDateTime>,
    original_due: Option<PrimitiveDateTime>,
    paused_at: Option<String>,
    transfer_due_at: Option<String>,
    transferred_at: Option<String>,
    step_due_at: Option<String>,
    extended: bool,
    receipt_supplements: i64,
    supplements: i64,
    fee_due_vnd: Option<i64>,
    result_notified_at: Option<String>,
    finished_at: Option<String>,
    outcome: Option<&'static str>,
    decision: Option<&'static str>,
    returned_at: Option<String>,
    register: Option<(i64, i64)>,
    updated_at: String,
    events: Vec<Event>,
    documents: Vec<Document>,
    consultations: Vec<Consultation>,
    provided: Vec<bool>,
    /// The index of the receipt among the events: the audit names the dossier by its code from there on.
    receive_index: Option<usize>,
}

/// Where a stale dossier (older than its deadline, still active) stopped.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Halt {
    None,
    At(Stage),
}

struct Sim<'a> {
    rng: &'a mut Rng,
    cal: &'a WorkCalendar,
    now: PrimitiveDateTime,
    proc_: &'a Proc,
    office: &'a Office,
    halt: Halt,
    d: Dossier,
    /// Shared sequences: (agency, YYMMDD) → last, year → last.
    code_seq: &'a mut HashMap<String, i64>,
    register_seq: &'a mut HashMap<i64, i64>,
}

fn stored(t: PrimitiveDateTime) -> String {
    format_time(from_local(t))
}

fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

impl Sim<'_> {
    /// Records an event at `at` leaving the dossier in `stage`; `None` when `at` is still in the future, so the
    /// history stops there (the dossier is still in its previous stage).
    fn event(
        &mut self,
        at: PrimitiveDateTime,
        who: &Who,
        action: &'static str,
        stage: Stage,
        comment: &str,
        data: String,
    ) -> Option<()> {
        if at > self.now {
            return None;
        }
        let at_text = stored(at);
        if self.d.stage != Some(stage) {
            self.d.step_due_at = step_hours(stage, &self.proc_.body.workflow)
                .map(|h| stored(self.cal.add_working_hours(at, i64::from(h))));
        }
        self.d.stage = Some(stage);
        self.d.updated_at = at_text.clone();
        self.d.events.push(Event {
            at: at_text,
            who: who.clone(),
            action,
            stage,
            comment: comment.to_owned(),
            data,
        });
        Some(())
    }

    /// Stops the history here when this stale dossier is to stay in `stage`.
    fn halt_here(&self, stage: Stage) -> Option<()> {
        if self.halt == Halt::At(stage) {
            None
        } else {
            Some(())
        }
    }

    fn wm(&self, t: PrimitiveDateTime, minutes: i64) -> PrimitiveDateTime {
        self.cal.add_working_minutes(t, minutes)
    }

    fn due_from(&self, start: PrimitiveDateTime) -> PrimitiveDateTime {
        let amount = i64::from(self.proc_.body.processing_time.amount);
        let start = self.cal.next_working_moment(start);
        match self.proc_.body.processing_time.unit {
            TimeUnit::WorkingDays => self.cal.add_working_days(start, amount),
            TimeUnit::WorkingHours => self.cal.add_working_hours(start, amount),
        }
    }

    fn officer(&mut self) -> Who {
        Who::staff(self.rng.pick(&self.office.officers))
    }

    fn head(&mut self) -> Who {
        let unit = &self.office.units[self.proc_.unit];
        Who::staff(self.rng.pick(&unit.heads))
    }

    fn specialist(&mut self) -> Person {
        let unit = &self.office.units[self.proc_.unit];
        self.rng.pick(&unit.specialists).clone()
    }

    fn signer(&mut self) -> Who {
        if self.proc_.uses_leader && !self.office.leaders.is_empty() {
            Who::staff(self.rng.pick(&self.office.leaders))
        } else {
            self.head()
        }
    }

    fn close(&mut self, at: PrimitiveDateTime) {
        self.d.active = false;
        self.d.finished_at = Some(stored(at));
    }

    fn finish(&mut self, at: PrimitiveDateTime, approved: bool) {
        self.d.finished_at = Some(stored(at));
        self.d.decision = Some(if approved { "approved" } else { "rejected" });
        if let Some(due) = self.d.due {
            self.d.outcome = Some(Outcome::of(at, due).as_str());
        }
    }

    fn document(
        &mut self,
        component: Option<i64>,
        kind: &'static str,
        who: &str,
        at: PrimitiveDateTime,
    ) {
        let (stem, ext) = match (kind, self.rng.next() % 4) {
            ("result", _) => ("ket-qua", "pdf"),
            (_, 0) => ("anh-chup", "jpg"),
            (_, 1) => ("to-khai", "docx"),
            _ => ("ban-scan", "pdf"),
        };
        let size = self.rng.range(40_000, 2_500_000);
        let file_name = match component {
            Some(p) => format!("{stem}-thanh-phan-{p}.{ext}"),
            None => format!("{stem}.{ext}"),
        };
        self.d.documents.push(Document {
            component,
            kind,
            file_name,
            size,
            uploaded_by: who.to_owned(),
            uploaded_at: stored(at),
        });
    }

    /// Runs the dossier's history from `submitted` (online) or `received` (counter, post) up to now.
    fn run(
        &mut self,
        channel: i64,
        submitted: PrimitiveDateTime,
        received: PrimitiveDateTime,
    ) -> Option<()> {
        let portal = Who::portal();
        let online = channel == 2;
        let submitter = if online {
            portal.clone()
        } else {
            self.officer()
        };
        let receiver = if online {
            self.officer()
        } else {
            submitter.clone()
        };
        self.d.active = true;
        self.event(
            submitted,
            &submitter,
            "submit",
            Stage::Registered,
            "",
            format!("{{\"channel\":{channel}}}"),
        )?;
        let n = self.proc_.components.len();
        self.d.provided = self
            .proc_
            .components
            .iter()
            .map(|c| c.3 || self.rng.chance(0.5))
            .collect();
        if online {
            for p in 0..n {
                if self.d.provided[p] {
                    self.document(Some(p as i64 + 1), "submitted", &portal.name, submitted);
                }
            }
        }
        self.halt_here(Stage::Registered)?;
        let gap = received - submitted;
        // Asked at receipt to complete the dossier (once), then resubmitted.
        if online && n > 0 && self.rng.chance(0.04) && gap > Duration::hours(2) {
            let asked = submitted + gap * 0.3;
            let item = self.proc_.components[self.rng.range(0, n as i64) as usize]
                .1
                .clone();
            let reason = "Thành phần hồ sơ chưa đầy đủ, chưa hợp lệ";
            self.event(
                asked,
                &receiver,
                "request_supplement",
                Stage::Supplement,
                reason,
                format!(
                    "{{\"reason\":{},\"items\":[{}],\"late\":false}}",
                    json_str(reason),
                    json_str(&item)
                ),
            )?;
            self.d.receipt_supplements = 1;
            self.d.resume = Some(Stage::Registered);
            self.halt_here(Stage::Supplement)?;
            self.event(
                submitted + gap * 0.7,
                &portal,
                "submit_supplement",
                Stage::Registered,
                "",
                "{}".to_owned(),
            )?;
            self.d.resume = None;
        }
        // Refused at receipt: no code, no register entry.
        if self.rng.chance(if online { 0.03 } else { 0.01 }) {
            let reason = "Hồ sơ không thuộc thẩm quyền giải quyết";
            self.event(
                received,
                &receiver,
                "refuse",
                Stage::Refused,
                reason,
                format!("{{\"reason\":{}}}", json_str(reason)),
            )?;
            self.close(received);
            return Some(());
        }
        // Receipt: code, register entry, clock.
        if received > self.now {
            return None;
        }
        let day = received.date();
        let yymmdd = format!(
            "{:02}{:02}{:02}",
            day.year().rem_euclid(100),
            u8::from(day.month()),
            day.day()
        );
        let seq = self.code_seq.entry(yymmdd.clone()).or_insert(0);
        *seq += 1;
        let code = format!("{}-{yymmdd}-{:04}", self.office.agency, *seq);
        let year = i64::from(day.year());
        let reg = self.register_seq.entry(year).or_insert(0);
        *reg += 1;
        let register_no = *reg;
        let due = self.due_from(received);
        self.d.code = Some(code);
        self.d.register = Some((year, register_no));
        self.d.received_at = Some(stored(received));
        self.d.received_by = receiver
            .reference
            .strip_prefix("staff:")
            .and_then(|s| s.parse().ok());
        self.d.clock_started_at = Some(stored(received));
        self.d.due = Some(due);
        self.d.original_due = Some(due);
        self.d.transfer_due_at = Some(stored(self.cal.transfer_due(received)));
        for p in 0..n {
            self.d.provided[p] = self.d.provided[p] || self.proc_.components[p].3;
        }
        self.event(
            received,
            &receiver,
            "receive",
            Stage::Received,
            "",
            "{}".to_owned(),
        )?;
        self.d.receive_index = Some(self.d.events.len() - 1);
        if !online && self.rng.chance(0.3) {
            for p in 0..n {
                if self.d.provided[p] {
                    self.document(Some(p as i64 + 1), "scan", &receiver.name, received);
                }
            }
        }
        self.halt_here(Stage::Received)?;

        // How fast the office is with this one: mostly early, some on the day, some late.
        let speed = match self.rng.f64() {
            x if x < 0.85 => 0.25 + self.rng.f64() * 0.6,
            x if x < 0.95 => 0.85 + self.rng.f64() * 0.15,
            _ => 1.0 + self.rng.f64() * 0.6,
        };
        let allowed = self.cal.working_minutes_between(received, due).max(60);
        let result_at;
        if self.proc_.immediate {
            // Certified on the spot when the procedure promises the result at once (no time allowed).
            let t = if self.proc_.body.processing_time.amount == 0 {
                received
            } else {
                let m = self.rng.range(5, 90);
                self.wm(received, m)
            };
            result_at = t;
            self.event(
                t,
                &receiver,
                "complete",
                Stage::ResultReady,
                "",
                "{}".to_owned(),
            )?;
            self.finish(t, true);
            if self.proc_.components.is_empty() || self.rng.chance(0.3) {
                self.document(None, "result", &receiver.name, t);
            }
        } else {
            let unit = self.office.units[self.proc_.unit].code.clone();
            // Transfer to the unit, the same day when received before the cut-off.
            let t = {
                let m = self.rng.range(10, 200);
                self.wm(received, m)
            };
            self.event(
                t,
                &receiver,
                "transfer",
                Stage::AtUnit,
                "",
                format!(
                    "{{\"to_unit\":{},\"transfer_late\":{}}}",
                    json_str(&unit),
                    self.d
                        .transfer_due_at
                        .as_deref()
                        .and_then(parse_time)
                        .is_some_and(|d| from_local(t) > d)
                ),
            )?;
            self.d.unit = Some(unit.clone());
            self.d.transferred_at = Some(stored(t));
            self.halt_here(Stage::AtUnit)?;
            let head = self.head();
            let specialist = self.specialist();
            let t = {
                let m = self.rng.range(15, 600);
                self.wm(t, m)
            };
            self.event(
                t,
                &head,
                "assign",
                Stage::Appraising,
                "",
                format!(
                    "{{\"to_user\":{},\"assignee\":{}}}",
                    specialist.id,
                    json_str(&specialist.name)
                ),
            )?;
            self.d.assignee = Some(specialist.id);
            let specialist = Who::staff(&specialist);
            let mut clock_start = received;
            let mut t = t;
            let late = speed > 1.0;
            // An extension asked early by the head when the dossier will be late (once).
            if late && self.rng.chance(0.5) {
                let at = self.wm(t, 30);
                let new_due = self.wm(due, (allowed as f64 * (speed - 0.95)) as i64 + 240);
                let reason = "Cần xác minh thêm thông tin";
                self.event(
                    at,
                    &head,
                    "extend",
                    Stage::Appraising,
                    reason,
                    format!(
                        "{{\"reason\":{},\"requested_due\":\"{}\",\"previous_due_at\":\"{}\",\"new_due_at\":\"{}\"}}",
                        json_str(reason),
                        new_due.date(),
                        stored(due),
                        stored(new_due)
                    ),
                )?;
                self.d.due = Some(new_due);
                self.d.extended = true;
                t = at;
            }
            let halt_stage = match self.halt {
                Halt::At(s) => Some(s),
                Halt::None => None,
            };
            if self.rng.chance(0.005) {
                let at = self.wm(t, (allowed as f64 * 0.2) as i64);
                let reason = "Người nộp không tiếp tục thực hiện";
                self.event(
                    at,
                    &head,
                    "stop",
                    Stage::Stopped,
                    reason,
                    format!("{{\"reason\":{}}}", json_str(reason)),
                )?;
                self.close(at);
                return Some(());
            }
            if self.rng.chance(0.007) {
                let at = self.wm(t, (allowed as f64 * 0.15) as i64);
                let who = if online {
                    portal.clone()
                } else {
                    self.officer()
                };
                self.event(at, &who, "withdraw", Stage::Withdrawn, "", "{}".to_owned())?;
                self.close(at);
                return Some(());
            }
            self.halt_here(Stage::Appraising)?;
            // Supplement during appraisal: the clock stops and restarts from zero.
            if n > 0 && (halt_stage == Some(Stage::Supplement) || self.rng.chance(0.04)) {
                let asked = self.wm(t, (allowed as f64 * 0.15 * speed) as i64 + 10);
                let item = self.proc_.components[self.rng.range(0, n as i64) as usize]
                    .1
                    .clone();
                let reason = "Cần bổ sung giấy tờ chứng minh";
                self.event(
                    asked,
                    &specialist,
                    "request_supplement",
                    Stage::Supplement,
                    reason,
                    format!(
                        "{{\"reason\":{},\"items\":[{}],\"late\":false}}",
                        json_str(reason),
                        json_str(&item)
                    ),
                )?;
                self.d.supplements += 1;
                self.d.due = None;
                self.d.paused_at = Some(stored(asked));
                self.d.resume = Some(Stage::Appraising);
                self.halt_here(Stage::Supplement)?;
                let back = self
                    .cal
                    .next_working_moment(asked + Duration::hours(self.rng.range(20, 24 * 12)));
                let who = if online {
                    portal.clone()
                } else {
                    self.officer()
                };
                self.event(
                    back,
                    &who,
                    "submit_supplement",
                    Stage::Appraising,
                    "",
                    "{}".to_owned(),
                )?;
                self.d.resume = None;
                self.d.paused_at = None;
                clock_start = back;
                let due = self.due_from(back);
                self.d.clock_started_at = Some(stored(back));
                self.d.due = Some(due);
                self.d.original_due = Some(due);
                for p in self.d.provided.iter_mut() {
                    *p = true;
                }
                t = back;
            }
            // Opinions of other bodies.
            if halt_stage == Some(Stage::Consulting) || self.rng.chance(0.03) {
                let at = self.wm(t, (allowed as f64 * 0.1) as i64 + 10);
                let due_at = self.wm(at, 5 * 480);
                let content = "Đề nghị cho ý kiến về nội dung hồ sơ";
                let agencies = "Sở Tài nguyên và Môi trường";
                self.event(
                    at,
                    &specialist,
                    "consult",
                    Stage::Consulting,
                    content,
                    format!(
                        "{{\"agencies\":[{}],\"content\":{}}}",
                        json_str(agencies),
                        json_str(content)
                    ),
                )?;
                self.d.resume = Some(Stage::Appraising);
                self.d.consultations.push(Consultation {
                    agencies,
                    content,
                    due_at: stored(due_at),
                    asked_at: stored(at),
                    replied_at: None,
                    reply: "",
                });
                self.halt_here(Stage::Consulting)?;
                let back = {
                    let m = self.rng.range(2, 6) * 480;
                    self.wm(at, m)
                };
                let reply = "Thống nhất với nội dung đề nghị";
                self.event(
                    back,
                    &specialist,
                    "consult_reply",
                    Stage::Appraising,
                    reply,
                    format!("{{\"reply\":{}}}", json_str(reply)),
                )?;
                self.d.resume = None;
                if let Some(c) = self.d.consultations.last_mut() {
                    c.replied_at = Some(stored(back));
                    c.reply = reply;
                }
                t = back;
            }
            // Appraisal, signing, approval; the schedule keeps the chosen speed against the clock.
            let allowed_now = self
                .cal
                .working_minutes_between(clock_start, self.d.due.unwrap_or(due))
                .max(60);
            let target = self.wm(clock_start, (allowed_now as f64 * speed) as i64);
            let left = self.cal.working_minutes_between(t, target).max(30);
            let t_sign = self.wm(t, left * 55 / 100);
            if self.rng.chance(0.02) {
                let reason = "Hồ sơ không đủ điều kiện giải quyết";
                self.event(
                    t_sign,
                    &specialist,
                    "reject",
                    Stage::ResultReady,
                    reason,
                    format!("{{\"reason\":{}}}", json_str(reason)),
                )?;
                self.finish(t_sign, false);
                result_at = t_sign;
            } else {
                self.event(
                    t_sign,
                    &specialist,
                    "approve",
                    Stage::Signing,
                    "",
                    "{}".to_owned(),
                )?;
                self.halt_here(Stage::Signing)?;
                let signer = self.signer();
                let t_app = self.wm(t_sign, left * 25 / 100);
                self.event(
                    t_app,
                    &signer,
                    "approve",
                    Stage::Approved,
                    "",
                    "{}".to_owned(),
                )?;
                self.halt_here(Stage::Approved)?;
                let mut t_done = self.wm(t_app, left * 20 / 100);
                if (self.proc_.has_fee && self.rng.chance(0.3))
                    || halt_stage == Some(Stage::Payment)
                {
                    let amount = self.rng.range(1, 20) * 25_000;
                    self.event(
                        t_app,
                        &specialist,
                        "request_payment",
                        Stage::Payment,
                        "",
                        format!("{{\"amount\":{amount}}}"),
                    )?;
                    self.d.fee_due_vnd = Some(amount);
                    self.d.paused_at = Some(stored(t_app));
                    self.d.resume = Some(Stage::Approved);
                    self.halt_here(Stage::Payment)?;
                    let paid = self
                        .cal
                        .next_working_moment(t_app + Duration::hours(self.rng.range(1, 72)));
                    let waited = self.cal.working_minutes_between(t_app, paid);
                    let method = "Chuyển khoản";
                    let cashier = self.officer();
                    self.event(
                        paid,
                        &cashier,
                        "record_payment",
                        Stage::Approved,
                        method,
                        format!(
                            "{{\"method\":{},\"clock_paused_minutes\":{waited}}}",
                            json_str(method)
                        ),
                    )?;
                    self.d.resume = None;
                    self.d.paused_at = None;
                    if let Some(d) = self.d.due {
                        self.d.due = Some(self.wm(d, waited));
                    }
                    t_done = self.wm(paid, left * 20 / 100);
                }
                self.event(
                    t_done,
                    &specialist,
                    "complete",
                    Stage::ResultReady,
                    "",
                    "{}".to_owned(),
                )?;
                self.finish(t_done, true);
                if self.rng.chance(0.7) {
                    self.document(None, "result", &specialist.name, t_done);
                }
                result_at = t_done;
            }
        }
        self.halt_here(Stage::ResultReady)?;
        // Return: notified first when the result is ready before the due date, then collected.
        let officer = self.officer();
        let returned = self
            .cal
            .next_working_moment(result_at + Duration::minutes(self.rng.range(10, 60 * 24 * 6)));
        let before_due = self.d.due.is_some_and(|due| returned.date() < due.date());
        if before_due || self.rng.chance(0.5) {
            let at = {
                let m = self.rng.range(5, 120);
                self.wm(result_at, m)
            }
            .min(returned);
            let how = *self
                .rng
                .pick(&["Gọi điện thoại", "Tin nhắn SMS", "Thư điện tử"]);
            self.event(
                at,
                &officer,
                "notify_applicant",
                Stage::ResultReady,
                how,
                format!("{{\"method\":{}}}", json_str(how)),
            )?;
            self.d.result_notified_at = Some(stored(at));
        }
        self.event(
            returned,
            &officer,
            "return_result",
            Stage::Returned,
            "",
            "{}".to_owned(),
        )?;
        self.d.active = false;
        self.d.returned_at = Some(stored(returned));
        Some(())
    }
}

// ----------------------------------------------------------------------------------------------------------------
// Intake desks for receipt benchmarks.

async fn add_intake_desks(args: &Args) -> Result<()> {
    let data = motcua::datadir::DataDir::new(&args.data);
    let config = motcua::config::Config::load(&data.config_file())
        .map_err(|e| anyhow::anyhow!("config: {e}"))?;
    let password = args
        .password
        .clone()
        .context("--intake-desks needs --password or MOTCUA_DEMO_PASSWORD")?;
    let db = motcua::store::Db::open(&data.database(), 1).await?;
    let ctx = motcua::services::Context::console(OffsetDateTime::now_utc());
    let parent: String = db
        .read(|c| {
            c.query_row(
                "SELECT code FROM agencies WHERE parent_code IS NULL ORDER BY code LIMIT 1",
                [],
                |r| r.get(0),
            )
            .map_err(motcua::store::StoreError::from)
        })
        .await?;
    for i in 1..=args.intake_desks {
        let agency = format!("{parent}.{}", 39 + i);
        let unit = format!("{agency}.1");
        let exists: bool = {
            let agency = agency.clone();
            db.read(move |c| {
                c.query_row(
                    "SELECT count(*) FROM agencies WHERE code = ?1",
                    [&agency],
                    |r| r.get::<_, i64>(0),
                )
                .map(|n| n > 0)
                .map_err(motcua::store::StoreError::from)
            })
            .await?
        };
        if exists {
            continue;
        }
        let (a, u, p, ctx2) = (agency.clone(), unit.clone(), parent.clone(), ctx.clone());
        db.write(move |tx| -> Result<(), motcua::services::ServiceError> {
            motcua::store::org::insert_agency(
                tx,
                &motcua::store::org::Agency {
                    code: a.clone(),
                    name: format!("Điểm tiếp nhận thử tải số {i:02}"),
                    level: "commune".to_owned(),
                    parent_code: Some(p),
                    admin_unit_code: None,
                    address: String::new(),
                    phone: String::new(),
                    email: String::new(),
                    is_demo: true,
                },
            )?;
            motcua::store::org::insert_unit(
                tx,
                &motcua::store::org::Unit {
                    code: u,
                    agency_code: a.clone(),
                    name: "Bộ phận Tiếp nhận và Trả kết quả".to_owned(),
                    kind: "one_stop".to_owned(),
                },
            )?;
            ctx2.audit(
                tx,
                "agency.create",
                &a,
                AuditOutcome::Ok,
                "benchmark intake desk",
            )?;
            Ok(())
        })
        .await
        .map_err(|e| anyhow::anyhow!("intake desk {agency}: {e}"))?;
        let form = motcua::services::accounts::NewStaffForm {
            username: format!("thutai.motcua{i:02}"),
            full_name: format!("Cán bộ thử tải {i:02}"),
            roles: "officer".to_owned(),
            unit,
            password: password.clone(),
        };
        motcua::services::accounts::create_staff(&db, &config.security, &ctx, form, false)
            .await
            .map_err(|e| anyhow::anyhow!("intake desk officer {i}: {e}"))?;
    }
    println!(
        "intake desks: {} (agencies {parent}.40 … with officers thutai.motcua01 …)",
        args.intake_desks
    );
    Ok(())
}

// ----------------------------------------------------------------------------------------------------------------

fn main() -> Result<()> {
    let args = Args::parse();
    let data = motcua::datadir::DataDir::new(&args.data);
    if !data.database().exists() {
        bail!("no database at {}", data.database().display());
    }
    let _lock = data
        .lock()
        .context("the data directory is in use: stop the server first")?;
    if args.intake_desks > 0 {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
            .block_on(add_intake_desks(&args))?;
    }
    if args.count == 0 {
        return Ok(());
    }
    let started = Instant::now();
    let now_utc = match &args.now {
        Some(text) => parse_time(text).context("--now: expected 2026-11-29T10:00:00.000Z")?,
        None => OffsetDateTime::now_utc(),
    };
    let now = to_local(now_utc.replace_nanosecond(0).unwrap_or(now_utc));

    let mut conn = Connection::open(data.database())?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.create_collation("vi", motcua::domain::text::vietnamese_order)?;
    // Seeding only: nothing here needs to survive a crash.
    conn.query_row("PRAGMA journal_mode=OFF", [], |r| r.get::<_, String>(0))?;
    conn.execute_batch(
        "PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF; PRAGMA locking_mode=EXCLUSIVE;
         PRAGMA temp_store=MEMORY; PRAGMA cache_size=-2000000;",
    )?;

    let office = load_office(&conn, args.agency.as_deref())?;
    let (procs, proc_weights) = load_procedures(&conn, &office)?;
    let cal = motcua::services::calendar::load(&conn)?;
    println!(
        "office {}: {} officers, {} leaders, units {}; {} procedures",
        office.agency,
        office.officers.len(),
        office.leaders.len(),
        office
            .units
            .iter()
            .map(|u| u.code.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        procs.len()
    );

    // Sequences as they stand, so codes and register numbers continue them.
    let mut code_seq: HashMap<String, i64> = HashMap::new();
    {
        let mut stmt =
            conn.prepare("SELECT day, last FROM dossier_code_seq WHERE agency_code = ?1")?;
        for row in stmt.query_map([&office.agency], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })? {
            let (day, last) = row?;
            code_seq.insert(day, last);
        }
    }
    let mut register_seq: HashMap<i64, i64> = HashMap::new();
    {
        let mut stmt = conn.prepare("SELECT year, last FROM register_seq")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
            let (year, last) = row?;
            register_seq.insert(year, last);
        }
    }
    let first_id: i64 =
        conn.query_row("SELECT coalesce(max(id), 0) + 1 FROM dossiers", [], |r| {
            r.get(0)
        })?;

    // Working days and their volumes.
    let start_date: Date = now.date() - Duration::days((args.years * 365.25) as i64);
    let periods: Vec<(time::Time, time::Time)> = cal.hours().periods().to_vec();
    let day_seconds: i64 = periods.iter().map(|(a, b)| (*b - *a).whole_seconds()).sum();
    let mut days: Vec<(Date, i64)> = Vec::new(); // date, office seconds available
    let mut d = start_date;
    while d <= now.date() {
        if cal.is_working_day(d) {
            let available = if d == now.date() {
                periods
                    .iter()
                    .map(|(a, b)| {
                        let end = (*b).min(now.time());
                        if end > *a {
                            (end - *a).whole_seconds()
                        } else {
                            0
                        }
                    })
                    .sum()
            } else {
                day_seconds
            };
            if available > 0 {
                days.push((d, available));
            }
        }
        d = d.next_day().context("date overflow")?;
    }
    if days.is_empty() {
        bail!("no working day in the period");
    }
    let mut rng = Rng(args.seed);
    let weights: Vec<f64> = days
        .iter()
        .enumerate()
        .map(|(i, (_, avail))| {
            let growth = 1.0 + 0.5 * i as f64 / days.len() as f64;
            let noise = 0.75 + 0.5 * rng.f64();
            growth * noise * *avail as f64 / day_seconds as f64
        })
        .collect();
    let total_weight: f64 = weights.iter().sum();
    let mut counts = Vec::with_capacity(days.len());
    let mut acc = 0.0;
    let mut given: u64 = 0;
    for w in &weights {
        acc += w;
        let upto = ((acc / total_weight) * args.count as f64).round() as u64;
        counts.push(upto - given);
        given = upto;
    }
    let busiest = counts.iter().copied().max().unwrap_or(0);
    if busiest > 9_000 {
        bail!(
            "{busiest} dossiers on one day: more than a day's 9,999 codes allow; use more --years"
        );
    }

    // Stale active dossiers: chance a·e^(−age/τ) of being stuck, a set so the active share comes out as asked.
    let calendar_days = (now.date() - start_date).whole_days().max(1) as f64;
    let mean_days: f64 = procs
        .iter()
        .map(|p| match p.body.processing_time.unit {
            TimeUnit::WorkingDays => f64::from(p.body.processing_time.amount),
            TimeUnit::WorkingHours => f64::from(p.body.processing_time.amount) / 8.0,
        })
        .sum::<f64>()
        / procs.len() as f64;
    let natural = (mean_days * 0.7 + 1.0) / days.len() as f64;
    let stale_share = (args.active_share - natural).max(0.0);
    let tau = 120.0_f64.min(calendar_days);
    let stale_a = (stale_share * calendar_days / tau).min(1.0);
    let halt_stages = [
        Stage::Received,
        Stage::AtUnit,
        Stage::Appraising,
        Stage::Consulting,
        Stage::Signing,
        Stage::Approved,
        Stage::Supplement,
        Stage::Payment,
        Stage::ResultReady,
    ];
    let halt_weights = Weighted::new(&[6.0, 10.0, 28.0, 3.0, 7.0, 4.0, 15.0, 2.0, 25.0]);
    let family = Weighted::new(&FAMILY.iter().map(|f| f.1).collect::<Vec<_>>());

    let stmt_dossier = "INSERT INTO dossiers (id, public_id, code, agency_code, procedure_code, procedure_version,
            procedure_name, channel, stage, resume_stage, status, active, applicant_kind, applicant_name, applicant_key,
            applicant_id_number, applicant_phone, applicant_email, applicant_address, owner_ref, subject, sets,
            form_data, delivery, delivery_address, unit_code, assignee_id, submitted_at, received_at, received_by,
            clock_started_at, due_at, original_due_at, paused_at, transfer_due_at, transferred_at, step_due_at,
            extended, receipt_supplements, supplements, fee_due_vnd, result_notified_at, finished_at, outcome,
            decision, returned_at, register_year, register_no, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,
            ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, ?41, ?42, ?43,
            ?44, ?45, ?46, ?47, ?48, ?49)";

    let mut totals = Totals::default();
    let mut id = first_id;
    let mut in_batch = 0u64;
    let mut tx = conn.transaction()?;
    let mut last_report = Instant::now();
    let per_agency_day = &mut code_seq;
    for ((day, _), count) in days.iter().zip(&counts) {
        if *count == 0 {
            continue;
        }
        // Receipt moments of the day, in order.
        let available: i64 = if *day == now.date() {
            days.last().map_or(day_seconds, |d| d.1)
        } else {
            day_seconds
        };
        let mut offsets: Vec<i64> = (0..*count).map(|_| rng.range(0, available)).collect();
        offsets.sort_unstable();
        for offset in offsets {
            let mut rest = offset;
            let mut received = PrimitiveDateTime::new(*day, periods[0].0);
            for (a, b) in &periods {
                let len = (*b - *a).whole_seconds();
                if rest < len {
                    received = PrimitiveDateTime::new(*day, *a + Duration::seconds(rest));
                    break;
                }
                rest -= len;
            }
            let p = &procs[proc_weights.pick(&mut rng)];
            let offered = [
                (1_i64, p.body.channels.counter, 0.6),
                (2, p.body.channels.online, 0.3),
                (3, p.body.channels.postal, 0.1),
            ];
            let channel_weights: Vec<f64> = offered
                .iter()
                .map(|(_, ok, w)| if *ok { *w } else { 0.0 })
                .collect();
            let channel = offered[Weighted::new(&channel_weights).pick(&mut rng)].0;
            let submitted = if channel == 2 {
                received - Duration::minutes(rng.range(20, 60 * 60))
            } else {
                received
            };
            let age_days = (now - received).whole_hours() as f64 / 24.0;
            let halt = if channel == 2 && age_days < 3.5 && rng.chance(0.3) {
                // Submitted online lately and not yet received: "Mới đăng ký", waiting for an officer.
                Halt::At(Stage::Registered)
            } else if rng.chance(stale_a * (-age_days / tau).exp()) {
                let mut stage = halt_stages[halt_weights.pick(&mut rng)];
                if p.immediate && !matches!(stage, Stage::Received | Stage::ResultReady) {
                    stage = Stage::ResultReady;
                }
                if stage == Stage::Payment && !p.has_fee {
                    stage = Stage::Approved;
                }
                Halt::At(stage)
            } else {
                Halt::None
            };
            let who = applicant(&mut rng, &family);
            let mut uuid_bytes = [0u8; 16];
            uuid_bytes[..8].copy_from_slice(&rng.next().to_le_bytes());
            uuid_bytes[8..].copy_from_slice(&rng.next().to_le_bytes());
            let public_id = uuid::Builder::from_random_bytes(uuid_bytes)
                .into_uuid()
                .to_string();
            let (delivery, delivery_address) = match (channel, rng.f64()) {
                (_, x) if x < 0.12 => ("post", who.address.clone()),
                (2, x) if x < 0.4 => ("online", String::new()),
                _ => ("counter", String::new()),
            };
            let mut sim = Sim {
                rng: &mut rng,
                cal: &cal,
                now,
                proc_: p,
                office: &office,
                halt,
                d: Dossier::default(),
                code_seq: &mut *per_agency_day,
                register_seq: &mut register_seq,
            };
            let _ = sim.run(channel, submitted, received);
            let d = sim.d;
            let stage = d.stage.unwrap_or(Stage::Registered);
            let status = i64::from(stage.status().code());
            let active = d.active && stage.is_active();
            totals.count(stage, active, status, d.due, now);
            tx.prepare_cached(stmt_dossier)?.execute(params![
                id,
                public_id,
                d.code,
                office.agency,
                p.code,
                p.version,
                p.name,
                channel,
                stage.as_str(),
                d.resume.map(Stage::as_str),
                status,
                active,
                who.kind,
                who.name,
                who.key,
                who.id_number,
                who.phone,
                who.email,
                who.address,
                Option::<String>::None,
                p.name,
                1,
                "{}",
                delivery,
                delivery_address,
                d.unit,
                d.assignee,
                stored(submitted),
                d.received_at,
                d.received_by,
                d.clock_started_at,
                d.due.map(stored),
                d.original_due.map(stored),
                d.paused_at,
                d.transfer_due_at,
                d.transferred_at,
                d.step_due_at,
                d.extended,
                d.receipt_supplements,
                d.supplements,
                d.fee_due_vnd,
                d.result_notified_at,
                d.finished_at,
                d.outcome,
                d.decision,
                d.returned_at,
                d.register.map(|r| r.0),
                d.register.map(|r| r.1),
                d.updated_at,
            ])?;
            {
                let mut stmt = tx.prepare_cached(
                    "INSERT INTO dossier_components(dossier_id, position, name, copies, required, provided)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?;
                for (i, (pos, name, copies, required)) in p.components.iter().enumerate() {
                    stmt.execute(params![
                        id,
                        pos,
                        name,
                        copies,
                        required,
                        d.provided.get(i).copied().unwrap_or(*required)
                    ])?;
                }
                totals.components += p.components.len() as u64;
            }
            {
                let mut stmt = tx.prepare_cached(
                    "INSERT INTO dossier_events(dossier_id, at, actor, actor_ref, unit_code, action, stage, status,
                        comment, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?;
                for e in &d.events {
                    stmt.execute(params![
                        id,
                        e.at,
                        e.who.name,
                        e.who.reference,
                        e.who.unit,
                        e.action,
                        e.stage.as_str(),
                        i64::from(e.stage.status().code()),
                        e.comment,
                        e.data
                    ])?;
                }
                totals.events += d.events.len() as u64;
            }
            if !d.documents.is_empty() {
                let mut stmt = tx.prepare_cached(
                    "INSERT INTO dossier_documents(dossier_id, component, kind, file_name, media_type, size, sha256,
                        uploaded_by, uploaded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?;
                for doc in &d.documents {
                    let media = match doc.file_name.rsplit('.').next() {
                        Some("jpg") => "image/jpeg",
                        Some("docx") => {
                            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                        }
                        _ => "application/pdf",
                    };
                    stmt.execute(params![
                        id,
                        doc.component,
                        doc.kind,
                        doc.file_name,
                        media,
                        doc.size,
                        rng.hex(32),
                        doc.uploaded_by,
                        doc.uploaded_at
                    ])?;
                }
                totals.documents += d.documents.len() as u64;
            }
            if !d.consultations.is_empty() {
                let mut stmt = tx.prepare_cached(
                    "INSERT INTO dossier_consultations(dossier_id, agencies, content, due_at, asked_at, replied_at,
                        reply) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?;
                for c in &d.consultations {
                    stmt.execute(params![
                        id,
                        c.agencies,
                        c.content,
                        c.due_at,
                        c.asked_at,
                        c.replied_at,
                        c.reply
                    ])?;
                }
            }
            if !args.no_audit {
                for (i, e) in d.events.iter().enumerate() {
                    // As the service writes them: the creation under the public id, each action under the code
                    // once the dossier has one.
                    let (action, object, detail) = if i == 0 {
                        ("dossier.create", public_id.clone(), p.code.clone())
                    } else {
                        let object = match (&d.code, d.receive_index) {
                            (Some(code), Some(r)) if i >= r => code.clone(),
                            _ => public_id.clone(),
                        };
                        (
                            "dossier.action",
                            object,
                            format!(
                                "{{\"action\":\"{}\",\"stage\":\"{}\"}}",
                                e.action,
                                e.stage.as_str()
                            ),
                        )
                    };
                    audit::append(
                        &tx,
                        &e.at,
                        &NewAuditEntry {
                            actor: e.who.audit_actor.clone(),
                            ip: "10.40.12.15".to_owned(),
                            action,
                            object,
                            outcome: AuditOutcome::Ok,
                            detail,
                        },
                    )?;
                }
                totals.audit += d.events.len() as u64;
            }
            id += 1;
            in_batch += 1;
            totals.dossiers += 1;
            if in_batch >= args.batch {
                tx.commit()?;
                tx = conn.transaction()?;
                in_batch = 0;
                if last_report.elapsed().as_secs_f64() >= 5.0 {
                    last_report = Instant::now();
                    let secs = started.elapsed().as_secs_f64();
                    println!(
                        "  {:>9} dossiers ({:>4.1} %), {:.0} dossiers/s, {:.0} rows/s, received {}",
                        totals.dossiers,
                        100.0 * totals.dossiers as f64 / args.count as f64,
                        totals.dossiers as f64 / secs,
                        totals.rows() as f64 / secs,
                        day
                    );
                    std::io::stdout().flush()?;
                }
            }
        }
    }
    // Sequences where later receipts continue them.
    {
        let mut stmt = tx.prepare(
            "INSERT INTO dossier_code_seq(agency_code, day, last) VALUES (?1, ?2, ?3)
             ON CONFLICT(agency_code, day) DO UPDATE SET last = max(last, excluded.last)",
        )?;
        for (day, last) in per_agency_day.iter() {
            stmt.execute(params![office.agency, day, last])?;
        }
        let mut stmt = tx.prepare(
            "INSERT INTO register_seq(year, last) VALUES (?1, ?2)
             ON CONFLICT(year) DO UPDATE SET last = max(last, excluded.last)",
        )?;
        for (year, last) in register_seq.iter() {
            stmt.execute(params![year, last])?;
        }
    }
    tx.commit()?;
    let insert_secs = started.elapsed().as_secs_f64();
    println!(
        "inserted {} dossiers, {} events, {} components, {} documents, {} audit entries: {} rows in {:.1} s \
         ({:.0} dossiers/s, {:.0} rows/s)",
        totals.dossiers,
        totals.events,
        totals.components,
        totals.documents,
        totals.audit,
        totals.rows(),
        insert_secs,
        totals.dossiers as f64 / insert_secs,
        totals.rows() as f64 / insert_secs
    );

    // Back to the server's settings, then check and analyse.
    conn.execute_batch("PRAGMA locking_mode=NORMAL;")?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        bail!("could not put the database back in WAL mode ({mode})");
    }
    let t = Instant::now();
    let bad: Option<String> = conn
        .query_row("PRAGMA foreign_key_check(dossiers)", [], |r| r.get(0))
        .optional()?;
    if let Some(table) = bad {
        bail!("foreign-key violation in {table}");
    }
    let orphans: i64 = conn.query_row(
        "SELECT count(*) FROM dossier_events e WHERE e.dossier_id >= ?1 AND NOT EXISTS
            (SELECT 1 FROM dossiers d WHERE d.id = e.dossier_id)",
        [first_id],
        |r| r.get(0),
    )?;
    if orphans > 0 {
        bail!("{orphans} events without their dossier");
    }
    println!("foreign keys checked in {:.1} s", t.elapsed().as_secs_f64());
    if !args.no_analyze {
        let t = Instant::now();
        conn.execute_batch("ANALYZE")?;
        println!("ANALYZE in {:.1} s", t.elapsed().as_secs_f64());
    }
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
    drop(conn);
    let size = std::fs::metadata(data.database())?.len();
    println!(
        "done in {:.1} s; database {:.2} GB",
        started.elapsed().as_secs_f64(),
        size as f64 / 1e9
    );
    totals.print(now);
    Ok(())
}

#[derive(Default)]
struct Totals {
    dossiers: u64,
    events: u64,
    components: u64,
    documents: u64,
    audit: u64,
    active: u64,
    overdue: u64,
    by_stage: HashMap<&'static str, u64>,
    by_status: [u64; 11],
}

impl Totals {
    fn rows(&self) -> u64 {
        self.dossiers + self.events + self.components + self.documents + self.audit
    }

    fn count(
        &mut self,
        stage: Stage,
        active: bool,
        status: i64,
        due: Option<PrimitiveDateTime>,
        now: PrimitiveDateTime,
    ) {
        *self.by_stage.entry(stage.as_str()).or_insert(0) += 1;
        if let Some(slot) = self.by_status.get_mut(status as usize) {
            *slot += 1;
        }
        if active {
            self.active += 1;
            if matches!(status, 2 | 4) && due.is_some_and(|d| d < now) {
                self.overdue += 1;
            }
        }
    }

    fn print(&self, now: PrimitiveDateTime) {
        println!(
            "active {} ({:.2} %), of which overdue at {} (office time) {}; events per dossier {:.2}",
            self.active,
            100.0 * self.active as f64 / self.dossiers.max(1) as f64,
            now,
            self.overdue,
            self.events as f64 / self.dossiers.max(1) as f64
        );
        let mut stages: Vec<_> = self.by_stage.iter().collect();
        stages.sort_by(|a, b| b.1.cmp(a.1));
        println!(
            "by stage: {}",
            stages
                .iter()
                .map(|(s, n)| format!("{s} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        println!(
            "by status: {}",
            (1..=10)
                .filter(|s| self.by_status[*s] > 0)
                .map(|s| format!("{s}: {}", self.by_status[s]))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}
