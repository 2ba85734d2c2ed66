//! The command line (clap derive): parses arguments and calls `app`, `services` or `maintenance`. No business
//! logic lives here; each subcommand is a short function.

mod catalogue;
mod extract_text;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::{Args, Parser, Subcommand};
use tokio_util::sync::CancellationToken;

use crate::app::{App, cancel_on_signal};
use crate::config::Config;
use crate::datadir::DataDir;
use crate::services::{self, Context};
use crate::{maintenance, store};

#[derive(Parser)]
#[command(
    name = "motcua",
    version,
    about = "Cổng dịch vụ công và Hệ thống thông tin một cửa điện tử"
)]
pub struct Cli {
    /// The data directory holding the database, certificates, secrets and files.
    #[arg(
        long,
        global = true,
        env = "MOTCUA_DATA",
        default_value = "motcua-data"
    )]
    data: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a data directory: database, TLS certificate, secrets and config.toml.
    Init {
        #[arg(long)]
        agency_code: Option<String>,
        #[arg(long)]
        agency_name: Option<String>,
    },
    /// Serve the portal, back office and API.
    Serve(ServeArgs),
    /// Create the demo office once, then serve it.
    Demo(ServeArgs),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage integration API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Write a verified, consistent backup archive (works while the server runs).
    Backup {
        /// Archive to write; defaults to <data>/backups/motcua-<time>.tar.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Replace the data directory's contents with a backup (refuses while a server runs).
    Restore { file: PathBuf },
    /// Check the database, audit chain, files, secrets, certificate and disk space.
    Doctor,
    /// Print or check the configuration file.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Import a catalogue file (all or nothing).
    #[command(subcommand)]
    Import(CatalogueFile),
    /// Export a catalogue file.
    #[command(subcommand)]
    Export(CatalogueFile),
    /// Rebuild the search indexes from the database (asks a running server to do it).
    Reindex,
    /// Read one document's text from standard input and print it as JSON (used by the server's text extractor).
    #[command(hide = true)]
    ExtractText {
        #[arg(long)]
        media_type: String,
        /// Read scans with tesseract when it is installed.
        #[arg(long)]
        ocr: bool,
    },
}

