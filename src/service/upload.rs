//! Reading an upload: copied to a temporary file as it arrives, so that an import reads a file
//! and a slow client never holds the database's write lock.

use std::io::{Seek, Write};

use actix_web::web;
use futures_util::StreamExt;

use crate::error::AppError;

/// Copies the upload to a temporary file as it arrives, refusing it once over `limit`. The
/// import then reads the file: a slow client never holds the database's write lock.
pub async fn spool<S, E>(mut payload: S, declared: Option<usize>, limit: usize) -> Result<std::fs::File, AppError>
where
    S: futures_util::Stream<Item = Result<web::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let io = |e: std::io::Error| AppError::internal(format!("spooling the upload failed: {e}"));
    let blocking = |e: actix_web::error::BlockingError| AppError::internal(e.to_string());
    if declared.is_some_and(|n| n > limit) {
        return Err(AppError::PayloadTooLarge { limit });
    }
    let mut file = web::block(tempfile::tempfile).await.map_err(blocking)?.map_err(io)?;
    let mut buffer = Vec::with_capacity(1 << 20);
    let mut total = 0usize;
    loop {
        let chunk = payload.next().await;
        let done = chunk.is_none();
        if let Some(chunk) = chunk {
            let chunk = chunk
                .map_err(|e| AppError::bad_request(crate::error::ErrorCode::UnreadableBody, e.to_string(), None))?;
            total += chunk.len();
            if total > limit {
                return Err(AppError::PayloadTooLarge { limit });
            }
            buffer.extend_from_slice(&chunk);
        }
        if buffer.len() >= 1 << 20 || (done && !buffer.is_empty()) {
            (file, buffer) = web::block(move || {
                file.write_all(&buffer)?;
                buffer.clear();
                Ok::<_, std::io::Error>((file, buffer))
            })
            .await
            .map_err(blocking)?
            .map_err(io)?;
        }
        if done {
            break;
        }
    }
    file.rewind().map_err(io)?;
    Ok(file)
}
