//! A database URL that never shows its password: `Display` and `Debug`
//! mask it, so that it can be logged and named in errors.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// Takes a `postgres://` or `postgresql://` URL; anything else is
    /// refused with what absim takes.
    pub fn parse(url: &str) -> Result<DatabaseUrl, String> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseUrl(url.to_owned()))
        } else {
            Err(format!(
                "the database URL '{}' is not a PostgreSQL URL: give postgres://user@host:5432/database (without --database-url absim keeps its data in SQLite under --data-dir)",
                DatabaseUrl(url.to_owned())
            ))
        }
    }

    /// The URL with its password, for the driver only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let masked = match url::Url::parse(&self.0) {
            Ok(mut u) => {
                if u.password().is_some() {
                    let _ = u.set_password(Some("***"));
                }
                // A password given as a query parameter.
                let pairs: Vec<(String, String)> = u
                    .query_pairs()
                    .map(|(k, v)| {
                        let v = if k.eq_ignore_ascii_case("password") {
                            "***".to_owned()
                        } else {
                            v.into_owned()
                        };
                        (k.into_owned(), v)
                    })
                    .collect();
                if !pairs.is_empty() {
                    u.query_pairs_mut().clear().extend_pairs(pairs);
                }
                u.to_string()
            }
            // Not a URL at all: show nothing that could be a secret.
            Err(_) => "(an unreadable URL)".to_owned(),
        };
        f.write_str(&masked)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_shows() {
        let u = DatabaseUrl::parse("postgres://absim:s3cret@db.example:5432/absim?password=other")
            .unwrap();
        let shown = format!("{u} {u:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("other"),
            "{shown}"
        );
        assert!(shown.contains("absim:***@db.example:5432/absim"), "{shown}");
        assert_eq!(
            u.expose(),
            "postgres://absim:s3cret@db.example:5432/absim?password=other"
        );
    }

    #[test]
    fn only_postgres_urls_are_taken() {
        let err = DatabaseUrl::parse("mysql://root:pw@h/db").unwrap_err();
        assert!(
            err.contains("postgres://") && !err.contains(":pw@"),
            "{err}"
        );
        assert!(DatabaseUrl::parse("postgresql://h/db").is_ok());
    }
}
