//! The progress line of a batch, on standard error and only on a terminal:
//! `[====>    ] 12/40 documents · 3 archive members · reading 4 (longest
//! 12 s: big.pdf) · ETA 20s`, then "writing reports…" once every file is
//! read.
//!
//! It is drawn at once (a steady tick, not the first finished file) and
//! redrawn as time passes, so a batch stuck on one slow file shows which
//! file and for how long. The total is the number of files walked and never
//! changes; archive members are counted apart as they are found.

use crate::report::Lang;
use crate::report::terminal;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One file being read: its name, since when, and how far OCR has got
/// through its pictures (pages read, of how many), once OCR started.
struct Reading {
    name: String,
    since: Instant,
    ocr: Option<(usize, usize)>,
}

/// The files being read, by their index in the batch.
#[derive(Default)]
struct InFlight {
    files: BTreeMap<usize, Reading>,
}

impl InFlight {
    /// "reading 4 (longest 12 s: big.pdf)".
    fn describe(&self, lang: Lang, now: Instant) -> String {
        let w = terminal::words(lang);
        let Some(longest) = self.files.values().min_by_key(|reading| reading.since) else {
            return String::new();
        };
        let seconds = now.saturating_duration_since(longest.since).as_secs();
        // OCR is the slow part: a file minutes long says how far it is.
        let ocr = match (longest.ocr, lang) {
            (None, _) => String::new(),
            (Some((at, of)), Lang::En) => format!(", OCR page {at}/{of}"),
            (Some((at, of)), Lang::Zh) => format!("，OCR 第 {at}/{of} 页"),
        };
        format!(
            "{} {} ({} {seconds} s: {}{ocr})",
            w.reading,
            self.files.len(),
            w.longest,
            longest.name
        )
    }
}

/// A batch's progress line; does nothing when not drawn.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    in_flight: Arc<Mutex<InFlight>>,
    members: Arc<AtomicUsize>,
    lang: Lang,
}

impl Progress {
    /// A line for `total` files, drawn only if `wanted` and standard error
    /// is a terminal.
    pub fn new(total: usize, wanted: bool, lang: Lang) -> Progress {
        let in_flight = Arc::new(Mutex::new(InFlight::default()));
        let members = Arc::new(AtomicUsize::new(0));
        let bar = (wanted && std::io::stderr().is_terminal())
            .then(|| draw(total, lang, &in_flight, &members));
        Progress {
            bar,
            in_flight,
            members,
            lang,
        }
    }

    /// `name` (the file at `index`) starts being read.
    pub fn start(&self, index: usize, name: &str) {
        if self.bar.is_some() {
            let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
            in_flight.files.insert(
                index,
                Reading {
                    name: name.to_owned(),
                    since: Instant::now(),
                    ocr: None,
                },
            );
        }
    }

    /// What the OCR stage reports its pages to while the file at `index`
    /// is read (`None` when no line is drawn).
    pub fn ocr_pages(&self, index: usize) -> Option<crate::extract::ocr::PageProgress> {
        self.bar.as_ref()?;
        let in_flight = Arc::clone(&self.in_flight);
        Some(Arc::new(move |at: usize, of: usize| {
            let mut in_flight = in_flight.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(reading) = in_flight.files.get_mut(&index) {
                reading.ocr = Some((at, of));
            }
        }))
    }

    /// The file at `index` is done; it held `documents` documents (more
    /// than one for an archive: its members).
    pub fn finish(&self, index: usize, documents: usize) {
        let Some(bar) = &self.bar else {
            return;
        };
        self.in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .files
            .remove(&index);
        if documents > 1 {
            self.members.fetch_add(documents, Ordering::Relaxed);
        }
        bar.inc(1);
    }

    /// Every file is read: the line says the reports are being written,
    /// and stays until the process prints its report.
    pub fn reading_done(&self) {
        if let Some(bar) = &self.bar {
            bar.disable_steady_tick();
            bar.finish_with_message(format!(" · {}", terminal::words(self.lang).writing_reports));
        }
    }

    /// Takes the line away (an interrupted or failed batch).
    pub fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn draw(
    total: usize,
    lang: Lang,
    in_flight: &Arc<Mutex<InFlight>>,
    members: &Arc<AtomicUsize>,
) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    let documents = match lang {
        Lang::En => "documents",
        Lang::Zh => "份文件",
    };
    let template =
        format!("{{bar:30}} {{pos}}/{{len}} {documents}{{members}}{{inflight}}{{wide_msg}}");
    if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
        let reading = Arc::clone(in_flight);
        let found = Arc::clone(members);
        let style = style
            .with_key(
                "inflight",
                move |_: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
                    let in_flight = reading.lock().unwrap_or_else(|e| e.into_inner());
                    let described = in_flight.describe(lang, Instant::now());
                    if !described.is_empty() {
                        let _ = write!(out, " · {described}");
                    }
                },
            )
            .with_key(
                "members",
                move |_: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
                    let count = found.load(Ordering::Relaxed);
                    if count > 0 {
                        let _ = write!(out, " · {count} {}", terminal::words(lang).members);
                    }
                },
            );
        bar.set_style(style);
    }
    // Drawn now and redrawn as time passes, not only when a file finishes.
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_running_file_is_named_with_its_time() {
        let now = Instant::now();
        let mut in_flight = InFlight::default();
        assert_eq!(in_flight.describe(Lang::En, now), "");
        let reading = |name: &str, since| Reading {
            name: name.into(),
            since,
            ocr: None,
        };
        in_flight.files.insert(1, reading("quick.txt", now));
        in_flight
            .files
            .insert(2, reading("big.pdf", now - Duration::from_secs(12)));
        assert_eq!(
            in_flight.describe(Lang::En, now),
            "reading 2 (longest 12 s: big.pdf)"
        );
        assert_eq!(
            in_flight.describe(Lang::Zh, now),
            "正在读 2 (最久 12 s: big.pdf)"
        );
        // Once OCR runs, how far it has got.
        if let Some(big) = in_flight.files.get_mut(&2) {
            big.ocr = Some((12, 40));
        }
        assert_eq!(
            in_flight.describe(Lang::En, now),
            "reading 2 (longest 12 s: big.pdf, OCR page 12/40)"
        );
        assert_eq!(
            in_flight.describe(Lang::Zh, now),
            "正在读 2 (最久 12 s: big.pdf，OCR 第 12/40 页)"
        );
    }

    #[test]
    fn no_terminal_no_line() {
        let progress = Progress::new(3, true, Lang::En);
        // Tests run with standard error captured, not on a terminal.
        if !std::io::stderr().is_terminal() {
            assert!(progress.bar.is_none());
        }
        progress.start(0, "a");
        progress.finish(0, 5);
        progress.reading_done();
    }
}
