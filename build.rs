//! Generates the raw endpoint crate from `spec/`.
//!
//! Writes four files into `OUT_DIR`, included by `generated/lib.rs`:
//! - `progenitor.rs`: the client and its types, from `spec/engine-api.json`;
//! - `operations.rs`: what callers need to know about each operation (its
//!   id, method, path, parameters, body and kind of answer), from the
//!   description and the generated methods, so that nobody types it again;
//! - `open_enums.rs`: every named string enum of the description, with an
//!   `Other(String)` case so that values newer than the description decode;
//!   progenitor is told to use these in place of its own closed enums;
//! - `version_table.rs`: `spec/versions.json` as sorted static slices.
//!
//! Fixes to the description belong in `xtask/src/rules.rs`, which writes
//! `spec/`. The one thing decided here per operation is generator setup,
//! not description: which protocol an operation that switches protocols
//! asks for ([`UPGRADES`]).
//!
//! Every pass states the sites it must change and fails the build when one
//! is missing or extra, so a progenitor upgrade that changes its output
//! cannot make a pass go silent.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use progenitor_impl::{
    GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl,
};
use serde_json::Value;

const SPEC: &str = "spec/engine-api.json";
const VERSIONS: &str = "spec/versions.json";

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed={VERSIONS}");
    println!("cargo:rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));

    let text = read(SPEC);
    let raw: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{SPEC}: {e}"));
    let mut for_progenitor = raw.clone();
    mark_upgrades_for_progenitor(&mut for_progenitor);
    let spec: openapiv3::OpenAPI =
        serde_json::from_value(for_progenitor).unwrap_or_else(|e| panic!("{SPEC}: {e}"));

    let enums = string_enums(&raw);
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        .with_derive("PartialEq")
        // Requests go through `crate::exec::Executor` (generated/exec.rs),
        // which implements the hooks: reqwest, or a transport given first.
        .with_inner_type(quote::quote!(crate::exec::Executor))
        .with_hooks(HooksMode::Expected);
    for e in &enums {
        let mut impls = vec![TypeImpl::Display, TypeImpl::FromStr];
        if e.default.is_some() {
            impls.push(TypeImpl::Default);
        }
        settings.with_replacement(
            &e.name,
            format!("crate::enums::{}", e.name),
            impls.into_iter(),
        );
    }
    // Timestamps stay strings: engines send forms (zero times, no zone,
    // nanoseconds) that a strict parser rejects, and one bad timestamp must
    // not fail a whole answer.
    settings.with_conversion(
        schemars_string_format("date-time"),
        "::std::string::String",
        [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
    );
    let mut generator = Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&spec)
        .unwrap_or_else(|e| panic!("progenitor could not generate the client from {SPEC}: {e}"));
    let mut file: syn::File = syn::parse2(tokens).expect("progenitor emits valid Rust");
    derive_default_for_optional_structs(&mut file);
    direct_deserialize_for_open_structs(&mut file);
    json_answers_through_body_module(&mut file);
    no_api_version_header(&mut file);
    let methods = operation_ids_upstream(&mut file, &raw);
    hijack_headers(&mut file);
    let table: Value =
        serde_json::from_str(&read(VERSIONS)).unwrap_or_else(|e| panic!("{VERSIONS}: {e}"));
    document(&mut file, &raw, &table);
    write(&out.join("progenitor.rs"), &prettyplease::unparse(&file));
    write(
        &out.join("operations.rs"),
        &operations_table(&raw, &methods),
    );

    write(&out.join("open_enums.rs"), &open_enums(&enums));

    write(&out.join("version_table.rs"), &version_table(&table));
}

