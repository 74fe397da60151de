//! The local receiver standing in for the buyer's hook and endpoints.

use super::*;

pub const IDENTITY: &str = "BuyerSystem01";
pub const SECRET: &str = "s3cretPassw0rd";

/// What the receiver got on one path.
#[derive(Debug, Clone)]
pub struct Received {
    pub content_type: String,
    pub body: String,
}

/// How the receiver answers.
#[derive(Debug, Clone)]
pub struct Answer {
    pub http: u16,
    pub body: String,
}

impl Answer {
    pub fn html(http: u16) -> Answer {
        Answer {
            http,
            body: "<html><body><h1>Server Error</h1></body></html>".into(),
        }
    }

    pub fn cxml(code: u16) -> Answer {
        Answer {
            http: 200,
            body: format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd"><cXML payloadID="r@buyer" timestamp="2026-01-01T00:00:00+09:00"><Response><Status code="{code}" text="x"/></Response></cXML>"#
            ),
        }
    }
}

/// Answers per path: each post takes the next; the last one repeats.
type Answers = Arc<Mutex<HashMap<String, std::collections::VecDeque<Answer>>>>;

#[derive(Clone)]
struct ReceiverState {
    tx: mpsc::UnboundedSender<(String, Received)>,
    answers: Answers,
}

/// A local HTTP server standing in for the buyer: records every POST by
/// path and answers a cXML 200 (or what the test set).
pub struct Receiver {
    pub base: String,
    rx: mpsc::UnboundedReceiver<(String, Received)>,
    pending: Vec<(String, Received)>,
    answers: Answers,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let (tx, rx) = mpsc::unbounded_channel();
        let answers = Arc::new(Mutex::new(HashMap::new()));
        let state = ReceiverState {
            tx,
            answers: answers.clone(),
        };
        async fn record(
            State(s): State<ReceiverState>,
            AxPath(path): AxPath<String>,
            headers: HeaderMap,
            body: Bytes,
        ) -> axum::response::Response {
            use axum::response::IntoResponse;
            let path = format!("/{path}");
            let content_type = headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let _ = s.tx.send((
                path.clone(),
                Received {
                    content_type,
                    body: String::from_utf8_lossy(&body).into_owned(),
                },
            ));
            let answer = {
                let mut answers = s.answers.lock().unwrap();
                match answers.get_mut(&path) {
                    Some(queue) if queue.len() > 1 => queue.pop_front().unwrap(),
                    Some(queue) => queue.front().cloned().unwrap_or_else(|| Answer::cxml(200)),
                    None => Answer::cxml(200),
                }
            };
            (
                axum::http::StatusCode::from_u16(answer.http).unwrap(),
                [("content-type", "text/xml")],
                answer.body,
            )
                .into_response()
        }
        let app = axum::Router::new()
            .route("/{*path}", axum::routing::post(record))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver {
            base,
            rx,
            pending: Vec::new(),
            answers,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn answer(&self, path: &str, answer: Answer) {
        self.answer_in_turn(path, vec![answer]);
    }

    /// Answers the posts to `path` in turn; the last answer repeats.
    pub fn answer_in_turn(&self, path: &str, answers: Vec<Answer>) {
        self.answers
            .lock()
            .unwrap()
            .insert(path.to_owned(), answers.into());
    }

    /// Posts received but not yet taken with [`Receiver::next`].
    pub fn drain(&mut self) -> Vec<(String, Received)> {
        while let Ok(got) = self.rx.try_recv() {
            self.pending.push(got);
        }
        std::mem::take(&mut self.pending)
    }

    /// The next post to `path`, waiting for it (at most 10 s).
    pub async fn next(&mut self, path: &str) -> Received {
        if let Some(i) = self.pending.iter().position(|(p, _)| p == path) {
            return self.pending.remove(i).1;
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let got = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("nothing was posted to {path} within 10 s"))
                .expect("receiver channel open");
            if got.0 == path {
                return got.1;
            }
            self.pending.push(got);
        }
    }
}
