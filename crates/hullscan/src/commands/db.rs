//! `hullscan db`: download OSV's bulk export, compile it into the local vulnerability database,
//! and report on it. The only command that touches the network, and only when asked.
//!
//! Layout of the database directory:
//!
//! ```text
//! vulns.db                          the compiled, memory-mapped index (replaced atomically)
//! sources/<Ecosystem>/all.zip       the last verified export of each ecosystem
//! sources/<Ecosystem>/modified_id.csv
//! sources/<Ecosystem>/source.json   where and when it was fetched
//! ```
//!
//! An update fetches each ecosystem's `modified_id.csv` first; when it equals the stored one the
//! ecosystem is unchanged and its zip is not downloaded again. A changed ecosystem's zip is
//! verified completely (every entry's CRC, every record, every listed id present) before it
//! replaces the stored one, and the index is rebuilt from the stored exports and renamed into
//! place. A failure in one ecosystem keeps that ecosystem's previous data, updates the others,
//! and ends with an error naming it.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use hullscan_vulndb::export;
use hullscan_vulndb::{Builder, Database, Meta, Query, SourceMeta, store};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::ExitStatus;

/// OSV's public bucket.
pub const DEFAULT_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com/";

/// Ecosystems fetched when `--ecosystems` is not given and nothing was fetched before.
const DEFAULT_ECOSYSTEMS: &[&str] = &[
    "Alpine",
    "Debian",
    "Ubuntu",
    "Go",
    "crates.io",
    "PyPI",
    "npm",
    "Maven",
    "RubyGems",
    "NuGet",
];

/// Largest `all.zip` accepted (the biggest public ones are tens of MiB).
const MAX_ZIP_BYTES: u64 = 2 << 30;
const MAX_CSV_BYTES: u64 = 256 << 20;

pub const DB_FILE: &str = "vulns.db";

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Download OSV advisories and rebuild the local vulnerability database.
    Update(UpdateArgs),
    /// Show the database's age, sources and counts.
    Status(StatusArgs),
    /// Look packages up in the database (one query, or a file of them).
    Match(MatchArgs),
}

#[derive(Debug, Args)]
pub struct DbDirArgs {
    /// Database directory [default: $XDG_CACHE_HOME/hullscan/vulndb or ~/.cache/hullscan/vulndb].
    #[arg(long, env = "HULLSCAN_DB_DIR", value_name = "DIR")]
    pub db_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub dir: DbDirArgs,
    /// Base URL of an OSV export laid out like the public bucket (`<Ecosystem>/all.zip`).
    #[arg(long, value_name = "URL", default_value = DEFAULT_BASE_URL, conflicts_with = "from")]
    pub base_url: String,
    /// Read the export from a local directory instead (an air-gapped copy of the bucket layout).
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
    /// Comma-separated OSV ecosystems [default: those fetched before, else a common set].
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub ecosystems: Vec<String>,
    /// Network timeout per request, in seconds (connect and each read).
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub timeout: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DbFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub dir: DbDirArgs,
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: DbFormat,
}

#[derive(Debug, Args)]
pub struct MatchArgs {
    #[command(flatten)]
    pub dir: DbDirArgs,
    /// A file of queries, one `ECOSYSTEM<TAB>NAME<TAB>VERSION` per line (`-` for stdin).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["ecosystem", "name", "version"])]
    pub queries: Option<PathBuf>,
    /// OSV ecosystem, with the release for OS packages (`Debian:12`).
    #[arg(long, required_unless_present = "queries")]
    pub ecosystem: Option<String>,
    /// Package name (the source package for OS packages).
    #[arg(long, required_unless_present = "queries")]
    pub name: Option<String>,
    /// Installed version (the source version for OS packages).
    #[arg(long, required_unless_present = "queries")]
    pub version: Option<String>,
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: DbFormat,
}

pub fn run(command: DbCommand) -> anyhow::Result<ExitStatus> {
    match command {
        DbCommand::Update(args) => update(args),
        DbCommand::Status(args) => status(args),
        DbCommand::Match(args) => match_packages(args),
    }
}