/// typify derives `Default` only when every field has one, and the `extra`
/// map that keeps unknown fields counts as a required field to it. A struct
/// whose fields are all `Option`s (plus `extra`) gets `#[derive(Default)]`
/// here, so that `Body { image: Some(..), ..Default::default() }` works.
fn derive_default_for_optional_structs(file: &mut syn::File) {
    let is_optional = |field: &syn::Field| {
        if field.ident.as_ref().is_some_and(|i| i == "extra") {
            return true;
        }
        matches!(&field.ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
    };
    let derives_default = |s: &syn::ItemStruct| {
        s.attrs.iter().any(|a| {
            a.path().is_ident("derive")
                && quote::ToTokens::to_token_stream(a)
                    .to_string()
                    .contains("Default")
        })
    };
    let mut added = 0;
    for item in types_module(file).iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(fields) = &s.fields else {
            continue;
        };
        if !derives_default(s) && fields.named.iter().all(is_optional) {
            s.attrs.push(syn::parse_quote!(#[derive(Default)]));
            added += 1;
        }
    }
    // Sites: the request bodies the SDK builds with `..Default::default()`
    // are among them (a typify that derives it itself makes the pass stale).
    assert!(
        added > 0,
        "typify now derives Default for optional structs: drop this pass"
    );
    for item in types_module(file).iter() {
        let syn::Item::Struct(s) = item else { continue };
        if ["ContainerCreateBody", "HostConfig", "ExecStartBody"]
            .contains(&s.ident.to_string().as_str())
        {
            assert!(derives_default(s), "{} must derive Default", s.ident);
        }
    }
}

/// Every JSON answer is read by `crate::body::json` (a reused buffer, one
/// UTF-8 check) instead of progenitor's `ResponseValue::from_response`;
/// same signature, same errors.
fn json_answers_through_body_module(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;
    struct Rewrite(usize, usize);
    impl VisitMut for Rewrite {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            syn::visit_mut::visit_expr_call_mut(self, call);
            if let syn::Expr::Path(p) = &*call.func {
                let segments: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                if segments == ["ResponseValue", "from_response"] {
                    *call.func = syn::parse_quote!(crate::body::json);
                    self.0 += 1;
                }
                // An error answer (`Error::ErrorResponse(..)`) is read with a
                // small limit of its own (an engine's message is a line).
                if segments.last().is_some_and(|s| s == "ErrorResponse") {
                    if let Some(arg) = call.args.first_mut() {
                        let text = quote::ToTokens::to_token_stream(&*arg).to_string();
                        if text.contains("crate :: body :: json (response)") {
                            *arg = syn::parse_quote!(crate::body::error_json(response).await?);
                            self.1 += 1;
                        }
                    }
                }
            }
        }
    }
    let mut rewrite = Rewrite(0, 0);
    rewrite.visit_file_mut(file);
    assert!(
        rewrite.0 > 100,
        "expected progenitor to decode JSON answers with ResponseValue::from_response"
    );
    assert!(
        rewrite.1 > 100,
        "expected progenitor's error answers as Error::ErrorResponse(from_response(..))"
    );
    // Postcondition: every method answering JSON reads it through body::json
    // (checked per method in `operation_ids_upstream`), and nothing else
    // decodes with from_response.
    let text = quote::ToTokens::to_token_stream(&*file).to_string();
    assert!(
        !text.contains("from_response"),
        "a from_response call was left"
    );
}

/// progenitor sends the description's version (`info.version`, the newest
/// API) in an `api-version` header on every request. The Engine does not
/// read it, and the version a request is for is the one in its path, which
/// negotiation chooses: a header naming another would only mislead a proxy
/// or a reader of a capture. Its insertion is removed from every method.
fn no_api_version_header(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;
    struct Strip(usize);
    impl VisitMut for Strip {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            syn::visit_mut::visit_block_mut(self, block);
            let before = block.stmts.len();
            block.stmts.retain(|stmt| {
                let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
                    return true;
                };
                let names_header = call.args.first().is_some_and(|arg| {
                    quote::ToTokens::to_token_stream(arg)
                        .to_string()
                        .contains("\"api-version\"")
                });
                !(call.method == "append" && names_header)
            });
            self.0 += before - block.stmts.len();
        }
    }
    let methods = client_methods(file)
        .filter(|f| operation_info_literal(f).is_some())
        .count();
    let mut strip = Strip(0);
    strip.visit_file_mut(file);
    assert_eq!(
        strip.0, methods,
        "expected progenitor to add one api-version header in each of the {methods} methods"
    );
}

/// The items of the generated `mod types`.
fn types_module(file: &mut syn::File) -> &mut Vec<syn::Item> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .expect("progenitor emits `mod types`")
}

