//! JUnit XML, the report CI systems read: suites of test cases, each
//! passing or failing with a message. `absim run` writes one suite of
//! scenarios; `absim verify` a suite per run, a test case per check.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// One test case; `failures` empty when it passed.
#[derive(Debug, Clone)]
pub struct Case {
    pub classname: String,
    pub name: String,
    pub seconds: f64,
    /// The sentences of what failed; the first is the failure's message.
    pub failures: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Suite {
    pub name: String,
    pub seconds: f64,
    pub cases: Vec<Case>,
}

impl Suite {
    fn failed(&self) -> usize {
        self.cases.iter().filter(|c| !c.failures.is_empty()).count()
    }
}

/// The report: `<testsuites>` named `name` holding `suites`.
pub fn write(name: &str, suites: &[Suite]) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let tests: usize = suites.iter().map(|s| s.cases.len()).sum();
    let failures: usize = suites.iter().map(Suite::failed).sum();
    let seconds: f64 = suites.iter().map(|s| s.seconds).sum();
    // Writing into a Vec cannot fail.
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let mut all = BytesStart::new("testsuites");
    all.push_attribute(("name", name));
    all.push_attribute(("tests", tests.to_string().as_str()));
    all.push_attribute(("failures", failures.to_string().as_str()));
    all.push_attribute(("time", format!("{seconds:.3}").as_str()));
    let _ = w.write_event(Event::Start(all));
    for suite in suites {
        let mut s = BytesStart::new("testsuite");
        s.push_attribute(("name", suite.name.as_str()));
        s.push_attribute(("tests", suite.cases.len().to_string().as_str()));
        s.push_attribute(("failures", suite.failed().to_string().as_str()));
        s.push_attribute(("errors", "0"));
        s.push_attribute(("time", format!("{:.3}", suite.seconds).as_str()));
        let _ = w.write_event(Event::Start(s));
        for c in &suite.cases {
            let mut case = BytesStart::new("testcase");
            case.push_attribute(("classname", c.classname.as_str()));
            case.push_attribute(("name", c.name.as_str()));
            case.push_attribute(("time", format!("{:.3}", c.seconds).as_str()));
            if c.failures.is_empty() {
                let _ = w.write_event(Event::Empty(case));
                continue;
            }
            let _ = w.write_event(Event::Start(case));
            let mut failure = BytesStart::new("failure");
            failure.push_attribute(("message", c.failures[0].as_str()));
            failure.push_attribute(("type", "check"));
            let _ = w.write_event(Event::Start(failure));
            let _ = w.write_event(Event::Text(BytesText::new(&c.failures.join("\n"))));
            let _ = w.write_event(Event::End(BytesEnd::new("failure")));
            let _ = w.write_event(Event::End(BytesEnd::new("testcase")));
        }
        let _ = w.write_event(Event::End(BytesEnd::new("testsuite")));
    }
    let _ = w.write_event(Event::End(BytesEnd::new("testsuites")));
    String::from_utf8(w.into_inner()).expect("the writer writes UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_carry_their_first_sentence_as_message_and_text_is_escaped() {
        let xml = write(
            "absim",
            &[Suite {
                name: "basic".into(),
                seconds: 1.5,
                cases: vec![
                    Case {
                        classname: "absim.basic".into(),
                        name: "PO Total".into(),
                        seconds: 0.0,
                        failures: Vec::new(),
                    },
                    Case {
                        classname: "absim.basic".into(),
                        name: "PO lines match the cart".into(),
                        seconds: 0.0,
                        failures: vec!["Line 1: <no aux>".into(), "Line 2 & more".into()],
                    },
                ],
            }],
        );
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert!(
            xml.contains(r#"<testsuites name="absim" tests="2" failures="1""#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<testcase classname="absim.basic" name="PO Total" time="0.000"/>"#)
        );
        assert!(xml.contains(r#"message="Line 1: &lt;no aux&gt;""#), "{xml}");
        assert!(
            xml.contains("Line 1: &lt;no aux&gt;\nLine 2 &amp; more"),
            "{xml}"
        );
    }
}
