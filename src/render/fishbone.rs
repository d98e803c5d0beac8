//! The Ishikawa (fishbone) diagram of a root-cause analysis: the problem at the head on the
//! right, the spine running left from it, one bone per category slanting back from the spine,
//! alternately above and below it, two bones (one above, one below) per slot counted from the
//! head. Causes are ribs: horizontal lines touching their bone, the text above the line and
//! right-aligned against the bone; sub-causes (to any depth) hang off their parent's rib on a
//! vertical connector, each level indented further left and in a smaller font. Verified root
//! causes are bold and red with a diamond where their rib attaches, explained by a legend.
//!
//! [`layout`] places everything (pure geometry, unit-tested); [`render`] only draws it. Text
//! widths are estimated from the character count (no font metrics), generously, and every
//! label is wrapped to two lines and shortened with "…" (the full text in a tooltip), so the
//! picture's size follows from its content and everything stays inside the viewBox.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use super::escape;

/// One cause of the analysis, as stored. Causes are drawn in the given order within their
/// category and under their parent.
#[derive(Clone, Debug, PartialEq)]
pub struct Cause {
    pub id: i32,
    pub parent_id: Option<i32>,
    pub category: String,
    pub text: String,
    pub verified: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    pub from: Point,
    pub to: Point,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    Above,
    Below,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// Text, wrapped: line `i` has its baseline at `y + i × line_height`.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub lines: Vec<String>,
    /// The whole text, shown as a tooltip when it had to be shortened.
    pub full: String,
    pub shortened: bool,
    pub x: f64,
    pub y: f64,
    pub anchor: Anchor,
    pub font_size: f64,
    pub line_height: f64,
    pub bold: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Head {
    pub frame: Rect,
    pub label: Label,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Bone {
    pub category: String,
    pub side: Side,
    /// 0 nearest the head; each slot holds one bone above and one below the spine.
    pub slot: usize,
    /// From the joint on the spine to the outer end.
    pub line: Segment,
    /// The box with the category's name at the outer end.
    pub tag: Rect,
    pub label: Label,
    /// In drawing order: each cause followed by its sub-causes.
    pub ribs: Vec<Rib>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rib {
    pub cause_id: i32,
    /// The cause this rib hangs off; None on the bone itself.
    pub parent_id: Option<i32>,
    /// 1 for a cause on the bone, 2 for its sub-causes, and so on.
    pub depth: usize,
    /// Horizontal, from where it attaches (on the bone or on its connector) leftwards.
    pub line: Segment,
    /// For a sub-cause: vertical, from the parent's rib down (or up) to this rib's attachment.
    pub connector: Option<Segment>,
    pub label: Label,
    pub verified: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Legend {
    pub marker: Point,
    pub label: Label,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub problem: String,
    pub head: Head,
    pub spine: Segment,
    pub bones: Vec<Bone>,
    /// Present when a verified root cause is drawn.
    pub legend: Option<Legend>,
}

// Sizes in px. Character widths are deliberately generous estimates (em fractions).
const CHAR_W: f64 = 0.62;
const BOLD_CHAR_W: f64 = 0.68;
const MARGIN: f64 = 16.0;
const CAUSE_FONT: f64 = 11.0;
const CAUSE_LINE: f64 = 13.0;
const CAUSE_CHARS: usize = 28;
const SUB_FONT: f64 = 10.0;
const SUB_LINE: f64 = 12.0;
const SUB_CHARS: usize = 26;
const LABEL_LINES: usize = 2;
/// Space above a label's first line, to the rib before it.
const ROW_GAP: f64 = 7.0;
/// Clearance between the spine and the nearest rib or label.
const SPINE_GAP: f64 = 14.0;
/// Horizontal run of a bone per px of height.
const SLOPE: f64 = 0.4;
/// How far left each level of sub-causes moves.
const INDENT: f64 = 14.0;
const TEXT_PAD: f64 = 4.0;
const MIN_BONE: f64 = 48.0;
const TAG_FONT: f64 = 12.0;
const TAG_CHARS: usize = 22;
const TAG_HEIGHT: f64 = 20.0;
const TAG_PAD: f64 = 7.0;
const HEAD_FONT: f64 = 13.0;
const HEAD_LINE: f64 = 16.0;
const HEAD_CHARS: usize = 24;
const HEAD_LINES: usize = 5;
const HEAD_PAD: f64 = 10.0;
const HEAD_GAP: f64 = 28.0;
const COLUMN_GAP: f64 = 28.0;
const TAIL: f64 = 24.0;
const LEGEND_GAP: f64 = 22.0;
const LEGEND_TEXT: &str = "Verified root cause";

impl Point {
    fn shift(&mut self, dx: f64, dy: f64) {
        self.x += dx;
        self.y += dy;
    }
}

impl Segment {
    fn new(x1: f64, y1: f64, x2: f64, y2: f64) -> Self {
        Segment {
            from: Point { x: x1, y: y1 },
            to: Point { x: x2, y: y2 },
        }
    }

    fn shift(&mut self, dx: f64, dy: f64) {
        self.from.shift(dx, dy);
        self.to.shift(dx, dy);
    }

    fn bounds(&self) -> Rect {
        Rect::spanning(self.from.x, self.from.y, self.to.x, self.to.y)
    }
}

impl Rect {
    fn spanning(x1: f64, y1: f64, x2: f64, y2: f64) -> Self {
        Rect {
            x: x1.min(x2),
            y: y1.min(y2),
            width: (x2 - x1).abs(),
            height: (y2 - y1).abs(),
        }
    }

    fn right(&self) -> f64 {
        self.x + self.width
    }

    fn bottom(&self) -> f64 {
        self.y + self.height
    }

    fn union(self, other: Rect) -> Rect {
        Rect::spanning(
            self.x.min(other.x),
            self.y.min(other.y),
            self.right().max(other.right()),
            self.bottom().max(other.bottom()),
        )
    }

    fn shift(&mut self, dx: f64, dy: f64) {
        self.x += dx;
        self.y += dy;
    }
}

impl Label {
    fn new(text: &str, chars: usize, max_lines: usize, font_size: f64, line_height: f64, bold: bool) -> Self {
        let full = clean(text);
        let (lines, shortened) = wrap(&full, chars, max_lines);
        Label {
            lines,
            full,
            shortened,
            x: 0.0,
            y: 0.0,
            anchor: Anchor::Start,
            font_size,
            line_height,
            bold,
        }
    }

    /// The estimated width of the widest line.
    pub fn width(&self) -> f64 {
        let per_char = if self.bold { BOLD_CHAR_W } else { CHAR_W } * self.font_size;
        self.lines.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64 * per_char
    }

    /// From the top of the first line to the bottom of the last (descenders included).
    pub fn height(&self) -> f64 {
        (self.lines.len().max(1) - 1) as f64 * self.line_height + self.font_size * 1.05
    }

    /// The box the text is estimated to cover.
    pub fn bounds(&self) -> Rect {
        let width = self.width();
        let left = match self.anchor {
            Anchor::Start => self.x,
            Anchor::Middle => self.x - width / 2.0,
            Anchor::End => self.x - width,
        };
        let top = self.y - self.font_size * 0.8;
        Rect {
            x: left,
            y: top,
            width,
            height: self.height(),
        }
    }

    fn shift(&mut self, dx: f64, dy: f64) {
        self.x += dx;
        self.y += dy;
    }
}

impl Rib {
    fn bounds(&self) -> Rect {
        let mut r = self.line.bounds().union(self.label.bounds());
        if let Some(c) = self.connector {
            r = r.union(c.bounds());
        }
        r
    }

    fn shift(&mut self, dx: f64, dy: f64) {
        self.line.shift(dx, dy);
        if let Some(c) = self.connector.as_mut() {
            c.shift(dx, dy);
        }
        self.label.shift(dx, dy);
    }
}

impl Bone {
    fn bounds(&self) -> Rect {
        let base = self.line.bounds().union(self.tag).union(self.label.bounds());
        self.ribs.iter().fold(base, |r, rib| r.union(rib.bounds()))
    }

    fn shift(&mut self, dx: f64, dy: f64) {
        self.line.shift(dx, dy);
        self.tag.shift(dx, dy);
        self.label.shift(dx, dy);
        for rib in &mut self.ribs {
            rib.shift(dx, dy);
        }
    }
}

impl Layout {
    /// Everything drawn, as estimated boxes: for checking that it all fits the viewBox.
    pub fn boxes(&self) -> Vec<Rect> {
        let mut out = vec![self.head.frame, self.head.label.bounds(), self.spine.bounds()];
        for bone in &self.bones {
            out.extend([bone.line.bounds(), bone.tag, bone.label.bounds()]);
            for rib in &bone.ribs {
                out.push(rib.bounds());
            }
        }
        if let Some(legend) = &self.legend {
            out.push(legend_marker_box(legend.marker));
            out.push(legend.label.bounds());
        }
        out
    }

    fn shift(&mut self, dx: f64, dy: f64) {
        self.head.frame.shift(dx, dy);
        self.head.label.shift(dx, dy);
        self.spine.shift(dx, dy);
        for bone in &mut self.bones {
            bone.shift(dx, dy);
        }
        if let Some(legend) = self.legend.as_mut() {
            legend.marker.shift(dx, dy);
            legend.label.shift(dx, dy);
        }
    }
}

const MARKER: f64 = 4.5;

fn legend_marker_box(p: Point) -> Rect {
    Rect::spanning(p.x - MARKER, p.y - MARKER, p.x + MARKER, p.y + MARKER)
}

/// One line of text: control characters become spaces, runs of white space one space.
fn clean(text: &str) -> String {
    let spaced: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Word-wraps `text` to lines of at most `width` characters (breaking words longer than a
/// line), at most `max_lines` of them, the last ending in "…" when text was left out.
fn wrap(text: &str, width: usize, max_lines: usize) -> (Vec<String>, bool) {
    let width = width.max(2);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let used = line.chars().count();
            let room = if used == 0 {
                width
            } else {
                width.saturating_sub(used + 1)
            };
            if word.len() <= room {
                if used > 0 {
                    line.push(' ');
                }
                line.extend(word.iter());
                break;
            }
            if used > 0 && word.len() <= width {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word longer than a whole line: fill this line with its start.
            let take = if used == 0 { width } else { room };
            if take == 0 {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            if used > 0 {
                line.push(' ');
            }
            line.extend(word.drain(..take));
            lines.push(std::mem::take(&mut line));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push("—".to_owned());
    }
    let max_lines = max_lines.max(1);
    if lines.len() <= max_lines {
        return (lines, false);
    }
    lines.truncate(max_lines);
    if let Some(last) = lines.last_mut() {
        let mut kept: String = last.chars().take(width - 1).collect();
        kept.truncate(kept.trim_end().len());
        kept.push('…');
        *last = kept;
    }
    (lines, true)
}

fn cause_style(depth: usize) -> (usize, f64, f64) {
    if depth <= 1 {
        (CAUSE_CHARS, CAUSE_FONT, CAUSE_LINE)
    } else {
        (SUB_CHARS, SUB_FONT, SUB_LINE)
    }
}

/// The width a rib of this depth gives its text.
fn rib_text_width(depth: usize) -> f64 {
    let (chars, font, _) = cause_style(depth);
    chars as f64 * CHAR_W * font
}

/// A cause in drawing order within its bone.
struct Row<'a> {
    cause: &'a Cause,
    depth: usize,
    parent: Option<usize>,
    label: Label,
    /// Screen y of the band's top (label side) and of the rib, spine at 0.
    top: f64,
    rib_y: f64,
}

/// The causes of one category in drawing order: depth-first, each under its parent. A cause
/// whose parent is not among them is drawn on the bone; causes only reachable through a cycle
/// are left out.
fn rows_of<'a>(category: &str, causes: &'a [Cause]) -> Vec<Row<'a>> {
    let mine: Vec<&Cause> = causes.iter().filter(|c| c.category == category).collect();
    let ids: HashSet<i32> = mine.iter().map(|c| c.id).collect();
    let mut children: HashMap<i32, Vec<&Cause>> = HashMap::new();
    let mut roots: Vec<&Cause> = Vec::new();
    for c in &mine {
        match c.parent_id {
            Some(p) if ids.contains(&p) && p != c.id => children.entry(p).or_default().push(c),
            _ => roots.push(c),
        }
    }
    let mut rows: Vec<Row<'a>> = Vec::new();
    let mut seen: HashSet<i32> = HashSet::new();
    // (cause, depth, parent row), popped in drawing order.
    let mut stack: Vec<(&Cause, usize, Option<usize>)> = roots.iter().rev().map(|c| (*c, 1, None)).collect();
    while let Some((cause, depth, parent)) = stack.pop() {
        if !seen.insert(cause.id) {
            continue;
        }
        let (chars, font, line) = cause_style(depth);
        let label = Label::new(&cause.text, chars, LABEL_LINES, font, line, cause.verified);
        let index = rows.len();
        rows.push(Row {
            cause,
            depth,
            parent,
            label,
            top: 0.0,
            rib_y: 0.0,
        });
        if let Some(kids) = children.get(&cause.id) {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1, Some(index))));
        }
    }
    rows
}

/// The bone's x at screen height `y` (spine at y = 0, joint at x = 0).
fn bone_x(y: f64) -> f64 {
    -y.abs() * SLOPE
}

/// One bone in its own coordinates: the joint at (0, 0).
fn bone_at_origin(category: &str, index: usize, causes: &[Cause]) -> Bone {
    let side = if index % 2 == 0 { Side::Above } else { Side::Below };
    let mut rows = rows_of(category, causes);
    let band = |r: &Row| r.label.lines.len() as f64 * r.label.line_height + ROW_GAP;
    let total: f64 = rows.iter().map(band).sum();
    // Bands run top to bottom in drawing order: above the spine ending just over it, below it
    // starting just under it.
    let mut y = match side {
        Side::Above => -SPINE_GAP - total,
        Side::Below => SPINE_GAP,
    };
    for row in &mut rows {
        row.top = y;
        y += band(row);
        row.rib_y = y;
    }
    let reach = match (side, rows.first(), rows.last()) {
        (Side::Above, Some(first), _) => first.top - 4.0,
        (Side::Below, _, Some(last)) => last.rib_y + 8.0,
        (Side::Above, None, _) => -MIN_BONE,
        (Side::Below, _, None) => MIN_BONE,
    };
    let reach = if reach.abs() < MIN_BONE {
        reach.signum() * MIN_BONE
    } else {
        reach
    };
    let end = Point {
        x: bone_x(reach),
        y: reach,
    };

    // Where each row attaches and where its own sub-causes' connector runs.
    let n = rows.len();
    let mut attach = vec![0.0_f64; n];
    let mut comb = vec![0.0_f64; n];
    let mut ribs: Vec<Rib> = Vec::with_capacity(n);
    for i in 0..n {
        let row = &rows[i];
        attach[i] = match row.parent {
            None => bone_x(row.rib_y),
            Some(p) => comb[p],
        };
        // The label keeps clear of the bone over its whole band.
        let label_right = match row.parent {
            None => bone_x(row.top).min(bone_x(row.rib_y)) - TEXT_PAD,
            Some(p) => comb[p] - TEXT_PAD,
        };
        // Sub-causes hang left of this rib's attachment, and left of the bone wherever they are.
        let descendants_end = (i + 1..n).find(|&j| rows[j].depth <= row.depth).unwrap_or(n);
        let mut limit = attach[i];
        if row.parent.is_none() {
            for d in &rows[i + 1..descendants_end] {
                limit = limit.min(bone_x(d.top)).min(bone_x(d.rib_y));
            }
        }
        comb[i] = limit - INDENT;
        let mut label = row.label.clone();
        label.anchor = Anchor::End;
        label.x = label_right;
        label.y = row.rib_y - 4.0 - (label.lines.len() as f64 - 1.0) * label.line_height;
        let left = (label_right - rib_text_width(row.depth).max(label.width()) - 2.0).min(comb[i] - 6.0);
        let connector = row
            .parent
            .map(|p| Segment::new(comb[p], rows[p].rib_y, comb[p], row.rib_y));
        ribs.push(Rib {
            cause_id: row.cause.id,
            parent_id: row.parent.map(|p| rows[p].cause.id),
            depth: row.depth,
            line: Segment::new(attach[i], row.rib_y, left, row.rib_y),
            connector,
            label,
            verified: row.cause.verified,
        });
    }

    let mut label = Label::new(category, TAG_CHARS, 1, TAG_FONT, TAG_FONT, true);
    let tag_width = label.width() + 2.0 * TAG_PAD;
    let tag_y = match side {
        Side::Above => end.y - 2.0 - TAG_HEIGHT,
        Side::Below => end.y + 2.0,
    };
    let tag = Rect {
        x: end.x - tag_width / 2.0,
        y: tag_y,
        width: tag_width,
        height: TAG_HEIGHT,
    };
    label.anchor = Anchor::Middle;
    label.x = end.x;
    label.y = tag_y + TAG_HEIGHT / 2.0 + TAG_FONT * 0.35;
    Bone {
        category: label.full.clone(),
        side,
        slot: index / 2,
        line: Segment::new(0.0, 0.0, end.x, end.y),
        tag,
        label,
        ribs,
    }
}

/// Places the diagram: `categories` in order (bones alternate above and below the spine,
/// nearest the head first), each cause on the bone of its category (causes of other
/// categories are left out), sub-causes under their parents.
pub fn layout(problem: &str, categories: &[String], causes: &[Cause]) -> Layout {
    let mut bones: Vec<Bone> = categories
        .iter()
        .enumerate()
        .map(|(i, c)| bone_at_origin(c, i, causes))
        .collect();

    // Columns from the head leftwards, each as wide as its widest bone.
    let slots = bones.len().div_ceil(2);
    let mut left = vec![0.0_f64; slots];
    let mut right = vec![0.0_f64; slots];
    for bone in &bones {
        let b = bone.bounds();
        left[bone.slot] = left[bone.slot].max(-b.x);
        right[bone.slot] = right[bone.slot].max(b.right());
    }
    let mut joints = vec![0.0_f64; slots];
    for s in 1..slots {
        joints[s] = joints[s - 1] - left[s - 1] - COLUMN_GAP - right[s];
    }
    for bone in &mut bones {
        bone.shift(joints[bone.slot], 0.0);
    }

    let mut head_label = Label::new(problem, HEAD_CHARS, HEAD_LINES, HEAD_FONT, HEAD_LINE, true);
    let head_x = right.first().copied().unwrap_or(0.0) + HEAD_GAP;
    let head_width = (head_label.width() + 2.0 * HEAD_PAD).max(120.0);
    let head_height = head_label.lines.len() as f64 * HEAD_LINE + 2.0 * HEAD_PAD;
    let head = Rect {
        x: head_x,
        y: -head_height / 2.0,
        width: head_width,
        height: head_height,
    };
    head_label.anchor = Anchor::Middle;
    head_label.x = head_x + head_width / 2.0;
    head_label.y = head.y + HEAD_PAD + HEAD_LINE * 0.75;
    // The spine runs from the far end of the last bones' causes to the head.
    let tail = bones
        .iter()
        .map(|b| b.bounds().x)
        .fold(joints.last().copied().unwrap_or(0.0) - TAIL, f64::min);
    let mut layout = Layout {
        width: 0.0,
        height: 0.0,
        problem: head_label.full.clone(),
        head: Head {
            frame: head,
            label: head_label,
        },
        spine: Segment::new(tail, 0.0, head_x, 0.0),
        bones,
        legend: None,
    };

    let fold = |l: &Layout| l.boxes().into_iter().reduce(Rect::union).unwrap_or(head);
    if layout.bones.iter().any(|b| b.ribs.iter().any(|r| r.verified)) {
        let all = fold(&layout);
        let marker = Point {
            x: all.x + MARKER,
            y: all.bottom() + LEGEND_GAP,
        };
        let mut label = Label::new(LEGEND_TEXT, 40, 1, CAUSE_FONT, CAUSE_LINE, true);
        label.x = marker.x + MARKER + 6.0;
        label.y = marker.y + CAUSE_FONT * 0.35;
        layout.legend = Some(Legend { marker, label });
    }
    let all = fold(&layout);
    layout.shift(MARGIN - all.x, MARGIN - all.y);
    layout.width = (all.width + 2.0 * MARGIN).ceil();
    layout.height = (all.height + 2.0 * MARGIN).ceil();
    layout
}

const INK: &str = "#2d3748";
const BONE: &str = "#4a5568";
const RIB: &str = "#718096";
const SUB_RIB: &str = "#a0aec0";
const ROOT: &str = "#c53030";

fn text(svg: &mut String, label: &Label, fill: &str) {
    let anchor = match label.anchor {
        Anchor::Start => "start",
        Anchor::Middle => "middle",
        Anchor::End => "end",
    };
    let weight = if label.bold { r#" font-weight="bold""# } else { "" };
    let _ = write!(
        svg,
        r#"<text text-anchor="{anchor}" font-size="{}" fill="{fill}"{weight}>"#,
        label.font_size
    );
    for (i, line) in label.lines.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<tspan x="{:.1}" y="{:.1}">{}</tspan>"#,
            label.x,
            label.y + i as f64 * label.line_height,
            escape(line)
        );
    }
    svg.push_str("</text>\n");
}

