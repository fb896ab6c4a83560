//! One fixture per rule: a valid sample broken in one place, and beside it the findings
//! (code, sheet, cell) `nianbao check --format json` must report — no more, no fewer.

use crate::common::*;
use nianbao::model::{Decimal, Report, Value};
use nianbao::schema::TableId;
use serde_json::Value as Json;

fn base() -> Report {
    report_from_toml(&repo().join("tests/fixtures/samples/江岚县交通运输局.toml"))
}

fn num(n: i64) -> Value {
    Value::Number(Decimal::from_int(n))
}

struct Case {
    name: &'static str,
    break_it: fn(&mut Report),
    /// (code, sheet, cell) of every finding expected.
    expected: &'static [(&'static str, &'static str, Option<&'static str>)],
}

/// Replaces `from` with `to` in the prose (the fixture's sentence must be there).
fn edit(r: &mut Report, from: &str, to: &str) {
    let mut found = false;
    for topic in r.text.values_mut().flatten() {
        for p in &mut topic.paragraphs {
            if p.text.contains(from) {
                p.text = p.text.replace(from, to);
                found = true;
            }
        }
    }
    assert!(found, "the sample has no 「{from}」");
}

const CASES: &[Case] = &[
    Case {
        name: "r1-row-total",
        // The prose quotes 27 new applications: the table's 28 contradicts it too (T1).
        break_it: |r| set(&mut r.t3, TableId::T3, "new", "total", num(28)),
        expected: &[("R1", "表三", Some("J6")), ("T1", "正文", Some("C4"))],
    },
    Case {
        name: "r2-column-total",
        // Typed 6 over the formula in E29; Excel recalculates J29 = SUM(D29:I29) = 28.
        break_it: |r| {
            set(&mut r.t3, TableId::T3, "total", "business", num(6));
            set(&mut r.t3, TableId::T3, "total", "total", num(28));
        },
        expected: &[
            ("R2", "表三", Some("E29")),
            ("R3", "表三", Some("E6:E30")),
            ("T1", "正文", Some("C4")),
        ],
    },
    Case {
        name: "r3-balance",
        break_it: |r| {
            set(&mut r.t3, TableId::T3, "carried_in", "natural", num(2));
            compute_totals(&mut r.t3, TableId::T3);
        },
        expected: &[("R3", "表三", Some("D6:D30")), ("T1", "正文", Some("C4"))],
    },
    Case {
        name: "r4-appeal-total",
        break_it: |r| set(&mut r.t4, TableId::T4, "cases", "review_total", num(0)),
        expected: &[("R4", "表四", Some("E6"))],
    },
    Case {
        name: "v6-chinese-numeral-date",
        break_it: |r| r.info.published_text = "二〇二六年一月二十日".into(),
        expected: &[("V6", "基本信息", Some("B5"))],
    },
    Case {
        name: "v6-thousands-separator",
        // 1,268 as typed in a text cell: read as 1268 with a note, nothing else changes.
        break_it: |r| {
            let typed = Value::Invalid("1,268".into());
            set(&mut r.t2, TableId::T2, "licensing", "decisions", typed);
        },
        expected: &[("V6", "表二", Some("B9"))],
    },
    Case {
        name: "r5-text-negative-fraction",
        break_it: |r| {
            set(
                &mut r.t2,
                TableId::T2,
                "penalty",
                "decisions",
                Value::Invalid("无".into()),
            );
            set(
                &mut r.t2,
                TableId::T2,
                "fees",
                "amount",
                Value::Number(Decimal::parse("-1.5").unwrap()),
            );
            set(
                &mut r.t4,
                TableId::T4,
                "cases",
                "after_upheld",
                Value::Number(Decimal::parse("0.5").unwrap()),
            );
        },
        expected: &[
            ("R5", "表二", Some("B12")),
            ("R5", "表二", Some("B16")),
            ("R5", "表四", Some("K6")),
        ],
    },
    Case {
        name: "r5-too-large",
        // A count no agency has: R5, and it counts as 0 in the sums (so R3 fires too).
        break_it: |r| {
            set(
                &mut r.t3,
                TableId::T3,
                "new",
                "natural",
                num(12_345_678_901),
            );
            compute_totals(&mut r.t3, TableId::T3);
        },
        expected: &[
            ("R5", "表三", Some("D6")),
            ("R3", "表三", Some("D6:D30")),
            ("T1", "正文", Some("C4")),
        ],
    },
    Case {
        name: "v1-blank",
        break_it: |r| {
            // Blank instead of 1, and one fewer carried in, so the sums still hold (the prose's
            // 上年结转1件 then disagrees with the table's 0).
            r.t3.values.remove(&("petition", "natural"));
            set(&mut r.t3, TableId::T3, "carried_in", "natural", num(0));
            compute_totals(&mut r.t3, TableId::T3);
        },
        expected: &[
            ("V1", "表三", Some("D21")),
            ("T1", "正文", Some("C4")),
            ("T1", "正文", Some("C4")),
        ],
    },
    Case {
        name: "v1-many-blanks-one-finding",
        break_it: |r| {
            for row in ["secret", "prohibited", "security"] {
                for col in ["natural", "business", "research"] {
                    r.t3.values.remove(&(row, col));
                }
            }
        },
        expected: &[("V1", "表三", Some("D10:F12"))],
    },
    Case {
        name: "v4-number-as-text",
        break_it: |r| {
            set(
                &mut r.t2,
                TableId::T2,
                "licensing",
                "decisions",
                Value::Invalid("1268".into()),
            )
        },
        expected: &[("V4", "表二", Some("B9"))],
    },
    Case {
        name: "y1-no-year",
        break_it: |r| r.info.year = None,
        expected: &[("Y1", "基本信息", None)],
    },
    Case {
        name: "y2-not-a-year",
        break_it: |r| {
            r.info.year = None;
            r.info.year_text = "去年".into();
        },
        expected: &[("Y2", "基本信息", Some("B2"))],
    },
    Case {
        name: "y3-year-too-old",
        // Too old, published six years after the period, and the prose's 2025 is not 2019.
        break_it: |r| r.info.year = Some(2019),
        expected: &[
            ("Y3", "基本信息", Some("B2")),
            ("V3", "基本信息", Some("B5")),
            ("Y8", "正文", Some("C2")),
        ],
    },
    Case {
        name: "y4-year-in-the-future",
        break_it: |r| r.info.year = Some(2099),
        expected: &[
            ("Y4", "基本信息", Some("B2")),
            ("Y7", "基本信息", Some("B5")),
            ("Y8", "正文", Some("C2")),
        ],
    },
    Case {
        name: "y5-this-year",
        // The binary runs as of 1 February 2026: a 2026 report's period has not ended.
        break_it: |r| r.info.year = Some(2026),
        expected: &[
            ("Y5", "基本信息", Some("B2")),
            ("Y7", "基本信息", Some("B5")),
            ("Y8", "正文", Some("C2")),
        ],
    },
    Case {
        name: "y6-date-unreadable",
        break_it: |r| {
            r.info.published = None;
            r.info.published_text = "一月下旬".into();
        },
        expected: &[("Y6", "基本信息", Some("B5"))],
    },
    Case {
        name: "y7-published-inside-the-period",
        break_it: |r| {
            r.info.published = nianbao::model::Date::new(2025, 12, 1);
            r.info.published_text = "2025年12月1日".into();
        },
        expected: &[("Y7", "基本信息", Some("B5"))],
    },
    Case {
        name: "y8-last-years-opening-and-period",
        break_it: |r| {
            edit(r, "2025年，县交通运输局", "2024年，县交通运输局");
            r.text.get_mut("overview").unwrap()[0].paragraphs.insert(
                0,
                nianbao::model::Paragraph {
                    text: "本报告所列数据统计期限自2024年1月1日至2024年12月31日。".into(),
                    source: None,
                },
            );
        },
        expected: &[("Y8", "正文", Some("C2")), ("Y8", "正文", Some("C3"))],
    },
    Case {
        name: "v3-department-late",
        // 6 February: late for a department (31 January) …
        break_it: |r| {
            r.info.published = nianbao::model::Date::new(2026, 2, 6);
            r.info.published_text = "2026年2月6日".into();
        },
        expected: &[("V3", "基本信息", Some("B5"))],
    },
    Case {
        name: "v3-government-in-time",
        // … in time for a government (31 March), as 机关类别 says.
        break_it: |r| {
            r.info.kind = "县级以上人民政府".into();
            r.info.published = nianbao::model::Date::new(2026, 2, 6);
            r.info.published_text = "2026年2月6日".into();
        },
        expected: &[],
    },
    Case {
        name: "v3-published-late",
        break_it: |r| {
            r.info.published = nianbao::model::Date::new(2026, 5, 6);
            r.info.published_text = "2026年5月6日".into();
        },
        expected: &[("V3", "基本信息", Some("B5"))],
    },
    Case {
        name: "t1-planted-contradictions",
        break_it: |r| {
            edit(
                r,
                "新收政府信息公开申请27件",
                "新收政府信息公开申请二十九件",
            );
            edit(r, "废止1件，现行有效9件", "废止1件，现行有效10件");
            r.text.get_mut("other").unwrap()[0]
                .paragraphs
                .push(nianbao::model::Paragraph {
                    text: "本年度收取行政事业性收费365800元。".into(),
                    source: None,
                });
        },
        expected: &[
            ("T1", "正文", Some("C4")),
            ("T1", "正文", Some("C5")),
            ("T1", "正文", Some("C12")),
        ],
    },
    Case {
        name: "t1-consistent-figures-stay-silent",
        break_it: |r| {
            r.text.get_mut("other").unwrap()[0]
                .paragraphs
                .push(nianbao::model::Paragraph {
                    text: "本年度收取行政事业性收费368500元，与表二一致。".into(),
                    source: None,
                });
        },
        expected: &[],
    },
    Case {
        name: "k3-another-kind-of-self",
        break_it: |r| edit(r, "2025年，县交通运输局通过", "2025年，我镇通过"),
        expected: &[("K3", "正文", Some("C2"))],
    },
    Case {
        name: "b1-no-agency",
        break_it: |r| r.info.agency.clear(),
        expected: &[("B1", "基本信息", None)],
    },
    Case {
        name: "b3-returned-blank",
        // Handed out by `nianbao new`, returned as it was: one finding, not a page of blanks.
        break_it: |r| *r = nianbao::workbook::blank::blank_report("江岚县交通运输局", 2025),
        expected: &[("B3", "基本信息", None)],
    },
    Case {
        name: "c1-empty-section",
        break_it: |r| {
            r.text.remove("other");
        },
        expected: &[("C1", "正文", None)],
    },
    Case {
        name: "c5-no-fee-statement",
        break_it: |r| {
            r.text.get_mut("other").unwrap()[0].paragraphs.remove(0);
        },
        expected: &[("C5", "正文", None)],
    },
    Case {
        name: "c6-measures-without-problems",
        break_it: |r| {
            let p = &mut r.text.get_mut("problems").unwrap()[0].paragraphs;
            p.clear();
            p.push(nianbao::model::Paragraph {
                text: "下一步，我局将结合群众关注的出行热点，采用图解、短视频等形式开展解读，提高政策知晓度。".into(),
                source: None,
            });
        },
        expected: &[("C6", "正文", None)],
    },
    Case {
        name: "c7-a-topic-missing",
        break_it: |r| {
            r.text
                .get_mut("overview")
                .unwrap()
                .retain(|t| t.title != "监督保障");
        },
        expected: &[("C7", "正文", None)],
    },
];

