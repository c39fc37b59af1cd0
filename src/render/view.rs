//! The documents' data as JSON values, for code that reads it by key (the questionnaire
//! tests do). The typed views in [`super::views`] are what the reports are built from; this
//! is the same data, serialised.

use super::trend::Previous;
use super::views;
use crate::inputs::Inputs;
use crate::reconcile::Reconciliation;
use crate::Run;
use serde_json::Value;

fn to_value(view: impl serde::Serialize) -> Value {
    serde_json::to_value(view).expect("report data is JSON")
}

/// The board report's data ([`views::board::board_report`]) as JSON, under the default
/// appetite and without history.
pub fn board_report(
    run: &Run,
    inputs: &Inputs,
    rec: &Reconciliation,
    previous: Option<&Previous>,
) -> Value {
    to_value(views::board::board_report(
        run,
        inputs,
        rec,
        &Default::default(),
        previous,
        &Default::default(),
    ))
}

/// A vendor pack's data ([`views::vendor::vendor_pack`]) as JSON.
pub fn vendor_pack(run: &Run, inputs: &Inputs, rec: &Reconciliation, vendor: &str) -> Value {
    to_value(views::vendor::vendor_pack(run, inputs, rec, vendor))
}