/// The database directory: `--db-dir`/`HULLSCAN_DB_DIR`, else the user cache directory.
pub fn db_dir(args: &DbDirArgs) -> anyhow::Result<PathBuf> {
    if let Some(dir) = &args.db_dir {
        return Ok(dir.clone());
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .context("no cache directory: set --db-dir, HULLSCAN_DB_DIR, XDG_CACHE_HOME or HOME")?;
    Ok(cache.join("hullscan").join("vulndb"))
}

/// Opens the database in `dir`, with a clear message when there is none.
pub fn open_database(dir: &Path) -> anyhow::Result<Database> {
    let path = dir.join(DB_FILE);
    if !path.exists() {
        bail!(
            "no vulnerability database at {} (run `hullscan db update` to download one)",
            path.display()
        );
    }
    Ok(Database::open(&path)?)
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Where an ecosystem's export is read from.
enum Origin {
    Http { base: String, agent: ureq::Agent },
    Dir(PathBuf),
}

impl Origin {
    fn describe(&self, ecosystem: &str, file: &str) -> String {
        match self {
            Origin::Http { base, .. } => format!("{base}{}/{file}", url_segment(ecosystem)),
            Origin::Dir(dir) => dir.join(ecosystem).join(file).display().to_string(),
        }
    }

    fn origin_label(&self) -> String {
        match self {
            Origin::Http { base, .. } => base.clone(),
            Origin::Dir(dir) => dir.display().to_string(),
        }
    }

    /// Fetches `<ecosystem>/<file>` whole, refusing more than `limit` bytes.
    fn fetch(&self, ecosystem: &str, file: &str, limit: u64) -> anyhow::Result<Vec<u8>> {
        let location = self.describe(ecosystem, file);
        match self {
            Origin::Dir(_) => {
                let path = PathBuf::from(&location);
                let size = std::fs::metadata(&path)
                    .with_context(|| format!("cannot read {location}"))?
                    .len();
                if size > limit {
                    bail!("{location} is {size} bytes, more than the limit {limit}");
                }
                std::fs::read(&path).with_context(|| format!("cannot read {location}"))
            }
            Origin::Http { agent, .. } => {
                let response = agent
                    .get(&location)
                    .call()
                    .with_context(|| format!("download of {location} failed"))?;
                let status = response.status().as_u16();
                if status != 200 {
                    bail!("download of {location} failed: HTTP {status}");
                }
                let declared = response
                    .headers()
                    .get("content-length")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok());
                let body = response
                    .into_body()
                    .with_config()
                    .limit(limit)
                    .read_to_vec()
                    .with_context(|| format!("download of {location} failed"))?;
                if let Some(declared) = declared
                    && declared != body.len() as u64
                {
                    bail!(
                        "download of {location} failed: got {} of {declared} bytes",
                        body.len()
                    );
                }
                Ok(body)
            }
        }
    }
}

/// Ecosystem names go into URLs as one path segment (`Red Hat` → `Red%20Hat`).
fn url_segment(ecosystem: &str) -> String {
    let mut out = String::with_capacity(ecosystem.len());
    for byte in ecosystem.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Where and when an ecosystem's stored export came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SourceInfo {
    origin: String,
    fetched_at: i64,
}

fn sources_dir(dir: &Path) -> PathBuf {
    dir.join("sources")
}

/// Ecosystem names are directory names: refuse anything that could leave the directory.
fn check_ecosystem_name(name: &str) -> anyhow::Result<()> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', '\0']) {
        bail!("{name:?} is not an ecosystem name");
    }
    Ok(())
}

/// What happened to one ecosystem during an update.
enum Outcome {
    Unchanged,
    /// The whole zip was downloaded.
    Updated {
        records: usize,
    },
    /// Only changed records were fetched.
    Patched {
        changed: usize,
        listed: usize,
    },
}