/// The findings of `nianbao check` on `file`, without the batch's note that no report of last
/// year was found (X4, which has its own test).
fn check_json(dir: &std::path::Path, file: &str) -> (i32, Vec<Json>) {
    let (code, out, err) = run(dir, &["check", "--format", "json", file]);
    let parsed: Json = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    let findings = parsed
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] != "X4")
        .cloned()
        .collect();
    (code, findings)
}

fn key(f: &Json) -> (String, String, Option<String>) {
    (
        f["code"].as_str().unwrap().to_string(),
        f["sheet"].as_str().unwrap_or("").to_string(),
        f["cell"].as_str().map(str::to_string),
    )
}

#[test]
fn every_rule_has_a_fixture_that_breaks_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut wrong = Vec::new();
    let mut seen: std::collections::BTreeMap<String, Vec<Json>> = Default::default();
    for case in CASES {
        let mut report = base();
        (case.break_it)(&mut report);
        let file = format!("{}.xlsx", case.name);
        std::fs::write(dir.path().join(&file), workbook_bytes(&report)).unwrap();
        let (code, findings) = check_json(dir.path(), &file);
        let mut got: Vec<_> = findings.iter().map(key).collect();
        let mut want: Vec<_> = case
            .expected
            .iter()
            .map(|(c, s, cell)| (c.to_string(), s.to_string(), cell.map(str::to_string)))
            .collect();
        got.sort();
        want.sort();
        for f in &findings {
            let code = f["code"].as_str().unwrap().to_string();
            // A code's own case first: its example is the one docs/rules.md shows.
            let own = case.name.starts_with(&code.to_lowercase());
            let list = seen.entry(code).or_default();
            if own {
                list.insert(0, f.clone());
            } else {
                list.push(f.clone());
            }
        }
        if got != want {
            let messages: Vec<&str> = findings
                .iter()
                .map(|f| f["message"].as_str().unwrap_or(""))
                .collect();
            wrong.push(format!(
                "case {}:\n  got  {got:?}\n  want {want:?}\n  {messages:#?}",
                case.name
            ));
            continue;
        }
        let errors = findings.iter().any(|f| f["severity"] == "error");
        assert_eq!(code, if errors { 1 } else { 0 }, "case {}", case.name);
        for f in &findings {
            assert!(f["file"].as_str().unwrap().ends_with(&file));
            assert!(!f["message"].as_str().unwrap().is_empty());
        }
    }
    // docs/rules.md quotes, for each of these codes, a message its fixture really gives:
    // pinned with its hints.
    for rule in nianbao::finding::codes::RULES {
        let Some(found) = seen.get(&rule.code.to_string()) else {
            continue;
        };
        let logging = std::env::var("NIANBAO_PIN_LOG").is_ok();
        let chosen = match logging {
            true => found.first(),
            false => found.iter().find(|f| f["message"] == rule.example),
        };
        match chosen {
            Some(f) => pin(f),
            None => wrong.push(format!(
                "{}: the registry's example is not a message the fixtures give:\n  {}",
                rule.code,
                found
                    .iter()
                    .map(|f| format!("{} {}", f["message"], f["hints"]))
                    .collect::<Vec<_>>()
                    .join("\n  ")
            )),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn json_findings_have_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let mut report = base();
    set(&mut report.t3, TableId::T3, "new", "total", num(99));
    std::fs::write(dir.path().join("a.xlsx"), workbook_bytes(&report)).unwrap();
    let (_, findings) = check_json(dir.path(), "a.xlsx");
    let f = findings.iter().find(|f| f["code"] == "R1").unwrap();
    let mut keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "agency", "cell", "code", "file", "hints", "message", "related", "severity", "sheet"
        ]
    );
    assert_eq!(f["agency"], "江岚县交通运输局");
    assert_eq!(f["severity"], "error");
    assert!(
        f["message"].as_str().unwrap().contains("实际填写 99"),
        "{f}"
    );
}

