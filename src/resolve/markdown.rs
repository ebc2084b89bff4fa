//! Markdown to HTML in one pass over pulldown-cmark's events: mentions linked, paragraph
//! anchors `#p-N`, `[[wikilinks]]`, raw HTML shown as text, URL schemes checked.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use super::mentions::Matcher;
use crate::model::ActorIx;
use crate::text::{check_url, classify_url, escape_html, UrlKind, UrlUse};

/// What the renderer needs to know about actors.
pub struct Linker<'a> {
    /// `None` where names are not linked automatically (profile descriptions): only `[[id]]` is.
    pub matcher: Option<&'a Matcher>,
    pub index: &'a HashMap<&'a str, ActorIx>,
    pub ids: &'a [&'a str],
    pub names: &'a [&'a str],
    /// Ids of profiles that failed to load: a wikilink to one is left unlinked, not reported.
    pub unloaded: &'a BTreeSet<String>,
    /// Prepended to `<id>.html` in links to actor pages ("../actors/" from a source page).
    pub href_prefix: &'a str,
    /// Source ids, for internal links such as `[x](other-article.md)`.
    pub sources: &'a HashMap<&'a str, usize>,
}

impl Linker<'_> {
    fn open_mention(&self, actor: ActorIx) -> String {
        format!(
            "<a class=\"mention\" href=\"{}{}.html\">",
            self.href_prefix,
            self.ids[actor.get()]
        )
    }
}

/// The sentence around a mention, cut to a readable length, as byte offsets into the
/// text of the mention's block: offsets, not text, since a source holds one per mention
/// and an archive millions of them. [`Context::parts`] gives the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Context {
    /// Where the text before the mention starts.
    pub start: u32,
    /// The mention itself.
    pub mention: (u32, u32),
    /// Where the text after the mention ends.
    pub end: u32,
    /// Whether the sentence was cut before `start` (shown as `…`).
    pub cut_before: bool,
    /// Whether the sentence was cut after `end` (shown as `…`).
    pub cut_after: bool,
}

impl Context {
    /// The text before the mention, the mention and the text after it, in `text` (the
    /// text of the mention's block), with `…` where the sentence was cut. Offsets that
    /// do not fit `text` give empty parts.
    pub fn parts<'a>(&self, text: &'a str) -> (Cow<'a, str>, &'a str, Cow<'a, str>) {
        let part = |s: u32, e: u32| text.get(s as usize..e as usize).unwrap_or_default();
        let (m0, m1) = self.mention;
        let before = part(self.start, m0);
        let after = part(m1, self.end);
        (
            if self.cut_before {
                Cow::Owned(format!("…{before}"))
            } else {
                Cow::Borrowed(before)
            },
            part(m0, m1),
            if self.cut_after {
                Cow::Owned(format!("{after}…"))
            } else {
                Cow::Borrowed(after)
            },
        )
    }
}

/// One mention of an actor in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub actor: ActorIx,
    /// The paragraph's anchor number (`#p-N`); 0 outside any numbered block.
    pub paragraph: u32,
    /// The sentence, numbered across the document: mentions in one sentence share it.
    pub sentence: u32,
    /// Whether the mention is an explicit `[[wikilink]]`.
    pub explicit: bool,
    /// The number of its block in the document's blocks (`Doc::blocks`), whose text
    /// `context` points into.
    pub block: u32,
    pub context: Context,
}

/// A problem in the Markdown, at a byte offset of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub offset: usize,
    pub len: usize,
    pub message: String,
}

/// The plain text of one numbered block (paragraph, heading, list item, table), as read
/// by the Markdown pass: what search indexes and lint scans, never HTML turned back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextBlock {
    /// The anchor number (`#p-N`); 0 for the title and text outside numbered blocks.
    pub paragraph: u32,
    /// Where the block starts in the Markdown that was rendered.
    pub offset: usize,
    pub text: String,
    /// Byte ranges of `text` that are mentions.
    pub hits: Vec<(usize, usize)>,
}

/// The result of rendering one Markdown document.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub mentions: Vec<Mention>,
    pub problems: Vec<Problem>,
    pub paragraphs: u32,
    pub blocks: Vec<TextBlock>,
    /// How many sentence numbers the mentions used.
    pub sentences: u32,
    /// With [`render_description`]'s `cite_sources`: the sources its footnotes cite, in
    /// the order of first reference; the HTML holds a [`cite_marker`] for each reference.
    pub cites: Vec<usize>,
}

/// What stands in a description's HTML for a footnote reference that cites source
/// number `k` of [`Rendered::cites`], until the page numbers its references. NUL
/// characters cannot come from content (they are refused when a file is read, and
/// `&#0;` reads as U+FFFD), so no contributor can write one.
/// Appends `text` to a block's plain text with each line break as a space (what
/// `text.replace('\n', " ")` gives, without a copy of the text first).
fn push_on_one_line(out: &mut String, text: &str) {
    let mut lines = text.split('\n');
    out.push_str(lines.next().unwrap_or_default());
    for line in lines {
        out.push(' ');
        out.push_str(line);
    }
}