/// Fetches, verifies and stores one ecosystem's export.
fn update_ecosystem(origin: &Origin, dir: &Path, ecosystem: &str) -> anyhow::Result<Outcome> {
    let stored = sources_dir(dir).join(ecosystem);
    let csv = origin.fetch(ecosystem, "modified_id.csv", MAX_CSV_BYTES)?;
    let csv_text = std::str::from_utf8(&csv).context("modified_id.csv is not UTF-8")?;
    let listed = export::parse_modified_ids(csv_text)?;
    let stored_csv = std::fs::read(stored.join("modified_id.csv")).ok();
    let stored_zip_ok = stored.join("all.zip").is_file();
    if stored_zip_ok && stored_csv.as_deref() == Some(&csv[..]) {
        return Ok(Outcome::Unchanged);
    }
    // A few records changed: fetch just those (`<Ecosystem>/<ID>.json`, as the public bucket has
    // them). Any trouble with that falls back to the whole zip.
    if stored_zip_ok
        && let Some(old) = stored_csv
            .as_deref()
            .and_then(|b| std::str::from_utf8(b).ok())
        && let Ok(old) = export::parse_modified_ids(old)
    {
        let known: FxHashMap<&str, &str> = old
            .iter()
            .map(|e| (e.id.as_str(), e.modified.as_str()))
            .collect();
        let changed: Vec<&str> = listed
            .iter()
            .filter(|e| known.get(e.id.as_str()) != Some(&e.modified.as_str()))
            .map(|e| e.id.as_str())
            .collect();
        if changed.len() <= MAX_RECORD_FETCHES {
            match fetch_records(origin, ecosystem, &changed) {
                Ok(records) => {
                    for (id, bytes) in &records {
                        store::write_atomic(
                            &stored.join("records").join(format!("{id}.json")),
                            bytes,
                        )?;
                    }
                    let info = SourceInfo {
                        origin: origin.origin_label(),
                        fetched_at: now(),
                    };
                    store::write_atomic(
                        &stored.join("source.json"),
                        &serde_json::to_vec_pretty(&info)?,
                    )?;
                    store::write_atomic(&stored.join("modified_id.csv"), &csv)?;
                    return Ok(Outcome::Patched {
                        changed: records.len(),
                        listed: listed.len(),
                    });
                }
                Err(err) => {
                    let _ = writeln!(
                        std::io::stderr().lock(),
                        "{ecosystem}: fetching {} changed records failed ({err:#}); downloading all.zip",
                        changed.len()
                    );
                }
            }
        }
    }
    let zip = origin.fetch(ecosystem, "all.zip", MAX_ZIP_BYTES)?;
    let location = origin.describe(ecosystem, "all.zip");
    let records =
        export::read_zip(&zip).with_context(|| format!("{location} failed verification"))?;
    let ids: rustc_hash::FxHashSet<&str> = records.iter().map(|r| r.id.as_str()).collect();
    let missing = listed
        .iter()
        .filter(|entry| !ids.contains(entry.id.as_str()))
        .count();
    if missing > 0 {
        bail!("{location} failed verification: {missing} ids of modified_id.csv are not in it");
    }
    for record in &records {
        check_record_ecosystem(record, ecosystem)
            .with_context(|| format!("{location} failed verification"))?;
    }
    // The zip first, then the csv that marks it current: a crash between the two only means the
    // next update downloads the zip again.
    store::write_atomic(&stored.join("all.zip"), &zip)?;
    let _ = std::fs::remove_dir_all(stored.join("records"));
    let info = SourceInfo {
        origin: origin.origin_label(),
        fetched_at: now(),
    };
    store::write_atomic(
        &stored.join("source.json"),
        &serde_json::to_vec_pretty(&info)?,
    )?;
    store::write_atomic(&stored.join("modified_id.csv"), &csv)?;
    Ok(Outcome::Updated {
        records: records.len(),
    })
}

/// Most changed records fetched one by one before the whole zip is cheaper.
const MAX_RECORD_FETCHES: usize = 200;

