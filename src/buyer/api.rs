//! A client of absim's JSON API, as the reference buyer and the
//! command-line tools reach a running absim.

use anyhow::Context;

/// An HTTP client for absim's JSON API that sends the admin token, when
/// there is one, as a bearer header.
pub fn api_client(
    admin_token: Option<&str>,
    timeout: std::time::Duration,
) -> anyhow::Result<reqwest::Client> {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(token) = admin_token {
        let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))
            .context("the admin token must be printable ASCII")?;
        value.set_sensitive(true);
        headers.insert(reqwest::header::AUTHORIZATION, value);
    }
    Ok(reqwest::Client::builder()
        .timeout(timeout)
        .default_headers(headers)
        .build()?)
}

/// Calls absim's JSON API at `base`: the answer's status and its body as
/// JSON (a body that is not JSON comes back as a JSON string).
pub async fn call_api(
    http: &reqwest::Client,
    base: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> anyhow::Result<(reqwest::StatusCode, serde_json::Value)> {
    let mut req = http.request(method, format!("{base}{path}"));
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    let r = req
        .send()
        .await
        .with_context(|| format!("reaching absim at {base} for {path}"))?;
    let status = r.status();
    let text = r.text().await?;
    let v = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    Ok((status, v))
}