pub fn cite_marker(k: usize) -> String {
    format!("\0cite:{k}\0")
}

/// The footnote definitions of a description that cite one source of the site, with
/// nothing else: `[^n]: article-id` or `[^n]: [any text](article-id.md)`. Gives each
/// one's label and source index, and the events it spans (dropped from the output: the
/// page's references list the source instead). A lone word of id shape (`a-b`) that is
/// no source id is a problem: it was meant as one.
fn source_footnotes<'e>(
    events: &[(Event<'e>, std::ops::Range<usize>)],
    sources: &HashMap<&str, usize>,
    problems: &mut Vec<Problem>,
) -> (HashMap<CowStr<'e>, usize>, Vec<std::ops::Range<usize>>) {
    let mut cited = HashMap::new();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let Event::Start(Tag::FootnoteDefinition(label)) = &events[i].0 else {
            i += 1;
            continue;
        };
        let Some(len) = events[i..]
            .iter()
            .position(|(e, _)| matches!(e, Event::End(TagEnd::FootnoteDefinition)))
        else {
            break;
        };
        let inner = &events[i + 1..i + len];
        let source = match inner {
            [(Event::Start(Tag::Paragraph), _), (Event::Text(t), range), (Event::End(TagEnd::Paragraph), _)] =>
            {
                let id = t.trim();
                let shaped = id.contains('-') && crate::text::is_valid_id(id);
                match sources.get(id) {
                    Some(&s) => Some(s),
                    None if shaped => {
                        problems.push(Problem {
                            offset: range.start,
                            len: range.len(),
                            message: format!(
                                "no source has the id `{id}`: a footnote that cites a source names an article of articles/ by its file name without `.md`"
                            ),
                        });
                        None
                    }
                    None => None,
                }
            }
            [(Event::Start(Tag::Paragraph), _), (Event::Start(Tag::Link { dest_url, .. }), _), .., (Event::End(TagEnd::Link), _), (Event::End(TagEnd::Paragraph), _)]
                if inner[2..inner.len() - 2]
                    .iter()
                    .all(|(e, _)| !matches!(e, Event::Start(Tag::Link { .. }))) =>
            {
                let file = dest_url.trim();
                let file = file.strip_prefix("../articles/").unwrap_or(file);
                (file.strip_suffix(".md")).and_then(|id| sources.get(id).copied())
            }
            _ => None,
        };
        if let Some(s) = source {
            cited.insert(label.clone(), s);
            spans.push(i..i + len + 1);
        }
        i += len + 1;
    }
    (cited, spans)
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_WIKILINKS
}

/// Renders Markdown; `anchors` numbers paragraphs (source bodies) or not (descriptions).
pub fn render(markdown: &str, linker: &Linker, anchors: bool) -> Rendered {
    render_with(markdown, linker, anchors, false)
}

/// Renders a profile's description (no paragraph anchors). With `cite_sources`, a
/// footnote that cites a source of the site (see [`source_footnotes`]) becomes a
/// [`cite_marker`] where it is referenced, and its definition is left out.
pub fn render_description(markdown: &str, linker: &Linker, cite_sources: bool) -> Rendered {
    render_with(markdown, linker, false, cite_sources)
}

fn render_with(markdown: &str, linker: &Linker, anchors: bool, cite_sources: bool) -> Rendered {
    let events: Vec<(Event, std::ops::Range<usize>)> = Parser::new_ext(markdown, options())
        .into_offset_iter()
        .collect();
    let mut r = Renderer {
        linker: Some(linker),
        anchors,
        out: Vec::with_capacity(events.len() + 16),
        ..Renderer::default()
    };
    let (cited, dropped) = if cite_sources {
        source_footnotes(&events, linker.sources, &mut r.problems)
    } else {
        Default::default()
    };
    let mut cites: Vec<usize> = Vec::new();
    let mut dropped = dropped.into_iter().peekable();
    r.blocks.push(Block::default());
    for i in 0..events.len() {
        if let Some(span) = dropped.peek() {
            if span.contains(&i) {
                if i + 1 == span.end {
                    dropped.next();
                }
                continue;
            }
        }
        if let Event::FootnoteReference(label) = &events[i].0 {
            if let Some(&s) = cited.get(label) {
                let k = cites.iter().position(|&c| c == s).unwrap_or_else(|| {
                    cites.push(s);
                    cites.len() - 1
                });
                r.flush();
                r.out.push(Event::InlineHtml(CowStr::from(cite_marker(k))));
                continue;
            }
        }
        let next_is_paragraph =
            matches!(events.get(i + 1), Some((Event::Start(Tag::Paragraph), _)));
        let (event, range) = events[i].clone();
        r.offset = range.start;
        r.event(event, range, next_is_paragraph);
    }
    r.flush();
    while !r.blocks.is_empty() {
        r.close_block();
    }
    r.check_internal_links();
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, r.out.into_iter());
    Rendered {
        html,
        mentions: r.mentions,
        problems: r.problems,
        paragraphs: r.paragraphs,
        blocks: r.text_blocks,
        sentences: r.sentences,
        cites,
    }
}

