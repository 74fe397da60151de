//! PO確認のメール: order e-mails listing accepted and refused items, in the
//! outbox pages and, with an SMTP server, sent to it (a local catcher here).

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::helpers::*;

/// A minimal SMTP server that keeps what it is given: (recipients, data).
async fn mail_catcher() -> (String, mpsc::UnboundedReceiver<(Vec<String>, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let tx = tx.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 catcher ESMTP\r\n").await;
                let mut rcpt = Vec::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250 catcher\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        rcpt.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
                        b"250 OK\r\n"
                    } else if upper == "DATA" {
                        let _ = write.write_all(b"354 go ahead\r\n").await;
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(&l);
                            data.push('\n');
                        }
                        let _ = tx.send((std::mem::take(&mut rcpt), data));
                        b"250 queued\r\n"
                    } else if upper == "QUIT" {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        b"250 OK\r\n"
                    };
                    let _ = write.write_all(reply).await;
                }
            });
        }
    });
    (url, rx)
}

#[tokio::test]
async fn order_mails_go_to_the_user_and_the_administrator_and_through_smtp() {
    let mut app = spawn_app_steppable(|_| {}).await;
    app.state
        .store
        .update_group(1, |g| {
            g.mail.to_user = true;
            g.mail.to_admin = true;
            g.mail.admin_email = Some("admin@example.co.jp".into());
            Ok(())
        })
        .await
        .unwrap();
    // One line refused by the scenario, one accepted.
    let sid = app
        .open_store("create", &[], Some("advanced-line-rejected"))
        .await;
    app.add_to_cart(&sid, "B087JWRCP5", 1).await;
    app.add_to_cart(&sid, "B001TK8QMA", 2).await;
    let cart = app.return_cart(&sid, false).await;
    assert_eq!(app.send_po(&app.po_for(&cart, "PO-MAIL")).await.status, 200);
    let no = app.last_entry().await;

    let mails = app.state.store.mails(1, Some(no)).await.unwrap();
    let mut to: Vec<&str> = mails.iter().map(|m| m.recipient.as_str()).collect();
    to.sort();
    assert_eq!(to, ["admin@example.co.jp", "tanaka@example.co.jp"]);
    let body = &mails[0].body;
    let accepted = body.split("否認された商品").next().unwrap();
    assert!(accepted.contains("ボールペン"), "{body}");
    let refused = body.split("否認された商品").nth(1).unwrap();
    assert!(
        refused.contains("パソコンデスク") && refused.contains("お取り扱いできません"),
        "{body}"
    );

    // The outbox pages show them; the log entry links them.
    let outbox = app.get_page("/groups/1/mail").await.html();
    assert_eq!(texts_of(&outbox, "article.mail").len(), 2);
    let one = app
        .get_page(&format!("/groups/1/mail/{}", mails[0].id))
        .await
        .html();
    assert!(text_of(&one, "pre.mail-body").contains("承認された商品"));
    let entry = app.get_page(&format!("/groups/1/log/{no}")).await.html();
    assert_eq!(texts_of(&entry, "#mails li").len(), 2);

    // With an SMTP server they are sent, and the outbox says so.
    let (smtp, mut caught) = mail_catcher().await;
    let sent = absim::mailer::send_order_mails(&app.state, &smtp, 1, no)
        .await
        .unwrap();
    assert_eq!(sent, 2);
    let mut recipients = Vec::new();
    for _ in 0..2 {
        let (rcpt, data) = tokio::time::timeout(Duration::from_secs(5), caught.recv())
            .await
            .unwrap()
            .unwrap();
        assert!(data.contains("Subject:"), "{data}");
        recipients.extend(rcpt);
    }
    recipients.sort();
    assert_eq!(recipients, ["admin@example.co.jp", "tanaka@example.co.jp"]);
    let mails = app.state.store.mails(1, Some(no)).await.unwrap();
    assert!(mails.iter().all(|m| m.smtp == "sent"));
    assert_eq!(
        absim::mailer::send_order_mails(&app.state, &smtp, 1, no)
            .await
            .unwrap(),
        0,
        "nothing is sent twice"
    );
    app.receiver.drain();
}

#[tokio::test]
async fn without_recipients_no_mail_is_written() {
    let mut app = spawn_app_steppable(|_| {}).await;
    app.state
        .store
        .update_group(1, |g| {
            g.mail.to_user = false;
            g.mail.to_admin = false;
            Ok(())
        })
        .await
        .unwrap();
    app.punch_out().await;
    let po = order_request("m@b", "PO-NOMAIL", "new", true, &[DESK_LINE]);
    assert_eq!(app.post_order(&po).await.status, 200);
    assert!(app.state.store.mails(1, None).await.unwrap().is_empty());
}
