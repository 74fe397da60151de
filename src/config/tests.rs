//! Settings resolution: precedence, the store choice and the checks.

use super::*;

#[test]
fn flags_win_over_the_file_which_wins_over_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("absim.toml");
    std::fs::write(
        &file,
        "addr = \"127.0.0.1:9000\"\nconfirmation-delay = 0\nship-notice-url = \"http://127.0.0.1:9/s\"\nidentity = \"FromFile\"\n",
    )
    .unwrap();
    let args = ServeArgs {
        config: Some(file),
        identity: Some("FromFlag".into()),
        ..ServeArgs::default()
    };
    let s = Settings::resolve(&args).unwrap();
    assert_eq!(s.addr.port(), 9000);
    assert_eq!(s.base_url, "http://127.0.0.1:9000");
    assert_eq!(s.confirmation_delay, Duration::ZERO);
    assert_eq!(s.ship_notice_delay, Duration::from_secs(5));
    assert_eq!(s.ship_notice_url.as_deref(), Some("http://127.0.0.1:9/s"));
    assert_eq!(s.identity.as_deref(), Some("FromFlag"));
}

#[test]
fn an_unknown_key_in_the_file_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("absim.toml");
    std::fs::write(&file, "adress = \"x\"\n").unwrap();
    let args = ServeArgs {
        config: Some(file),
        ..ServeArgs::default()
    };
    let err = format!("{:#}", Settings::resolve(&args).unwrap_err());
    assert!(err.contains("adress"), "{err}");
}

#[test]
fn a_reachable_address_needs_a_token_or_insecure_open() {
    let mut s = Settings {
        addr: "0.0.0.0:8080".parse().unwrap(),
        ..Settings::default()
    };
    let err = s.check_exposure().unwrap_err().to_string();
    assert!(
        err.contains("0.0.0.0:8080") && err.contains("--admin-token"),
        "{err}"
    );
    s.insecure_open = true;
    assert!(s.check_exposure().is_ok());
    s.insecure_open = false;
    s.admin_token = Some("t0ken".into());
    assert!(s.check_exposure().is_err(), "too short");
    s.admin_token = Some("t0ken with spaces".into());
    assert!(s.check_exposure().is_err(), "spaces");
    s.admin_token = Some("t0ken-long-enough".into());
    assert!(s.check_exposure().is_ok());
    assert!(
        Settings::default().check_exposure().is_ok(),
        "loopback may run open"
    );
}

#[test]
fn a_flag_wins_over_the_file_and_the_file_over_nothing() {
    let (flag, file) = (Some("flag".to_owned()), Some("file".to_owned()));
    assert_eq!(given(&flag, &file).as_deref(), Some("flag"));
    assert_eq!(given(&None, &file).as_deref(), Some("file"));
    assert_eq!(given::<String>(&None, &None), None);
}

#[test]
fn a_blank_text_flag_clears_the_value_rather_than_falling_back_to_the_file() {
    let file = Some("FromFile".to_owned());
    assert_eq!(given_text(&Some("  ".into()), &file), None);
    assert_eq!(given_text(&None, &Some(" ".into())), None);
    assert_eq!(given_text(&None, &file).as_deref(), Some("FromFile"));
}

#[test]
fn seconds_come_from_the_flag_then_the_file_then_the_default() {
    let default = Duration::from_secs(30);
    assert_eq!(seconds(Some(1), Some(2), default), Duration::from_secs(1));
    assert_eq!(seconds(None, Some(2), default), Duration::from_secs(2));
    assert_eq!(seconds(None, None, default), default);
}

#[test]
fn memory_and_postgresql_exclude_each_other() {
    let args = ServeArgs {
        in_memory: true,
        database_url: Some("postgres://absim@127.0.0.1/absim".into()),
        ..ServeArgs::default()
    };
    let err = choose_store(&args, &FileSettings::default()).unwrap_err();
    assert!(err.to_string().contains("exclude each other"), "{err}");
}

#[test]
fn a_store_in_memory_has_no_data_directory_and_a_bounded_retention() {
    let file = FileSettings {
        in_memory: Some(true),
        retain_marked: Some(true),
        ..FileSettings::default()
    };
    let store = choose_store(&ServeArgs::default(), &file).unwrap();
    assert_eq!(store.data_dir, None);
    assert_eq!(
        store.retention.orders_per_group,
        IN_MEMORY_RETENTION.orders_per_group
    );
    assert!(store.retention.marked, "the marked flag is kept");

    let on_disk = choose_store(&ServeArgs::default(), &FileSettings::default()).unwrap();
    assert_eq!(on_disk.data_dir, Some(PathBuf::from("absim-data")));
    assert!(
        on_disk.retention.is_off(),
        "a file keeps everything by default"
    );
}

#[test]
fn a_retention_given_to_a_store_in_memory_is_kept_as_given() {
    let args = ServeArgs {
        retain_days: Some(3),
        ..ServeArgs::default()
    };
    let kept = retention(&args, &FileSettings::default(), true);
    assert_eq!(kept.days, Some(3));
    assert_eq!(kept.orders_per_group, None);
}

#[test]
fn sync_is_normal_or_full_and_anything_else_is_refused() {
    let file = |sync: &str| FileSettings {
        sync: Some(sync.into()),
        ..FileSettings::default()
    };
    let args = ServeArgs::default();
    assert_eq!(
        durability(&args, &FileSettings::default()).unwrap(),
        Durability::Normal
    );
    assert_eq!(durability(&args, &file("full")).unwrap(), Durability::Full);
    let err = durability(&args, &file("fast")).unwrap_err().to_string();
    assert!(err.contains("'fast'"), "{err}");
}

#[test]
fn the_retry_schedule_keeps_at_least_one_attempt() {
    let args = ServeArgs {
        retry_attempts: Some(0),
        retry_base: Some(7),
        ..ServeArgs::default()
    };
    let retry = retry_policy(&args, &FileSettings::default(), RetryPolicy::default());
    assert_eq!(retry.attempts, 1);
    assert_eq!(retry.base, Duration::from_secs(7));
    assert_eq!(retry.jitter_percent, RetryPolicy::default().jitter_percent);
}

#[test]
fn a_fault_needs_a_count_or_a_share() {
    let args = ServeArgs {
        fault: Some("http503".into()),
        ..ServeArgs::default()
    };
    let none = FileSettings::default();
    assert!(fault_plan(&ServeArgs::default(), &none).unwrap().is_none());
    let err = fault_plan(&args, &none).unwrap_err().to_string();
    assert!(err.contains("--fault-count or --fault-share"), "{err}");
    let counted = FileSettings {
        fault_count: Some(2),
        ..FileSettings::default()
    };
    let plan = fault_plan(&args, &counted).unwrap().unwrap();
    assert_eq!(plan.remaining, Some(2));
    assert_eq!(plan.timeout_secs, 60);
}

#[test]
fn hook_hosts_from_flags_replace_the_files_which_replace_the_default() {
    let default = vec!["127.0.0.1".to_owned()];
    let file = FileSettings {
        allow_hook_host: Some(vec!["buyer.test".into()]),
        ..FileSettings::default()
    };
    assert_eq!(
        hook_hosts(&["flag.test".into()], &file, default.clone()),
        ["flag.test"]
    );
    assert_eq!(hook_hosts(&[], &file, default.clone()), ["buyer.test"]);
    assert_eq!(
        hook_hosts(&[], &FileSettings::default(), default.clone()),
        default
    );
}
