//! The list of lint rules: one line per rule in `registry!`, which declares the rule's module and
//! lists it in [`all`]. A rule lives in its own file, named after its ID; helpers shared by
//! several rules (`*_common`) are plain `mod` lines above the registry.

mod prelude {
    pub use crate::declare_rule;
    pub use crate::descriptor::{path_with, tag};
    pub use crate::lint::case;
    pub use crate::lint::{
        Context, EnumNode, EnumValueNode, FieldNode, FileNode, MessageNode, MethodNode, OneofNode,
        Rule, ServiceNode,
    };
}

mod comment_common;
mod package_same_common;

crate::registry! {
    comment_enum::CommentEnum,
    comment_enum_value::CommentEnumValue,
    comment_field::CommentField,
    comment_message::CommentMessage,
    comment_oneof::CommentOneof,
    comment_rpc::CommentRpc,
    comment_service::CommentService,
    directory_same_package::DirectorySamePackage,
    enum_first_value_zero::EnumFirstValueZero,
    enum_no_allow_alias::EnumNoAllowAlias,
    enum_pascal_case::EnumPascalCase,
    enum_value_prefix::EnumValuePrefix,
    enum_value_upper_snake_case::EnumValueUpperSnakeCase,
    enum_zero_value_suffix::EnumZeroValueSuffix,
    field_lower_snake_case::FieldLowerSnakeCase,
    field_no_descriptor::FieldNoDescriptor,
    field_not_required::FieldNotRequired,
    file_lower_snake_case::FileLowerSnakeCase,
    import_no_public::ImportNoPublic,
    import_no_weak::ImportNoWeak,
    import_used::ImportUsed,
    message_pascal_case::MessagePascalCase,
    oneof_lower_snake_case::OneofLowerSnakeCase,
    package_defined::PackageDefined,
    package_directory_match::PackageDirectoryMatch,
    package_lower_snake_case::PackageLowerSnakeCase,
    package_no_import_cycle::PackageNoImportCycle,
    package_same_csharp_namespace::PackageSameCsharpNamespace,
    package_same_directory::PackageSameDirectory,
    package_same_go_package::PackageSameGoPackage,
    package_same_java_multiple_files::PackageSameJavaMultipleFiles,
    package_same_java_package::PackageSameJavaPackage,
    package_same_php_namespace::PackageSamePhpNamespace,
    package_same_ruby_package::PackageSameRubyPackage,
    package_same_swift_prefix::PackageSameSwiftPrefix,
    package_version_suffix::PackageVersionSuffix,
    protovalidate::Protovalidate,
    rpc_no_client_streaming::RpcNoClientStreaming,
    rpc_no_server_streaming::RpcNoServerStreaming,
    rpc_pascal_case::RpcPascalCase,
    rpc_request_response_unique::RpcRequestResponseUnique,
    rpc_request_standard_name::RpcRequestStandardName,
    rpc_response_standard_name::RpcResponseStandardName,
    service_pascal_case::ServicePascalCase,
    service_suffix::ServiceSuffix,
    stable_package_no_import_unstable::StablePackageNoImportUnstable,
    syntax_specified::SyntaxSpecified,
}
