//! `options!`: how every area declares its options structs, so that each is
//! a list of fields with their docs and nothing else.
//!
//! A struct declared with it derives `Clone` and `Debug`, is `#[must_use]`,
//! has `Default`, fields the crate reads (`pub(crate)`), and one chainable
//! setter per field, documented with the field's doc. Field kinds:
//! - `flag` (`bool`, off unless `= true` is given): `fn name(self, bool)`;
//! - `opt<T>` (`Option<T>`, unset): `fn name(self, impl Into<T>)`;
//! - `value<T>` (`T`, its `Default` unless `= value` is given):
//!   `fn name(self, T)`;
//! - `field<T>` (`T`, its `Default`): no setter (the area writes its own,
//!   as for filters).
//!
//! ```ignore
//! options! {
//!     /// Options for [`Containers::remove`].
//!     pub struct RemoveOptions {
//!         /// Kill it first if it is running.
//!         force: flag,
//!         /// The signal to stop with.
//!         signal: opt<String>,
//!     }
//! }
//! ```

macro_rules! options {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fdoc:meta])*
                $field:ident: $kind:ident $(<$ty:ty>)? $(= $default:expr)?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug)]
        #[must_use]
        pub struct $name {
            $(pub(crate) $field: $crate::options::options!(@type $kind $(<$ty>)?),)*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $($field: $crate::options::options!(@default $kind $(= $default)?),)* }
            }
        }

        impl $name {
            $($crate::options::options!(@setter [$(#[$fdoc])*] $field $kind $(<$ty>)?);)*
        }
    };
    (@type flag) => { bool };
    (@type opt<$ty:ty>) => { ::std::option::Option<$ty> };
    (@type value<$ty:ty>) => { $ty };
    (@type field<$ty:ty>) => { $ty };
    (@default flag) => { false };
    (@default flag = $d:expr) => { $d };
    (@default $kind:ident = $d:expr) => { $d };
    (@default $kind:ident) => { ::std::default::Default::default() };
    (@setter [$(#[$doc:meta])*] $field:ident flag) => {
        $(#[$doc])*
        pub fn $field(mut self, yes: bool) -> Self {
            self.$field = yes;
            self
        }
    };
    (@setter [$(#[$doc:meta])*] $field:ident opt<$ty:ty>) => {
        $(#[$doc])*
        pub fn $field(mut self, value: impl Into<$ty>) -> Self {
            self.$field = Some(value.into());
            self
        }
    };
    (@setter [$(#[$doc:meta])*] $field:ident value<$ty:ty>) => {
        $(#[$doc])*
        pub fn $field(mut self, value: $ty) -> Self {
            self.$field = value;
            self
        }
    };
    (@setter [$(#[$doc:meta])*] $field:ident field<$ty:ty>) => {};
}

pub(crate) use options;

#[cfg(test)]
mod tests {
    options! {
        /// A probe.
        pub struct Probe {
            /// A flag.
            on: flag,
            /// A flag on by default.
            loud: flag = true,
            /// An optional value.
            name: opt<String>,
            /// A value.
            count: value<u32>,
            /// Set by hand.
            hidden: field<Vec<u8>>,
        }
    }

    #[test]
    fn fields_defaults_and_setters() {
        let p = Probe::default();
        assert!(!p.on && p.loud && p.name.is_none() && p.count == 0 && p.hidden.is_empty());
        let p = Probe::default().on(true).loud(false).name("x").count(3);
        assert!(p.on && !p.loud);
        assert_eq!((p.name.as_deref(), p.count), (Some("x"), 3));
    }
}