/// typify keeps unknown fields with `#[serde(flatten)] extra`, which makes
/// serde buffer every object into an intermediate tree before decoding it:
/// several times slower than a plain struct. For each struct with `extra`
/// this replaces the derived `Deserialize` with one that decodes known
/// fields straight into their types and only unknown ones into `extra`.
/// Missing `Option` fields are `None`; a missing non-`Option` field is an
/// error, as with the derive.
fn direct_deserialize_for_open_structs(file: &mut syn::File) {
    use quote::{format_ident, quote};
    use syn::punctuated::Punctuated;

    let mut impls = Vec::new();
    let mut required_nullable = 0;
    let items = types_module(file);
    for item in items.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(fields) = &s.fields else {
            continue;
        };
        let has_extra = fields
            .named
            .iter()
            .any(|f| f.ident.as_ref().is_some_and(|i| i == "extra"));
        if !has_extra {
            continue;
        }
        // Drop `Deserialize` from the derive list.
        let mut derives_deserialize = false;
        for attr in &mut s.attrs {
            if !attr.path().is_ident("derive") {
                continue;
            }
            let paths = attr
                .parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                .expect("derive list");
            let kept: Vec<&syn::Path> = paths
                .iter()
                .filter(|p| {
                    let is_de = p.segments.last().is_some_and(|s| s.ident == "Deserialize");
                    derives_deserialize |= is_de;
                    !is_de
                })
                .collect();
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
        if !derives_deserialize {
            continue;
        }
        let name = &s.ident;
        let mut slots = Vec::new();
        let mut arms = Vec::new();
        let mut inits = Vec::new();
        let mut key_variants = Vec::new();
        let mut key_arms = Vec::new();
        for (i, f) in fields.named.iter().enumerate() {
            let ident = f.ident.as_ref().expect("named field");
            if ident == "extra" {
                continue;
            }
            check_serde_attrs_understood(f, name);
            let wire = serde_attr(f, "rename").unwrap_or_else(|| ident.to_string());
            let ty = &f.ty;
            // typify marks a field that must be present but may be `null`
            // with `deserialize_with = "Option::deserialize"` (without it,
            // serde treats a missing `Option` as `None`): such a field is
            // required, like a non-`Option` one.
            let must_be_present = match serde_attr(f, "deserialize_with") {
                None => false,
                Some(path) if path == "::std::option::Option::deserialize" => {
                    required_nullable += 1;
                    true
                }
                Some(other) => panic!("{name}.{ident}: deserialize_with = {other} is not handled"),
            };
            let slot = format_ident!("__f{}", i);
            let variant = format_ident!("F{}", i);
            key_variants.push(quote! { #variant });
            key_arms.push(quote! { #wire => __Key::#variant });
            let optional = matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"));
            if optional && !must_be_present {
                slots.push(quote! { let mut #slot: #ty = ::std::option::Option::None; });
                arms.push(quote! { __Key::#variant => { #slot = __map.next_value::<#ty>()?; } });
                inits.push(quote! { #ident: #slot });
            } else {
                slots.push(quote! { let mut #slot: ::std::option::Option<#ty> = ::std::option::Option::None; });
                arms.push(quote! { __Key::#variant => { #slot = ::std::option::Option::Some(__map.next_value::<#ty>()?); } });
                inits.push(quote! {
                    #ident: #slot.ok_or_else(|| <__A::Error as ::serde::de::Error>::missing_field(#wire))?
                });
            }
        }
        let expecting = format!("struct {name}");
        impls.push(quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<__D: ::serde::Deserializer<'de>>(__d: __D) -> ::std::result::Result<Self, __D::Error> {
                    enum __Key { #(#key_variants,)* Other(::std::string::String) }
                    struct __KeyVisitor;
                    impl<'de> ::serde::de::Visitor<'de> for __KeyVisitor {
                        type Value = __Key;
                        fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str("a field name")
                        }
                        fn visit_str<__E: ::serde::de::Error>(self, v: &str) -> ::std::result::Result<__Key, __E> {
                            ::std::result::Result::Ok(match v { #(#key_arms,)* other => __Key::Other(other.to_string()) })
                        }
                    }
                    impl<'de> ::serde::Deserialize<'de> for __Key {
                        fn deserialize<__D2: ::serde::Deserializer<'de>>(d: __D2) -> ::std::result::Result<Self, __D2::Error> {
                            d.deserialize_identifier(__KeyVisitor)
                        }
                    }
                    struct __Visitor;
                    impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                        type Value = #name;
                        fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str(#expecting)
                        }
                        fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, mut __map: __A) -> ::std::result::Result<#name, __A::Error> {
                            #(#slots)*
                            let mut __extra = ::serde_json::Map::new();
                            while let ::std::option::Option::Some(__key) = __map.next_key::<__Key>()? {
                                match __key {
                                    #(#arms)*
                                    __Key::Other(__k) => {
                                        let __v = __map.next_value::<::serde_json::Value>()?;
                                        __extra.insert(__k, __v);
                                    }
                                }
                            }
                            ::std::result::Result::Ok(#name { #(#inits,)* extra: __extra })
                        }
                    }
                    __d.deserialize_map(__Visitor)
                }
            }
        });
    }
    // Sites: every struct with `extra` that derived `Deserialize` (all of
    // them get the direct impl), and the required-nullable fields among
    // them.
    assert!(
        !impls.is_empty(),
        "no struct with `extra` derives Deserialize"
    );
    assert!(
        required_nullable > 0,
        "no required-nullable field found: typify no longer marks them with deserialize_with"
    );
    for i in impls {
        items.push(syn::parse2(i).expect("generated impl parses"));
    }
    // Postcondition: no struct with `extra` derives `Deserialize` any more.
    for item in items.iter() {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(fields) = &s.fields else {
            continue;
        };
        if fields
            .named
            .iter()
            .any(|f| f.ident.as_ref().is_some_and(|i| i == "extra"))
        {
            let derives = s
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("derive"))
                .map(|a| quote::ToTokens::to_token_stream(a).to_string())
                .collect::<String>();
            assert!(
                !derives.contains("Deserialize"),
                "{} still derives Deserialize",
                s.ident
            );
        }
    }
}

/// The string value of `key` in a field's `#[serde(...)]` attributes
/// (`rename`, `deserialize_with`, ...).
fn serde_attr(field: &syn::Field, key: &str) -> Option<String> {
    let mut found = None;
    for attr in &field.attrs {
        if !attr.path().is_ident("serde") {
            continue;
        }
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(key) {
                let lit: syn::LitStr = meta.value()?.parse()?;
                found = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        })
        .expect("typify's serde attributes parse");
    }
    found
}

/// The serde field attributes the direct `Deserialize` knows how to honour;
/// any other one fails the build, so that a new typify attribute cannot be
/// ignored silently.
fn check_serde_attrs_understood(field: &syn::Field, strukt: &syn::Ident) {
    const KNOWN: &[&str] = &[
        "rename",
        "skip_serializing_if",
        "deserialize_with",
        "flatten",
    ];
    for attr in &field.attrs {
        if !attr.path().is_ident("serde") {
            continue;
        }
        attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            assert!(
                KNOWN.contains(&key.as_str()),
                "{strukt}: serde attribute `{key}` is not handled by the direct Deserialize"
            );
            if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        })
        .expect("typify's serde attributes parse");
    }
}

fn read(path: &str) -> String {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    std::fs::read_to_string(Path::new(&dir).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e} (run `cargo xtask regen`)"))
}

fn write(path: &Path, contents: &str) {
    std::fs::write(path, contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn schemars_string_format(format: &str) -> schemars::schema::SchemaObject {
    schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::String.into()),
        format: Some(format.to_string()),
        ..Default::default()
    }
}

struct StringEnum {
    name: String,
    values: Vec<String>,
    default: Option<String>,
}

fn string_enums(spec: &Value) -> Vec<StringEnum> {
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .expect("components.schemas");
    schemas
        .iter()
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("string"))
        .filter_map(|(name, s)| {
            let values = s.get("enum")?.as_array()?;
            Some(StringEnum {
                name: name.clone(),
                values: values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                default: s
                    .get("x-engine-default")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            })
        })
        .collect()
}

/// A Rust variant name for an enum value: `json-file` -> `JsonFile`,
/// `""` -> `Empty`.
fn variant_name(value: &str, taken: &mut BTreeSet<String>) -> String {
    let mut name = String::new();
    let mut upper = true;
    for c in value.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                name.push(c.to_ascii_uppercase());
            } else {
                name.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if name.is_empty() {
        name.push_str("Empty");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Other" || name == "Self" {
        name.push_str("Value");
    }
    while !taken.insert(name.clone()) {
        name.push('_');
    }
    name
}

fn open_enums(enums: &[StringEnum]) -> String {
    let mut s =
        String::from("// Generated by build.rs from spec/engine-api.json; do not edit.\n\n");
    for e in enums {
        let mut taken = BTreeSet::new();
        let variants: Vec<(String, &str)> = e
            .values
            .iter()
            .map(|v| (variant_name(v, &mut taken), v.as_str()))
            .collect();
        let n = &e.name;
        writeln!(
            s,
            "/// The `{n}` values of the Engine API. Values this version of the"
        )
        .unwrap();
        writeln!(
            s,
            "/// crate does not know decode as [`{n}::Other`], so newer engines never"
        )
        .unwrap();
        writeln!(s, "/// fail a whole answer.").unwrap();
        writeln!(
            s,
            "#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]"
        )
        .unwrap();
        writeln!(s, "pub enum {n} {{").unwrap();
        for (v, value) in &variants {
            writeln!(s, "    /// `{value:?}`").unwrap();
            writeln!(s, "    {v},").unwrap();
        }
        writeln!(
            s,
            "    /// A value not in the description this crate was generated from."
        )
        .unwrap();
        writeln!(s, "    Other(::std::string::String),").unwrap();
        writeln!(s, "}}\n").unwrap();

        writeln!(s, "impl {n} {{").unwrap();
        writeln!(
            s,
            "    /// Every value the description lists, in its order."
        )
        .unwrap();
        write!(s, "    pub const KNOWN: &'static [{n}] = &[").unwrap();
        for (v, _) in &variants {
            write!(s, "{n}::{v}, ").unwrap();
        }
        writeln!(s, "];\n").unwrap();
        writeln!(s, "    /// The value as the Engine spells it.").unwrap();
        writeln!(
            s,
            "    pub fn as_str(&self) -> &str {{\n        match self {{"
        )
        .unwrap();
        for (v, value) in &variants {
            writeln!(s, "            {n}::{v} => {value:?},").unwrap();
        }
        writeln!(
            s,
            "            {n}::Other(other) => other.as_str(),\n        }}\n    }}\n}}\n"
        )
        .unwrap();

        writeln!(s, "impl ::std::convert::From<&str> for {n} {{").unwrap();
        writeln!(
            s,
            "    fn from(value: &str) -> Self {{\n        match value {{"
        )
        .unwrap();
        for (v, value) in &variants {
            writeln!(s, "            {value:?} => {n}::{v},").unwrap();
        }
        writeln!(
            s,
            "            other => {n}::Other(other.to_string()),\n        }}\n    }}\n}}\n"
        )
        .unwrap();

        writeln!(
            s,
            "impl ::std::convert::From<::std::string::String> for {n} {{\n    fn from(value: ::std::string::String) -> Self {{\n        match {n}::from(value.as_str()) {{\n            {n}::Other(_) => {n}::Other(value),\n            known => known,\n        }}\n    }}\n}}\n"
        )
        .unwrap();
        writeln!(
            s,
            "impl ::std::str::FromStr for {n} {{\n    type Err = ::std::convert::Infallible;\n    fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {{\n        Ok({n}::from(value))\n    }}\n}}\n"
        )
        .unwrap();
        writeln!(
            s,
            "impl ::std::fmt::Display for {n} {{\n    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{\n        f.write_str(self.as_str())\n    }}\n}}\n"
        )
        .unwrap();
        writeln!(
            s,
            "impl ::serde::Serialize for {n} {{\n    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {{\n        serializer.serialize_str(self.as_str())\n    }}\n}}\n"
        )
        .unwrap();
        writeln!(
            s,
            "impl<'de> ::serde::Deserialize<'de> for {n} {{\n    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {{\n        deserializer.deserialize_str(super::OpenEnumVisitor::<{n}>::new())\n    }}\n}}\n"
        )
        .unwrap();
        if let Some(default) = &e.default {
            writeln!(
                s,
                "impl ::std::default::Default for {n} {{\n    fn default() -> Self {{\n        {n}::from({default:?})\n    }}\n}}\n"
            )
            .unwrap();
        }
    }
    s
}

fn version_lit(v: &str) -> String {
    let (major, minor) = v
        .split_once('.')
        .unwrap_or_else(|| panic!("bad version {v}"));
    format!("ApiVersion::new({major}, {minor})")
}

fn availability_lit(a: &Value) -> String {
    let since = version_lit(a["since"].as_str().expect("since"));
    let until = match a.get("until").and_then(Value::as_str) {
        Some(u) => format!("Some({})", version_lit(u)),
        None => "None".into(),
    };
    let map = a.get("map").and_then(Value::as_bool).unwrap_or(false);
    format!("Availability {{ since: {since}, until: {until}, map: {map} }}")
}

fn version_table(t: &Value) -> String {
    let mut s = String::from("// Generated by build.rs from spec/versions.json; do not edit.\n\n");
    writeln!(s, "/// The oldest API version the table covers.").unwrap();
    writeln!(
        s,
        "pub const OLDEST: ApiVersion = {};",
        version_lit(t["oldest"].as_str().expect("oldest"))
    )
    .unwrap();
    writeln!(s, "/// The API version the client was generated for.").unwrap();
    writeln!(
        s,
        "pub const NEWEST: ApiVersion = {};\n",
        version_lit(t["newest"].as_str().expect("newest"))
    )
    .unwrap();
    writeln!(
        s,
        "pub(crate) static OPERATIONS: &[(&str, Availability)] = &["
    )
    .unwrap();
    for (op, a) in t["operations"].as_object().expect("operations") {
        writeln!(s, "    ({op:?}, {}),", availability_lit(a)).unwrap();
    }
    writeln!(s, "];\n").unwrap();
    for (key, name) in [
        ("parameters", "PARAMETERS"),
        ("fields", "FIELDS"),
        ("bodies", "BODIES"),
    ] {
        writeln!(
            s,
            "pub(crate) static {name}: &[(&str, &str, Availability)] = &["
        )
        .unwrap();
        for (outer, inner) in t[key].as_object().expect(key) {
            for (path, a) in inner.as_object().expect(key) {
                writeln!(s, "    ({outer:?}, {path:?}, {}),", availability_lit(a)).unwrap();
            }
        }
        writeln!(s, "];\n").unwrap();
    }
    s
}

/// The protocol each operation that switches protocols asks for, as the
/// Docker CLI asks for it: attach and exec start are Docker's own TCP
/// hijack (`Connection: Upgrade`, `Upgrade: tcp`), the BuildKit session is
/// HTTP/2 cleartext, and only `attach/ws` is a real WebSocket. progenitor
/// knows upgrades only as WebSockets (its `x-dropshot-websocket` marker,
/// added here to the operations with a `101` answer, never stored in
/// `spec/`); `hijack_headers` then puts the right headers on the others.
const UPGRADES: &[(&str, &str)] = &[
    ("ContainerAttach", "tcp"),
    ("ContainerAttachWebsocket", "websocket"),
    ("ExecStart", "tcp"),
    ("Session", "h2c"),
];

/// Each operation of the description: (path, method, operation object).
fn spec_operations(spec: &Value) -> Vec<(&str, &str, &serde_json::Map<String, Value>)> {
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if let Some(op) = op.as_object() {
                if op.contains_key("operationId") {
                    ops.push((path.as_str(), method.as_str(), op));
                }
            }
        }
    }
    ops
}

fn op_id(op: &serde_json::Map<String, Value>) -> &str {
    op["operationId"].as_str().expect("operationId")
}

/// Marks the operations answering `101` as upgrades for progenitor; the
/// set must be exactly the one [`UPGRADES`] names.
fn mark_upgrades_for_progenitor(spec: &mut Value) {
    let mut marked = BTreeSet::new();
    for item in spec["paths"].as_object_mut().expect("paths").values_mut() {
        for op in item.as_object_mut().expect("path item").values_mut() {
            let Some(op) = op.as_object_mut() else {
                continue;
            };
            if op.get("responses").and_then(|r| r.get("101")).is_some() {
                marked.insert(op_id(op).to_string());
                op.insert(
                    "x-dropshot-websocket".into(),
                    Value::Object(Default::default()),
                );
            }
        }
    }
    let named: BTreeSet<String> = UPGRADES.iter().map(|(id, _)| id.to_string()).collect();
    assert_eq!(
        marked, named,
        "the operations answering 101 must be exactly those UPGRADES names"
    );
}

/// `ContainerList` -> `container_list`, as progenitor names methods.
fn snake(id: &str) -> String {
    let mut s = String::new();
    for (i, c) in id.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                s.push('_');
            }
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    s
}

/// The `operation_id` literal of a generated method, if it has one.
fn operation_info_literal(f: &syn::ImplItemFn) -> Option<syn::LitStr> {
    use syn::visit::Visit;
    struct Find(Option<syn::LitStr>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_field_value(&mut self, fv: &'ast syn::FieldValue) {
            if let syn::Member::Named(name) = &fv.member {
                if name == "operation_id" {
                    if let syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) = &fv.expr
                    {
                        self.0 = Some(s.clone());
                    }
                }
            }
            syn::visit::visit_field_value(self, fv);
        }
    }
    let mut find = Find(None);
    find.visit_impl_item_fn(f);
    find.0
}

/// The generated methods of `Client`.
fn client_methods(file: &mut syn::File) -> impl Iterator<Item = &mut syn::ImplItemFn> {
    file.items
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Impl(i)
                if i.trait_.is_none()
                    && quote::ToTokens::to_token_stream(&i.self_ty).to_string() == "Client" =>
            {
                Some(i)
            }
            _ => None,
        })
        .flat_map(|i| i.items.iter_mut())
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) => Some(f),
            _ => None,
        })
}

