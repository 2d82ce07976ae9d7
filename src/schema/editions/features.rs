//! The features of Protobuf Editions that buf 1.75.0 knows: their names, the elements they may
//! be set on, their values and their defaults per edition, and what proto2 and proto3 imply for
//! the same features (so a rule can compare a proto3 file with its editions migration).

/// An edition buf 1.75.0 accepts, and `EDITION_UNSTABLE`, which no file can name but after
/// which features still in the works are introduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edition {
    E2023,
    E2024,
    E2026,
    Unstable,
}

impl Edition {
    pub fn from_name(name: &str) -> Option<Edition> {
        match name {
            "2023" => Some(Edition::E2023),
            "2024" => Some(Edition::E2024),
            "2026" => Some(Edition::E2026),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Edition::E2023 => "2023",
            Edition::E2024 => "2024",
            Edition::E2026 => "2026",
            Edition::Unstable => "UNSTABLE",
        }
    }
}

/// The kind of element a feature is set on (`FeatureSet`'s `targets`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    File,
    Message,
    Field,
    Oneof,
    ExtensionRange,
    Enum,
    EnumValue,
    Service,
    Method,
}

impl Target {
    /// The field number of `features` in this element's options message.
    pub fn features_number(self) -> i32 {
        match self {
            Target::File => 50,
            Target::Message => 12,
            Target::Field => 21,
            Target::Oneof => 1,
            Target::ExtensionRange => 50,
            Target::Enum => 7,
            Target::EnumValue => 2,
            Target::Service => 34,
            Target::Method => 35,
        }
    }
}

/// What a feature's values are.
#[derive(Debug, Clone, Copy)]
pub enum Values {
    Enum(&'static [&'static str]),
    Bool,
}

/// One feature: `field_presence`, or a language feature such as `(pb.cpp).string_type`.
#[derive(Debug)]
pub struct Feature {
    /// The extension the feature lives in (`pb.cpp`), or none for a core feature.
    pub extension: Option<&'static str>,
    pub name: &'static str,
    /// Field numbers from `FeatureSet`: the extension's number first, for a language feature.
    pub numbers: &'static [i32],
    pub targets: &'static [Target],
    pub values: Values,
    /// The value in edition 2023, 2024 and 2026.
    pub defaults: [&'static str; 3],
    /// The first edition that may set it.
    pub since: Edition,
}

impl Feature {
    /// `field_presence`, `pb.cpp.string_type`: the key in a feature set.
    pub fn key(&self) -> String {
        match self.extension {
            Some(extension) => format!("{extension}.{}", self.name),
            None => self.name.to_string(),
        }
    }

    pub fn default(&self, edition: Edition) -> &'static str {
        match edition {
            Edition::E2023 => self.defaults[0],
            Edition::E2024 => self.defaults[1],
            Edition::E2026 | Edition::Unstable => self.defaults[2],
        }
    }

    /// The number a value has on the wire (enum values are numbered from 1 after an unknown 0,
    /// or from 0 when the first is an `_UNSPECIFIED` value; `true` is 1).
    pub fn number_of(&self, value: &str) -> Option<u64> {
        match self.values {
            Values::Bool => Some(u64::from(value == "true")),
            Values::Enum(values) => {
                let index = values.iter().position(|v| *v == value && !v.is_empty())? as u64;
                Some(if values[0].ends_with("_UNSPECIFIED") {
                    index
                } else {
                    index + 1
                })
            }
        }
    }

    /// The value a wire number stands for.
    pub fn value_of(&self, number: u64) -> Option<&'static str> {
        match self.values {
            Values::Bool => Some(if number == 0 { "false" } else { "true" }),
            Values::Enum(values) => {
                let index = if values[0].ends_with("_UNSPECIFIED") {
                    number
                } else {
                    number.checked_sub(1)?
                };
                values
                    .get(usize::try_from(index).ok()?)
                    .copied()
                    .filter(|v| !v.is_empty())
            }
        }
    }

    /// The file that defines the feature's extension, which a file setting it must import.
    pub fn import(&self) -> Option<&'static str> {
        self.extension.and_then(language_file)
    }
}

/// The file that defines language extension `extension` of `FeatureSet`.
pub fn language_file(extension: &str) -> Option<&'static str> {
    match extension {
        "pb.cpp" => Some("google/protobuf/cpp_features.proto"),
        "pb.java" => Some("google/protobuf/java_features.proto"),
        "pb.go" => Some("google/protobuf/go_features.proto"),
        _ => None,
    }
}

/// Whether `name` is one of the language feature files (`google/protobuf/cpp_features.proto`).
pub fn is_language_file(name: &str) -> bool {
    ["pb.cpp", "pb.java", "pb.go"]
        .iter()
        .any(|e| language_file(e) == Some(name))
}

use Target::*;

const ALL: &[Target] = &[
    File,
    Message,
    Field,
    Oneof,
    ExtensionRange,
    Enum,
    EnumValue,
    Service,
    Method,
];

