//! Breaking: a generated schema compared with itself has no findings, under every breaking
//! rule; compared with a mutation of itself (a change a developer makes), nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sous_fuzz::grammar::{Mutation, Schema};

fuzz_target!(|input: (Schema, Vec<Mutation>)| {
    let (schema, mutations) = input;
    let ws =
        sous_fuzz::workspace(sous_fuzz::every_breaking_rule()).expect("the configuration parses");
    let files = schema.render();
    sous_fuzz::in_pool(|| {
        let Some(old) = sous_fuzz::side(&ws, &files) else {
            return;
        };
        let same = sous_fuzz::side(&ws, &files).expect("compiles twice");
        let findings = sous_fuzz::breaking(&ws, &same, &old, Some(&ws));
        assert!(
            findings.is_empty(),
            "a schema compared with itself: {findings:#?}\n{files:#?}"
        );
        let mut changed = schema.clone();
        for mutation in mutations.iter().take(4) {
            changed.mutate(mutation);
        }
        if let Some(new) = sous_fuzz::side(&ws, &changed.render()) {
            sous_fuzz::breaking(&ws, &new, &old, Some(&ws));
            // And the other way round.
            sous_fuzz::breaking(&ws, &old, &new, Some(&ws));
        }
    });
});