#[test]
fn unreadable_missing_sheets_and_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("garbage.xlsx"), b"this is not a workbook").unwrap();
    let (code, findings) = check_json(dir.path(), "garbage.xlsx");
    assert_eq!(code, 1);
    assert_eq!(
        findings.iter().map(key).collect::<Vec<_>>(),
        [("F1".into(), "".into(), None)]
    );
    pin(&findings[0]);

    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("基本信息").unwrap();
    ws.write_string(0, 0, "机关名称").unwrap();
    ws.write_string(0, 1, "某局").unwrap();
    ws.write_string(1, 0, "报告年度").unwrap();
    ws.write_number(1, 1, 2025).unwrap();
    wb.save(dir.path().join("partial.xlsx")).unwrap();
    let (_, findings) = check_json(dir.path(), "partial.xlsx");
    let mut s1: Vec<String> = findings
        .iter()
        .filter(|f| f["code"] == "S1")
        .map(|f| f["sheet"].as_str().unwrap().to_string())
        .collect();
    s1.sort();
    assert_eq!(s1, ["正文", "表三", "表二", "表四"]);
    pin(findings
        .iter()
        .find(|f| f["code"] == "S1" && f["sheet"] == "表三")
        .unwrap());

    let dup = dir.path().join("dup");
    std::fs::create_dir(&dup).unwrap();
    let bytes = workbook_bytes(&base());
    std::fs::write(dup.join("a.xlsx"), &bytes).unwrap();
    std::fs::write(dup.join("b.xlsx"), &bytes).unwrap();
    let (code, findings) = check_json(dir.path(), "dup");
    assert_eq!(code, 1);
    let b2: Vec<_> = findings.iter().filter(|f| f["code"] == "B2").collect();
    assert_eq!(b2.len(), 1, "{findings:#?}");
    assert!(b2[0]["file"].as_str().unwrap().ends_with("b.xlsx"));
    pin(b2[0]);
}

