//! `.proto` files generated from a grammar of declarations (see `sous_fuzz::grammar`), so that
//! most compile and the rules see them, linted with every rule.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sous_fuzz::grammar::Schema;

fuzz_target!(|schema: Schema| {
    let files = schema.render();
    let ws = sous_fuzz::workspace(sous_fuzz::every_lint_rule()).expect("the configuration parses");
    sous_fuzz::in_pool(|| sous_fuzz::lint(&ws, &files));
});
