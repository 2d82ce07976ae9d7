//! The list of lint rules: one line per rule. A rule lives in its own file, named after its ID.

#[allow(unused_imports)]
mod prelude {
    pub use crate::declare_rule;
    pub use crate::descriptor::{at, tag};
    pub use crate::lint::case;
    pub use crate::lint::{
        Context, EnumNode, EnumValueNode, FieldNode, FileNode, MessageNode, MethodNode, OneofNode,
        Rule, ServiceNode,
    };
}

mod comment_enum;
mod comment_enum_value;
mod comment_field;
mod comment_message;
mod comment_oneof;
mod comment_rpc;
mod comment_service;
mod directory_same_package;
mod enum_first_value_zero;
mod enum_no_allow_alias;
mod enum_pascal_case;
mod enum_value_prefix;
mod enum_value_upper_snake_case;
mod enum_zero_value_suffix;
mod field_lower_snake_case;
mod field_no_descriptor;
mod field_not_required;
mod file_lower_snake_case;
mod import_no_public;
mod import_no_weak;
pub(crate) mod import_used;
mod message_pascal_case;
mod oneof_lower_snake_case;
mod package_defined;
mod package_directory_match;
mod package_lower_snake_case;
mod package_no_import_cycle;
mod package_same;
mod package_same_csharp_namespace;
mod package_same_directory;
mod package_same_go_package;
mod package_same_java_multiple_files;
mod package_same_java_package;
mod package_same_php_namespace;
mod package_same_ruby_package;
mod package_same_swift_prefix;
mod package_version_suffix;
mod protovalidate;
mod rpc_no_client_streaming;
mod rpc_no_server_streaming;
mod rpc_pascal_case;
mod rpc_request_response_unique;
mod rpc_request_standard_name;
mod rpc_response_standard_name;
mod service_pascal_case;
mod service_suffix;
mod stable_package_no_import_unstable;
mod syntax_specified;

use super::Rule;

pub fn all() -> Vec<&'static dyn Rule> {
    vec![
        &comment_enum::CommentEnum,
        &comment_enum_value::CommentEnumValue,
        &comment_field::CommentField,
        &comment_message::CommentMessage,
        &comment_oneof::CommentOneof,
        &comment_rpc::CommentRpc,
        &comment_service::CommentService,
        &enum_first_value_zero::EnumFirstValueZero,
        &enum_no_allow_alias::EnumNoAllowAlias,
        &field_not_required::FieldNotRequired,
        &import_no_public::ImportNoPublic,
        &import_no_weak::ImportNoWeak,
        &import_used::ImportUsed,
        &rpc_no_client_streaming::RpcNoClientStreaming,
        &rpc_no_server_streaming::RpcNoServerStreaming,
        &rpc_request_response_unique::RpcRequestResponseUnique,
        &rpc_request_standard_name::RpcRequestStandardName,
        &rpc_response_standard_name::RpcResponseStandardName,
        &field_lower_snake_case::FieldLowerSnakeCase,
        &message_pascal_case::MessagePascalCase,
        &enum_pascal_case::EnumPascalCase,
        &enum_value_upper_snake_case::EnumValueUpperSnakeCase,
        &oneof_lower_snake_case::OneofLowerSnakeCase,
        &package_lower_snake_case::PackageLowerSnakeCase,
        &rpc_pascal_case::RpcPascalCase,
        &service_pascal_case::ServicePascalCase,
        &service_suffix::ServiceSuffix,
        &enum_value_prefix::EnumValuePrefix,
        &enum_zero_value_suffix::EnumZeroValueSuffix,
        &file_lower_snake_case::FileLowerSnakeCase,
        &field_no_descriptor::FieldNoDescriptor,
        &protovalidate::Protovalidate,
        &directory_same_package::DirectorySamePackage,
        &package_defined::PackageDefined,
        &package_directory_match::PackageDirectoryMatch,
        &package_no_import_cycle::PackageNoImportCycle,
        &package_same_csharp_namespace::PackageSameCsharpNamespace,
        &package_same_directory::PackageSameDirectory,
        &package_same_go_package::PackageSameGoPackage,
        &package_same_java_multiple_files::PackageSameJavaMultipleFiles,
        &package_same_java_package::PackageSameJavaPackage,
        &package_same_php_namespace::PackageSamePhpNamespace,
        &package_same_ruby_package::PackageSameRubyPackage,
        &package_same_swift_prefix::PackageSameSwiftPrefix,
        &package_version_suffix::PackageVersionSuffix,
        &stable_package_no_import_unstable::StablePackageNoImportUnstable,
        &syntax_specified::SyntaxSpecified,
    ]
}
