//! Figures, percentiles, and how they are printed.

use std::time::Duration;

use serde_json::{Map, Value, json};

/// One measured configuration: a name, its parameters and its numbers.
#[derive(Debug, Clone)]
pub struct Figure {
    /// The benchmark's name.
    pub bench: &'static str,
    /// Parameters and results, in print order.
    pub fields: Vec<(&'static str, Value)>,
}

impl Figure {
    /// A figure with no fields yet.
    pub fn new(bench: &'static str) -> Figure {
        Figure {
            bench,
            fields: Vec::new(),
        }
    }

    /// Adds a parameter or result, printed in the order added.
    pub fn with(mut self, key: &'static str, value: impl Into<Value>) -> Figure {
        self.fields.push((key, value.into()));
        self
    }

    /// The field `key` as a number, if it is one.
    pub fn get_f64(&self, key: &str) -> Option<f64> {
        self.fields
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, v)| v.as_f64())
    }

    fn json(&self) -> String {
        let mut map = Map::new();
        map.insert("bench".into(), json!(self.bench));
        for (k, v) in &self.fields {
            map.insert((*k).into(), v.clone());
        }
        Value::Object(map).to_string()
    }

    fn line(&self) -> String {
        let mut out = format!("{:<10}", self.bench);
        for (k, v) in &self.fields {
            let v = match v {
                Value::Number(n) => match n.as_f64() {
                    Some(f) if f.fract() != 0.0 => format!("{f:.1}"),
                    _ => n.to_string(),
                },
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.push_str(&format!("  {k}={v}"));
        }
        out
    }
}

/// Everything measured in one run.
#[derive(Debug, Default)]
pub struct Report {
    /// What was measured, in order.
    pub figures: Vec<Figure>,
    json: bool,
}

impl Report {
    /// An empty report, printed as JSON lines if `json`, else as tables.
    pub fn new(json: bool) -> Report {
        Report {
            figures: Vec::new(),
            json,
        }
    }

    /// Prints what machine the figures come from.
    pub fn machine(&mut self) {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0);
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split(':').nth(1))
                    .map(|s| s.trim().to_string())
            })
            .unwrap_or_else(|| "unknown CPU".into());
        let fig = Figure::new("machine")
            .with("cores", cores as u64)
            .with("cpu", cpu)
            .with(
                "build",
                if cfg!(debug_assertions) {
                    "debug"
                } else {
                    "release"
                },
            );
        if cfg!(debug_assertions) && !self.json {
            eprintln!(
                "warning: this is a debug build; run `cargo run --release -- bench` for real figures"
            );
        }
        self.add(fig);
    }

    /// Prints `fig` at once and keeps it.
    pub fn add(&mut self, fig: Figure) {
        if self.json {
            println!("{}", fig.json());
        } else {
            println!("{}", fig.line());
        }
        self.figures.push(fig);
    }
}

/// Percentiles of a set of durations, in microseconds.
pub struct Percentiles {
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
}

impl Percentiles {
    pub fn of(samples: &mut [Duration]) -> Percentiles {
        if samples.is_empty() {
            return Percentiles {
                p50: f64::NAN,
                p99: f64::NAN,
                max: f64::NAN,
            };
        }
        samples.sort_unstable();
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        let at = |q: f64| {
            let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
            us(samples[i])
        };
        Percentiles {
            p50: at(0.50),
            p99: at(0.99),
            max: us(samples[samples.len() - 1]),
        }
    }
}

/// Rounds to one decimal for printing.
pub fn r1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_right_samples() {
        let mut s: Vec<Duration> = (1..=100).map(Duration::from_micros).collect();
        let p = Percentiles::of(&mut s);
        assert_eq!(p.p50, 51.0);
        assert_eq!(p.p99, 99.0);
        assert_eq!(p.max, 100.0);
    }
}