/// Links mentions in a line of plain text (a title): escaped HTML, and its mentions as
/// paragraph 0, the whole line one block.
pub fn render_plain(text: &str, linker: &Linker) -> (String, Rendered) {
    let mut html = String::with_capacity(text.len() + 64);
    let mut mentions = Vec::new();
    let mut last = 0;
    let hits = linker.matcher.map(|m| m.find(text)).unwrap_or_default();
    let sentences = sentence_spans(text);
    let mut sentence = SentenceCursor::default();
    for hit in &hits {
        html.push_str(&escape_html(&text[last..hit.start]));
        html.push_str(&linker.open_mention(hit.actor));
        html.push_str(&escape_html(&text[hit.start..hit.end]));
        html.push_str("</a>");
        last = hit.end;
        let (number, span) = sentence.find(&sentences, hit.start);
        mentions.push(Mention {
            actor: hit.actor,
            paragraph: 0,
            sentence: number,
            explicit: false,
            block: 0,
            context: context_around(text, span, hit.start, hit.end),
        });
    }
    html.push_str(&escape_html(&text[last..]));
    let block = TextBlock {
        paragraph: 0,
        offset: 0,
        text: text.to_string(),
        hits: hits.iter().map(|h| (h.start, h.end)).collect(),
    };
    let rendered = Rendered {
        mentions,
        blocks: vec![block],
        sentences: sentences.len() as u32,
        ..Rendered::default()
    };
    (html, rendered)
}

/// Finds the sentence of each of a block's mentions, which come in order: a cursor that
/// only moves forward, so a block costs time linear in its sentences and mentions.
#[derive(Default)]
struct SentenceCursor {
    at: usize,
}

impl SentenceCursor {
    /// The number of the sentence that holds byte `start`, and its span.
    fn find(&mut self, sentences: &[(usize, usize)], start: usize) -> (u32, (usize, usize)) {
        while self.at + 1 < sentences.len() && sentences[self.at].1 <= start {
            self.at += 1;
        }
        match sentences.get(self.at) {
            Some(&span) => (self.at as u32, span),
            None => (0, (0, usize::MAX)),
        }
    }
}

/// A numbered block (paragraph, heading, tight list item, table) and its plain text.
#[derive(Default)]
struct Block {
    number: u32,
    offset: usize,
    text: String,
    /// (actor, start, end, explicit) in `text`.
    hits: Vec<(ActorIx, usize, usize, bool)>,
}

enum Open {
    Link,
    Wiki { actor: ActorIx, start: usize },
    BrokenWiki,
}

#[derive(Default)]
struct Renderer<'a, 'l> {
    linker: Option<&'l Linker<'l>>,
    anchors: bool,
    out: Vec<Event<'a>>,
    pending: String,
    links: Vec<Open>,
    /// Images rendered as links (external) are `true`.
    images: Vec<bool>,
    items: Vec<bool>,
    /// Inline raw HTML elements open in the current block (`<b>` … `</b>`): no mentions inside.
    raw_tags: Vec<String>,
    code: usize,
    skip_text: bool,
    blocks: Vec<Block>,
    paragraphs: u32,
    mentions: Vec<Mention>,
    problems: Vec<Problem>,
    text_blocks: Vec<TextBlock>,
    /// Sentence numbers used so far.
    sentences: u32,
    /// Where the event being handled starts in the Markdown.
    offset: usize,
    /// Internal links to check once the paragraphs are counted: index in `out`, byte range.
    internal: Vec<(usize, std::ops::Range<usize>)>,
}

impl<'a, 'l> Renderer<'a, 'l> {
    fn linker(&self) -> &'l Linker<'l> {
        self.linker.expect("renderer has a linker")
    }

    fn block(&mut self) -> &mut Block {
        self.blocks.last_mut().expect("the root block stays open")
    }

    fn open_block(&mut self) -> Option<u32> {
        if !self.anchors {
            return None;
        }
        self.paragraphs += 1;
        self.blocks.push(Block {
            number: self.paragraphs,
            offset: self.offset,
            ..Block::default()
        });
        Some(self.paragraphs)
    }

    fn close_block(&mut self) {
        let Some(block) = self.blocks.pop() else {
            return;
        };
        if !block.hits.is_empty() {
            let sentences = sentence_spans(&block.text);
            let mut cursor = SentenceCursor::default();
            for &(actor, start, end, explicit) in &block.hits {
                let (number, span) = cursor.find(&sentences, start);
                self.mentions.push(Mention {
                    actor,
                    paragraph: block.number,
                    sentence: self.sentences + number,
                    explicit,
                    // The block is kept below: a block with a mention has text.
                    block: self.text_blocks.len() as u32,
                    context: context_around(&block.text, span, start, end),
                });
            }
            self.sentences += sentences.len() as u32;
        }
        if !block.text.trim().is_empty() {
            self.text_blocks.push(TextBlock {
                paragraph: block.number,
                offset: block.offset,
                hits: block.hits.iter().map(|h| (h.1, h.2)).collect(),
                text: block.text,
            });
        }
    }

