//! Parses the command line, resolves settings, binds, prints the connection
//! values and runs: nothing else.

use clap::Parser;

use absim::cli::{Cli, Command};
use absim::{AppState, Settings};

#[global_allocator]
static ALLOCATOR: absim::bench::process::CountingAllocator =
    absim::bench::process::CountingAllocator;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Pinning comes before the runtime, so that its threads inherit it:
    // `absim bench --pin` drives the load from core 1, and the servers it
    // starts pin themselves through ABSIM_PIN_CORE.
    if let Some(Command::Bench(b)) = &cli.command
        && b.pin
    {
        if let Err(e) = absim::bench::process::pin_to(1) {
            eprintln!("absim bench: cannot pin the load generator: {e}");
        }
    }
    absim::bench::process::apply_env().map_err(anyhow::Error::msg)?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(cli))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    // Logs go to stderr; stdout carries the connection values or reports.
    let quiet = matches!(
        cli.command,
        Some(Command::Run(_))
            | Some(Command::Bench(_))
            | Some(Command::Lint { .. })
            | Some(Command::Group { .. })
            | Some(Command::OpenRun(_))
            | Some(Command::Shop(_))
            | Some(Command::Verify(_))
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
        Some(Command::Bench(args)) => return absim::bench::run(args).await,
        Some(Command::Run(args)) => return run_scenarios(args).await,
        Some(Command::Buyer(b)) => {
            let options = absim::buyer::web::BuyerOptions {
                group: b.group,
                auto_pay: b.auto_pay,
                mistakes: absim::buyer::web::Mistakes::parse(&b.mistakes)
                    .map_err(anyhow::Error::msg)?,
                email: b.email,
            };
            return absim::demo::buyer(
                b.addr,
                &b.simulator,
                b.admin_token.as_deref(),
                options,
                shutdown_signal(),
            )
            .await;
        }
        Some(Command::Group { action }) => return absim::ci::group(action).await,
        Some(Command::OpenRun(args)) => return absim::ci::open_run(args).await,
        Some(Command::Shop(args)) => return absim::ci::shop(args).await,
        Some(Command::Verify(args)) => {
            let passed = absim::ci::verify(args).await?;
            std::process::exit(if passed { 0 } else { 1 });
        }
        Some(Command::Demo { addr, buyer_addr }) => {
            let demo = absim::demo::start(addr, buyer_addr).await?;
            println!("absim demo: the basic order ran end to end.");
            println!("  購買システム (buyer):       {}/", demo.buyer);
            println!("  購入通知 (administrator):   {}/admin", demo.buyer);
            println!("  テストログ (test log entry): {}", demo.entry);
            println!("  absim:                      {}/", demo.absim);
            println!("Ctrl-C stops both.");
            shutdown_signal().await;
            demo.stop().await;
            return Ok(());
        }
        Some(Command::Lint { files }) => {
            let (text, failed) = absim::lint::lint_files(&files);
            print!("{text}");
            std::process::exit(i32::from(failed));
        }
        Some(Command::BenchFloor) => return absim::bench::floor().await,
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
    absim::run(listener, state, shutdown_signal()).await
}

/// The setup screen's values, as the guide shows them (a, b, c).
async fn print_connection(state: &AppState) -> anyhow::Result<()> {
    let g = state.default_group().await?;
    let base = &state.settings.base_url;
    println!("absim: Amazon Business test-mode simulator");
    println!();
    println!(
        "  {} ({}) / 状況: テスト",
        g.name,
        g.purchasing_system.as_str()
    );
    println!("  a システムログイン (cXML From Identity): {}", g.identity);
    println!(
        "  b パスワード (cXML SharedSecret):       {}",
        g.shared_secret
    );
    println!(
        "    Punchout URL:                       {}",
        state.punchout_url()
    );
    println!(
        "  c PO Request URL:                     {}",
        state.po_url(&g)
    );
    println!();
    println!("  テスト画面 (test UI):                  {base}/");
    println!(
        "  テストログ (test log):                 {base}/groups/{}/log",
        g.id
    );
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

/// `absim run`: the summary on stdout, the reports where asked, and exit
/// code 1 when a scenario failed.
async fn run_scenarios(args: absim::cli::RunArgs) -> anyhow::Result<()> {
    let report = absim::runner::run(absim::runner::RunOptions {
        scenarios: args.scenarios,
        all: args.all,
        target: args.target,
        identity: args.identity,
        shared_secret: args.shared_secret,
        jobs: args.jobs,
        scenarios_dir: args.scenarios_dir,
        timeout: std::time::Duration::from_secs(args.timeout),
        admin_token: args.admin_token,
    })
    .await?;
    print!("{}", report.summary());
    println!("({:.1} s against {})", report.seconds, report.target);
    if let Some(path) = &args.junit {
        std::fs::write(path, report.junit())?;
    }
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)?;
    }
    if report.failed() > 0 {
        std::process::exit(1);
    }
    Ok(())
}