/// Every feature buf 1.75.0 knows (descriptor.proto, cpp_features.proto, java_features.proto and
/// go_features.proto as buf bundles them).
pub static FEATURES: &[Feature] = &[
    Feature {
        extension: None,
        name: "field_presence",
        numbers: &[1],
        targets: &[File, Field],
        values: Values::Enum(&["EXPLICIT", "IMPLICIT", "LEGACY_REQUIRED"]),
        defaults: ["EXPLICIT", "EXPLICIT", "EXPLICIT"],
        since: Edition::E2023,
    },
    Feature {
        extension: None,
        name: "enum_type",
        numbers: &[2],
        targets: &[File, Enum],
        values: Values::Enum(&["OPEN", "CLOSED"]),
        defaults: ["OPEN", "OPEN", "OPEN"],
        since: Edition::E2023,
    },
    Feature {
        extension: None,
        name: "repeated_field_encoding",
        numbers: &[3],
        targets: &[File, Field],
        values: Values::Enum(&["PACKED", "EXPANDED"]),
        defaults: ["PACKED", "PACKED", "PACKED"],
        since: Edition::E2023,
    },
    Feature {
        extension: None,
        name: "utf8_validation",
        numbers: &[4],
        targets: &[File, Field],
        // buf parity: 1 is a retired value (`VERIFY` is 2, `NONE` 3).
        values: Values::Enum(&["", "VERIFY", "NONE"]),
        defaults: ["VERIFY", "VERIFY", "VERIFY"],
        since: Edition::E2023,
    },
    Feature {
        extension: None,
        name: "message_encoding",
        numbers: &[5],
        targets: &[File, Field],
        values: Values::Enum(&["LENGTH_PREFIXED", "DELIMITED"]),
        defaults: ["LENGTH_PREFIXED", "LENGTH_PREFIXED", "LENGTH_PREFIXED"],
        since: Edition::E2023,
    },
    Feature {
        extension: None,
        name: "json_format",
        numbers: &[6],
        targets: &[File, Message, Enum],
        values: Values::Enum(&["ALLOW", "LEGACY_BEST_EFFORT"]),
        defaults: ["ALLOW", "ALLOW", "ALLOW"],
        since: Edition::E2023,
    },
    Feature {
        extension: None,
        name: "enforce_naming_style",
        numbers: &[7],
        targets: ALL,
        values: Values::Enum(&["STYLE2024", "STYLE_LEGACY", "STYLE2026"]),
        defaults: ["STYLE_LEGACY", "STYLE2024", "STYLE2026"],
        since: Edition::E2024,
    },
    Feature {
        extension: None,
        name: "default_symbol_visibility",
        numbers: &[8],
        targets: &[File],
        values: Values::Enum(&["EXPORT_ALL", "EXPORT_TOP_LEVEL", "LOCAL_ALL", "STRICT"]),
        defaults: ["EXPORT_ALL", "EXPORT_TOP_LEVEL", "STRICT"],
        since: Edition::E2024,
    },
    Feature {
        extension: None,
        name: "enforce_proto_limits",
        numbers: &[9],
        targets: &[Message, Field, Oneof, Enum],
        values: Values::Enum(&["LEGACY_NO_EXPLICIT_LIMITS", "PROTO_LIMITS2026"]),
        defaults: [
            "LEGACY_NO_EXPLICIT_LIMITS",
            "LEGACY_NO_EXPLICIT_LIMITS",
            "PROTO_LIMITS2026",
        ],
        since: Edition::E2026,
    },
    Feature {
        extension: Some("pb.cpp"),
        name: "legacy_closed_enum",
        numbers: &[1000, 1],
        targets: &[File, Field],
        values: Values::Bool,
        defaults: ["false", "false", "false"],
        since: Edition::E2023,
    },
    Feature {
        extension: Some("pb.cpp"),
        name: "string_type",
        numbers: &[1000, 2],
        targets: &[File, Field],
        values: Values::Enum(&["VIEW", "CORD", "STRING"]),
        defaults: ["STRING", "VIEW", "VIEW"],
        since: Edition::E2023,
    },
    Feature {
        extension: Some("pb.cpp"),
        name: "enum_name_uses_string_view",
        numbers: &[1000, 3],
        targets: &[File, Enum],
        values: Values::Bool,
        defaults: ["false", "true", "true"],
        since: Edition::E2024,
    },
    Feature {
        extension: Some("pb.cpp"),
        name: "repeated_type",
        numbers: &[1000, 4],
        targets: &[File, Field],
        values: Values::Enum(&["LEGACY", "PROXY"]),
        defaults: ["LEGACY", "LEGACY", "LEGACY"],
        since: Edition::Unstable,
    },
    Feature {
        extension: Some("pb.java"),
        name: "legacy_closed_enum",
        numbers: &[1001, 1],
        targets: &[File, Field],
        values: Values::Bool,
        defaults: ["false", "false", "false"],
        since: Edition::E2023,
    },
    Feature {
        extension: Some("pb.java"),
        name: "utf8_validation",
        numbers: &[1001, 2],
        targets: &[File, Field],
        values: Values::Enum(&["DEFAULT", "VERIFY"]),
        defaults: ["DEFAULT", "DEFAULT", "DEFAULT"],
        since: Edition::E2023,
    },
    Feature {
        extension: Some("pb.java"),
        name: "large_enum",
        numbers: &[1001, 3],
        targets: &[File, Enum],
        values: Values::Bool,
        defaults: ["false", "false", "false"],
        since: Edition::E2024,
    },
    Feature {
        extension: Some("pb.java"),
        name: "use_old_outer_classname_default",
        numbers: &[1001, 4],
        targets: &[File],
        values: Values::Bool,
        defaults: ["true", "false", "false"],
        since: Edition::E2024,
    },
    Feature {
        extension: Some("pb.java"),
        name: "nest_in_file_class",
        numbers: &[1001, 5],
        targets: &[File, Message, Enum, Service],
        values: Values::Enum(&["NO", "YES", "LEGACY"]),
        defaults: ["LEGACY", "NO", "NO"],
        since: Edition::E2024,
    },
    Feature {
        extension: Some("pb.go"),
        name: "legacy_unmarshal_json_enum",
        numbers: &[1002, 1],
        targets: &[File, Enum],
        values: Values::Bool,
        defaults: ["false", "false", "false"],
        since: Edition::E2023,
    },
    Feature {
        extension: Some("pb.go"),
        name: "api_level",
        numbers: &[1002, 2],
        targets: &[File, Message],
        values: Values::Enum(&[
            "API_LEVEL_UNSPECIFIED",
            "API_OPEN",
            "API_HYBRID",
            "API_OPAQUE",
        ]),
        defaults: ["API_OPEN", "API_OPAQUE", "API_OPAQUE"],
        since: Edition::E2023,
    },
    Feature {
        extension: Some("pb.go"),
        name: "strip_enum_prefix",
        numbers: &[1002, 3],
        targets: &[File, Enum, EnumValue],
        values: Values::Enum(&[
            "STRIP_ENUM_PREFIX_KEEP",
            "STRIP_ENUM_PREFIX_GENERATE_BOTH",
            "STRIP_ENUM_PREFIX_STRIP",
        ]),
        defaults: [
            "STRIP_ENUM_PREFIX_KEEP",
            "STRIP_ENUM_PREFIX_KEEP",
            "STRIP_ENUM_PREFIX_KEEP",
        ],
        since: Edition::E2024,
    },
    Feature {
        extension: Some("pb.go"),
        name: "optimize_mode",
        numbers: &[1002, 4],
        targets: &[File, Message],
        values: Values::Enum(&["OPTIMIZE_MODE_UNSPECIFIED", "SPEED", "CODE_SIZE"]),
        defaults: [
            "OPTIMIZE_MODE_UNSPECIFIED",
            "OPTIMIZE_MODE_UNSPECIFIED",
            "OPTIMIZE_MODE_UNSPECIFIED",
        ],
        since: Edition::E2024,
    },
];

