//! Every breaking rule, one file each; each file's rule binds to its catalog entry
//! `rules/<ID>.md`. One line per rule in `registry!`, which declares the rule's module and lists
//! it in [`all`]; helpers shared by several rules (`*_common`) are plain `mod` lines above it.

mod prelude {
    pub use crate::breaking::{
        Context, Enum, EnumValue, Field, File, Image, Located, Message, Method, Rule, Service,
    };
    pub use crate::declare_rule;
    pub use crate::descriptor::{is_map_entry, is_synthetic_oneof, path_with, tag};
}

mod delete_common;
mod element_common;
mod field_common;
mod field_type_common;
mod file_option_common;
pub(crate) mod reserved_common;

crate::registry! {
    enum_no_delete::EnumNoDelete,
    enum_same_json_format::EnumSameJsonFormat,
    enum_same_type::EnumSameType,
    enum_value_no_delete::EnumValueNoDelete,
    enum_value_no_delete_unless_name_reserved::EnumValueNoDeleteUnlessNameReserved,
    enum_value_no_delete_unless_number_reserved::EnumValueNoDeleteUnlessNumberReserved,
    enum_value_same_name::EnumValueSameName,
    extension_message_no_delete::ExtensionMessageNoDelete,
    extension_no_delete::ExtensionNoDelete,
    field_no_delete::FieldNoDelete,
    field_no_delete_unless_name_reserved::FieldNoDeleteUnlessNameReserved,
    field_no_delete_unless_number_reserved::FieldNoDeleteUnlessNumberReserved,
    field_same_cardinality::FieldSameCardinality,
    field_same_cpp_string_type::FieldSameCppStringType,
    field_same_ctype::FieldSameCtype,
    field_same_default::FieldSameDefault,
    field_same_java_utf8_validation::FieldSameJavaUtf8Validation,
    field_same_json_name::FieldSameJsonName,
    field_same_jstype::FieldSameJstype,
    field_same_label::FieldSameLabel,
    field_same_name::FieldSameName,
    field_same_oneof::FieldSameOneof,
    field_same_type::FieldSameType,
    field_same_utf8_validation::FieldSameUtf8Validation,
    field_wire_compatible_cardinality::FieldWireCompatibleCardinality,
    field_wire_compatible_type::FieldWireCompatibleType,
    field_wire_json_compatible_cardinality::FieldWireJsonCompatibleCardinality,
    field_wire_json_compatible_type::FieldWireJsonCompatibleType,
    file_no_delete::FileNoDelete,
    file_same_cc_enable_arenas::FileSameCcEnableArenas,
    file_same_cc_generic_services::FileSameCcGenericServices,
    file_same_csharp_namespace::FileSameCsharpNamespace,
    file_same_go_package::FileSameGoPackage,
    file_same_java_generic_services::FileSameJavaGenericServices,
    file_same_java_multiple_files::FileSameJavaMultipleFiles,
    file_same_java_outer_classname::FileSameJavaOuterClassname,
    file_same_java_package::FileSameJavaPackage,
    file_same_java_string_check_utf8::FileSameJavaStringCheckUtf8,
    file_same_objc_class_prefix::FileSameObjcClassPrefix,
    file_same_optimize_for::FileSameOptimizeFor,
    file_same_package::FileSamePackage,
    file_same_php_class_prefix::FileSamePhpClassPrefix,
    file_same_php_generic_services::FileSamePhpGenericServices,
    file_same_php_metadata_namespace::FileSamePhpMetadataNamespace,
    file_same_php_namespace::FileSamePhpNamespace,
    file_same_py_generic_services::FileSamePyGenericServices,
    file_same_ruby_package::FileSameRubyPackage,
    file_same_swift_prefix::FileSameSwiftPrefix,
    file_same_syntax::FileSameSyntax,
    message_no_delete::MessageNoDelete,
    message_no_remove_standard_descriptor_accessor::MessageNoRemoveStandardDescriptorAccessor,
    message_same_json_format::MessageSameJsonFormat,
    message_same_message_set_wire_format::MessageSameMessageSetWireFormat,
    message_same_required_fields::MessageSameRequiredFields,
    oneof_no_delete::OneofNoDelete,
    package_enum_no_delete::PackageEnumNoDelete,
    package_extension_no_delete::PackageExtensionNoDelete,
    package_message_no_delete::PackageMessageNoDelete,
    package_no_delete::PackageNoDelete,
    package_service_no_delete::PackageServiceNoDelete,
    reserved_enum_no_delete::ReservedEnumNoDelete,
    reserved_message_no_delete::ReservedMessageNoDelete,
    rpc_no_delete::RpcNoDelete,
    rpc_same_client_streaming::RpcSameClientStreaming,
    rpc_same_idempotency_level::RpcSameIdempotencyLevel,
    rpc_same_request_type::RpcSameRequestType,
    rpc_same_response_type::RpcSameResponseType,
    rpc_same_server_streaming::RpcSameServerStreaming,
    service_no_delete::ServiceNoDelete,
}