/// The paragraphs of a corpus file (one per line, `#` comments).
fn t1_of(paragraph: &str) -> Vec<nianbao::finding::Finding> {
    let mut report = base();
    report.text.get_mut("overview").unwrap()[0].paragraphs = vec![nianbao::model::Paragraph {
        text: paragraph.to_string(),
        source: None,
    }];
    let ctx = nianbao::rules::Context::new(nianbao::model::Date::new(2026, 2, 1).unwrap());
    nianbao::rules::check(&report, &ctx)
        .into_iter()
        .filter(|f| f.code == nianbao::finding::Code::T1)
        .collect()
}

/// Precision first: no T1 on realistic prose full of other numbers, one on every planted
/// contradiction.
#[test]
fn text_corpus_no_false_t1_and_every_contradiction_found() {
    let clean = corpus("prose.txt");
    assert!(clean.len() >= 40);
    let false_alarms: Vec<String> = clean
        .iter()
        .flat_map(|p| {
            t1_of(p)
                .into_iter()
                .map(move |f| format!("{p}\n  → {}", f.message))
        })
        .collect();
    assert!(false_alarms.is_empty(), "{}", false_alarms.join("\n"));
    for p in corpus("contradictions.txt") {
        let found = t1_of(&p);
        assert_eq!(found.len(), 1, "{p}: {found:#?}");
    }
}

