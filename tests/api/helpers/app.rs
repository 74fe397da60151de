//! absim on a free port, and what a test asks of it over HTTP.

use super::*;

/// absim running on a free port, with a receiver for its outbound posts.
pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub http: reqwest::Client,
    pub receiver: Receiver,
    /// Every document absim emitted during the test, for the DTD check.
    pub emitted: Vec<(String, String)>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    /// The database made for this absim alone (PostgreSQL binary).
    _database: Option<PgDatabase>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts absim with test settings: in memory, no delays, the receiver as
/// the buyer's endpoints; `adjust` changes them further.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn(adjust, true).await
}

/// Like [`spawn_app_with`], but no delivery worker runs: the test steps it
/// with `absim::outbound::deliver_next`.
pub async fn spawn_app_steppable(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn(adjust, false).await
}

async fn spawn(adjust: impl FnOnce(&mut Settings), worker: bool) -> TestApp {
    spawn_with_receiver(Receiver::start().await, adjust, worker).await
}

/// Starts absim with a given receiver (to keep the buyer across a restart).
pub async fn spawn_with_receiver(
    receiver: Receiver,
    adjust: impl FnOnce(&mut Settings),
    worker: bool,
) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut settings = Settings {
        addr,
        base_url: format!("http://{addr}"),
        data_dir: None,
        identity: Some(IDENTITY.into()),
        shared_secret: Some(SECRET.into()),
        order_confirmation_url: Some(receiver.url("/confirm")),
        ship_notice_url: Some(receiver.url("/ship")),
        invoice_url: Some(receiver.url("/invoice")),
        confirmation_delay: Duration::ZERO,
        ship_notice_delay: Duration::ZERO,
        ..Settings::default()
    };
    adjust(&mut settings);
    // On PostgreSQL, an absim the test did not give a place of its own gets
    // a fresh database (the SQLite default is memory).
    let mut database = None;
    if crate::BACKEND == Backend::Postgres
        && settings.database_url.is_none()
        && settings.data_dir.is_none()
        && let Some(db) = PgDatabase::create().await
    {
        settings.database_url = Some(absim::store::DatabaseUrl::parse(&db.url).unwrap());
        database = Some(db);
    }
    let state = AppState::new(settings).await.expect("absim starts");
    let run_state = state.clone();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stop_rx.await;
    };
    let server = tokio::spawn(async move {
        if worker {
            absim::serve(listener, run_state, shutdown).await.unwrap()
        } else {
            axum::serve(listener, absim::app(run_state.clone()))
                .with_graceful_shutdown(shutdown)
                .await
                .unwrap();
            run_state.store.close().await;
        }
    });
    TestApp {
        base: format!("http://{addr}"),
        state,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::limited(5))
            // Tests move the clock past absim's keep-alive timeout; fresh
            // connections keep them from racing a closing one.
            .pool_max_idle_per_host(0)
            .build()
            .unwrap(),
        receiver,
        emitted: Vec::new(),
        stop: Some(stop_tx),
        server: Some(server),
        _database: database,
    }
}

/// An HTTP answer, read whole.
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub url: String,
}

impl Reply {
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// The cXML Status of a cXML answer: (code, text, message).
    pub fn cxml_status(&self) -> (u16, String, String) {
        let status = absim::cxml::read::read_status(self.body.as_bytes())
            .unwrap_or_else(|e| panic!("not a cXML Response ({e}): {}", self.body));
        (status.code, status.text, status.message)
    }
}

pub async fn reply(r: reqwest::Response) -> Reply {
    let status = r.status().as_u16();
    let url = r.url().to_string();
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Reply {
        status,
        content_type,
        url,
        body: r.text().await.unwrap(),
    }
}

impl TestApp {
    /// Shuts absim down gracefully (as on SIGTERM) and gives back the
    /// receiver, so that a new absim can be started for the same buyer
    /// (on the same [`Storage`]).
    pub async fn stop(mut self) -> Receiver {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap();
        }
        self.receiver
    }

    /// The default group as stored now.
    pub async fn group(&self) -> absim::domain::Group {
        self.state.default_group().await.unwrap()
    }

    pub async fn po_url(&self) -> String {
        self.state.po_url(&self.group().await)
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{}", self.base, path)
        }
    }

    pub async fn post_xml(&self, path: &str, body: &str) -> Reply {
        let r = self
            .http
            .post(self.url(path))
            .header("content-type", "text/xml; charset=utf-8")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        reply(r).await
    }

    pub async fn post_punchout_setup(&self, body: &str) -> Reply {
        self.post_xml("/eprocurement/punchout", body).await
    }

    pub async fn post_order(&self, body: &str) -> Reply {
        self.post_xml(&self.po_url().await, body).await
    }

    /// The request journal through the JSON API (`query`: `?status=404`,
    /// `?direction=out`, or empty).
    pub async fn journal(&self, query: &str) -> serde_json::Value {
        self.http
            .get(self.url(&format!("/api/v1/journal{query}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn get_page(&self, path: &str) -> Reply {
        reply(self.http.get(self.url(path)).send().await.unwrap()).await
    }

    pub async fn get_page_lang(&self, path: &str, accept_language: &str) -> Reply {
        let r = self
            .http
            .get(self.url(path))
            .header("accept-language", accept_language)
            .send()
            .await
            .unwrap();
        reply(r).await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        reply(
            self.http
                .post(self.url(path))
                .form(form)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Opens a punchout session and returns its StartPage URL.
    pub async fn punch_out(&mut self) -> String {
        let setup = setup_request(IDENTITY, SECRET, &self.receiver.url("/hook"));
        let r = self.post_punchout_setup(&setup).await;
        assert_eq!(r.status, 200, "{}", r.body);
        self.emitted.push(("setup-response".into(), r.body.clone()));
        start_page(&r.body)
    }

    /// Checks every emitted document against the cXML DTDs with
    /// `../shared/tools/validate-cxml` when `../shared` exists.
    pub fn validate_emitted(&self) {
        validate_documents(&self.emitted);
    }
}

/// A JSON request to absim's API: the status and the body (Null when it is
/// not JSON).
pub async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let r = app
        .http
        .request(method.parse().unwrap(), app.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

/// The absim binary with `args` against `app`; its exit code and output.
pub async fn absim_cli(app: &TestApp, args: &[&str]) -> (i32, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_absim"));
    command.args(args).env("ABSIM_TARGET", &app.base);
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}