    /// Text inside a link, an image or inline raw HTML is shown as it is, never matched.
    fn verbatim(&self) -> bool {
        !self.links.is_empty() || !self.images.is_empty() || !self.raw_tags.is_empty()
    }

    fn html(&mut self, html: String) {
        self.out.push(Event::Html(CowStr::from(html)));
    }

    fn event(&mut self, event: Event<'a>, range: std::ops::Range<usize>, next_is_paragraph: bool) {
        match event {
            Event::Text(text) => {
                let text = self.without_forbidden_chars(text, &range);
                if self.skip_text {
                } else if self.code > 0 {
                    self.out.push(Event::Text(text));
                } else if self.verbatim() {
                    push_on_one_line(&mut self.block().text, &text);
                    self.out.push(Event::Text(text));
                } else {
                    self.pending.push_str(&text);
                }
            }
            Event::SoftBreak if self.code == 0 && !self.verbatim() => {
                self.pending.push('\n');
            }
            Event::Code(code) => {
                self.flush();
                self.block().text.push_str(&code);
                self.out.push(Event::Code(code));
            }
            Event::Html(raw) => {
                self.flush();
                push_on_one_line(&mut self.block().text, &raw);
                self.out.push(Event::Text(raw));
            }
            Event::InlineHtml(raw) => {
                self.flush();
                track_raw_tag(&mut self.raw_tags, &raw);
                push_on_one_line(&mut self.block().text, &raw);
                self.out.push(Event::Text(raw));
            }
            Event::Start(tag) => self.start(tag, range, next_is_paragraph),
            Event::End(tag) => self.end(tag),
            other => {
                self.flush();
                if matches!(other, Event::SoftBreak | Event::HardBreak) {
                    self.block().text.push(' ');
                }
                self.out.push(other);
            }
        }
    }

