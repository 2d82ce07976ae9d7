//! The largest pairing indexes of an image (fields, oneofs, enum values, methods), kept as one
//! sorted vector of elements whose key each element derives from itself.
//!
//! Memory: a large comparison has millions of fields. In a `BTreeMap` each costs its key (a
//! shared name and a number, 24 bytes, a copy of what the element holds already) and the slack
//! of half-filled tree nodes; sorted once after the walk, a vector holds the element alone.
//! These indexes are only walked in key order (pairing is a merge of two sorted lists) and
//! never looked up by key while they are built, so nothing needs the tree.

/// An element that knows the key buf pairs it by.
pub trait Keyed {
    type Key<'k>: Ord
    where
        Self: 'k;
    fn key(&self) -> Self::Key<'_>;
}

/// Elements sorted by [`Keyed::key`], one per key.
pub struct Sorted<T> {
    items: Vec<T>,
}

impl<T> Default for Sorted<T> {
    fn default() -> Self {
        Sorted { items: Vec::new() }
    }
}

impl<T: Keyed> Sorted<T> {
    /// Adds an element while the index is built; [`Sorted::finish`] puts them in order.
    pub fn push(&mut self, item: T) {
        self.items.push(item);
    }

    /// Room for `additional` more elements, allocated once: grown by doubling, the vector of a
    /// large image's fields had up to twice the room it needed.
    pub fn reserve(&mut self, additional: usize) {
        self.items.reserve_exact(additional);
    }

    /// Sorts by key. Of elements with the same key, the one pushed last stays, as a map's
    /// `insert` would leave it. In place: no second vector of every element.
    pub fn finish(&mut self) {
        // Stable: equal keys stay in the order they were pushed.
        self.items.sort_by(|a, b| a.key().cmp(&b.key()));
        let items = &mut self.items;
        let mut kept = 0;
        for i in 0..items.len() {
            if i + 1 < items.len() && items[i + 1].key() == items[i].key() {
                continue;
            }
            items.swap(kept, i);
            kept += 1;
        }
        items.truncate(kept);
    }

    /// The elements in key order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
}

/// The pairs of elements with the same key in `old` and `new`, in key order.
pub fn join<'i, T: Keyed>(old: &'i Sorted<T>, new: &'i Sorted<T>) -> Vec<(&'i T, &'i T)> {
    use std::cmp::Ordering;
    let mut out = Vec::new();
    let (mut o, mut n) = (old.iter().peekable(), new.iter().peekable());
    while let (Some(ov), Some(nv)) = (o.peek(), n.peek()) {
        match ov.key().cmp(&nv.key()) {
            Ordering::Less => {
                o.next();
            }
            Ordering::Greater => {
                n.next();
            }
            Ordering::Equal => {
                out.push((*ov, *nv));
                o.next();
                n.next();
            }
        }
    }
    out
}

// The keys of the image's elements (see `super::image`).
use super::image::{EnumValue, Field, Method, Oneof};
impl Keyed for Field<'_> {
    type Key<'k>
        = (&'k str, i32)
    where
        Self: 'k;
    fn key(&self) -> (&str, i32) {
        (&self.parent_full_name, self.proto.number())
    }
}

impl Keyed for Oneof<'_> {
    type Key<'k>
        = (&'k str, &'k str)
    where
        Self: 'k;
    fn key(&self) -> (&str, &str) {
        (&self.message_full_name, self.proto.name())
    }
}

impl Keyed for EnumValue<'_> {
    type Key<'k>
        = (&'k str, i32)
    where
        Self: 'k;
    fn key(&self) -> (&str, i32) {
        (&self.enum_full_name, self.proto.number())
    }
}

/// The values of one enum with one number (never empty).
impl Keyed for Vec<EnumValue<'_>> {
    type Key<'k>
        = (&'k str, i32)
    where
        Self: 'k;
    fn key(&self) -> (&str, i32) {
        self.first().map_or(("", 0), |v| v.key())
    }
}

impl Keyed for Method<'_> {
    type Key<'k>
        = (&'k str, &'k str)
    where
        Self: 'k;
    fn key(&self) -> (&str, &str) {
        (&self.service_full_name, self.proto.name())
    }
}

/// How many elements of each kind an image's files declare, to size its indexes once.
#[derive(Default)]
pub struct Counts {
    pub fields: usize,
    pub oneofs: usize,
    pub values: usize,
    pub methods: usize,
}

impl Counts {
    pub fn add_file(mut self, file: &prost_types::FileDescriptorProto) -> Counts {
        fn message(c: &mut Counts, m: &prost_types::DescriptorProto) {
            c.fields += m.field.len();
            c.oneofs += m.oneof_decl.len();
            c.values += m.enum_type.iter().map(|e| e.value.len()).sum::<usize>();
            m.nested_type.iter().for_each(|n| message(c, n));
        }
        file.message_type.iter().for_each(|m| message(&mut self, m));
        self.values += file.enum_type.iter().map(|e| e.value.len()).sum::<usize>();
        self.methods += file.service.iter().map(|s| s.method.len()).sum::<usize>();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::{join, Keyed, Sorted};

    struct Item(&'static str, i32, char);
    impl Keyed for Item {
        type Key<'k> = (&'k str, i32);
        fn key(&self) -> (&str, i32) {
            (self.0, self.1)
        }
    }

    fn index(items: Vec<Item>) -> Sorted<Item> {
        let mut sorted = Sorted::default();
        for item in items {
            sorted.push(item);
        }
        sorted.finish();
        sorted
    }

    #[test]
    fn sorts_keeps_the_last_of_a_key_and_joins() {
        let old = index(vec![
            Item("b", 1, 'x'),
            Item("a", 2, 'y'),
            Item("a", 2, 'z'),
            Item("a", 1, 'w'),
        ]);
        let got: Vec<char> = old.iter().map(|i| i.2).collect();
        assert_eq!(got, ['w', 'z', 'x']);
        let new = index(vec![
            Item("c", 1, 'c'),
            Item("b", 1, 'b'),
            Item("a", 2, 'a'),
        ]);
        let pairs: Vec<(char, char)> = join(&old, &new).iter().map(|(o, n)| (o.2, n.2)).collect();
        assert_eq!(pairs, [('z', 'a'), ('x', 'b')]);
    }
}
