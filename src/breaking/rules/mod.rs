//! Every breaking rule, one file each; each file's rule binds to its catalog entry
//! `rules/<ID>.md`.

#[allow(unused_imports)]
mod prelude {
    pub use crate::breaking::{
        Context, Enum, EnumValue, Field, File, Image, Located, Message, Method, Oneof, Rule,
        Service,
    };
    pub use crate::declare_rule;
    pub use crate::descriptor::{at, child, is_synthetic_oneof, tag};
}

use super::Rule;

mod delete_common;
mod element_common;
mod enum_no_delete;
mod enum_same_json_format;
mod enum_same_type;
mod enum_value_no_delete;
mod enum_value_no_delete_unless_name_reserved;
mod enum_value_no_delete_unless_number_reserved;
mod enum_value_same_name;
mod extension_message_no_delete;
mod extension_no_delete;
mod field_common;
mod field_no_delete;
mod field_no_delete_unless_name_reserved;
mod field_no_delete_unless_number_reserved;
mod field_same_cardinality;
mod field_same_cpp_string_type;
mod field_same_ctype;
mod field_same_default;
mod field_same_java_utf8_validation;
mod field_same_json_name;
mod field_same_jstype;
mod field_same_label;
mod field_same_name;
mod field_same_oneof;
mod field_same_type;
mod field_same_utf8_validation;
mod field_type_common;
mod field_wire_compatible_cardinality;
mod field_wire_compatible_type;
mod field_wire_json_compatible_cardinality;
mod field_wire_json_compatible_type;
mod file_no_delete;
mod file_option_common;
mod file_same_cc_enable_arenas;
mod file_same_cc_generic_services;
mod file_same_csharp_namespace;
mod file_same_go_package;
mod file_same_java_generic_services;
mod file_same_java_multiple_files;
mod file_same_java_outer_classname;
mod file_same_java_package;
mod file_same_java_string_check_utf8;
mod file_same_objc_class_prefix;
mod file_same_optimize_for;
mod file_same_package;
mod file_same_php_class_prefix;
mod file_same_php_generic_services;
mod file_same_php_metadata_namespace;
mod file_same_php_namespace;
mod file_same_py_generic_services;
mod file_same_ruby_package;
mod file_same_swift_prefix;
mod file_same_syntax;
mod message_no_delete;
mod message_no_remove_standard_descriptor_accessor;
mod message_same_json_format;
mod message_same_message_set_wire_format;
mod message_same_required_fields;
mod oneof_no_delete;
mod package_enum_no_delete;
mod package_extension_no_delete;
mod package_message_no_delete;
mod package_no_delete;
mod package_service_no_delete;
mod reserved_common;
mod reserved_enum_no_delete;
mod reserved_message_no_delete;
mod rpc_no_delete;
mod rpc_same_client_streaming;
mod rpc_same_idempotency_level;
mod rpc_same_request_type;
mod rpc_same_response_type;
mod rpc_same_server_streaming;
mod service_no_delete;

/// Every rule, in no particular order: the catalog decides which run.
pub fn all() -> Vec<&'static dyn Rule> {
    vec![
        &field_no_delete::FieldNoDelete,
        &field_same_type::FieldSameType,
        &field_wire_compatible_type::FieldWireCompatibleType,
        &field_wire_json_compatible_type::FieldWireJsonCompatibleType,
        &field_same_cardinality::FieldSameCardinality,
        &field_wire_compatible_cardinality::FieldWireCompatibleCardinality,
        &field_wire_json_compatible_cardinality::FieldWireJsonCompatibleCardinality,
        &field_same_label::FieldSameLabel,
        &enum_value_no_delete::EnumValueNoDelete,
        &enum_value_no_delete_unless_name_reserved::EnumValueNoDeleteUnlessNameReserved,
        &enum_value_no_delete_unless_number_reserved::EnumValueNoDeleteUnlessNumberReserved,
        &field_no_delete_unless_name_reserved::FieldNoDeleteUnlessNameReserved,
        &field_no_delete_unless_number_reserved::FieldNoDeleteUnlessNumberReserved,
        &reserved_enum_no_delete::ReservedEnumNoDelete,
        &reserved_message_no_delete::ReservedMessageNoDelete,
        &file_no_delete::FileNoDelete,
        &field_same_name::FieldSameName,
        &field_same_json_name::FieldSameJsonName,
        &field_same_default::FieldSameDefault,
        &field_same_oneof::FieldSameOneof,
        &field_same_cpp_string_type::FieldSameCppStringType,
        &field_same_java_utf8_validation::FieldSameJavaUtf8Validation,
        &field_same_jstype::FieldSameJstype,
        &field_same_utf8_validation::FieldSameUtf8Validation,
        &field_same_ctype::FieldSameCtype,
        &message_no_delete::MessageNoDelete,
        &enum_no_delete::EnumNoDelete,
        &service_no_delete::ServiceNoDelete,
        &extension_no_delete::ExtensionNoDelete,
        &rpc_no_delete::RpcNoDelete,
        &oneof_no_delete::OneofNoDelete,
        &extension_message_no_delete::ExtensionMessageNoDelete,
        &package_no_delete::PackageNoDelete,
        &package_message_no_delete::PackageMessageNoDelete,
        &package_enum_no_delete::PackageEnumNoDelete,
        &package_service_no_delete::PackageServiceNoDelete,
        &package_extension_no_delete::PackageExtensionNoDelete,
        &enum_same_type::EnumSameType,
        &enum_same_json_format::EnumSameJsonFormat,
        &enum_value_same_name::EnumValueSameName,
        &message_same_json_format::MessageSameJsonFormat,
        &message_same_required_fields::MessageSameRequiredFields,
        &message_no_remove_standard_descriptor_accessor::MessageNoRemoveStandardDescriptorAccessor,
        &message_same_message_set_wire_format::MessageSameMessageSetWireFormat,
        &rpc_same_client_streaming::RpcSameClientStreaming,
        &rpc_same_server_streaming::RpcSameServerStreaming,
        &rpc_same_request_type::RpcSameRequestType,
        &rpc_same_response_type::RpcSameResponseType,
        &rpc_same_idempotency_level::RpcSameIdempotencyLevel,
        &file_same_cc_enable_arenas::FileSameCcEnableArenas,
        &file_same_cc_generic_services::FileSameCcGenericServices,
        &file_same_csharp_namespace::FileSameCsharpNamespace,
        &file_same_go_package::FileSameGoPackage,
        &file_same_java_generic_services::FileSameJavaGenericServices,
        &file_same_java_multiple_files::FileSameJavaMultipleFiles,
        &file_same_java_outer_classname::FileSameJavaOuterClassname,
        &file_same_java_package::FileSameJavaPackage,
        &file_same_java_string_check_utf8::FileSameJavaStringCheckUtf8,
        &file_same_objc_class_prefix::FileSameObjcClassPrefix,
        &file_same_optimize_for::FileSameOptimizeFor,
        &file_same_package::FileSamePackage,
        &file_same_php_class_prefix::FileSamePhpClassPrefix,
        &file_same_php_generic_services::FileSamePhpGenericServices,
        &file_same_php_metadata_namespace::FileSamePhpMetadataNamespace,
        &file_same_php_namespace::FileSamePhpNamespace,
        &file_same_py_generic_services::FileSamePyGenericServices,
        &file_same_ruby_package::FileSameRubyPackage,
        &file_same_swift_prefix::FileSameSwiftPrefix,
        &file_same_syntax::FileSameSyntax,
    ]
}
