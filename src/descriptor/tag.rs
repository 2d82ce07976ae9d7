//! Field numbers of `google/protobuf/descriptor.proto`, by name, for building descriptor paths:
//! `[tag::FILE_MESSAGE_TYPE, 0, tag::MESSAGE_FIELD, 1]` rather than `[4, 0, 2, 1]`.
//!
//! Names are `<MESSAGE>_<FIELD>`; options are `<KIND>_OPTION_<NAME>` (fields of `FileOptions`,
//! `FieldOptions`, ...). `name` is field 1 of every element.
//!
//! This is vocabulary: a few constants are named for completeness and used nowhere yet
//! (`FIELD_LABEL`, `METHOD_CLIENT_STREAMING`, `METHOD_SERVER_STREAMING`,
//! `FILE_OPTION_PHP_GENERIC_SERVICES`).

/// `name`, field 1 of every element (file, message, field, oneof, enum, value, service, method).
pub const NAME: i32 = 1;

// FileDescriptorProto
pub const FILE_PACKAGE: i32 = 2;
pub const FILE_DEPENDENCY: i32 = 3;
pub const FILE_MESSAGE_TYPE: i32 = 4;
pub const FILE_ENUM_TYPE: i32 = 5;
pub const FILE_SERVICE: i32 = 6;
pub const FILE_EXTENSION: i32 = 7;
pub const FILE_OPTIONS: i32 = 8;
pub const FILE_SYNTAX: i32 = 12;
pub const FILE_EDITION: i32 = 14;

// DescriptorProto
pub const MESSAGE_FIELD: i32 = 2;
pub const MESSAGE_NESTED_TYPE: i32 = 3;
pub const MESSAGE_ENUM_TYPE: i32 = 4;
pub const MESSAGE_EXTENSION_RANGE: i32 = 5;
pub const MESSAGE_EXTENSION: i32 = 6;
pub const MESSAGE_OPTIONS: i32 = 7;
pub const MESSAGE_ONEOF_DECL: i32 = 8;

// DescriptorProto.ExtensionRange
pub const EXTENSION_RANGE_OPTIONS: i32 = 3;

// FieldDescriptorProto
pub const FIELD_NUMBER: i32 = 3;
pub const FIELD_LABEL: i32 = 4;
pub const FIELD_TYPE: i32 = 5;
pub const FIELD_TYPE_NAME: i32 = 6;
pub const FIELD_DEFAULT_VALUE: i32 = 7;
pub const FIELD_OPTIONS: i32 = 8;
pub const FIELD_JSON_NAME: i32 = 10;

// EnumDescriptorProto
pub const ENUM_VALUE: i32 = 2;
pub const ENUM_OPTIONS: i32 = 3;

// EnumValueDescriptorProto
pub const ENUM_VALUE_NUMBER: i32 = 2;

// ServiceDescriptorProto
pub const SERVICE_METHOD: i32 = 2;

// MethodDescriptorProto
pub const METHOD_INPUT_TYPE: i32 = 2;
pub const METHOD_OUTPUT_TYPE: i32 = 3;
pub const METHOD_OPTIONS: i32 = 4;
pub const METHOD_CLIENT_STREAMING: i32 = 5;
pub const METHOD_SERVER_STREAMING: i32 = 6;

// FileOptions
pub const FILE_OPTION_JAVA_PACKAGE: i32 = 1;
pub const FILE_OPTION_JAVA_OUTER_CLASSNAME: i32 = 8;
pub const FILE_OPTION_OPTIMIZE_FOR: i32 = 9;
pub const FILE_OPTION_JAVA_MULTIPLE_FILES: i32 = 10;
pub const FILE_OPTION_GO_PACKAGE: i32 = 11;
pub const FILE_OPTION_CC_GENERIC_SERVICES: i32 = 16;
pub const FILE_OPTION_JAVA_GENERIC_SERVICES: i32 = 17;
pub const FILE_OPTION_PY_GENERIC_SERVICES: i32 = 18;
pub const FILE_OPTION_JAVA_STRING_CHECK_UTF8: i32 = 27;
pub const FILE_OPTION_CC_ENABLE_ARENAS: i32 = 31;
pub const FILE_OPTION_OBJC_CLASS_PREFIX: i32 = 36;
pub const FILE_OPTION_CSHARP_NAMESPACE: i32 = 37;
pub const FILE_OPTION_SWIFT_PREFIX: i32 = 39;
pub const FILE_OPTION_PHP_CLASS_PREFIX: i32 = 40;
pub const FILE_OPTION_PHP_NAMESPACE: i32 = 41;
pub const FILE_OPTION_PHP_GENERIC_SERVICES: i32 = 42;
pub const FILE_OPTION_PHP_METADATA_NAMESPACE: i32 = 44;
pub const FILE_OPTION_RUBY_PACKAGE: i32 = 45;

// MessageOptions
pub const MESSAGE_OPTION_NO_STANDARD_DESCRIPTOR_ACCESSOR: i32 = 2;

// FieldOptions
pub const FIELD_OPTION_CTYPE: i32 = 1;
pub const FIELD_OPTION_JSTYPE: i32 = 6;

// EnumOptions
pub const ENUM_OPTION_ALLOW_ALIAS: i32 = 2;

// MethodOptions
pub const METHOD_OPTION_IDEMPOTENCY_LEVEL: i32 = 34;
