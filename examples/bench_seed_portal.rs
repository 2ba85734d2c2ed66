//! Citizens and ready-to-submit drafts for `scripts/bench/portal.sh` (docs/PERFORMANCE.md, "Portal"), made through
//! the real services: `services::citizens::create` for the accounts and `services::submissions::{start, load,
//! save_answers, attach, save_delivery}` for the drafts, exactly the path the portal's pages take.
//!
//! ```sh
//! cargo run --release --example bench_seed_portal -- --data /tmp/bench/data --citizens 201 --drafts 20 \
//!     --out /tmp/bench/citizens.tsv
//! ```
//!
//! - `--citizens N` makes sure the N benchmark citizens exist (`Công dân thử tải 001` …, deterministic 12-digit ID
//!   numbers, an address in Bắc Ninh, the password in `MOTCUA_DEMO_PASSWORD`); the ones already there are kept, so
//!   the command can run again.
//! - `--drafts D` tops each of them up to D drafts of `--procedure` (default `DEMO-HT-07`, the marital-status
//!   certificate), each complete: the e-form answered (the answers of the demo citizens), one PDF attached to
//!   component 1 and the result to be received online, so `POST /ho-so-nhap/{id}/nop` submits it at once. A citizen
//!   may keep at most 20 drafts, so one round of a submission benchmark consumes at most 20 per citizen; run the
//!   command again between rounds.
//! - `--out FILE` lists every benchmark citizen, one a line, tab-separated: index (1-based), ID number, and the
//!   public ids of their drafts of the procedure, comma-separated, oldest first.
//!
//! It opens the data directory like a CLI command (`maintenance::open_for_cli`): with the server stopped it takes
//! the lock; while a server runs it shares the database through SQLite's own locking, so drafts can be added between
//! rounds without stopping the server. Passwords are hashed once (PBKDF2 at the configured cost) and the hash is
//! shared by all benchmark accounts; signing in still costs one PBKDF2 per session.

use motcua::filestore::FileStore;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use clap::Parser;
use serde_json::{Value, json};
use time::OffsetDateTime;

use motcua::config::Config;
use motcua::datadir::DataDir;
use motcua::domain::citizen::{Profile, ProfileInput};
use motcua::services::citizens::CitizenPrincipal;
use motcua::services::dossiers::documents::NewDocument;
use motcua::services::{Context, ServiceError, demo_citizens, submissions};
use motcua::store::{Db, citizens};

#[derive(Parser, Debug)]
#[command(about = "Benchmark citizens and ready drafts for scripts/bench/portal.sh")]
struct Args {
    /// The data directory (made by `motcua demo`).
    #[arg(long)]
    data: PathBuf,
    /// Benchmark citizens to have.
    #[arg(long, default_value_t = 201)]
    citizens: usize,
    /// Drafts each citizen should hold (at most 20, the portal's limit).
    #[arg(long, default_value_t = 20)]
    drafts: usize,
    /// Procedure of the drafts (offered online, with a required component 1).
    #[arg(long, default_value = "DEMO-HT-07")]
    procedure: String,
    /// Drafts prepared at the same time (their writes share commits).
    #[arg(long, default_value_t = 16)]
    parallel: usize,
    /// Where to write the list of citizens and their drafts.
    #[arg(long)]
    out: PathBuf,
    /// Password of the benchmark citizens (needed when any is created).
    #[arg(long, env = "MOTCUA_DEMO_PASSWORD", hide_env_values = true)]
    password: Option<String>,
}

/// Bắc Ninh and its commune Tiên Du in today's list (as the demo citizens).
const PROVINCE: &str = "24";
const COMMUNE: &str = "09319";

const FAMILY: [&str; 12] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương",
];
const MIDDLE_MALE: [&str; 4] = ["Văn", "Đức", "Minh", "Hữu"];
const MIDDLE_FEMALE: [&str; 4] = ["Thị", "Ngọc", "Thu", "Thanh"];
const GIVEN: [&str; 16] = [
    "An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hương", "Lan", "Linh", "Nam", "Phong",
    "Quân", "Sơn", "Thảo", "Yến",
];
/// Province codes of the ID number (Hà Nội, Bắc Ninh, Hồ Chí Minh City, Hải Phòng, Đà Nẵng).
const ID_PROVINCES: [&str; 5] = ["001", "027", "079", "031", "048"];

struct Person {
    id_number: String,
    full_name: String,
    born: String,
    female: bool,
    phone: String,
    email: String,
}

