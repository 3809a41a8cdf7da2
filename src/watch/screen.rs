//! The terminal side of the watch screen: paints a frame of rows, whole, and only when it
//! differs from the last one painted. What the rows say is composed in `app::frame`.

use std::io::{self, Write};

use crossterm::{cursor, queue, terminal};

use crate::render;

/// The last frame painted, so an unchanged screen is not redrawn.
pub struct Screen {
    last: Vec<String>,
}

impl Screen {
    pub fn new() -> Screen {
        Screen { last: Vec::new() }
    }

    /// The usable size, never smaller than a frame can be laid out in.
    pub fn size() -> (usize, usize) {
        let (width, height) = terminal::size().unwrap_or((80, 24));
        (width.max(20) as usize, height.max(8) as usize)
    }

    /// Paint `rows`; returns whether anything changed on screen.
    pub fn paint(&mut self, rows: Vec<String>) -> io::Result<bool> {
        let rows: Vec<String> = rows.iter().map(|r| render::plain_symbols(r)).collect();
        if rows == self.last {
            return Ok(false);
        }
        let mut out = io::stdout().lock();
        queue!(out, terminal::BeginSynchronizedUpdate)?;
        for (y, row) in rows.iter().enumerate() {
            queue!(
                out,
                cursor::MoveTo(0, y as u16),
                terminal::Clear(terminal::ClearType::CurrentLine)
            )?;
            write!(out, "{row}\x1b[0m")?;
        }
        queue!(out, terminal::EndSynchronizedUpdate)?;
        out.flush()?;
        self.last = rows;
        Ok(true)
    }
}