    fn start(&mut self, tag: Tag<'a>, range: std::ops::Range<usize>, next_is_paragraph: bool) {
        self.flush();
        match tag {
            Tag::Paragraph => match self.open_block() {
                Some(n) => self.html(format!("<p id=\"p-{n}\">")),
                None => self.out.push(Event::Start(Tag::Paragraph)),
            },
            Tag::Heading { level, .. } => match self.open_block() {
                Some(n) => self.html(format!("<{level} id=\"p-{n}\">")),
                None => self.html(format!("<{level}>")),
            },
            Tag::Item => {
                let numbered = !next_is_paragraph && self.anchors;
                self.items.push(numbered);
                match numbered.then(|| self.open_block()).flatten() {
                    Some(n) => self.html(format!("<li id=\"p-{n}\">")),
                    None => self.out.push(Event::Start(Tag::Item)),
                }
            }
            Tag::Table(alignments) => {
                if let Some(n) = self.open_block() {
                    self.html(format!("<div class=\"table\" id=\"p-{n}\">"));
                }
                self.out.push(Event::Start(Tag::Table(alignments)));
            }
            Tag::TableCell => {
                // Cells of a row read apart in a backlink's context: "Group | Leader".
                let text = &mut self.block().text;
                if !text.is_empty() && !text.ends_with(ROW_END) {
                    text.push_str(" | ");
                }
                self.out.push(Event::Start(Tag::TableCell));
            }
            Tag::HtmlBlock => self.html("<pre class=\"raw-html\"><code>".to_string()),
            Tag::CodeBlock(kind) => {
                self.code += 1;
                self.out.push(Event::Start(Tag::CodeBlock(kind)));
            }
            Tag::Link {
                link_type: LinkType::WikiLink { has_pothole },
                dest_url,
                ..
            } => {
                let linker = self.linker();
                let id = dest_url.trim();
                match linker.index.get(id) {
                    Some(&actor) => {
                        let open = linker.open_mention(actor);
                        self.html(open);
                        let start = self.block().text.len();
                        if !has_pothole {
                            let name = linker.names[actor.get()];
                            self.block().text.push_str(name);
                            self.out.push(Event::Text(CowStr::from(name.to_string())));
                            self.skip_text = true;
                        }
                        self.links.push(Open::Wiki { actor, start });
                    }
                    None if linker.unloaded.contains(id) => self.links.push(Open::BrokenWiki),
                    None => {
                        let hint =
                            match crate::diagnostic::did_you_mean(id, linker.ids.iter().copied()) {
                                Some(close) => format!("; did you mean `{close}`?"),
                                None => String::new(),
                            };
                        self.problems.push(Problem {
                            offset: range.start,
                            len: range.len(),
                            message: format!("unknown actor `{id}` in wikilink{hint}"),
                        });
                        self.links.push(Open::BrokenWiki);
                    }
                }
            }
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => {
                let dest_url = self.checked_url(dest_url, &range);
                self.internal.push((self.out.len(), range.clone()));
                self.links.push(Open::Link);
                self.out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            } => {
                let dest_url = self.checked_url(dest_url, &range);
                let external = classify_url(&dest_url).is_ok_and(UrlKind::is_external);
                self.images.push(external);
                if external {
                    // Nothing is loaded from the network at view time: an external image becomes a link.
                    self.html(format!(
                        "<a class=\"external-image\" href=\"{}\">",
                        escape_html(&dest_url)
                    ));
                } else {
                    self.out.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            other => self.out.push(Event::Start(other)),
        }
    }

    fn end(&mut self, tag: TagEnd) {
        self.flush();
        if matches!(
            tag,
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell
        ) {
            // Inline HTML left open does not reach past its block.
            self.raw_tags.clear();
        }
        match tag {
            TagEnd::TableHead | TagEnd::TableRow => {
                self.block().text.push(ROW_END);
                self.out.push(Event::End(tag));
            }
            TagEnd::Paragraph | TagEnd::Heading(_) => {
                self.out.push(Event::End(tag));
                if self.anchors {
                    self.close_block();
                }
            }
            TagEnd::Item => {
                self.out.push(Event::End(tag));
                if self.items.pop() == Some(true) {
                    self.close_block();
                }
            }
            TagEnd::Table => {
                self.out.push(Event::End(tag));
                if self.anchors {
                    self.html("</div>".to_string());
                    self.close_block();
                }
            }
            TagEnd::HtmlBlock => self.html("</code></pre>\n".to_string()),
            TagEnd::CodeBlock => {
                self.code = self.code.saturating_sub(1);
                self.out.push(Event::End(tag));
            }
            TagEnd::Link => match self.links.pop() {
                Some(Open::Wiki { actor, start }) => {
                    self.skip_text = false;
                    self.html("</a>".to_string());
                    let end = self.block().text.len();
                    self.block().hits.push((actor, start, end, true));
                }
                Some(Open::BrokenWiki) => self.skip_text = false,
                _ => self.out.push(Event::End(tag)),
            },
            TagEnd::Image => {
                if self.images.pop() == Some(true) {
                    self.html("</a>".to_string());
                } else {
                    self.out.push(Event::End(tag));
                }
            }
            other => self.out.push(Event::End(other)),
        }
    }

    /// Checks every internal link (see [`crate::links`]) and writes the URL it becomes.
    fn check_internal_links(&mut self) {
        let Some(linker) = self.linker else { return };
        let known = crate::links::Known {
            sources: linker.sources,
            actors: linker.index,
        };
        for (at, range) in std::mem::take(&mut self.internal) {
            let Some(Event::Start(Tag::Link { dest_url, .. })) = self.out.get_mut(at) else {
                continue;
            };
            match crate::links::internal_link(dest_url, self.paragraphs, known) {
                Ok(None) => {}
                Ok(Some(url)) => *dest_url = CowStr::from(url),
                Err(message) => {
                    *dest_url = CowStr::Borrowed("#");
                    self.problems.push(Problem {
                        offset: range.start,
                        len: range.len(),
                        message,
                    });
                }
            }
        }
    }

    /// Checks a link or image URL; a refused one is reported and replaced by `#`.
    /// A raw control character is refused when its file is read; one written as a numeric
    /// character reference (`&#27;`) first appears here, decoded: a problem at the
    /// reference, and U+FFFD in its place so that no page holds it.
    fn without_forbidden_chars(
        &mut self,
        text: CowStr<'a>,
        range: &std::ops::Range<usize>,
    ) -> CowStr<'a> {
        let Some(c) = text.chars().find(|&c| crate::text::is_forbidden_char(c)) else {
            return text;
        };
        self.problems.push(Problem {
            offset: range.start,
            len: range.len(),
            message: format!(
                "this character reference stands for the control character U+{:04X}, \
                 which is not allowed in content: delete it",
                c as u32
            ),
        });
        let cleaned: String = text
            .chars()
            .map(|c| {
                if crate::text::is_forbidden_char(c) {
                    '\u{FFFD}'
                } else {
                    c
                }
            })
            .collect();
        CowStr::from(cleaned)
    }

    fn checked_url(&mut self, url: CowStr<'a>, range: &std::ops::Range<usize>) -> CowStr<'a> {
        match check_url(&url, UrlUse::Markdown) {
            Ok(()) => url,
            Err(message) => {
                self.problems.push(Problem {
                    offset: range.start,
                    len: range.len(),
                    message,
                });
                CowStr::Borrowed("#")
            }
        }
    }

    /// Matches the pending run of text and emits it with its mentions linked.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let linker = self.linker();
        let hits = linker.matcher.map(|m| m.find(&pending)).unwrap_or_default();
        let base = self.block().text.len();
        push_on_one_line(&mut self.block().text, &pending);
        let mut last = 0;
        for hit in hits {
            if hit.start > last {
                self.out.push(Event::Text(CowStr::from(
                    pending[last..hit.start].to_string(),
                )));
            }
            let open = linker.open_mention(hit.actor);
            self.html(open);
            self.out.push(Event::Text(CowStr::from(
                pending[hit.start..hit.end].to_string(),
            )));
            self.html("</a>".to_string());
            self.block()
                .hits
                .push((hit.actor, base + hit.start, base + hit.end, false));
            last = hit.end;
        }
        if last < pending.len() {
            self.out
                .push(Event::Text(CowStr::from(pending[last..].to_string())));
        }
    }
}

/// Ends a table row in a block's text: a sentence boundary (no other newline stays there).
const ROW_END: char = '\n';

/// HTML elements that never have a closing tag.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Follows one inline raw HTML tag: an opening tag is pushed, a closing one pops back to
/// its opener; comments, void and self-closing elements change nothing.
fn track_raw_tag(open: &mut Vec<String>, raw: &str) {
    let name_of = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase()
    };
    if let Some(rest) = raw.strip_prefix("</") {
        let name = name_of(rest);
        if let Some(at) = open.iter().rposition(|n| *n == name) {
            open.truncate(at);
        }
    } else if let Some(rest) = raw.strip_prefix('<') {
        let name = name_of(rest);
        let self_closing = raw.trim_end().ends_with("/>");
        if !name.is_empty()
            && rest.starts_with(|c: char| c.is_ascii_alphabetic())
            && !self_closing
            && !VOID_ELEMENTS.contains(&name.as_str())
        {
            open.push(name);
        }
    }
}