/// What a generated method answers with.
fn answer_kind(f: &syn::ImplItemFn) -> &'static str {
    let ret = quote::ToTokens::to_token_stream(&f.sig.output)
        .to_string()
        .replace(' ', "");
    if ret.contains("ResponseValue<reqwest::Upgraded>") {
        "Upgrade"
    } else if ret.contains("ResponseValue<ByteStream>") {
        "Bytes"
    } else if ret.contains("ResponseValue<()>") {
        "Empty"
    } else {
        "Json"
    }
}

/// progenitor's `OperationInfo` names a method's operation by the method's
/// own name (`container_list`); it is rewritten to the description's id
/// (`ContainerList`), the one name the version table, errors and traces
/// use. Every operation of the description must have exactly one method.
/// Returns, for each id, what the method answers with.
fn operation_ids_upstream(file: &mut syn::File, spec: &Value) -> BTreeMap<String, &'static str> {
    let by_snake: BTreeMap<String, String> = spec_operations(spec)
        .into_iter()
        .map(|(_, _, op)| (snake(op_id(op)), op_id(op).to_string()))
        .collect();
    let mut found = BTreeMap::new();
    for f in client_methods(file) {
        let Some(lit) = operation_info_literal(f) else {
            continue;
        };
        let id = by_snake
            .get(&lit.value())
            .unwrap_or_else(|| {
                panic!(
                    "generated method {} names no operation of the description",
                    lit.value()
                )
            })
            .clone();
        let answer = answer_kind(f);
        let body_text = quote::ToTokens::to_token_stream(&f.block).to_string();
        assert!(
            answer != "Json" || body_text.contains("crate :: body :: json"),
            "{id}: answers JSON but does not read it with crate::body::json"
        );
        {
            use syn::visit_mut::VisitMut;
            struct Set<'a>(&'a str, usize);
            impl VisitMut for Set<'_> {
                fn visit_field_value_mut(&mut self, fv: &mut syn::FieldValue) {
                    if matches!(&fv.member, syn::Member::Named(n) if n == "operation_id") {
                        let id = self.0;
                        fv.expr = syn::parse_quote!(#id);
                        self.1 += 1;
                    }
                    syn::visit_mut::visit_field_value_mut(self, fv);
                }
            }
            let mut set = Set(&id, 0);
            set.visit_impl_item_fn_mut(f);
            assert_eq!(set.1, 1, "{id}: expected one OperationInfo");
        }
        assert!(
            found.insert(id.clone(), answer).is_none(),
            "{id}: two methods"
        );
    }
    let missing: Vec<_> = by_snake
        .values()
        .filter(|id| !found.contains_key(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "operations without a generated method: {missing:?}"
    );
    found
}

