//! NDB (`Packages.db`, rpm's own format, used by SUSE): a 32-byte header, slot pages of
//! 16-byte slots (package index, block offset), and blobs at `offset * 16`, little-endian.

const HEADER_MAGIC: u32 = u32::from_le_bytes(*b"RpmP");
const SLOT_MAGIC: u32 = u32::from_le_bytes(*b"Slot");
const BLOB_MAGIC: u32 = u32::from_le_bytes(*b"BlbS");
const SLOTS_PER_PAGE: usize = 4096 / 16;
const BLOCK_SIZE: usize = 16;
/// rpm itself never writes more slot pages than this.
const MAX_SLOT_PAGES: usize = 2048;

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

pub fn package_blobs(data: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    if le32(data, 0) != Some(HEADER_MAGIC) {
        return Err("no NDB header magic".into());
    }
    if le32(data, 4) != Some(0) {
        return Err("unsupported NDB version".into());
    }
    let slot_pages = le32(data, 12).ok_or("truncated header")? as usize;
    if slot_pages == 0 || slot_pages > MAX_SLOT_PAGES {
        return Err(format!(
            "{slot_pages} slot pages is outside 1..={MAX_SLOT_PAGES}"
        ));
    }
    // The header takes the first two slots of the first page.
    let slots = slot_pages * SLOTS_PER_PAGE - 2;
    let mut blobs = Vec::new();
    let mut total = 0usize;
    for i in 0..slots {
        let at = 32 + i * 16;
        let (Some(magic), Some(index), Some(offset)) =
            (le32(data, at), le32(data, at + 4), le32(data, at + 8))
        else {
            return Err("slot pages run past the end of the file".into());
        };
        if magic != SLOT_MAGIC {
            return Err(format!("slot {i} has a bad magic"));
        }
        if index == 0 {
            continue;
        }
        let start = (offset as usize)
            .checked_mul(BLOCK_SIZE)
            .ok_or("blob offset overflows")?;
        let (Some(blob_magic), Some(blob_index), Some(len)) = (
            le32(data, start),
            le32(data, start + 4),
            le32(data, start + 12),
        ) else {
            return Err(format!("package {index}'s blob lies outside the file"));
        };
        if blob_magic != BLOB_MAGIC || blob_index != index {
            return Err(format!(
                "package {index}'s blob header does not match its slot"
            ));
        }
        let body = data
            .get(start + 16..start + 16 + len as usize)
            .ok_or_else(|| format!("package {index}'s blob runs past the end of the file"))?;
        total += body.len();
        if total > data.len() {
            return Err("blobs add up to more than the file holds (slots share blocks)".into());
        }
        blobs.push(body.to_vec());
    }
    Ok(blobs)
}