/// The i-th benchmark citizen (1-based), the same every run.
fn person(i: usize) -> Person {
    let female = i.is_multiple_of(2);
    let year = 1960 + (i * 7) % 40;
    let month = 1 + (i * 5) % 12;
    let day = 1 + (i * 11) % 28;
    // 4th digit: 0 = man, 1 = woman, born in the 1900s; then the year's last two digits, then a serial.
    let id_number = format!(
        "{}{}{:02}{:06}",
        ID_PROVINCES[i % ID_PROVINCES.len()],
        u8::from(female),
        year % 100,
        900_000 + i
    );
    let middle = if female {
        MIDDLE_FEMALE[i % 4]
    } else {
        MIDDLE_MALE[i % 4]
    };
    Person {
        full_name: format!(
            "{} {} {}",
            FAMILY[i % FAMILY.len()],
            middle,
            GIVEN[(i / 3) % GIVEN.len()]
        ),
        id_number,
        born: format!("{year:04}-{month:02}-{day:02}"),
        female,
        phone: format!("09{:08}", 77_000_000 + i),
        email: format!("thutai.{i:03}@example.vn"),
    }
}

/// The answers of the marital-status certificate form (DEMO-HT-07) the profile cannot fill, as the demo citizens
/// give them (`services::demo_citizens`).
fn marital_answers(prefilled: &Value, female: bool) -> Value {
    let mut v = prefilled.clone();
    let extra = json!({
        "gioi_tinh": if female { "Nữ" } else { "Nam" },
        "dan_toc": "Kinh",
        "quoc_tich": "Việt Nam",
        "tinh_trang_hon_nhan": "Chưa kết hôn với ai",
        "qua_trinh_cu_tru": [
            {"noi_cu_tru": {"province": PROVINCE, "commune": COMMUNE, "detail": "Thôn Nội Duệ"}, "tu_ngay": "2008-09-01", "den_ngay": "2016-06-30"}
        ],
        "muc_dich": "Mục đích khác",
        "muc_dich_khac": "Bổ sung hồ sơ xin việc",
        "so_ban": 1,
        "hinh_thuc_nhan_ket_qua": "Nhận bản điện tử trên Cổng Dịch vụ công",
    });
    if let (Some(target), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
        target.extend(extra.clone());
    }
    v
}

fn ctx() -> Context {
    Context {
        actor: "bench".to_owned(),
        ip: "local".to_owned(),
        now: OffsetDateTime::now_utc(),
    }
}