/// Puts on each upgrading method the headers its protocol needs (see
/// [`UPGRADES`]): for `tcp` and `h2c`, `Upgrade: <protocol>` and no
/// WebSocket handshake headers. Each non-WebSocket upgrade must have had
/// exactly progenitor's four WebSocket headers.
fn hijack_headers(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;
    struct Rewrite {
        protocol: &'static str,
        upgrade: usize,
        dropped: usize,
    }
    impl VisitMut for Rewrite {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            let syn::Expr::MethodCall(call) = expr else {
                return;
            };
            if call.method != "header" || call.args.len() != 2 {
                return;
            }
            let name = quote::ToTokens::to_token_stream(&call.args[0]).to_string();
            if name.ends_with("SEC_WEBSOCKET_VERSION") || name.ends_with("SEC_WEBSOCKET_KEY") {
                *expr = (*call.receiver).clone();
                self.dropped += 1;
            } else if name.ends_with("header :: UPGRADE") {
                let protocol = self.protocol;
                call.args[1] = syn::parse_quote!(#protocol);
                self.upgrade += 1;
            }
        }
    }
    let mut done = BTreeSet::new();
    for f in client_methods(file) {
        let Some(lit) = operation_info_literal(f) else {
            continue;
        };
        let Some((id, protocol)) = UPGRADES.iter().find(|(id, _)| *id == lit.value()) else {
            continue;
        };
        done.insert(*id);
        if *protocol == "websocket" {
            continue;
        }
        let mut rewrite = Rewrite {
            protocol,
            upgrade: 0,
            dropped: 0,
        };
        rewrite.visit_impl_item_fn_mut(f);
        assert_eq!(
            (rewrite.upgrade, rewrite.dropped),
            (1, 2),
            "{id}: expected progenitor's Upgrade header and two Sec-WebSocket headers"
        );
    }
    assert_eq!(done.len(), UPGRADES.len(), "upgrading methods not found");
}