#[derive(Subcommand)]
enum CatalogueFile {
    /// A procedure pack (docs/PROCEDURE-PACK.md): procedures, sectors, document types, fees and templates.
    Procedures { file: PathBuf },
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on (default 0.0.0.0:8443); port 0 picks a free port.
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Serve plain HTTP, for use behind a reverse proxy that terminates TLS.
    #[arg(long)]
    http: bool,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a staff account; the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        /// officer, specialist, head, leader or admin; several separated by commas.
        #[arg(long)]
        role: String,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        full_name: Option<String>,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Set a new password (read from standard input); the user must change it at next sign-in.
    Passwd {
        username: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Lock an account until it is unlocked; its sessions end at once.
    Lock { username: String },
    /// Unlock an account, whether locked by an administrator or by failed sign-ins.
    Unlock { username: String },
    /// List staff accounts.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token for an integration; it is printed once and stored hashed.
    Create {
        #[arg(long)]
        name: String,
        /// read, intake or reports.
        #[arg(long)]
        scope: String,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print a documented config.toml with every default.
    Example,
    /// Check <data>/config.toml and report every problem.
    Check,
}

/// Runs the command line and turns any failure into a one-line reason and a non-zero exit.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("motcua: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("motcua: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    if let Command::ExtractText { media_type, ocr } = &cli.command {
        // No data directory, no configuration, no logging: a child process of the server's text extractor.
        return Ok(extract_text::run(media_type, *ocr));
    }
    let data = DataDir::new(cli.data);
    let config = match &cli.command {
        Command::Config(ConfigCommand::Example) => {
            print!("{}", Config::example());
            return Ok(ExitCode::SUCCESS);
        }
        _ => Config::load(&data.config_file())
            .map_err(|e| anyhow::anyhow!("{}:\n{e}", data.config_file().display()))?,
    };
    crate::telemetry::init(&config.log.format, &config.log.filter);
    let now = time::OffsetDateTime::now_utc();
    let ctx = Context::console(now);
    match cli.command {
        Command::Config(ConfigCommand::Example) => {}
        Command::Config(ConfigCommand::Check) => println!("{}: ok", data.config_file().display()),
        Command::Init {
            agency_code,
            agency_name,
        } => init(&data, &config, &ctx, agency_code, agency_name).await?,
        Command::Serve(args) => serve(data, config, args, None).await?,
        Command::Demo(args) => demo(data, config, args, &ctx).await?,
        Command::User(command) => user(&data, &config, &ctx, command).await?,
        Command::Token(TokenCommand::Create { name, scope }) => {
            let (db, _lock) = maintenance::open_for_cli(&data, &config).await?;
            println!(
                "{}",
                services::tokens::create(&db, &ctx, &name, &scope)
                    .await
                    .map_err(describe)?
            );
        }
        Command::Backup { out } => {
            let out = out.unwrap_or_else(|| {
                data.backups_dir()
                    .join(format!("motcua-{}.tar", now.unix_timestamp()))
            });
            let manifest = tokio::task::spawn_blocking({
                let (data, out) = (data.clone(), out.clone());
                move || maintenance::backup(&data, &out)
            })
            .await??;
            println!(
                "backup written and verified: {} ({} entries, schema version {})",
                out.display(),
                manifest.entries.len(),
                manifest.schema_version
            );
        }
        Command::Restore { file } => {
            let manifest =
                tokio::task::spawn_blocking(move || maintenance::restore(&data, &file)).await??;
            println!(
                "restored the backup made at {} ({} entries)",
                manifest.created_at,
                manifest.entries.len()
            );
        }
        Command::Import(CatalogueFile::Procedures { file }) => {
            catalogue::import_procedures(&data, &config, &ctx, &file).await?
        }
        Command::Export(CatalogueFile::Procedures { file }) => {
            catalogue::export_procedures(&data, &config, &file).await?
        }
        Command::Reindex => catalogue::reindex(&data, &config, &ctx).await?,
        Command::ExtractText { .. } => {}
        Command::Doctor => {
            let findings =
                tokio::task::spawn_blocking(move || maintenance::doctor(&data, &config)).await??;
            for f in &findings {
                println!(
                    "{:<6} {:<13} {}",
                    if f.ok { "ok" } else { "FAIL" },
                    f.check,
                    f.detail
                );
            }
            if findings.iter().any(|f| !f.ok) {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Service errors as one line for the console.
fn describe(e: services::ServiceError) -> anyhow::Error {
    match e {
        services::ServiceError::Invalid(fields) => {
            anyhow::anyhow!(
                "invalid input: {}",
                fields
                    .0
                    .iter()
                    .map(|(f, c)| format!("{f}: {}", c.join(", ")))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        }
        services::ServiceError::NotFound => anyhow::anyhow!("no such account"),
        other => anyhow::Error::new(other),
    }
}

async fn init(
    data: &DataDir,
    config: &Config,
    ctx: &Context,
    code: Option<String>,
    name: Option<String>,
) -> Result<()> {
    let _lock = data.lock()?;
    maintenance::init_layout(data, config)?;
    let db = store::Db::open(&data.database(), 1).await?;
    services::admin_units::seed_defaults(&db, ctx)
        .await
        .context("cannot load the administrative-unit catalogue")?;
    match (code, name) {
        (Some(code), Some(name)) => services::office::register_agency(&db, ctx, &code, &name)
            .await
            .map_err(describe)?,
        (None, None) => {}
        _ => bail!("--agency-code and --agency-name go together"),
    }
    println!("initialised {}", data.root().display());
    Ok(())
}

async fn serve(
    data: DataDir,
    mut config: Config,
    args: ServeArgs,
    banner: Option<String>,
) -> Result<()> {
    if let Some(listen) = args.listen {
        config.server.listen = listen;
    }
    config.server.http |= args.http;
    let app = App::build(data, config).await?;
    let mut out = std::io::stdout().lock();
    if let Some(banner) = banner {
        writeln!(out, "{banner}")?;
    }
    if let Some(fingerprint) = app.fingerprint() {
        writeln!(out, "certificate SHA-256 fingerprint: {fingerprint}")?;
    }
    writeln!(out, "listening on {}", app.url())?;
    out.flush()?;
    drop(out);
    let shutdown = CancellationToken::new();
    cancel_on_signal(shutdown.clone());
    app.run_until_stopped(shutdown).await
}

async fn demo(data: DataDir, config: Config, args: ServeArgs, ctx: &Context) -> Result<()> {
    {
        let _lock = data.lock()?;
        maintenance::init_layout(&data, &config)?;
    }
    let db = store::Db::open(&data.database(), 1).await?;
    // The citizens' addresses come from the administrative-unit catalogue, which serving would load later.
    services::admin_units::seed_defaults(&db, ctx)
        .await
        .context("cannot load the administrative-unit catalogue")?;
    let password =
        std::env::var("MOTCUA_DEMO_PASSWORD").unwrap_or_else(|_| crate::crypto::random_token(12));
    let banner = match services::demo::load(&db, &config.security, ctx, &password)
        .await
        .map_err(describe)?
    {
        Some(accounts) => {
            let mut text =
                format!("demo office created; every account below has the password: {password}\n");
            for a in accounts {
                text.push_str(&format!(
                    "  {:<22} {:<14} {} {}\n",
                    a.username, a.roles, a.unit, a.full_name
                ));
            }
            text
        }
        None => "demo office already present; accounts keep the passwords set when it was created"
            .to_owned(),
    };
    let banner = match services::demo_catalogue::load(&db, ctx)
        .await
        .map_err(describe)?
    {
        Some(report) => format!(
            "{banner}demo catalogue loaded: {} procedures\n",
            report.procedures_created + report.procedures_updated
        ),
        None => banner,
    };
    let files = crate::filestore::FileStore {
        dir: data.files_dir(),
        max_bytes: config.documents.max_file_bytes(),
    };
    let banner = match services::demo_dossiers::load(&db, &files, ctx.now)
        .await
        .map_err(describe)?
    {
        Some(n) => format!("{banner}demo dossiers created: {n}\n"),
        None => banner,
    };
    let banner = match services::demo_archive::load(&db, &files, ctx.now)
        .await
        .map_err(describe)?
    {
        Some(n) => format!("{banner}demo closed dossiers for the archivist created: {n}\n"),
        None => banner,
    };
    let key = std::fs::read(data.session_key()).context("cannot read secrets/session.key")?;
    let secret = services::results::seal_secret(&crate::crypto::MacKey::from_bytes(&key));
    let banner = match services::demo_citizens::load(
        &db,
        &config.security,
        files,
        &secret,
        &password,
        ctx.now,
    )
    .await
    .map_err(describe)?
    {
        Some(n) => {
            let mut text = format!(
                "{banner}demo citizens created: {n} (sign in at /dang-nhap with the same password)\n"
            );
            for (id_number, name, ..) in services::demo_citizens::CITIZENS {
                text.push_str(&format!("  {id_number:<22} {:<14} {name}\n", "citizen"));
            }
            text
        }
        None => banner,
    };
    drop(db);
    serve(data, config, args, Some(banner)).await
}

fn read_password() -> Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("cannot read the password from standard input")?;
    let password = text
        .strip_suffix('\n')
        .map(|s| s.strip_suffix('\r').unwrap_or(s))
        .unwrap_or(&text)
        .to_owned();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password)
}

async fn user(data: &DataDir, config: &Config, ctx: &Context, command: UserCommand) -> Result<()> {
    let (db, _lock) = maintenance::open_for_cli(data, config).await?;
    match command {
        UserCommand::Add {
            username,
            role,
            unit,
            full_name,
            password_stdin: _,
        } => {
            let form = services::accounts::NewStaffForm {
                username: username.clone(),
                full_name: full_name.unwrap_or_default(),
                roles: role,
                unit: unit.unwrap_or_default(),
                password: read_password()?,
            };
            services::accounts::create_staff(&db, &config.security, ctx, form, false)
                .await
                .map_err(describe)?;
            println!("added {username}");
        }
        UserCommand::Passwd {
            username,
            password_stdin: _,
        } => {
            let password = read_password()?;
            services::accounts::set_password(
                &db,
                &config.security,
                ctx,
                &username,
                &password,
                false,
                None,
            )
            .await
            .map_err(describe)?;
            println!("password set for {username}; it must be changed at next sign-in");
        }
        UserCommand::Lock { username } => {
            services::accounts::lock(&db, ctx, &username)
                .await
                .map_err(describe)?;
            println!("locked {username}");
        }
        UserCommand::Unlock { username } => {
            services::accounts::unlock(&db, ctx, &username)
                .await
                .map_err(describe)?;
            println!("unlocked {username}");
        }
        UserCommand::List { json } => {
            let accounts = db.read(store::staff::list).await?;
            if json {
                let items: Vec<_> = accounts
                    .iter()
                    .map(|a| {
                        serde_json::json!({
                            "username": a.username, "full_name": a.full_name,
                            "roles": a.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(), "unit": a.unit_code,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&items)?);
            } else {
                for a in accounts {
                    let roles = a
                        .roles
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(",");
                    println!(
                        "{:<22} {:<16} {:<10} {}",
                        a.username,
                        roles,
                        a.unit_code.unwrap_or_default(),
                        a.full_name
                    );
                }
            }
        }
    }
    Ok(())
}
