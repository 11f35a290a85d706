//! String enums of the Engine API, open to values newer than the description.

use std::marker::PhantomData;

#[allow(clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/open_enums.rs"));
}
pub use generated::*;

/// Decodes an open enum from a borrowed or owned string without an extra
/// allocation for known values.
pub(crate) struct OpenEnumVisitor<T>(PhantomData<T>);

impl<T> OpenEnumVisitor<T> {
    pub(crate) fn new() -> Self {
        OpenEnumVisitor(PhantomData)
    }
}

impl<T> serde::de::Visitor<'_> for OpenEnumVisitor<T>
where
    T: for<'a> From<&'a str> + From<String>,
{
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::from(v))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<T, E> {
        Ok(T::from(v))
    }
}
