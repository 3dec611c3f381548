//! BerkeleyDB hash databases (rpm < 4.16 `Packages`): a metadata page, then hash pages whose
//! key/value items point (`H_OFFPAGE`) to chains of overflow pages holding the rpm headers.
//! Page fields are in the byte order of the machine that wrote them, told by the magic.

use std::collections::HashSet;

const HASH_MAGIC: u32 = 0x0006_1561;
const PAGE_HEADER: usize = 26;
const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASH: u8 = 13;
const H_KEYDATA: u8 = 1;
const H_OFFPAGE: u8 = 3;
/// The largest value assembled from an overflow chain.
const MAX_VALUE: usize = 64 << 20;

struct Pages<'a> {
    data: &'a [u8],
    page_size: usize,
    big: bool,
}

impl<'a> Pages<'a> {
    fn u16(&self, b: &[u8], at: usize) -> Option<usize> {
        let v: [u8; 2] = b.get(at..at + 2)?.try_into().ok()?;
        Some(usize::from(if self.big {
            u16::from_be_bytes(v)
        } else {
            u16::from_le_bytes(v)
        }))
    }

    fn u32(&self, b: &[u8], at: usize) -> Option<u32> {
        let v: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        Some(if self.big {
            u32::from_be_bytes(v)
        } else {
            u32::from_le_bytes(v)
        })
    }

    fn page(&self, number: usize) -> Option<&'a [u8]> {
        let start = number.checked_mul(self.page_size)?;
        self.data.get(start..start.checked_add(self.page_size)?)
    }

    fn overflow(&self, first: usize, total: usize) -> Result<Vec<u8>, String> {
        if total > MAX_VALUE {
            return Err(format!(
                "an overflow value of {total} bytes is past the limit"
            ));
        }
        let mut out = Vec::with_capacity(total);
        let mut seen = HashSet::new();
        let mut next = first;
        while next != 0 && out.len() < total {
            if !seen.insert(next) {
                return Err(format!("overflow page {next} is reached twice"));
            }
            let page = self
                .page(next)
                .ok_or_else(|| format!("overflow page {next} is outside the file"))?;
            if page[25] != P_OVERFLOW {
                return Err(format!(
                    "page {next} in an overflow chain is not an overflow page"
                ));
            }
            let len = self.u16(page, 22).ok_or("truncated page")?;
            let chunk = page
                .get(PAGE_HEADER..PAGE_HEADER + len)
                .ok_or_else(|| format!("overflow page {next} claims more bytes than it holds"))?;
            out.extend_from_slice(chunk);
            next = self.u32(page, 16).ok_or("truncated page")? as usize;
        }
        if out.len() != total {
            return Err(format!(
                "overflow chain holds {} bytes, not the {total} announced",
                out.len()
            ));
        }
        Ok(out)
    }
}

pub fn package_blobs(data: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let magic = data.get(12..16).ok_or("shorter than a metadata page")?;
    let big = if u32::from_le_bytes(magic.try_into().map_err(|_| "truncated")?) == HASH_MAGIC {
        false
    } else if u32::from_be_bytes(magic.try_into().map_err(|_| "truncated")?) == HASH_MAGIC {
        true
    } else {
        return Err("no BerkeleyDB hash magic".into());
    };
    let mut pages = Pages {
        data,
        page_size: 0,
        big,
    };
    let page_size = pages.u32(data, 20).ok_or("truncated metadata")? as usize;
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(format!(
            "page size {page_size} is not a power of two between 512 and 65536"
        ));
    }
    pages.page_size = page_size;
    let count = data.len() / page_size;
    let mut blobs: Vec<Vec<u8>> = Vec::new();
    // Each value lives once in the file; more bytes than the file holds means items share
    // overflow chains (a damaged or hostile file), which would multiply memory.
    let mut total = 0usize;
    for number in 1..count {
        let Some(page) = pages.page(number) else {
            break;
        };
        if page[25] != P_HASH && page[25] != P_HASH_UNSORTED {
            continue;
        }
        let entries = pages.u16(page, 20).ok_or("truncated page")?;
        let offset = |i: usize| pages.u16(page, PAGE_HEADER + 2 * i);
        // Items alternate key, value; the value of pair `i` is item `2i + 1`.
        for key in (0..entries.saturating_sub(1)).step_by(2) {
            let (Some(key_at), Some(value_at)) = (offset(key), offset(key + 1)) else {
                return Err(format!("page {number}: item offsets run past the page"));
            };
            let Some(&kind) = page.get(value_at) else {
                return Err(format!(
                    "page {number}: item offset {value_at} is outside the page"
                ));
            };
            match kind {
                H_OFFPAGE => {
                    let (Some(first), Some(total_len)) =
                        (pages.u32(page, value_at + 4), pages.u32(page, value_at + 8))
                    else {
                        return Err(format!("page {number}: truncated off-page item"));
                    };
                    let value = pages.overflow(first as usize, total_len as usize)?;
                    total += value.len();
                    if total > data.len() {
                        return Err(
                            "values add up to more than the file holds (shared overflow chains)"
                                .into(),
                        );
                    }
                    blobs.push(value);
                }
                H_KEYDATA if key_at > value_at => {
                    if let Some(value) = page.get(value_at + 1..key_at) {
                        blobs.push(value.to_vec());
                    }
                }
                _ => {}
            }
        }
    }
    Ok(blobs)
}
