//! The walk's visitor for lint: each element of a file, as the shared descriptor walk hands it
//! out, becomes a node and goes to the matching hook of every enabled rule.

use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FileDescriptorProto, MethodDescriptorProto, OneofDescriptorProto, ServiceDescriptorProto,
};

use super::{
    Context, EnumNode, EnumValueNode, FieldNode, FileNode, MessageNode, MethodNode, OneofNode,
    Rule, ServiceNode,
};
use crate::descriptor::walk::{Flow, Site, Visitor};

/// The walk's visitor for one file: hands each element to the hook of every enabled rule, with
/// the context reporting in that rule's name.
pub(super) struct Hooks<'h, 'a> {
    pub rules: &'h [(&'static str, &'h dyn Rule)],
    pub file: &'a FileNode<'a>,
    pub cx: Context<'a>,
}

impl Hooks<'_, '_> {
    fn each(&mut self, hook: impl Fn(&dyn Rule, &mut Context)) {
        for &(id, rule) in self.rules {
            self.cx.rule = id;
            hook(rule, &mut self.cx);
        }
    }
}

impl<'f> Visitor<'f> for Hooks<'_, '_> {
    fn file(&mut self, _file: &'f FileDescriptorProto) {
        let file = self.file;
        self.each(|rule, cx| rule.check_file(cx, file));
    }

    fn message(&mut self, message: &'f DescriptorProto, at: &Site) -> Flow {
        // Map entries are not written in the source: no rule looks at them or inside them.
        if crate::descriptor::is_map_entry(message) {
            return Flow::Over;
        }
        let node = MessageNode {
            proto: message,
            path: at.path,
            full_name: at.full_name,
        };
        self.each(|rule, cx| rule.check_message(cx, &node));
        Flow::Into
    }

    fn field(&mut self, field: &'f FieldDescriptorProto, message: &'f DescriptorProto, at: &Site) {
        let node = FieldNode {
            proto: field,
            path: at.path,
            message: Some(message),
            message_full_name: at.parent,
        };
        self.each(|rule, cx| rule.check_field(cx, &node));
    }

    fn oneof(&mut self, oneof: &'f OneofDescriptorProto, message: &'f DescriptorProto, at: &Site) {
        let node = OneofNode {
            proto: oneof,
            path: at.path,
            index: at.index as i32,
            message,
        };
        self.each(|rule, cx| rule.check_oneof(cx, &node));
    }

    fn extension(&mut self, extension: &'f FieldDescriptorProto, at: &Site) {
        let node = FieldNode {
            proto: extension,
            path: at.path,
            message: None,
            message_full_name: at.parent,
        };
        self.each(|rule, cx| rule.check_field(cx, &node));
    }

    fn enum_(&mut self, e: &'f EnumDescriptorProto, at: &Site) {
        let node = EnumNode {
            proto: e,
            path: at.path,
            full_name: at.full_name,
        };
        self.each(|rule, cx| rule.check_enum(cx, &node));
    }

    fn enum_value(
        &mut self,
        value: &'f EnumValueDescriptorProto,
        e: &'f EnumDescriptorProto,
        at: &Site,
    ) {
        let node = EnumValueNode {
            proto: value,
            path: at.path,
            index: at.index,
            enum_: e,
            enum_full_name: at.parent,
        };
        self.each(|rule, cx| rule.check_enum_value(cx, &node));
    }

    fn service(&mut self, service: &'f ServiceDescriptorProto, at: &Site) {
        let node = ServiceNode {
            proto: service,
            path: at.path,
            full_name: at.full_name,
        };
        self.each(|rule, cx| rule.check_service(cx, &node));
    }

    fn method(
        &mut self,
        method: &'f MethodDescriptorProto,
        service: &'f ServiceDescriptorProto,
        at: &Site,
    ) {
        let node = MethodNode {
            proto: method,
            path: at.path,
            service,
            service_full_name: at.parent,
        };
        self.each(|rule, cx| rule.check_method(cx, &node));
    }
}
