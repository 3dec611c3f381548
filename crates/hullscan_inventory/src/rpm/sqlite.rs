//! A minimal reader of SQLite database files (sqlite.org/fileformat2.html), enough to list the
//! rows of rpm's `Packages` table (`hnum INTEGER PRIMARY KEY, blob BLOB`): the schema table on
//! page 1, table b-tree pages, records, and overflow chains. Page numbers are checked, each page
//! is visited once (no cycles), and a wrong page size is refused.

use std::collections::HashSet;

const MAGIC: &[u8] = b"SQLite format 3\0";
const LEAF_TABLE: u8 = 0x0d;
const INTERIOR_TABLE: u8 = 0x05;
/// The total payload kept from overflow chains (rpm headers are well below this).
const MAX_PAYLOAD: usize = 64 << 20;

struct Db<'a> {
    data: &'a [u8],
    page_size: usize,
    usable: usize,
    page_count: usize,
}

fn varint(data: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for i in 0..9 {
        let byte = *data.get(*at)?;
        *at += 1;
        if i == 8 {
            return Some((value << 8) | u64::from(byte));
        }
        value = (value << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn be16(b: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn be32(b: &[u8], at: usize) -> Option<usize> {
    usize::try_from(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?)).ok()
}

impl<'a> Db<'a> {
    fn open(data: &'a [u8]) -> Result<Self, String> {
        if !data.starts_with(MAGIC) || data.len() < 100 {
            return Err("no SQLite header".into());
        }
        let raw = be16(data, 16).ok_or("truncated header")?;
        let page_size = if raw == 1 { 65536 } else { raw };
        if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
            return Err(format!(
                "page size {raw} is not a power of two between 512 and 65536"
            ));
        }
        let reserved = usize::from(data[20]);
        let usable = page_size
            .checked_sub(reserved)
            .filter(|u| *u >= 480)
            .ok_or("reserved space leaves too little usable page")?;
        if !data.len().is_multiple_of(page_size) {
            return Err(format!(
                "file length {} is not a multiple of the page size {page_size} (truncated, or a wrong page size)",
                data.len()
            ));
        }
        Ok(Db {
            data,
            page_size,
            usable,
            page_count: data.len() / page_size,
        })
    }

    fn page(&self, number: usize) -> Option<&'a [u8]> {
        if number == 0 || number > self.page_count {
            return None;
        }
        let start = (number - 1) * self.page_size;
        self.data.get(start..start + self.page_size)
    }

    /// Every row's payload of the table b-tree rooted at `root`, in rowid order.
    fn table_rows(&self, root: usize) -> Result<Vec<Vec<u8>>, String> {
        let mut rows = Vec::new();
        let mut seen = HashSet::new();
        let mut stack = vec![root];
        let mut total = 0usize;
        while let Some(number) = stack.pop() {
            if !seen.insert(number) {
                return Err(format!(
                    "page {number} is reached twice (a loop in the b-tree)"
                ));
            }
            let page = self
                .page(number)
                .ok_or_else(|| format!("page {number} is outside the file"))?;
            let header_at = if number == 1 { 100 } else { 0 };
            let kind = *page.get(header_at).ok_or("empty page")?;
            let cells = be16(page, header_at + 3).ok_or("truncated page header")?;
            match kind {
                INTERIOR_TABLE => {
                    let right = be32(page, header_at + 8).ok_or("truncated page header")?;
                    let mut children = Vec::with_capacity(cells + 1);
                    for i in 0..cells {
                        let cell =
                            be16(page, header_at + 12 + 2 * i).ok_or("truncated cell pointers")?;
                        children.push(be32(page, cell).ok_or("cell outside the page")?);
                    }
                    children.push(right);
                    // Pushed in reverse so rows come out in order.
                    stack.extend(children.into_iter().rev());
                }
                LEAF_TABLE => {
                    for i in 0..cells {
                        let cell =
                            be16(page, header_at + 8 + 2 * i).ok_or("truncated cell pointers")?;
                        let payload = self.leaf_payload(page, cell, &mut seen)?;
                        total += payload.len();
                        // Cells are stored once; more than the file holds means cells overlap.
                        if total > self.data.len() {
                            return Err(
                                "rows add up to more than the file holds (overlapping cells)"
                                    .into(),
                            );
                        }
                        rows.push(payload);
                    }
                }
                other => {
                    return Err(format!(
                        "page {number} has type {other:#x}, not a table b-tree page"
                    ));
                }
            }
        }
        Ok(rows)
    }

    fn leaf_payload(
        &self,
        page: &[u8],
        cell: usize,
        seen: &mut HashSet<usize>,
    ) -> Result<Vec<u8>, String> {
        let mut at = cell;
        let size = varint(page, &mut at).ok_or("truncated cell")?;
        let _rowid = varint(page, &mut at).ok_or("truncated cell")?;
        let size = usize::try_from(size)
            .ok()
            .filter(|s| *s <= MAX_PAYLOAD)
            .ok_or("cell payload too large")?;
        let u = self.usable;
        let max_local = u - 35;
        let local = if size <= max_local {
            size
        } else {
            let min_local = (u - 12) * 32 / 255 - 23;
            let k = min_local + (size - min_local) % (u - 4);
            if k <= max_local { k } else { min_local }
        };
        let mut payload = Vec::with_capacity(size);
        payload.extend_from_slice(page.get(at..at + local).ok_or("cell runs past its page")?);
        if local < size {
            let mut next = be32(page, at + local).ok_or("missing overflow pointer")?;
            while payload.len() < size {
                if !seen.insert(next) {
                    return Err(format!("overflow page {next} is reached twice"));
                }
                let overflow = self
                    .page(next)
                    .ok_or_else(|| format!("overflow page {next} is outside the file"))?;
                let take = (size - payload.len()).min(u - 4);
                payload
                    .extend_from_slice(overflow.get(4..4 + take).ok_or("truncated overflow page")?);
                next = be32(overflow, 0).ok_or("truncated overflow page")?;
            }
        }
        Ok(payload)
    }
}

/// A record's column values: text and blobs as bytes, integers as their value.
enum Value<'a> {
    Null,
    Int(i64),
    Bytes(&'a [u8]),
}

fn record(payload: &[u8]) -> Option<Vec<Value<'_>>> {
    let mut at = 0;
    let header_size = usize::try_from(varint(payload, &mut at)?).ok()?;
    let mut types = Vec::new();
    while at < header_size {
        types.push(varint(payload, &mut at)?);
    }
    let mut body = header_size;
    let mut values = Vec::with_capacity(types.len());
    for serial in types {
        let (len, value) = match serial {
            0 => (0, None),
            1..=6 => {
                let len = [1, 2, 3, 4, 6, 8][usize::try_from(serial).ok()? - 1];
                let bytes = payload.get(body..body + len)?;
                let mut v: i64 = if bytes[0] & 0x80 != 0 { -1 } else { 0 };
                for b in bytes {
                    v = (v << 8) | i64::from(*b);
                }
                (len, Some(Value::Int(v)))
            }
            7 => (8, None),
            8 => (0, Some(Value::Int(0))),
            9 => (0, Some(Value::Int(1))),
            n if n >= 12 => {
                let len = usize::try_from((n - 12 - (n % 2)) / 2).ok()?;
                (
                    len,
                    Some(Value::Bytes(payload.get(body..body.checked_add(len)?)?)),
                )
            }
            _ => return None,
        };
        values.push(value.unwrap_or(Value::Null));
        body += len;
    }
    Some(values)
}

/// The `blob` column of every row of the `Packages` table.
pub fn package_blobs(data: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let db = Db::open(data)?;
    let schema = db.table_rows(1)?;
    let root = schema
        .iter()
        .filter_map(|row| record(row))
        .find_map(|columns| match columns.as_slice() {
            [
                Value::Bytes(b"table"),
                Value::Bytes(b"Packages"),
                _,
                Value::Int(root),
                ..,
            ] => usize::try_from(*root).ok(),
            _ => None,
        })
        .ok_or("no Packages table")?;
    let mut blobs = Vec::new();
    for row in db.table_rows(root)? {
        match record(&row).as_deref() {
            Some([_, Value::Bytes(blob), ..]) => blobs.push(blob.to_vec()),
            _ => return Err("a Packages row is not (hnum, blob)".into()),
        }
    }
    Ok(blobs)
}