/// Codes whose fixture is in another test file: (code, file, test).
const ELSEWHERE: &[(&str, &str, &str)] = &[
    (
        "D1",
        "documents.rs",
        "documents_that_are_not_reports_say_what_they_are",
    ),
    ("D2", "documents.rs", "a_page_without_table_four_names_it"),
    (
        "D3",
        "documents.rs",
        "tracked_changes_are_read_as_accepted_and_said",
    ),
    ("D4", "documents.rs", "a_scanned_pdf_is_one_finding"),
    (
        "D5",
        "readback.rs",
        "a_printed_number_that_runs_into_the_next_cell_is_not_read_as_either",
    ),
    (
        "D6",
        "documents.rs",
        "a_pdf_that_forbids_copying_reads_and_one_font_without_its_map_is_said",
    ),
    ("F1", "rules.rs", "unreadable_missing_sheets_and_duplicates"),
    (
        "F2",
        "hostile.rs",
        "passwords_and_foreign_formats_get_messages_that_say_what_to_do",
    ),
    (
        "F3",
        "hostile.rs",
        "passwords_and_foreign_formats_get_messages_that_say_what_to_do",
    ),
    (
        "F4",
        "hostile.rs",
        "a_far_cell_in_an_ods_is_refused_before_it_is_expanded",
    ),
    (
        "F5",
        "hostile.rs",
        "pipes_devices_and_link_loops_neither_hang_nor_eat_memory",
    ),
    ("S1", "rules.rs", "unreadable_missing_sheets_and_duplicates"),
    (
        "S2",
        "labels.rs",
        "a_label_not_found_names_the_nearest_and_the_rest_is_checked",
    ),
    (
        "S3",
        "workbook.rs",
        "a_missing_or_repeated_label_is_a_finding_that_names_it",
    ),
    ("S4", "hostile.rs", "a_far_cell_is_ignored_with_a_finding"),
    ("S5", "labels.rs", "older_templates_are_named_once"),
    ("B2", "rules.rs", "unreadable_missing_sheets_and_duplicates"),
    (
        "N1",
        "hostile.rs",
        "agencies_that_would_share_a_file_are_refused_not_overwritten",
    ),
    (
        "G1",
        "build.rs",
        "a_character_no_font_has_is_a_finding_not_a_blank_box",
    ),
    (
        "P1",
        "build.rs",
        "a_broken_custom_template_is_p1_for_every_agency",
    ),
    (
        "V2",
        "labels.rs",
        "near_misses_are_read_with_v2_and_the_arithmetic_goes_on",
    ),
    (
        "V5",
        "hostile.rs",
        "totals_without_cached_results_are_computed_not_reported",
    ),
    (
        "X1",
        "history.rs",
        "a_broken_carry_over_is_x1_with_both_cells",
    ),
    (
        "X2",
        "history.rs",
        "documents_in_force_continue_from_last_year",
    ),
    (
        "X3",
        "history.rs",
        "documents_in_force_continue_from_last_year",
    ),
    ("X4", "history.rs", "no_history_is_said_once_per_batch"),
    ("K1", "copies.rs", "a_copied_town_report_is_found"),
    ("K2", "copies.rs", "a_copied_town_report_is_found"),
    (
        "C2",
        "hostile.rs",
        "invisible_characters_are_removed_with_a_note",
    ),
    (
        "C3",
        "hostile.rs",
        "prose_that_would_be_dropped_is_reported",
    ),
    ("C4", "hostile.rs", "check_reports_everything_build_refuses"),
    (
        "A1",
        "aggregate.rs",
        "the_whole_county_is_summed_from_every_member",
    ),
    (
        "A2",
        "aggregate.rs",
        "the_whole_county_is_summed_from_every_member",
    ),
    (
        "A3",
        "aggregate.rs",
        "what_cannot_be_summed_keeps_the_aggregate_from_being_built",
    ),
    (
        "A4",
        "aggregate.rs",
        "what_cannot_be_summed_keeps_the_aggregate_from_being_built",
    ),
    (
        "A5",
        "folder.rs",
        "aggregates_count_every_agency_once_and_say_whom",
    ),
    (
        "Y9",
        "folder.rs",
        "office_files_describe_every_report_of_their_year",
    ),
    (
        "X5",
        "folder.rs",
        "doubtful_records_of_last_year_are_findings",
    ),
];