/// Every package of a record must belong to the export it came from.
fn check_record_ecosystem(record: &hullscan_vulndb::Record, ecosystem: &str) -> anyhow::Result<()> {
    let foreign = record
        .affected
        .iter()
        .filter_map(|a| a.package.as_ref())
        .find(|p| !p.ecosystem.is_empty() && p.ecosystem.split(':').next() != Some(ecosystem));
    if let Some(package) = foreign {
        bail!("{} names ecosystem {:?}", record.id, package.ecosystem);
    }
    Ok(())
}

/// Fetches and verifies `<ecosystem>/<id>.json` for each id.
fn fetch_records(
    origin: &Origin,
    ecosystem: &str,
    ids: &[&str],
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        check_ecosystem_name(id).with_context(|| format!("record id {id:?}"))?;
        let file = format!("{id}.json");
        let bytes = origin.fetch(ecosystem, &file, export::MAX_RECORD_BYTES)?;
        let record = hullscan_vulndb::Record::from_json(&bytes).with_context(|| {
            format!("{} is not an OSV record", origin.describe(ecosystem, &file))
        })?;
        if record.id != *id {
            bail!(
                "{} holds record {:?}",
                origin.describe(ecosystem, &file),
                record.id
            );
        }
        check_record_ecosystem(&record, ecosystem)?;
        out.push(((*id).to_owned(), bytes));
    }
    Ok(out)
}

/// The records of one stored ecosystem: the zip, with the individually fetched records in place
/// of their older copies, limited to the ids the stored `modified_id.csv` lists.
fn stored_records(stored: &Path) -> anyhow::Result<Vec<hullscan_vulndb::Record>> {
    let zip_path = stored.join("all.zip");
    let zip =
        std::fs::read(&zip_path).with_context(|| format!("cannot read {}", zip_path.display()))?;
    let mut records = export::read_zip(&zip).with_context(|| format!("{}", zip_path.display()))?;
    let mut patched: FxHashMap<String, hullscan_vulndb::Record> = FxHashMap::default();
    if let Ok(entries) = std::fs::read_dir(stored.join("records")) {
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let record = hullscan_vulndb::Record::from_json(&bytes)
                .with_context(|| format!("{} is not an OSV record", path.display()))?;
            patched.insert(record.id.clone(), record);
        }
    }
    let listed: Option<rustc_hash::FxHashSet<String>> =
        std::fs::read(stored.join("modified_id.csv"))
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|text| export::parse_modified_ids(&text).ok())
            .map(|entries| entries.into_iter().map(|e| e.id).collect());
    records.retain(|r| !patched.contains_key(&r.id));
    records.extend(patched.into_values());
    if let Some(listed) = listed {
        records.retain(|r| listed.contains(&r.id));
    }
    records.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(records)
}