fn describe(e: ServiceError) -> anyhow::Error {
    match e {
        ServiceError::Invalid(fields) => anyhow::anyhow!(
            "invalid: {}",
            fields
                .0
                .iter()
                .map(|(f, c)| format!("{f}: {}", c.join(", ")))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::Error::new(other),
    }
}

async fn principal(db: &Db, id_number: String) -> Result<Option<CitizenPrincipal>> {
    let account = db
        .read(move |c| citizens::find_by_id_number(c, &id_number))
        .await?;
    Ok(account.map(|a| CitizenPrincipal {
        citizen_id: a.id,
        public_ref: a.public_ref,
        full_name: a.full_name,
        id_number: a.id_number,
        session_id: 0,
        token: String::new(),
    }))
}

/// One complete draft, on the portal's path: start (prefilled), answers, a paper for component 1, delivery.
async fn make_draft(
    db: &Db,
    files: FileStore,
    me: &CitizenPrincipal,
    procedure: &str,
    female: bool,
    n: usize,
) -> Result<String> {
    let draft = submissions::start(db, &ctx(), me, procedure)
        .await
        .map_err(describe)?;
    let view = submissions::load(db, me, &draft).await.map_err(describe)?;
    let answers = marital_answers(&view.answers, female);
    submissions::save_answers(db, &ctx(), me, &draft, &answers)
        .await
        .map_err(describe)?;
    let pdf = demo_citizens::sample_pdf(&format!("To khai {} (ban {n}, thu tai)", me.id_number));
    let paper = NewDocument {
        file_name: "to-khai.pdf".into(),
        bytes: pdf,
        kind: "submitted".into(),
        component: Some(1),
        confidential: false,
        certify: false,
    };
    submissions::attach(db, files, &ctx(), me, &draft, paper)
        .await
        .map_err(describe)?;
    submissions::save_delivery(db, &ctx(), me, &draft, "online", "")
        .await
        .map_err(describe)?;
    Ok(draft)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let args = Args::parse();
    if args.drafts > 20 {
        bail!("a citizen may keep at most 20 drafts");
    }
    let data = DataDir::new(&args.data);
    let config =
        Config::load(&data.config_file()).map_err(|e| anyhow::anyhow!("{}", e.0.join("; ")))?;
    let (db, _lock) = motcua::maintenance::open_for_cli(&data, &config).await?;
    let started = Instant::now();

    // Accounts.
    let mut created = 0;
    let mut hash: Option<String> = None;
    let mut people = Vec::with_capacity(args.citizens);
    for i in 1..=args.citizens {
        let p = person(i);
        let me = match principal(&db, p.id_number.clone()).await? {
            Some(me) => me,
            None => {
                if hash.is_none() {
                    let password = args.password.clone().context(
                        "no password for the new citizens: set MOTCUA_DEMO_PASSWORD or --password",
                    )?;
                    let cost = config.security.pbkdf2_cost();
                    hash = Some(
                        tokio::task::spawn_blocking(move || {
                            motcua::crypto::hash_password(&password, cost)
                        })
                        .await?,
                    );
                }
                let input = ProfileInput {
                    full_name: p.full_name.clone(),
                    id_number: p.id_number.clone(),
                    date_of_birth: p.born.clone(),
                    phone: p.phone.clone(),
                    email: p.email.clone(),
                    province: PROVINCE.into(),
                    commune: COMMUNE.into(),
                    address_detail: format!("Số {i}, thôn Đông"),
                };
                let c = ctx();
                let profile = Profile::parse(&input, c.now.date())
                    .map_err(|e| describe(ServiceError::Invalid(e)))
                    .with_context(|| format!("citizen {i} ({})", p.id_number))?;
                motcua::services::citizens::create(
                    &db,
                    &c,
                    profile,
                    hash.clone().unwrap_or_default(),
                    None,
                )
                .await
                .map_err(describe)
                .with_context(|| format!("creating citizen {i}"))?;
                created += 1;
                principal(&db, p.id_number.clone())
                    .await?
                    .context("the new citizen is not found")?
            }
        };
        people.push((i, p, me));
    }
    let accounts_secs = started.elapsed().as_secs_f64();

    // Drafts, topped up to --drafts each; several citizens at a time so their writes share commits.
    let t = Instant::now();
    let db = Arc::new(db);
    let files = FileStore {
        dir: data.files_dir(),
        max_bytes: motcua::config::DocumentsConfig::default().max_file_bytes(),
    };
    let semaphore = Arc::new(tokio::sync::Semaphore::new(args.parallel.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, p, me) in &people {
        let have = submissions::list(&db, me)
            .await
            .map_err(describe)?
            .into_iter()
            .filter(|d| d.procedure_code == args.procedure)
            .count();
        for n in have..args.drafts {
            let (db, files, me, procedure, female, sem) = (
                db.clone(),
                files.clone(),
                me.clone(),
                args.procedure.clone(),
                p.female,
                semaphore.clone(),
            );
            let i = *i;
            tasks.spawn(async move {
                let _permit = sem.acquire_owned().await?;
                make_draft(&db, files, &me, &procedure, female, n + 1)
                    .await
                    .with_context(|| format!("draft {} of citizen {i}", n + 1))
            });
        }
    }
    let mut made = 0;
    while let Some(r) = tasks.join_next().await {
        r??;
        made += 1;
    }
    let drafts_secs = t.elapsed().as_secs_f64();

    // The list, each citizen's drafts oldest first.
    let mut out = String::new();
    let mut total = 0;
    for (i, p, me) in &people {
        let mut drafts: Vec<_> = submissions::list(&db, me)
            .await
            .map_err(describe)?
            .into_iter()
            .filter(|d| d.procedure_code == args.procedure)
            .collect();
        drafts.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        total += drafts.len();
        let ids: Vec<_> = drafts.into_iter().map(|d| d.public_id).collect();
        out.push_str(&format!("{i}\t{}\t{}\n", p.id_number, ids.join(",")));
    }
    std::fs::write(&args.out, out)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "citizens: {} ({} created in {:.1} s); drafts made: {} in {:.1} s ({:.0}/s); drafts held: {}",
        people.len(),
        created,
        accounts_secs,
        made,
        drafts_secs,
        made as f64 / drafts_secs.max(1e-9),
        total
    );
    Ok(())
}