/// The feature `name` of `extension` (none for a core feature).
pub fn find(extension: Option<&str>, name: &str) -> Option<&'static Feature> {
    FEATURES
        .iter()
        .find(|f| f.extension == extension && f.name == name)
}

/// The feature with key `key` (`field_presence`, `pb.cpp.string_type`).
pub fn by_key(key: &str) -> Option<&'static Feature> {
    FEATURES.iter().find(|f| f.key() == key)
}

/// What a proto2 or proto3 file implies for core feature `key`, as protoc's legacy editions
/// (`EDITION_PROTO2`, `EDITION_PROTO3`) define it.
pub fn legacy_default(proto3: bool, key: &str) -> &'static str {
    match (key, proto3) {
        ("field_presence", false) => "EXPLICIT",
        ("field_presence", true) => "IMPLICIT",
        ("enum_type", false) => "CLOSED",
        ("enum_type", true) => "OPEN",
        ("repeated_field_encoding", false) => "EXPANDED",
        ("repeated_field_encoding", true) => "PACKED",
        ("utf8_validation", false) => "NONE",
        ("utf8_validation", true) => "VERIFY",
        ("message_encoding", _) => "LENGTH_PREFIXED",
        ("json_format", false) => "LEGACY_BEST_EFFORT",
        ("json_format", true) => "ALLOW",
        ("pb.cpp.string_type", _) => "STRING",
        ("pb.java.utf8_validation", _) => "DEFAULT",
        _ => by_key(key).map_or("", |f| f.defaults[0]),
    }
}

/// The path, below an element of kind `target`, of the option that sets feature `key` on it
/// (`[3, 7, 2]` for an enum's `features.enum_type`): where buf reports a change of it.
pub fn option_suffix(target: Target, key: &str) -> Vec<i32> {
    let options = match target {
        Target::File | Target::Field => 8,
        Target::Message => 7,
        Target::Oneof => 2,
        Target::ExtensionRange | Target::Enum | Target::EnumValue | Target::Service => 3,
        Target::Method => 4,
    };
    let mut path = vec![options, target.features_number()];
    if let Some(feature) = by_key(key) {
        path.extend(feature.numbers);
    }
    path
}

/// The names of an enum feature's values, for messages.
pub fn value_names(values: &[&str]) -> String {
    values
        .iter()
        .filter(|v| !v.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}