fn line(svg: &mut String, s: &Segment, stroke: &str, width: f64) {
    let _ = writeln!(
        svg,
        r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{stroke}" stroke-width="{width}" stroke-linecap="round"/>"#,
        s.from.x, s.from.y, s.to.x, s.to.y
    );
}

fn diamond(svg: &mut String, p: Point) {
    let _ = writeln!(
        svg,
        r#"<path d="M{:.1} {:.1}l{MARKER} {MARKER}l-{MARKER} {MARKER}l-{MARKER} -{MARKER}z" fill="{ROOT}"/>"#,
        p.x,
        p.y - MARKER
    );
}

fn tooltip(svg: &mut String, label: &Label) {
    if label.shortened {
        let _ = write!(svg, "<title>{}</title>", escape(&label.full));
    }
}

/// Draws the layout as a standalone SVG document.
pub fn render(layout: &Layout) -> String {
    let (w, h) = (layout.width, layout.height);
    let mut svg = String::with_capacity(4096 + layout.bones.len() * 2048);
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="fishbone-title" font-family="system-ui, sans-serif">"#
    );
    let _ = writeln!(
        svg,
        r##"<title id="fishbone-title">Fishbone: {}</title><rect x="0" y="0" width="{w}" height="{h}" fill="#fff"/>"##,
        escape(&layout.problem)
    );
    line(&mut svg, &layout.spine, INK, 3.0);
    for bone in &layout.bones {
        svg.push_str(r#"<g class="bone">"#);
        tooltip(&mut svg, &bone.label);
        line(&mut svg, &bone.line, BONE, 2.0);
        let t = bone.tag;
        let _ = writeln!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="4" fill="#edf2f7" stroke="{BONE}"/>"##,
            t.x, t.y, t.width, t.height
        );
        text(&mut svg, &bone.label, INK);
        for rib in &bone.ribs {
            svg.push_str(r#"<g class="cause">"#);
            tooltip(&mut svg, &rib.label);
            if let Some(c) = &rib.connector {
                line(&mut svg, c, SUB_RIB, 1.0);
            }
            let (stroke, width, fill) = match (rib.verified, rib.depth) {
                (true, _) => (ROOT, 2.0, ROOT),
                (false, 1) => (RIB, 1.2, INK),
                (false, _) => (SUB_RIB, 1.0, INK),
            };
            line(&mut svg, &rib.line, stroke, width);
            text(&mut svg, &rib.label, fill);
            if rib.verified {
                diamond(&mut svg, rib.line.from);
            }
            svg.push_str("</g>\n");
        }
        svg.push_str("</g>\n");
    }
    let f = layout.head.frame;
    svg.push_str(r#"<g class="head">"#);
    tooltip(&mut svg, &layout.head.label);
    let _ = writeln!(
        svg,
        r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="6" fill="#2c5282"/>"##,
        f.x, f.y, f.width, f.height
    );
    text(&mut svg, &layout.head.label, "#fff");
    svg.push_str("</g>\n");
    if let Some(legend) = &layout.legend {
        svg.push_str(r#"<g class="legend">"#);
        diamond(&mut svg, legend.marker);
        text(&mut svg, &legend.label, ROOT);
        svg.push_str("</g>\n");
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cats(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn cause(id: i32, parent_id: Option<i32>, category: &str, text: &str, verified: bool) -> Cause {
        Cause {
            id,
            parent_id,
            category: category.into(),
            text: text.into(),
            verified,
        }
    }

    const SIX_M: [&str; 6] = [
        "People",
        "Methods",
        "Machines",
        "Materials",
        "Measurements",
        "Environment",
    ];

    /// 6 categories × 5 causes with long labels, the first cause of each nested three deep.
    fn big() -> (Vec<String>, Vec<Cause>) {
        let mut causes = Vec::new();
        let mut id = 0;
        for (c, cat) in SIX_M.iter().enumerate() {
            for k in 0..5 {
                id += 1;
                causes.push(cause(
                    id,
                    None,
                    cat,
                    &format!("Cause {k} of {cat}: the call-back queue is not watched after five o'clock on Fridays"),
                    k == c % 5,
                ));
                if k == 0 {
                    let top = id;
                    id += 1;
                    causes.push(cause(
                        id,
                        Some(top),
                        cat,
                        "Nobody owns the overnight rota for the shared mailbox",
                        false,
                    ));
                    let sub = id;
                    id += 1;
                    causes.push(cause(
                        id,
                        Some(sub),
                        cat,
                        "The rota spreadsheet was lost in the 2023 migration",
                        c == 0,
                    ));
                    id += 1;
                    causes.push(cause(id, Some(sub), cat, "Short", false));
                }
            }
        }
        (cats(&SIX_M), causes)
    }

    fn inside(r: &Rect, layout: &Layout) -> bool {
        r.x >= 0.0 && r.y >= 0.0 && r.right() <= layout.width && r.bottom() <= layout.height
    }

    fn overlap(a: &Rect, b: &Rect) -> bool {
        a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom()
    }

    #[test]
    fn bones_alternate_and_never_share_a_slot() {
        let (categories, causes) = big();
        let l = layout("Call-backs are late", &categories, &causes);
        assert_eq!(l.bones.len(), 6);
        let spine_y = l.spine.from.y;
        assert_eq!(l.spine.to.y, spine_y);
        let mut slots = HashSet::new();
        for (i, bone) in l.bones.iter().enumerate() {
            assert_eq!(bone.category, SIX_M[i]);
            let expected = if i % 2 == 0 { Side::Above } else { Side::Below };
            assert_eq!(bone.side, expected, "bone {i}");
            assert_eq!(bone.slot, i / 2);
            assert!(slots.insert((bone.side, bone.slot)), "bone {i} shares a slot");
            assert_eq!(bone.line.from.y, spine_y, "bone {i} starts on the spine");
            match bone.side {
                Side::Above => assert!(bone.line.to.y < spine_y && bone.tag.bottom() <= bone.line.to.y),
                Side::Below => assert!(bone.line.to.y > spine_y && bone.tag.y >= bone.line.to.y),
            }
            assert!(bone.line.to.x < bone.line.from.x, "bones slant back from the head");
            let (x1, x2) = (l.spine.from.x, l.spine.to.x);
            assert!(x1 < bone.line.from.x && bone.line.from.x < x2, "joint on the spine");
        }
        // Slots run leftwards from the head, and their bones do not overlap their neighbours'.
        for i in 2..6 {
            assert!(l.bones[i].line.from.x < l.bones[i - 2].line.from.x);
            let (a, b) = (l.bones[i].bounds(), l.bones[i - 2].bounds());
            assert!(!overlap(&a, &b), "bones {} and {i} overlap", i - 2);
        }
        assert!(l.bones.iter().all(|b| b.bounds().right() < l.head.frame.x));
    }

    fn on_segment(p: Point, s: &Segment) -> bool {
        let (dx, dy) = (s.to.x - s.from.x, s.to.y - s.from.y);
        let cross = (p.x - s.from.x) * dy - (p.y - s.from.y) * dx;
        let len = (dx * dx + dy * dy).sqrt();
        let within = |v: f64, a: f64, b: f64| v >= a.min(b) - 0.01 && v <= a.max(b) + 0.01;
        (cross / len).abs() < 0.01 && within(p.x, s.from.x, s.to.x) && within(p.y, s.from.y, s.to.y)
    }

    #[test]
    fn ribs_stay_on_their_bone() {
        let (categories, causes) = big();
        let l = layout("Call-backs are late", &categories, &causes);
        let spine_y = l.spine.from.y;
        let mut drawn = 0;
        for bone in &l.bones {
            let bounds = bone.bounds();
            for rib in &bone.ribs {
                drawn += 1;
                let source = causes.iter().find(|c| c.id == rib.cause_id).unwrap();
                assert_eq!(source.category, bone.category);
                assert_eq!(rib.line.from.y, rib.line.to.y, "ribs are horizontal");
                assert!(rib.line.to.x < rib.line.from.x, "ribs run left from where they attach");
                match bone.side {
                    Side::Above => assert!(rib.label.bounds().bottom() < spine_y && rib.line.from.y < spine_y),
                    Side::Below => assert!(rib.label.bounds().y > spine_y),
                }
                // The label sits on its rib, within its length, clear of the bone.
                let text = rib.label.bounds();
                assert!(text.x >= rib.line.to.x - 0.01 && text.right() <= rib.line.from.x);
                assert!(text.bottom() <= rib.line.from.y && text.bottom() > rib.line.from.y - 8.0);
                match rib.parent_id {
                    None => {
                        assert_eq!(rib.depth, 1);
                        assert!(rib.connector.is_none());
                        assert!(
                            on_segment(rib.line.from, &bone.line),
                            "cause {} on its bone",
                            rib.cause_id
                        );
                    }
                    Some(parent) => {
                        let p = bone.ribs.iter().find(|r| r.cause_id == parent).unwrap();
                        assert_eq!(rib.depth, p.depth + 1);
                        let c = rib.connector.unwrap();
                        assert!(
                            on_segment(c.from, &p.line),
                            "connector of {} leaves its parent's rib",
                            rib.cause_id
                        );
                        assert_eq!(c.to, rib.line.from, "and ends where the sub-cause's rib starts");
                        assert_eq!(c.from.x, c.to.x, "connectors are vertical");
                        assert!(rib.line.from.x < p.line.from.x, "sub-causes are indented");
                        // Left of the bone over the whole band (the bone is to the right).
                        let bx = |y: f64| bone.line.from.x + bone_x(y - spine_y);
                        assert!(text.right() < bx(text.y).min(bx(text.bottom())));
                    }
                }
                assert!(inside(&rib.bounds(), &l) && bounds.x <= rib.bounds().x);
            }
            // No two labels of a bone overlap.
            for (i, a) in bone.ribs.iter().enumerate() {
                for b in &bone.ribs[i + 1..] {
                    assert!(
                        !overlap(&a.label.bounds(), &b.label.bounds()),
                        "{} and {}",
                        a.cause_id,
                        b.cause_id
                    );
                }
            }
        }
        assert_eq!(drawn, causes.len());
        let depths: Vec<usize> = l.bones[0].ribs.iter().map(|r| r.depth).take(4).collect();
        assert_eq!(depths, vec![1, 2, 3, 3], "drawn depth first, each under its parent");
    }

    /// All numbers of the given attribute in the SVG.
    fn attr_values(svg: &str, name: &str) -> Vec<f64> {
        let needle = format!(" {name}=\"");
        svg.match_indices(&needle)
            .map(|(i, _)| {
                let rest = &svg[i + needle.len()..];
                rest[..rest.find('"').unwrap()].parse::<f64>().unwrap()
            })
            .collect()
    }

    #[test]
    fn everything_stays_inside_the_view_box() {
        let (categories, causes) = big();
        let problem = "Call-backs promised within five minutes take over twenty minutes on Friday afternoons and evenings, and nobody is told why or by whom";
        let l = layout(problem, &categories, &causes);
        for b in l.boxes() {
            assert!(inside(&b, &l), "{b:?} outside {} × {}", l.width, l.height);
        }
        assert!(l.head.label.shortened && l.head.label.lines.len() == HEAD_LINES);
        assert!(l.bones.iter().all(|b| b.ribs.iter().all(|r| r.label.lines.len() <= 2)));
        let long = &l.bones[0].ribs[0].label;
        assert!(long.shortened && long.lines[1].ends_with('…'), "{:?}", long.lines);
        assert!(long.lines.iter().all(|line| line.chars().count() <= CAUSE_CHARS));
        let svg = render(&l);
        for (attr, max) in [
            ("x", l.width),
            ("x1", l.width),
            ("x2", l.width),
            ("y", l.height),
            ("y1", l.height),
            ("y2", l.height),
        ] {
            let values = attr_values(&svg, attr);
            assert!(!values.is_empty(), "{attr}");
            assert!(
                values.iter().all(|v| (0.0..=max).contains(v)),
                "{attr} outside the view box"
            );
        }
        assert!(svg.starts_with(&format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}""#,
            l.width, l.height
        )));
        // Legible: the picture stays a sensible size for a page.
        assert!(l.width < 1400.0 && l.height < 900.0, "{} × {}", l.width, l.height);
        let shortened = l
            .bones
            .iter()
            .flat_map(|b| &b.ribs)
            .filter(|r| r.label.shortened)
            .count();
        assert!(shortened >= 30);
        assert_eq!(
            svg.matches("<title>").count(),
            shortened + 1,
            "a tooltip for each shortened label"
        );
    }

    #[test]
    fn every_label_is_escaped() {
        let evil = "<script>alert('x')</script> & \"more\"";
        let l = layout(
            evil,
            &cats(&[evil, "Systems"]),
            &[cause(1, None, evil, evil, true), cause(2, Some(1), evil, evil, false)],
        );
        let svg = render(&l);
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(&#39;x&#39;)"));
        assert!(svg.contains("&amp; &quot;more&quot;"));
        assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
    }

    #[test]
    fn wrapping_and_shortening() {
        assert_eq!(wrap("one two three", 7, 3), (cats(&["one two", "three"]), false));
        assert_eq!(wrap("abcdefghij", 4, 3), (cats(&["abcd", "efgh", "ij"]), false));
        assert_eq!(
            wrap("aa bbbbbbbbbb", 4, 5),
            (cats(&["aa b", "bbbb", "bbbb", "b"]), false)
        );
        assert_eq!(wrap("one two three four", 7, 2), (cats(&["one two", "three…"]), true));
        assert_eq!(wrap("", 7, 2), (cats(&["—"]), false));
        assert_eq!(clean("  a\n\tb\u{0}c  "), "a b c");
    }

    #[test]
    fn odd_inputs_still_draw() {
        // No categories: head and spine only.
        let l = layout("Problem", &[], &[]);
        assert!(l.bones.is_empty() && l.legend.is_none());
        assert!(l.boxes().iter().all(|b| inside(b, &l)));
        assert!(render(&l).ends_with("</svg>"));
        // An unknown category is left out; an orphan sits on its bone; a cycle is not drawn.
        let causes = [
            cause(1, None, "Elsewhere", "gone", false),
            cause(2, Some(99), "Skills", "orphan", false),
            cause(3, Some(4), "Skills", "cycle a", false),
            cause(4, Some(3), "Skills", "cycle b", false),
            cause(5, Some(5), "Skills", "own parent", false),
        ];
        let l = layout("Problem", &cats(&["Skills"]), &causes);
        let ids: Vec<(i32, usize)> = l.bones[0].ribs.iter().map(|r| (r.cause_id, r.depth)).collect();
        assert_eq!(ids, vec![(2, 1), (5, 1)]);
        // Deep nesting below the spine stays left of the bone.
        let mut deep = vec![cause(1, None, "B", "top", false)];
        for id in 2..=12 {
            deep.push(cause(id, Some(id - 1), "B", "a sub-cause a level deeper", false));
        }
        let l = layout("Problem", &cats(&["A", "B"]), &deep);
        let bone = &l.bones[1];
        assert_eq!(bone.side, Side::Below);
        assert_eq!(bone.ribs.len(), 12);
        assert!(l.boxes().iter().all(|b| inside(b, &l)));
    }

    #[test]
    fn snapshot_small_diagram() {
        let causes = [
            cause(1, None, "Systems", "Call-back queue not shown on the wall board", true),
            cause(2, Some(1), "Systems", "Board only polls every 15 minutes", false),
            cause(3, None, "Skills", "New staff not trained on call-backs", false),
        ];
        let l = layout(
            "Call-backs take 22 min, promised 5",
            &cats(&["Surroundings", "Suppliers", "Systems", "Skills"]),
            &causes,
        );
        insta::assert_snapshot!("fishbone_small", render(&l));
    }
}
