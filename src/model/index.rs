//! Typed indices into the site's lists, and the map from ids to them, built once.

use std::collections::HashMap;

use super::{Actor, Outlet, Site, Source};

macro_rules! typed_index {
    ($(#[$doc:meta])* $name:ident => $item:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub u32);

        impl $name {
            pub fn new(i: usize) -> Self {
                $name(u32::try_from(i).expect("fewer than 2^32 items"))
            }

            pub fn get(self) -> usize {
                self.0 as usize
            }

            /// Every index of a list of `len` items, in order.
            pub fn all(len: usize) -> impl DoubleEndedIterator<Item = Self> + ExactSizeIterator {
                (0..len).map(Self::new)
            }
        }

        impl<T> std::ops::Index<$name> for [T]
        where
            [T]: Indexed<$name>,
        {
            type Output = T;
            fn index(&self, i: $name) -> &T {
                &self[i.get()]
            }
        }

        impl<T> std::ops::Index<$name> for Vec<T>
        where
            [T]: Indexed<$name>,
        {
            type Output = T;
            fn index(&self, i: $name) -> &T {
                &self[i.get()]
            }
        }

        impl<T> std::ops::IndexMut<$name> for Vec<T>
        where
            [T]: Indexed<$name>,
        {
            fn index_mut(&mut self, i: $name) -> &mut T {
                &mut self[i.get()]
            }
        }

        impl Indexed<$name> for [$item] {}
    };
}

/// Marks the lists a typed index may index, so an `ActorIx` cannot index sources.
pub trait Indexed<I> {}

typed_index!(
    /// An actor: its place in `Site::actors` and in every per-actor list.
    ActorIx => Actor
);
typed_index!(
    /// A source: its place in `Site::sources` and in every per-source list.
    SourceIx => Source
);
typed_index!(
    /// An outlet: its place in `Site::outlets` and in every per-outlet list.
    OutletIx => Outlet
);

/// Declares that a per-entity list (of resolve's or render's results) is indexed by `I`.
#[macro_export]
macro_rules! indexed_by {
    ($item:ty => $ix:ty) => {
        impl $crate::model::Indexed<$ix> for [$item] {}
    };
}

/// The ids of a site, each mapped to its index.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub actors: HashMap<String, ActorIx>,
    pub sources: HashMap<String, SourceIx>,
    pub outlets: HashMap<String, OutletIx>,
}

impl Index {
    pub fn new(site: &Site) -> Self {
        Index {
            actors: (site.actors.iter().enumerate())
                .map(|(i, a)| (a.id.clone(), ActorIx::new(i)))
                .collect(),
            sources: (site.sources.iter().enumerate())
                .map(|(i, s)| (s.id.clone(), SourceIx::new(i)))
                .collect(),
            outlets: (site.outlets.iter().enumerate())
                .map(|(i, o)| (o.id.clone(), OutletIx::new(i)))
                .collect(),
        }
    }

    pub fn actor(&self, id: &str) -> Option<ActorIx> {
        self.actors.get(id).copied()
    }

    pub fn source(&self, id: &str) -> Option<SourceIx> {
        self.sources.get(id).copied()
    }

    pub fn outlet(&self, id: &str) -> Option<OutletIx> {
        self.outlets.get(id).copied()
    }
}
