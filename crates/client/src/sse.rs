//! An incremental parser for `text/event-stream` (server-sent events).

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` field (`None` is the default `message`).
    pub event: Option<String>,
    /// The `id:` field: the sequence to resume after.
    pub id: Option<String>,
    /// The `data:` lines, joined by newlines.
    pub data: String,
}

/// Feeds on arbitrary chunks (a chunk may end mid-line or mid-character)
/// and yields complete events, per the WHATWG event-stream rules that
/// matter here: `event`, `id`, `data` (joined with newlines), comments
/// ignored, a blank line dispatches.
#[derive(Debug, Default)]
pub struct SseParser {
    buf: Vec<u8>,
    current: SseEvent,
    has_data: bool,
}

impl SseParser {
    /// Reads the next chunk and returns the events it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        self.buf.extend_from_slice(chunk);
        let mut out = Vec::new();
        let mut start = 0;
        while let Some(pos) = self.buf[start..].iter().position(|&b| b == b'\n') {
            let end = start + pos;
            let mut line = &self.buf[start..end];
            if line.last() == Some(&b'\r') {
                line = &line[..line.len() - 1];
            }
            let line = String::from_utf8_lossy(line).into_owned();
            start = end + 1;
            self.line(&line, &mut out);
        }
        self.buf.drain(..start);
        out
    }

    fn line(&mut self, line: &str, out: &mut Vec<SseEvent>) {
        if line.is_empty() {
            if self.has_data {
                out.push(std::mem::take(&mut self.current));
            }
            self.current = SseEvent::default();
            self.has_data = false;
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "event" => self.current.event = Some(value.to_string()),
            "id" => self.current.id = Some(value.to_string()),
            "data" => {
                if self.has_data {
                    self.current.data.push('\n');
                }
                self.current.data.push_str(value);
                self.has_data = true;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_chunks_are_reassembled() {
        let mut p = SseParser::default();
        assert!(p.feed(b": keep-alive\n\nid: 7\nevent: st").is_empty());
        let evs = p.feed(b"ory\ndata: {\"a\":1}\n\n");
        assert_eq!(
            evs,
            vec![SseEvent {
                event: Some("story".into()),
                id: Some("7".into()),
                data: "{\"a\":1}".into()
            }]
        );
    }

    #[test]
    fn multi_line_data_and_crlf() {
        let mut p = SseParser::default();
        let evs = p.feed(b"data: a\r\ndata: b\r\n\r\n");
        assert_eq!(evs[0].data, "a\nb");
    }
}