const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Gen", "Lt", "Col", "Sgt", "Capt", "Maj", "Prof", "St", "Jr", "Sr",
    "No", "vs", "etc", "Inc", "Ltd", "Co", "Gov", "Sen", "Rep", "Adm", "Brig", "Mt", "approx",
];

/// Byte spans of the sentences of a paragraph's text.
fn sentence_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut start = 0;
    let mut at = 0;
    // Every char the split looks at is ASCII, and no byte of a longer char is: the scan
    // goes byte by byte without decoding.
    while let Some(found) = bytes[at..]
        .iter()
        .position(|b| matches!(b, b'\n' | b'.' | b'!' | b'?'))
    {
        let stop = at + found;
        at = stop + 1;
        if bytes[stop] == ROW_END as u8 {
            if stop > start {
                spans.push((start, stop));
            }
            start = at;
            continue;
        }
        if bytes[stop] == b'.' && is_abbreviation(&text[start..stop]) {
            continue;
        }
        let rest = &text[at..];
        let end = at
            + rest
                .find(|c| !matches!(c, '"' | '\'' | '”' | '’' | ')' | '»'))
                .unwrap_or(rest.len());
        let after = &text[end..];
        let space = after
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(after.len());
        let following = after[space..].chars().next();
        if space > 0 && following.is_some_and(|c| !c.is_lowercase()) {
            spans.push((start, end));
            start = end + space;
            at = start;
        }
    }
    if start < text.len() {
        spans.push((start, text.len()));
    }
    spans
}

/// Whether the word before a period is an initial ("U.S", "J") or a common abbreviation.
fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let last = word.rsplit('.').next().unwrap_or("");
    (last.chars().count() == 1 && last.chars().all(char::is_uppercase))
        || ABBREVIATIONS.contains(&word)
}

const CONTEXT_SIDE: usize = 160;