/// The operation table (`crate::ops`): for every operation, sorted by id,
/// what the description says of it and what its generated method answers.
fn operations_table(spec: &Value, answers: &BTreeMap<String, &'static str>) -> String {
    let mut ops = spec_operations(spec);
    ops.sort_by(|a, b| op_id(a.2).cmp(op_id(b.2)));
    let mut s =
        String::from("// Generated by build.rs from spec/engine-api.json; do not edit.\n\n");
    writeln!(s, "/// Every operation, sorted by id.").unwrap();
    writeln!(s, "pub static OPERATIONS: &[Operation] = &[").unwrap();
    for (path, method, op) in ops {
        let id = op_id(op);
        let mut params = String::new();
        for p in op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = p["name"].as_str().expect("parameter name");
            let location = match p["in"].as_str().expect("parameter in") {
                "path" => "Path",
                "query" => "Query",
                "header" => "Header",
                other => panic!("{id}: parameter {name} in {other}"),
            };
            write!(
                params,
                "Param {{ name: {name:?}, location: Location::{location} }}, "
            )
            .unwrap();
        }
        let body = match op
            .get("requestBody")
            .and_then(|b| b["content"].as_object())
            .map(|c| c.keys().next().expect("a media type").as_str())
        {
            None => "None".to_string(),
            Some("application/json") => "Json".to_string(),
            Some(_) => "Bytes".to_string(),
        };
        writeln!(
            s,
            "    Operation {{ id: {id:?}, method: {:?}, path: {path:?}, params: &[{params}], body: Body::{body}, answer: Answer::{} }},",
            method.to_ascii_uppercase(),
            answers[id]
        )
        .unwrap();
    }
    writeln!(s, "];").unwrap();
    s
}

