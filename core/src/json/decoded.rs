//! Reading past bad values. Backends hold what plugins and imports gave them, so one bad
//! value must not cost a reader a whole section: a decoder collects [`Warnings`] as it
//! reads, leaves out an optional value that is bad or a record that cannot be read, and
//! gives the rest with its warnings, as [`Decoded`].

use crate::error::{LeftOut, Record, ShapeError, Warning};

use super::Node;

type Result<T> = std::result::Result<T, ShapeError>;

/// What a decoder read, and the warnings of what it left out to read it.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded<T> {
    pub value: T,
    pub warnings: Vec<Warning>,
}

impl<T> Decoded<T> {
    pub fn map<U>(self, change: impl FnOnce(T) -> U) -> Decoded<U> {
        Decoded { value: change(self.value), warnings: self.warnings }
    }
}

/// The warnings of one answer, collected while a decoder reads it.
#[derive(Debug, Default)]
pub struct Warnings(Vec<Warning>);

impl Warnings {
    /// An optional value as read: a bad one is left out (`None`) with a warning.
    pub fn optional<T>(&mut self, read: Result<Option<T>>) -> Option<T> {
        read.unwrap_or_else(|problem| {
            self.left_out(problem, LeftOut::Value, self.0.len());
            None
        })
    }

    /// A record read with `read`: one that cannot be read is left out (`None`) with one
    /// warning, that of its fault; the warnings of its own values go with it.
    pub fn record<T>(&mut self, record: Record, node: &Node, read: impl FnOnce(&mut Warnings) -> Result<T>) -> Option<T> {
        let before = self.0.len();
        read(self)
            .map_err(|problem| self.left_out(problem, LeftOut::Record { record, path: node.path().to_owned() }, before))
            .ok()
    }

    /// Not generic, so that the decoders share one copy: the warnings since `since` go,
    /// and this one comes.
    fn left_out(&mut self, problem: ShapeError, left_out: LeftOut, since: usize) {
        self.0.truncate(since);
        self.0.push(Warning { problem, left_out });
    }

    /// An optional record: `None` when absent, else as [`Warnings::record`].
    pub fn optional_record<T>(&mut self, record: Record, node: &Node, read: impl FnOnce(&Node, &mut Warnings) -> Result<T>) -> Option<T> {
        if node.is_absent() { None } else { self.record(record, node, |warnings| read(node, warnings)) }
    }

    /// The elements of the list at `list` that read as records; a list that is not one
    /// is an error.
    pub fn records<'a, T>(&mut self, record: Record, list: &Node<'a>, read: impl Fn(&Node<'a>, &mut Warnings) -> Result<T>) -> Result<Vec<T>> {
        Ok(list.items()?.iter().filter_map(|item| self.record(record, item, |warnings| read(item, warnings))).collect())
    }

    /// How many records of this kind were left out.
    pub fn skipped(&self, record: Record) -> u64 {
        let of_kind = |warning: &&Warning| matches!(&warning.left_out, LeftOut::Record { record: r, .. } if *r == record);
        self.0.iter().filter(of_kind).count() as u64
    }

    pub(super) fn into_vec(self) -> Vec<Warning> {
        self.0
    }
}