/// Every code of the registry has a fixture that makes it fire: a case above, or a test
/// elsewhere that names the code.
#[test]
fn every_code_in_the_registry_has_a_fixture() {
    let mut missing = Vec::new();
    for rule in nianbao::finding::codes::RULES {
        let code = rule.code.to_string();
        if CASES.iter().any(|c| c.expected.iter().any(|e| e.0 == code)) {
            continue;
        }
        let Some((_, file, test)) = ELSEWHERE.iter().find(|(c, ..)| *c == code) else {
            missing.push(format!("{code}: no fixture"));
            continue;
        };
        let source = std::fs::read_to_string(repo().join("tests").join(file)).unwrap();
        let Some(start) = source.find(&format!("fn {test}()")) else {
            missing.push(format!("{code}: tests/{file} has no test {test}"));
            continue;
        };
        let body = &source[start..];
        let body = &body[..body[1..].find("\nfn ").map_or(body.len(), |i| i + 1)];
        let named = [
            format!("\"{code}\""),
            format!("[{code}]"),
            format!("Code::{code}"),
        ]
        .iter()
        .any(|n| body.contains(n.as_str()));
        if !named {
            missing.push(format!("{code}: {test} in tests/{file} does not name it"));
        }
        if !body.contains("pin(") {
            missing.push(format!("{code}: {test} in tests/{file} pins no message"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