/// The Engine API reference page of the newest version this crate knows.
fn reference_page(versions: &Value) -> String {
    let newest = versions["newest"]
        .as_str()
        .expect("versions.json names its newest version");
    format!("https://docs.docker.com/reference/api/engine/version/v{newest}/")
}

/// "since API 1.30; removed in API 1.52", from a version table entry, or
/// nothing for an item every known version has.
fn availability_words(entry: &Value, oldest: &str) -> Option<String> {
    let since = entry.get("since").and_then(Value::as_str);
    let until = entry.get("until").and_then(Value::as_str);
    let mut words = Vec::new();
    if let Some(s) = since.filter(|s| *s != oldest) {
        words.push(format!("since API {s}"));
    }
    if let Some(u) = until {
        words.push(format!("removed in API {u}"));
    }
    (!words.is_empty()).then(|| words.join("; "))
}

/// A schema's shape in words: `integer (int64)`, `array of string`,
/// `one of "a", "b"`, the engine's default.
fn schema_words(schema: &Value) -> String {
    let mut words = Vec::new();
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        words.push(format!("`{}`", r.rsplit('/').next().unwrap_or(r)));
    } else if let Some(t) = schema.get("type").and_then(Value::as_str) {
        let mut t = t.to_string();
        if t == "array" {
            let items = schema.get("items").map(schema_words).unwrap_or_default();
            if !items.is_empty() {
                t = format!("array of {items}");
            }
        } else if t == "object"
            && schema
                .get("additionalProperties")
                .is_some_and(Value::is_object)
        {
            t = format!("map of {}", schema_words(&schema["additionalProperties"]));
        }
        if let Some(f) = schema.get("format").and_then(Value::as_str) {
            t.push_str(&format!(" ({f})"));
        }
        words.push(t);
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        words.push(format!("one of {}", values.join(", ")));
    }
    let default = schema
        .get("x-engine-default")
        .or_else(|| schema.get("default"));
    if let Some(d) = default {
        words.push(format!("engine default `{d}`"));
    }
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        words.push("may be `null`".into());
    }
    words.join(", ")
}