/// The sentence `span` that holds `start..end`, cut to a readable length around the
/// mention. Only the kept window is copied, so a huge sentence costs no more than a short one.
fn context_around(text: &str, span: (usize, usize), start: usize, end: usize) -> Context {
    let s = span.0.min(start);
    let e = span.1.min(text.len()).max(end);
    let offset = |part: &str| (part.as_ptr() as usize - text.as_ptr() as usize) as u32;
    let mut before = text[s..start].trim_start();
    let mut cut_before = false;
    if before.len() > CONTEXT_SIDE {
        let cut = floor_boundary(before, before.len() - CONTEXT_SIDE);
        let cut = before[cut..].find(' ').map_or(cut, |i| cut + i + 1);
        before = &before[cut..];
        cut_before = true;
    }
    let mut after = text[end..e].trim_end();
    let mut cut_after = false;
    if after.len() > CONTEXT_SIDE {
        let cut = floor_boundary(after, CONTEXT_SIDE);
        let cut = after[..cut].rfind(' ').unwrap_or(cut);
        after = &after[..cut];
        cut_after = true;
    }
    Context {
        start: offset(before),
        mention: (start as u32, end as u32),
        end: offset(after) + after.len() as u32,
        cut_before,
        cut_after,
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn pushing_on_one_line_is_replacing_line_breaks_by_spaces(
            start in "[a\n ]{0,3}",
            text in "[a é\n\r]{0,12}",
        ) {
            let mut out = start.clone();
            push_on_one_line(&mut out, &text);
            proptest::prop_assert_eq!(out, start + &text.replace('\n', " "));
        }
    }

    struct Fixture {
        matcher: Matcher,
        index: HashMap<&'static str, ActorIx>,
        ids: Vec<&'static str>,
        names: Vec<&'static str>,
    }

    fn fixture() -> Fixture {
        let ids = vec![
            "hamas",
            "hezbollah",
            "kataib-hezbollah",
            "benjamin-netanyahu",
            "united-states",
        ];
        let names = vec![
            "Hamas",
            "Hezbollah",
            "Kata'ib Hezbollah",
            "Benjamin Netanyahu",
            "United States",
        ];
        let aliases = [
            (0, "Hamas"),
            (1, "Hezbollah"),
            (2, "Hezbollah Brigades in Iraq"),
            (3, "Netanyahu"),
            (3, "Benjamin Netanyahu"),
            (4, "U.S."),
        ];
        Fixture {
            matcher: Matcher::new(aliases.map(|(i, n)| (ActorIx::new(i), n))),
            index: (ids.iter().enumerate())
                .map(|(i, id)| (*id, ActorIx::new(i)))
                .collect(),
            ids,
            names,
        }
    }

    fn run(md: &str) -> Rendered {
        let f = fixture();
        let linker = Linker {
            matcher: Some(&f.matcher),
            index: &f.index,
            ids: &f.ids,
            names: &f.names,
            unloaded: &BTreeSet::new(),
            href_prefix: "../actors/",
            sources: &HashMap::new(),
        };
        render(md, &linker, true)
    }

    /// Mention `k`'s context as text.
    fn context(r: &Rendered, k: usize) -> (String, String, String) {
        let m = &r.mentions[k];
        let (before, text, after) = m.context.parts(&r.blocks[m.block as usize].text);
        (before.into_owned(), text.to_string(), after.into_owned())
    }

    #[test]
    fn a_context_points_into_its_own_block_and_marks_its_cuts() {
        let long = "word ".repeat(60);
        let r = run(&format!(
            "Hamas first.\n\n{long}then Hezbollah met {long}again."
        ));
        assert_eq!(r.mentions.len(), 2);
        assert_eq!(r.mentions[1].block, 1);
        let (before, text, after) = context(&r, 1);
        assert_eq!(text, "Hezbollah");
        assert!(
            before.starts_with("…word") && before.ends_with("then "),
            "{before}"
        );
        assert!(
            after.starts_with(" met word") && after.ends_with("word…"),
            "{after}"
        );
        assert!(before.len() <= CONTEXT_SIDE + "…".len(), "{before}");
    }

    #[test]
    fn links_mentions_and_numbers_paragraphs() {
        let r = run("Hamas met Hezbollah.\n\nThen Netanyahu spoke.");
        assert_eq!(
            r.html,
            "<p id=\"p-1\"><a class=\"mention\" href=\"../actors/hamas.html\">Hamas</a> met \
             <a class=\"mention\" href=\"../actors/hezbollah.html\">Hezbollah</a>.</p>\n\
             <p id=\"p-2\">Then <a class=\"mention\" href=\"../actors/benjamin-netanyahu.html\">Netanyahu</a> spoke.</p>\n"
        );
        let found: Vec<_> = r
            .mentions
            .iter()
            .map(|m| (m.actor.get(), m.paragraph))
            .collect();
        assert_eq!(found, [(0, 1), (1, 1), (3, 2)]);
    }

    #[test]
    fn a_name_broken_across_a_line_is_one_mention() {
        let r = run("Prime Minister Benjamin\nNetanyahu said.");
        assert_eq!(r.mentions.len(), 1);
        assert_eq!(r.mentions[0].actor, ActorIx(3));
        assert_eq!(context(&r, 0).1, "Benjamin Netanyahu");
        assert!(r.html.contains(">Benjamin\nNetanyahu</a>"));
    }

    #[test]
    fn names_between_inline_html_tags_are_not_mentions_but_the_rest_is() {
        let r = run("<br>Hamas, <b>Hezbollah</b>, <img src=x /> Hamas <!-- c --> and <span>Hamas\n\nHezbollah <i>x</I> Hamas");
        let found: Vec<_> = r
            .mentions
            .iter()
            .map(|m| (m.actor.get(), m.paragraph))
            .collect();
        // After a void tag, a comment or a closed element names match again; an unclosed
        // element ends with its paragraph.
        assert_eq!(found, [(0, 1), (0, 1), (1, 2), (0, 2)]);
    }

    #[test]
    fn table_rows_are_sentences_with_their_cells_apart() {
        let r = run("| Group | Leader |\n|---|---|\n| Hamas | x |\n| Hezbollah | y |\n");
        let contexts: Vec<String> = (0..r.mentions.len())
            .map(|k| {
                let (before, text, after) = context(&r, k);
                format!("{before}[{text}]{after}")
            })
            .collect();
        assert_eq!(contexts, ["[Hamas] | x", "[Hezbollah] | y"]);
    }

    #[test]
    fn never_matches_inside_code_links_or_raw_html() {
        let r = run("`Hamas` and [Hezbollah](https://example.org) and <b title=\"Hamas\">x</b>\n\n```\nHamas\n```\n\n<div>Hamas</div>\n");
        assert!(r.mentions.is_empty(), "{:?}", r.mentions);
        assert!(r.html.contains("&lt;b title=\"Hamas\"&gt;"));
        assert!(r.html.contains("&lt;div&gt;Hamas&lt;/div&gt;"));
        assert!(!r.html.contains("<div>"));
        assert!(!r.html.contains("<b "));
    }

    #[test]
    fn longest_alias_wins_in_rendered_text() {
        let r = run("“Hezbollah Brigades in Iraq,” not Hezbollah.");
        let actors: Vec<_> = r.mentions.iter().map(|m| m.actor.get()).collect();
        assert_eq!(actors, [2, 1]);
    }

    #[test]
    fn wikilinks_link_explicitly_and_unknown_ids_are_problems() {
        let r = run("See [[hamas]] and [[hezbollah|the party]] and [[hamaz]].");
        assert!(r
            .html
            .contains("<a class=\"mention\" href=\"../actors/hamas.html\">Hamas</a>"));
        assert!(r
            .html
            .contains("<a class=\"mention\" href=\"../actors/hezbollah.html\">the party</a>"));
        assert_eq!(r.problems.len(), 1);
        assert_eq!(
            r.problems[0].message,
            "unknown actor `hamaz` in wikilink; did you mean `hamas`?"
        );
        assert_eq!(r.problems[0].offset, 46);
        let explicit: Vec<_> = r
            .mentions
            .iter()
            .map(|m| (m.actor.get(), m.explicit))
            .collect();
        assert_eq!(explicit, [(0, true), (1, true)]);
    }

    #[test]
    fn refuses_script_urls_in_links_and_images() {
        let r = run("[x](javascript:alert(1)) ![y](DATA:image/png;base64,xx)");
        assert_eq!(r.problems.len(), 2);
        assert!(!r.html.to_lowercase().contains("javascript:"));
        assert!(!r.html.to_lowercase().contains("data:"));
    }

    #[test]
    fn external_images_become_links() {
        let r = run("![a map](https://example.org/map.png)");
        assert!(r.html.contains(
            "<a class=\"external-image\" href=\"https://example.org/map.png\">a map</a>"
        ));
        assert!(!r.html.contains("<img"));
    }

    #[test]
    fn context_is_the_sentence_around_the_mention() {
        let r = run("First sentence here. U.S. Secretary of State met Hamas in Doha. Last one.");
        let hamas = r.mentions.iter().position(|m| m.actor.get() == 0).unwrap();
        assert_eq!(
            context(&r, hamas),
            (
                "U.S. Secretary of State met ".to_string(),
                "Hamas".to_string(),
                " in Doha.".to_string()
            )
        );
    }

    #[test]
    fn tight_list_items_get_their_own_anchor() {
        let r = run("- Hamas\n- Hezbollah\n");
        assert!(r.html.contains("<li id=\"p-1\">"));
        assert!(r.html.contains("<li id=\"p-2\">"));
        let found: Vec<_> = r
            .mentions
            .iter()
            .map(|m| (m.actor.get(), m.paragraph))
            .collect();
        assert_eq!(found, [(0, 1), (1, 2)]);
    }
    /// The first version of `sentence_spans`, which collected every char with its offset
    /// first: the reference the streaming one is checked against.
    fn sentence_spans_by_char_vector(text: &str) -> Vec<(usize, usize)> {
        let mut spans = Vec::new();
        let mut start = 0;
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let (at, c) = chars[i];
            if c == ROW_END {
                if at > start {
                    spans.push((start, at));
                }
                start = at + 1;
                i += 1;
                continue;
            }
            if matches!(c, '.' | '!' | '?') && !(c == '.' && is_abbreviation(&text[start..at])) {
                let mut j = i + 1;
                while j < chars.len() && matches!(chars[j].1, '"' | '\'' | '”' | '’' | ')' | '»')
                {
                    j += 1;
                }
                let end = chars.get(j).map_or(text.len(), |&(b, _)| b);
                let mut k = j;
                while k < chars.len() && chars[k].1.is_whitespace() {
                    k += 1;
                }
                let next = chars.get(k).map(|&(_, c)| c);
                if k > j && next.is_some_and(|c| !c.is_lowercase()) {
                    spans.push((start, end));
                    start = chars[k].0;
                    i = k;
                    continue;
                }
            }
            i += 1;
        }
        if start < text.len() {
            spans.push((start, text.len()));
        }
        spans
    }

    proptest::proptest! {
        /// Sentences found without a vector of chars are the ones the char vector found, on
        /// text made of the characters the splitter looks at.
        #[test]
        fn sentence_spans_equal_the_char_vector_version(
            text in "([a-zA-Z]{1,3}|[ \u{a0}\n\t]|[.!?\"'”’)»(]|U\\.S|Mr|Dr\\.|é|É|ß){0,60}"
        ) {
            proptest::prop_assert_eq!(sentence_spans(&text), sentence_spans_by_char_vector(&text));
        }
    }
}
