//! Reading an ecosystem's `all.zip`: good records load; a wrong id, a non-record, an oversized
//! entry, a damaged entry and a non-zip are errors that name what is wrong.

use std::io::Write;

use hullscan_vulndb::export::{self, ExportError, MAX_RECORD_BYTES};

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        writer.start_file(*name, options).expect("entry");
        writer.write_all(bytes).expect("write");
    }
    writer.finish().expect("finish").into_inner()
}

const GOOD: &[u8] = br#"{"id": "GO-1", "modified": "2024-01-01T00:00:00Z", "affected": []}"#;

#[test]
fn good_records_load() {
    let records = export::read_zip(&zip_of(&[("GO-1.json", GOOD)])).expect("read");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].id, "GO-1");
}

#[test]
fn bad_entries_are_named() {
    let message = |bytes: Vec<u8>| export::read_zip(&bytes).expect_err("must fail").to_string();
    let wrong_id = message(zip_of(&[("GO-2.json", GOOD)]));
    assert!(
        wrong_id.contains("GO-2.json") && wrong_id.contains("GO-1"),
        "{wrong_id}"
    );
    let not_record = message(zip_of(&[("GO-3.json", b"[1, 2]")]));
    assert!(
        not_record.contains("GO-3.json") && not_record.contains("not an OSV record"),
        "{not_record}"
    );
    let big = vec![b' '; MAX_RECORD_BYTES as usize + 10];
    let oversized = message(zip_of(&[("GO-4.json", &big)]));
    assert!(
        oversized.contains("GO-4.json") && oversized.contains("larger than"),
        "{oversized}"
    );
    assert!(matches!(
        export::read_zip(b"not a zip"),
        Err(ExportError::Zip(_))
    ));
    // A flipped byte inside a stored entry fails its CRC-32.
    let mut damaged = zip_of(&[("GO-1.json", GOOD)]);
    let at = damaged
        .windows(5)
        .position(|w| w == b"GO-1\"")
        .expect("record bytes");
    damaged[at + 3] = b'7';
    let crc = message(damaged);
    assert!(
        crc.contains("GO-1.json") && !crc.contains("holds record"),
        "{crc}"
    );
}

#[test]
fn modified_id_csv_parses_and_rejects_junk() {
    let entries = export::parse_modified_ids(
        "2024-10-10T17:22:00.587279Z,PYSEC-2024-104\n\n2024-01-01T00:00:00Z,PyPI/PYSEC-1\n",
    )
    .expect("parse");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].id, "PYSEC-1");
    assert!(export::parse_modified_ids("no comma here\n").is_err());
}