fn set_doc(attrs: &mut Vec<syn::Attribute>, text: &str) {
    attrs.retain(|a| !a.path().is_ident("doc"));
    let lines: Vec<syn::Attribute> = text
        .lines()
        .map(|line| {
            let line = format!(" {line}");
            syn::parse_quote!(#[doc = #line])
        })
        .collect();
    for (i, a) in lines.into_iter().enumerate() {
        attrs.insert(i, a);
    }
}

/// Docs for every generated method, type and field, from the facts the
/// project derives (the description carries no prose: `xtask` drops it):
/// the route and operation, the versions an item exists in (from the
/// version table), its shape, format, default and allowed values, and the
/// Engine API reference. Every method and every struct named after a
/// schema must be documented, or the build fails.
fn document(file: &mut syn::File, spec: &Value, versions: &Value) {
    let page = reference_page(versions);
    let oldest = versions["oldest"]
        .as_str()
        .expect("versions.json names its oldest version")
        .to_string();
    let ops: BTreeMap<&str, (&str, &str, &serde_json::Map<String, Value>)> = spec_operations(spec)
        .into_iter()
        .map(|(path, method, op)| (op_id(op), (path, method, op)))
        .collect();
    let mut methods = 0;
    for f in client_methods(file) {
        let Some(id) = operation_info_literal(f).map(|l| l.value()) else {
            continue;
        };
        let (path, method, op) = ops
            .get(id.as_str())
            .unwrap_or_else(|| panic!("document: no operation {id} in the description"));
        let tag = op
            .get("tags")
            .and_then(|t| t.get(0))
            .and_then(Value::as_str)
            .unwrap_or("Engine");
        let mut doc = format!(
            "`{} {path}`: the Engine's `{id}` operation",
            method.to_uppercase()
        );
        if let Some(w) = availability_words(&versions["operations"][id.as_str()], &oldest) {
            doc.push_str(&format!(" ({w})"));
        }
        doc.push('.');
        let params: Vec<&Value> = op
            .get("parameters")
            .and_then(Value::as_array)
            .map(|p| p.iter().collect())
            .unwrap_or_default();
        let mut args = Vec::new();
        for input in f.sig.inputs.iter().skip(1) {
            let syn::FnArg::Typed(pt) = input else {
                continue;
            };
            let name = quote::ToTokens::to_token_stream(&pt.pat).to_string();
            let name = name.trim_start_matches("r#").to_string();
            let found = params.iter().find(|p| {
                p["name"].as_str().is_some_and(|n| {
                    let flat = |s: &str| s.replace(['-', '_'], "").to_lowercase();
                    snake(n) == name || flat(n) == flat(name.trim_end_matches('_'))
                })
            });
            let line = match found {
                Some(p) => {
                    let pname = p["name"].as_str().unwrap_or_default();
                    let mut line = format!(
                        "- `{name}`: {} `{pname}`",
                        p["in"].as_str().unwrap_or("query")
                    );
                    let shape = schema_words(&p["schema"]);
                    if !shape.is_empty() {
                        line.push_str(&format!(", {shape}"));
                    }
                    if let Some(w) =
                        availability_words(&versions["parameters"][id.as_str()][pname], &oldest)
                    {
                        line.push_str(&format!("; {w}"));
                    }
                    line
                }
                None if name == "body" => {
                    let shape = op
                        .get("requestBody")
                        .and_then(|b| b.get("content"))
                        .and_then(Value::as_object)
                        .and_then(|c| c.iter().next())
                        .map(|(media, c)| format!("`{media}`, {}", schema_words(&c["schema"])))
                        .unwrap_or_default();
                    format!("- `body`: the request body, {shape}")
                }
                None => format!("- `{name}`"),
            };
            args.push(line);
        }
        if !args.is_empty() {
            doc.push_str("\n\nArguments, in order:\n");
            doc.push_str(&args.join("\n"));
        }
        doc.push_str(&format!("\n\nReference: <{page}#tag/{tag}/operation/{id}>"));
        set_doc(&mut f.attrs, &doc);
        methods += 1;
    }
    assert_eq!(
        methods,
        ops.len(),
        "document: every operation's method gets its docs"
    );

    let schemas = spec["components"]["schemas"]
        .as_object()
        .expect("the description has schemas");
    let mut documented = 0;
    let mut named = 0;
    for item in types_module(file) {
        if let syn::Item::Enum(e) = item {
            // typify's own enums (closed: the values of one parameter or a
            // media type); the named string enums are the open ones.
            for v in e.variants.iter_mut() {
                let mut value = None;
                for attr in &v.attrs {
                    if attr.path().is_ident("serde") {
                        let _ = attr.parse_nested_meta(|meta| {
                            if meta.path.is_ident("rename") {
                                let lit: syn::LitStr = meta.value()?.parse()?;
                                value = Some(lit.value());
                            }
                            Ok(())
                        });
                    }
                }
                let doc = match value {
                    Some(value) => format!("The value `{value:?}`."),
                    None => format!("`{}`.", v.ident),
                };
                if !v.attrs.iter().any(|a| a.path().is_ident("doc")) {
                    set_doc(&mut v.attrs, &doc);
                }
            }
            continue;
        }
        let syn::Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        let schema = schemas.get(&name);
        let fields_table = &versions["fields"][name.as_str()];
        let head = match schema {
            Some(_) => {
                named += 1;
                format!("The Engine's `{name}` object.\n\nReference: <{page}>")
            }
            None => format!(
                "`{name}`: an object the description defines inline (a request body or a nested object)."
            ),
        };
        set_doc(&mut s.attrs, &head);
        let props = schema.and_then(|s| s.get("properties"));
        let syn::Fields::Named(fields) = &mut s.fields else {
            continue;
        };
        for field in fields.named.iter_mut() {
            let ident = field
                .ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            if ident == "extra" && serde_attr(field, "rename").is_none() {
                set_doc(
                    &mut field.attrs,
                    "Fields the description does not name (newer or older engines send them), kept as they came.",
                );
                continue;
            }
            let key = serde_attr(field, "rename")
                .unwrap_or_else(|| ident.trim_start_matches("r#").to_string());
            let mut doc = format!("`{key}`");
            if let Some(p) = props.and_then(|p| p.get(&key)) {
                let shape = schema_words(p);
                if !shape.is_empty() {
                    doc.push_str(&format!(": {shape}"));
                }
            }
            if let Some(w) = availability_words(&fields_table[key.as_str()], &oldest) {
                doc.push_str(&format!(" ({w})"));
            }
            doc.push('.');
            set_doc(&mut field.attrs, &doc);
        }
        documented += 1;
    }
    assert!(
        named > schemas.len() / 2 && documented > 0,
        "document: the structs are no longer named after their schemas ({named} of {} found)",
        schemas.len()
    );
}
