//! Parses the command line, resolves settings, binds, prints the connection
//! values and runs: nothing else.

use std::process::ExitCode;

use clap::Parser;

use absim::cli::{Cli, Command};
use absim::i18n::Lang;
use absim::{AppState, Settings};
use unicode_width::UnicodeWidthStr;

// mimalloc: fewer instructions per request than the system allocator on
// absim's many small allocations. A build with the `count-allocations`
// feature counts them for `absim bench` (see `absim::process`).
#[cfg(not(feature = "count-allocations"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
#[cfg(feature = "count-allocations")]
#[global_allocator]
static ALLOCATOR: absim::process::CountingAllocator = absim::process::CountingAllocator;

fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    // Pinning comes before the runtime, so that its threads inherit it:
    // `absim bench --pin` drives the load from core 1, and the servers it
    // starts pin themselves through ABSIM_PIN_CORE.
    if let Some(Command::Bench(b)) = &cli.command
        && b.pin
    {
        if let Err(e) = absim::process::pin_to(1) {
            eprintln!("absim bench: cannot pin the load generator: {e}");
        }
    }
    absim::process::apply_env().map_err(anyhow::Error::msg)?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(start(cli))
}

async fn start(cli: Cli) -> anyhow::Result<ExitCode> {
    // Logs go to stderr; stdout carries the connection values or reports.
    let quiet = !matches!(
        cli.command,
        None | Some(Command::Serve(_)) | Some(Command::Buyer(_)) | Some(Command::Demo { .. })
    );
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        // Colours only for a terminal: a log file or a CI log gets plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                if quiet {
                    "absim=warn"
                } else {
                    "absim=info,tower_http=warn"
                }
                .into()
            }),
        )
        .init();
    let args = match cli.command {
        Some(Command::Serve(args)) => *args,
        Some(tool) => return absim::tools::execute(tool, shutdown_signal()).await,
        None => cli.serve,
    };
    let mut settings = Settings::resolve(&args)?;
    settings.check_exposure()?;
    let listener = tokio::net::TcpListener::bind(settings.addr).await?;
    // With port 0 the system picks the port: show and use the real one.
    let bound = listener.local_addr()?;
    if bound != settings.addr {
        if args.base_url.is_none() {
            settings.base_url = format!("http://{bound}");
        }
        settings.addr = bound;
    }
    let state = AppState::new(settings).await?;
    print_connection(&state).await?;
    absim::serve(listener, state, shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

/// The setup screen's values, as the guide shows them (a, b, c), labelled in
/// the default group's store's language (Japanese for Japan's, word for
/// word as the guide). `Punchout URL` and `PO Request URL` are the fields'
/// own names in every language, and scripts read the URL after the latter.
async fn print_connection(state: &AppState) -> anyhow::Result<()> {
    let g = state.default_group().await?;
    let base = &state.settings.base_url;
    let t = Lang::of_store(&state.market(&g).language).texts();
    println!("absim: Amazon Business test-mode simulator");
    println!();
    println!(
        "  {} ({}) / {}",
        g.name,
        g.purchasing_system.as_str(),
        t.status_test
    );
    let login = format!("{} (cXML From Identity):", t.login);
    let password = format!("{} (cXML SharedSecret):", t.password);
    let test_ui = format!("{}:", t.banner_test_ui);
    let test_log = format!("{}:", t.banner_test_log);
    let rows = [
        ("a ", login.as_str(), g.identity.clone()),
        ("b ", password.as_str(), g.shared_secret.clone()),
        ("  ", "Punchout URL:", state.punchout_url()),
        ("c ", "PO Request URL:", state.po_url(&g)),
        ("", "", String::new()),
        ("", test_ui.as_str(), format!("{base}/")),
        ("", test_log.as_str(), format!("{base}/groups/{}/log", g.id)),
    ];
    let width = rows
        .iter()
        .map(|(key, label, _)| key.width() + label.width())
        .max()
        .unwrap_or(0);
    for (key, label, value) in rows {
        if label.is_empty() {
            println!();
        } else {
            let pad = " ".repeat(width - key.width() - label.width());
            println!("  {key}{label}{pad} {value}");
        }
    }
    match state.settings.location() {
        absim::store::Location::File(path) => println!("  data: {}", path.display()),
        absim::store::Location::Memory => {
            println!("  data: in memory (--in-memory): nothing is kept after exit")
        }
        absim::store::Location::Postgres(url) => println!(
            "  data: PostgreSQL {url} (replica {})",
            state.settings.replica_id
        ),
    }
    println!();
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