/// Compiles every stored export into the database and renames it into place.
fn rebuild(dir: &Path) -> anyhow::Result<(Meta, usize)> {
    let mut ecosystems: Vec<String> = match std::fs::read_dir(sources_dir(dir)) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.path().join("all.zip").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    ecosystems.sort();
    let mut builder = Builder::new();
    let mut meta = Meta {
        built_at: now(),
        sources: Vec::new(),
    };
    for ecosystem in &ecosystems {
        let stored = sources_dir(dir).join(ecosystem);
        let records = stored_records(&stored)?;
        let info: Option<SourceInfo> = std::fs::read(stored.join("source.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        let mut source = SourceMeta {
            ecosystem: ecosystem.clone(),
            origin: info.as_ref().map(|i| i.origin.clone()).unwrap_or_default(),
            fetched_at: info.as_ref().map_or(0, |i| i.fetched_at),
            ..SourceMeta::default()
        };
        for record in &records {
            match builder.add(record) {
                hullscan_vulndb::Added::Indexed => source.records += 1,
                hullscan_vulndb::Added::Withdrawn => source.withdrawn += 1,
                hullscan_vulndb::Added::NoPackage => {}
            }
            if record.modified > source.newest_modified && !record.is_withdrawn() {
                source.newest_modified = record.modified.clone();
            }
        }
        meta.sources.push(source);
    }
    let image = builder.finish(&meta);
    let size = image.len();
    // Check what was written reads back before it replaces the old database.
    Database::from_bytes(image.clone()).context("the new database does not read back")?;
    store::write_atomic(&dir.join(DB_FILE), &image)?;
    Ok((meta, size))
}

fn update(args: UpdateArgs) -> anyhow::Result<ExitStatus> {
    let dir = db_dir(&args.dir)?;
    let origin = match &args.from {
        Some(from) => Origin::Dir(from.clone()),
        None => {
            let mut base = args.base_url.clone();
            if !base.ends_with('/') {
                base.push('/');
            }
            let timeout = Duration::from_secs(args.timeout.max(1));
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_connect(Some(timeout))
                .timeout_recv_response(Some(timeout))
                .timeout_recv_body(Some(timeout * 30))
                .build()
                .into();
            Origin::Http { base, agent }
        }
    };
    let mut ecosystems: Vec<String> = args
        .ecosystems
        .iter()
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .collect();
    if ecosystems.is_empty() {
        ecosystems = std::fs::read_dir(sources_dir(&dir))
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        ecosystems.sort();
        if ecosystems.is_empty() {
            ecosystems = DEFAULT_ECOSYSTEMS.iter().map(|e| (*e).to_owned()).collect();
        }
    }
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut changed = false;
    let stderr = std::io::stderr();
    for ecosystem in &ecosystems {
        let result = check_ecosystem_name(ecosystem)
            .and_then(|()| update_ecosystem(&origin, &dir, ecosystem));
        match result {
            Ok(Outcome::Unchanged) => {
                let _ = writeln!(stderr.lock(), "{ecosystem}: unchanged");
            }
            Ok(Outcome::Patched {
                changed: fetched,
                listed,
            }) => {
                changed = true;
                let _ = writeln!(
                    stderr.lock(),
                    "{ecosystem}: {fetched} changed records fetched ({listed} listed)"
                );
            }
            Ok(Outcome::Updated { records }) => {
                changed = true;
                let _ = writeln!(stderr.lock(), "{ecosystem}: {records} records");
            }
            Err(err) => failures.push(format!("{ecosystem}: {err:#}")),
        }
    }
    let db_ok = Database::open(&dir.join(DB_FILE)).is_ok();
    if changed || !db_ok {
        let (meta, size) = rebuild(&dir)?;
        let records: u64 = meta.sources.iter().map(|s| s.records).sum();
        let _ = writeln!(
            stderr.lock(),
            "database {}: {records} records from {} ecosystems, {} bytes, in {:.2} s",
            dir.join(DB_FILE).display(),
            meta.sources.len(),
            size,
            started.elapsed().as_secs_f64()
        );
    }
    if !failures.is_empty() {
        bail!(
            "db update failed for {} (their previous data is kept):\n  {}",
            if failures.len() == 1 {
                "one ecosystem".to_owned()
            } else {
                format!("{} ecosystems", failures.len())
            },
            failures.join("\n  ")
        );
    }
    Ok(ExitStatus::Success)
}

/// `2026-12-07 17:20:00 UTC` from Unix seconds.
fn format_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn format_age(secs: i64) -> String {
    match secs {
        s if s < 120 => format!("{s} seconds"),
        s if s < 7_200 => format!("{} minutes", s / 60),
        s if s < 172_800 => format!("{} hours", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

fn status(args: StatusArgs) -> anyhow::Result<ExitStatus> {
    let dir = db_dir(&args.dir)?;
    let db = open_database(&dir)?;
    let meta = db.meta()?;
    let stats = db.stats();
    let age = now() - db.built_at();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        DbFormat::Json => {
            let value = serde_json::json!({
                "path": dir.join(DB_FILE),
                "built_at": db.built_at(),
                "age_seconds": age,
                "stats": stats,
                "sources": meta.sources,
            });
            serde_json::to_writer_pretty(&mut out, &value)?;
            writeln!(out)?;
        }
        DbFormat::Text => {
            writeln!(
                out,
                "database: {} ({} bytes)",
                dir.join(DB_FILE).display(),
                stats.bytes
            )?;
            writeln!(
                out,
                "built:    {} ({} ago)",
                format_utc(db.built_at()),
                format_age(age)
            )?;
            writeln!(
                out,
                "contents: {} vulnerabilities, {} packages, {} affected entries",
                stats.vulnerabilities, stats.packages, stats.affected
            )?;
            writeln!(out, "sources:")?;
            for source in &meta.sources {
                writeln!(
                    out,
                    "  {:<12} {:>6} records ({} withdrawn left out), newest {}, fetched {} from {}",
                    source.ecosystem,
                    source.records,
                    source.withdrawn,
                    if source.newest_modified.is_empty() {
                        "-"
                    } else {
                        &source.newest_modified
                    },
                    format_utc(source.fetched_at),
                    source.origin
                )?;
            }
        }
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

fn match_packages(args: MatchArgs) -> anyhow::Result<ExitStatus> {
    let dir = db_dir(&args.dir)?;
    let started = Instant::now();
    let db = open_database(&dir)?;
    let opened = started.elapsed();
    let mut queries: Vec<(String, String, String)> = Vec::new();
    match &args.queries {
        Some(path) => {
            let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
                Box::new(std::io::stdin().lock())
            } else {
                Box::new(std::io::BufReader::new(
                    std::fs::File::open(path)
                        .with_context(|| format!("cannot read {}", path.display()))?,
                ))
            };
            for (number, line) in reader.lines().enumerate() {
                let line =
                    line.with_context(|| format!("{}: line {}", path.display(), number + 1))?;
                if line.trim().is_empty() || line.starts_with('#') {
                    continue;
                }
                let mut fields = line.split('\t');
                match (fields.next(), fields.next(), fields.next()) {
                    (Some(e), Some(n), Some(v)) => {
                        queries.push((e.to_owned(), n.to_owned(), v.to_owned()))
                    }
                    _ => bail!(
                        "{}: line {}: expected ECOSYSTEM<TAB>NAME<TAB>VERSION",
                        path.display(),
                        number + 1
                    ),
                }
            }
        }
        None => queries.push((
            args.ecosystem.clone().unwrap_or_default(),
            args.name.clone().unwrap_or_default(),
            args.version.clone().unwrap_or_default(),
        )),
    }
    let mut results = Vec::with_capacity(queries.len());
    for (ecosystem, name, version) in &queries {
        let query = Query {
            ecosystem,
            name,
            version,
        };
        results.push(db.query(&query)?);
    }
    let elapsed = started.elapsed();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        DbFormat::Json => {
            let findings: Vec<_> = results.iter().flatten().collect();
            serde_json::to_writer_pretty(&mut out, &findings)?;
            writeln!(out)?;
        }
        DbFormat::Text => {
            for finding in results.iter().flatten() {
                let severity = finding.severity.as_ref().map_or_else(
                    || "UNKNOWN".to_owned(),
                    |s| match s.score {
                        Some(score) => format!("{} {score:.1} ({})", s.level.as_str(), s.source),
                        None => format!("{} ({})", s.level.as_str(), s.source),
                    },
                );
                writeln!(
                    out,
                    "{} {} {}  {}  fixed: {}  severity: {}  aliases: {}  {}",
                    finding.ecosystem,
                    finding.package,
                    finding.version,
                    finding.id,
                    finding.fixed_display(),
                    severity,
                    if finding.aliases.is_empty() {
                        "-".to_owned()
                    } else {
                        finding.aliases.join(",")
                    },
                    finding.summary
                )?;
            }
        }
    }
    out.flush()?;
    let findings: usize = results.iter().map(Vec::len).sum();
    let _ = writeln!(
        std::io::stderr().lock(),
        "{} queries, {findings} findings, in {:.2} ms (database open {:.2} ms)",
        queries.len(),
        elapsed.as_secs_f64() * 1e3,
        opened.as_secs_f64() * 1e3
    );
    Ok(ExitStatus::Success)
}
